// Which input views the Cortex-M4 SMLAD taps accept (cortex_m4_dsp.row_major_packed): a
// row band (a subview of whole rows, at any offset) is packed row-major and read through a
// flat view that keeps its offset; a window of some columns is not packed, so the
// convolution keeps the scalar channel tiles, indexing the window per dimension.
// RUN: tinymlir-opt %s --target-desc=cortex-m4 --split-input-file -p 'convert-kernel-to-loops,canonicalize,cse' | filecheck %s

// Rows 1-4 of an 8-row map.
// CHECK-LABEL: func.func @row_band
// CHECK:         %[[ROWS:.*]] = memref.subview %x[0, 1, 0, 0] [1, 4, 8, 4] [1, 1, 1, 1]
// CHECK:         %[[FLAT:.*]] = memref.collapse_shape %[[ROWS]] {{\[\[}}0 : i64, 1 : i64, 2 : i64, 3 : i64]] : memref<1x4x8x4xi8, strided<[256, 32, 4, 1], offset: 32>> into memref<128xi8, strided<[1], offset: 32>>
// CHECK:         mcuc.load_s8x4 %[[FLAT]]
// CHECK:         mcuc.smlad
"memref.global"() <{sym_name = "a_weight", type = memref<4x3x3x4xi8>, initial_value = dense<1> : tensor<4x3x3x4xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
"memref.global"() <{sym_name = "a_bias", type = memref<4xi32>, initial_value = dense<0> : tensor<4xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
func.func @row_band(%x: memref<1x8x8x4xi8>, %a_out: memref<1x4x8x4xi8>) {
  %a_weight = memref.get_global @a_weight : memref<4x3x3x4xi8>
  %a_bias = memref.get_global @a_bias : memref<4xi32>
  %rows = memref.subview %x[0, 1, 0, 0] [1, 4, 8, 4] [1, 1, 1, 1] : memref<1x8x8x4xi8> to memref<1x4x8x4xi8, strided<[256, 32, 4, 1], offset: 32>>
  qk.conv2d ins(%rows, %a_weight, %a_bias : memref<1x4x8x4xi8, strided<[256, 32, 4, 1], offset: 32>>, memref<4x3x3x4xi8>, memref<4xi32>) outs(%a_out : memref<1x4x8x4xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x4x8x4xi8, 0.5:3>], output_type = !qnn.qtensor<1x4x8x4xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1717986944 : i32, shift = -3 : i32}
  func.return
}

// -----

// Columns 1-6 of an 8-column map: no flat view, no SMLAD.
// CHECK-LABEL: func.func @column_window
// CHECK-NOT:     memref.collapse_shape
// CHECK-NOT:     mcuc.smlad
// CHECK:         memref.load %columns[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<1x4x6x4xi8, strided<[128, 32, 4, 1], offset: 4>>
// CHECK-NOT:     mcuc.smlad
// CHECK:         func.return
"memref.global"() <{sym_name = "a_weight", type = memref<4x3x3x4xi8>, initial_value = dense<1> : tensor<4x3x3x4xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
"memref.global"() <{sym_name = "a_bias", type = memref<4xi32>, initial_value = dense<0> : tensor<4xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
func.func @column_window(%x: memref<1x4x8x4xi8>, %a_out: memref<1x4x6x4xi8>) {
  %a_weight = memref.get_global @a_weight : memref<4x3x3x4xi8>
  %a_bias = memref.get_global @a_bias : memref<4xi32>
  %columns = memref.subview %x[0, 0, 1, 0] [1, 4, 6, 4] [1, 1, 1, 1] : memref<1x4x8x4xi8> to memref<1x4x6x4xi8, strided<[128, 32, 4, 1], offset: 4>>
  qk.conv2d ins(%columns, %a_weight, %a_bias : memref<1x4x6x4xi8, strided<[128, 32, 4, 1], offset: 4>>, memref<4x3x3x4xi8>, memref<4xi32>) outs(%a_out : memref<1x4x6x4xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x4x6x4xi8, 0.5:3>], output_type = !qnn.qtensor<1x4x6x4xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1717986944 : i32, shift = -3 : i32}
  func.return
}
