// The clamp of the Cortex-M4 short requantiser (cortex_m4_requant.py) before the int8
// store: mcuc.ssat 8 (one SSAT; GCC emits none for min/max) for the int8 range, plus one
// max or min for a fused activation's bound inside it; a plain max and min when both are.
// RUN: tinymlir-opt %s --target-desc=cortex-m4 --split-input-file -p 'convert-kernel-to-loops,canonicalize,cse' | filecheck %s

// The int8 range: one SSAT (mcuc.ssat 8) per output before the store, no bound and no
// shift-compare-xor.
// CHECK-LABEL: func.func @int8_range
// CHECK:         mcuc.smmulr
// CHECK:         arith.shrsi
// CHECK:         %[[Y:.*]] = arith.shrsi %{{.*}}, %{{.*}} : i32
// CHECK-NEXT:    %[[S:.*]] = mcuc.ssat %[[Y]], 8
// CHECK-NOT:     arith.maxsi
// CHECK-NOT:     arith.minsi
// CHECK-NOT:     arith.xori
// CHECK:         arith.trunci %[[S]] : i32 to i8
// CHECK:         func.return
"memref.global"() <{sym_name = "a_weight", type = memref<4x1x1x4xi8>, initial_value = dense<[[[[1, -2, 3, 4]]], [[[5, 6, -7, 127]]], [[[-128, 1, 0, 2]]], [[[9, 9, 9, 9]]]]> : tensor<4x1x1x4xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
"memref.global"() <{sym_name = "a_bias", type = memref<4xi32>, initial_value = dense<[7, -300, 12, 0]> : tensor<4xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
func.func @int8_range(%x: memref<1x2x2x4xi8>, %a_out: memref<1x2x2x4xi8>) {
  %a_weight = memref.get_global @a_weight : memref<4x1x1x4xi8>
  %a_bias = memref.get_global @a_bias : memref<4xi32>
  qk.conv2d ins(%x, %a_weight, %a_bias : memref<1x2x2x4xi8>, memref<4x1x1x4xi8>, memref<4xi32>) outs(%a_out : memref<1x2x2x4xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x2x2x4xi8, 0.5:3>], output_type = !qnn.qtensor<1x2x2x4xi8, 0.5:-5>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1717986944 : i32, shift = -3 : i32}
  func.return
}

// -----

// A fused ReLU with output zero point -5, [-5, 127]: SSAT, then the lower bound as a max.
// CHECK-LABEL: func.func @relu
// CHECK:         %[[LO:.*]] = arith.constant -5 : i32
// CHECK:         arith.shrsi
// CHECK:         %[[Y:.*]] = arith.shrsi %{{.*}}, %{{.*}} : i32
// CHECK-NEXT:    %[[S:.*]] = mcuc.ssat %[[Y]], 8
// CHECK-NEXT:    %[[R:.*]] = arith.maxsi %[[S]], %[[LO]] : i32
// CHECK-NOT:     arith.minsi
// CHECK:         arith.trunci %[[R]] : i32 to i8
// CHECK:         func.return
"memref.global"() <{sym_name = "a_weight", type = memref<4x1x1x4xi8>, initial_value = dense<[[[[1, -2, 3, 4]]], [[[5, 6, -7, 127]]], [[[-128, 1, 0, 2]]], [[[9, 9, 9, 9]]]]> : tensor<4x1x1x4xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
"memref.global"() <{sym_name = "a_bias", type = memref<4xi32>, initial_value = dense<[7, -300, 12, 0]> : tensor<4xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
func.func @relu(%x: memref<1x2x2x4xi8>, %a_out: memref<1x2x2x4xi8>) {
  %a_weight = memref.get_global @a_weight : memref<4x1x1x4xi8>
  %a_bias = memref.get_global @a_bias : memref<4xi32>
  qk.conv2d ins(%x, %a_weight, %a_bias : memref<1x2x2x4xi8>, memref<4x1x1x4xi8>, memref<4xi32>) outs(%a_out : memref<1x2x2x4xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x2x2x4xi8, 0.5:3>], output_type = !qnn.qtensor<1x2x2x4xi8, 0.5:-5>, clamp = array<i64: -5, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1717986944 : i32, shift = -3 : i32}
  func.return
}

// -----

// An upper bound only, [-128, 60]: SSAT, then the bound as a min.
// CHECK-LABEL: func.func @upper_bound
// CHECK:         %[[HI:.*]] = arith.constant 60 : i32
// CHECK:         arith.shrsi
// CHECK:         %[[Y:.*]] = arith.shrsi %{{.*}}, %{{.*}} : i32
// CHECK-NEXT:    %[[S:.*]] = mcuc.ssat %[[Y]], 8
// CHECK-NEXT:    %[[R:.*]] = arith.minsi %[[S]], %[[HI]] : i32
// CHECK-NOT:     arith.maxsi
// CHECK:         arith.trunci %[[R]] : i32 to i8
// CHECK:         func.return
"memref.global"() <{sym_name = "a_weight", type = memref<4x1x1x4xi8>, initial_value = dense<[[[[1, -2, 3, 4]]], [[[5, 6, -7, 127]]], [[[-128, 1, 0, 2]]], [[[9, 9, 9, 9]]]]> : tensor<4x1x1x4xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
"memref.global"() <{sym_name = "a_bias", type = memref<4xi32>, initial_value = dense<[7, -300, 12, 0]> : tensor<4xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
func.func @upper_bound(%x: memref<1x2x2x4xi8>, %a_out: memref<1x2x2x4xi8>) {
  %a_weight = memref.get_global @a_weight : memref<4x1x1x4xi8>
  %a_bias = memref.get_global @a_bias : memref<4xi32>
  qk.conv2d ins(%x, %a_weight, %a_bias : memref<1x2x2x4xi8>, memref<4x1x1x4xi8>, memref<4xi32>) outs(%a_out : memref<1x2x2x4xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x2x2x4xi8, 0.5:3>], output_type = !qnn.qtensor<1x2x2x4xi8, 0.5:-5>, clamp = array<i64: -128, 60>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1717986944 : i32, shift = -3 : i32}
  func.return
}

// -----

// Both bounds inside the int8 range (ReLU6 with zero point -5, [-5, 60]): the max and the
// min already saturate, so no SSAT.
// CHECK-LABEL: func.func @relu6
// CHECK-NOT:     mcuc.ssat
// CHECK:         arith.shrsi
// CHECK:         %[[Y:.*]] = arith.shrsi %{{.*}}, %{{.*}} : i32
// CHECK-NEXT:    %[[M:.*]] = arith.maxsi %[[Y]], %{{.*}} : i32
// CHECK-NEXT:    %[[R:.*]] = arith.minsi %[[M]], %{{.*}} : i32
// CHECK-NOT:     mcuc.ssat
// CHECK:         arith.trunci %[[R]] : i32 to i8
// CHECK:         func.return
"memref.global"() <{sym_name = "a_weight", type = memref<4x1x1x4xi8>, initial_value = dense<[[[[1, -2, 3, 4]]], [[[5, 6, -7, 127]]], [[[-128, 1, 0, 2]]], [[[9, 9, 9, 9]]]]> : tensor<4x1x1x4xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
"memref.global"() <{sym_name = "a_bias", type = memref<4xi32>, initial_value = dense<[7, -300, 12, 0]> : tensor<4xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
func.func @relu6(%x: memref<1x2x2x4xi8>, %a_out: memref<1x2x2x4xi8>) {
  %a_weight = memref.get_global @a_weight : memref<4x1x1x4xi8>
  %a_bias = memref.get_global @a_bias : memref<4xi32>
  qk.conv2d ins(%x, %a_weight, %a_bias : memref<1x2x2x4xi8>, memref<4x1x1x4xi8>, memref<4xi32>) outs(%a_out : memref<1x2x2x4xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x2x2x4xi8, 0.5:3>], output_type = !qnn.qtensor<1x2x2x4xi8, 0.5:-5>, clamp = array<i64: -5, 60>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1717986944 : i32, shift = -3 : i32}
  func.return
}
