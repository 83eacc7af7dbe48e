// patch.stage and patch.band_loop round-trip, in the custom and the generic form: a
// two-layer stage (a 3x3 convolution, a 1x1 one) in 2 row bands, band 1 as a band loop.
// RUN: tinymlir-opt %s | tinymlir-opt | filecheck %s
// RUN: tinymlir-opt %s --print-op-generic | tinymlir-opt | filecheck %s

// CHECK-LABEL: func.func @stage
// CHECK:         patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8>
// CHECK-SAME:      layers [#patch.layer<"a", map [4, 4] reads {{\[\[}}4, 4{{\]\]}} pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads {{\[\[}}4, 4{{\]\]}} pads [0, 0, 0, 0]>]
// CHECK-SAME:      bands {{\[\[}}#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>],
// CHECK-SAME:             [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>{{\]\]}} {
// CHECK-NEXT:      %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
// CHECK:           qk.conv2d
// CHECK:           qk.conv2d
// CHECK:           %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
// CHECK-NEXT:      patch.band_loop %band in bands 1 to 2 {
// CHECK:             qk.conv2d
// CHECK:             qk.conv2d
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return
func.func @stage(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}
