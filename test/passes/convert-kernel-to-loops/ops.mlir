// The generic lowerings (on cortex-m4f; cortex-m4's own are in cortex-m4.mlir).
// RUN: tinymlir-opt %s --target-desc=cortex-m4f --split-input-file -p 'convert-qnn-to-kernel,kernel-in-place,convert-kernel-to-loops,canonicalize,cse' | filecheck %s

// Unpadded convolution: the input zero point is folded into the bias (1*5*... below),
// per-channel requantisation reads constant tables, the result is written straight
// into the output argument.
// CHECK:       "memref.global"() <{sym_name = "y_weight", type = memref<2x1x1x2xi8>, initial_value = dense<{{\[}}{{\[}}{{\[}}[1, 2]]], {{\[}}{{\[}}[3, 4]]]]> : tensor<2x1x1x2xi8>, sym_visibility = "private", constant, alignment = 4 : i64}>
// CHECK-NEXT:  "memref.global"() <{sym_name = "y_bias", type = memref<2xi32>, initial_value = dense<[-5, 65]> : tensor<2xi32>
// CHECK-NEXT:  "memref.global"() <{sym_name = "y_multiplier", type = memref<2xi32>
// CHECK-NEXT:  "memref.global"() <{sym_name = "y_shift", type = memref<2xi8>
// CHECK-LABEL: func.func @conv_1x1(%x: memref<1x3x3x2xi8> {tinymlir.role = "input", tinymlir.name = "x", tinymlir.shape = array<i64: 1, 3, 3, 2>, tinymlir.scale = 5.000000e-01 : f32, tinymlir.zero_point = -1 : i32, tinymlir.storage = "int8"}, %y_out: memref<1x3x3x2xi8> {tinymlir.role = "output", tinymlir.name = "y", tinymlir.shape = array<i64: 1, 3, 3, 2>, tinymlir.scale = 2.500000e-01 : f32, tinymlir.zero_point = 3 : i32, tinymlir.storage = "int8"}) {
// CHECK-NOT:     memref.alloc
// CHECK:         scf.for
// CHECK:           memref.load %y_bias
// CHECK-NOT:       arith.subi
// CHECK:           arith.muli %{{.*}}, %{{.*}} : i32
// CHECK:           memref.load %y_multiplier
// CHECK:           memref.load %y_shift
// CHECK:           fxp.multiply_by_quantized_multiplier
// CHECK:           arith.maxsi %{{.*}}, %{{.*}} : i32
// CHECK:           arith.minsi %{{.*}}, %{{.*}} : i32
// CHECK:           arith.trunci
// CHECK:           memref.store %{{.*}}, %y_out
// CHECK:         func.return
func.func @conv_1x1(%x: !qnn.qtensor<1x3x3x2xi8, 0.5:-1>) -> !qnn.qtensor<1x3x3x2xi8, 0.25:3> {
  %w = qnn.constant dense<[[[[1, 2]]], [[[3, 4]]]]> : tensor<2x1x1x2xi8> -> !qnn.qtensor<2x1x1x2xi8, axis 0 {0.1:0, 0.3:0}>
  %b = arith.constant dense<[-8, 58]> : tensor<2xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:-1>, !qnn.qtensor<2x1x1x2xi8, axis 0 {0.1:0, 0.3:0}>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.25:3>
  func.return %y : !qnn.qtensor<1x3x3x2xi8, 0.25:3>
}

// -----

// Padded depthwise convolution: padding taps are skipped with clamped window bounds
// (TFLM semantics), so the zero point is subtracted in the loop instead of folded.
// Channel multipliers that agree become scalar constants.
// CHECK-LABEL: func.func @depthwise_padded
// CHECK:         scf.for
// CHECK:           arith.maxsi %{{.*}}, %{{.*}} : index
// CHECK:           arith.minsi %{{.*}}, %{{.*}} : index
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (i32)
// CHECK:             arith.subi %{{.*}}, %{{.*}} : i32
// CHECK-NOT:     memref.load %{{.*}}_multiplier
// CHECK:         fxp.multiply_by_quantized_multiplier
func.func @depthwise_padded(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:-1>) -> !qnn.qtensor<1x4x4x2xi8, 0.25:3> {
  %w = qnn.constant dense<1> : tensor<2x3x3x1xi8> -> !qnn.qtensor<2x3x3x1xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<2xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 2 clamp [3, 127] : !qnn.qtensor<1x4x4x2xi8, 0.5:-1>, !qnn.qtensor<2x3x3x1xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xi8, 0.25:3>
  func.return %y : !qnn.qtensor<1x4x4x2xi8, 0.25:3>
}

// -----

// Dilated and padded: window taps are tested one by one.
// CHECK-LABEL: func.func @dilated
// CHECK:         scf.if %{{.*}} -> (i32)
func.func @dilated(%x: !qnn.qtensor<1x5x5x1xi8, 0.5:0>) -> !qnn.qtensor<1x5x5x1xi8, 0.25:0> {
  %w = qnn.constant dense<1> : tensor<1x3x3x1xi8> -> !qnn.qtensor<1x3x3x1xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<1xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [2, 2, 2, 2] dilations [2, 2] groups 1 : !qnn.qtensor<1x5x5x1xi8, 0.5:0>, !qnn.qtensor<1x3x3x1xi8, 0.1:0>, tensor<1xi32> -> !qnn.qtensor<1x5x5x1xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x5x5x1xi8, 0.25:0>
}

// -----

// Fully connected: folded bias (0 - (-2) * (1 + 2)) = 6, one multiplier.
// CHECK:       "memref.global"() <{sym_name = "y_bias", type = memref<1xi32>, initial_value = dense<6> : tensor<1xi32>
// CHECK-LABEL: func.func @dense
// CHECK:         %[[ACC:.*]] = scf.for {{.*}} -> (i32)
// CHECK:         fxp.multiply_by_quantized_multiplier %[[ACC]], %{{.*}}, %{{.*}} : i32
func.func @dense(%x: !qnn.qtensor<1x2xi8, 0.5:-2>) -> !qnn.qtensor<1x1xi8, 0.25:0> {
  %w = qnn.constant dense<[[1, 2]]> : tensor<1x2xi8> -> !qnn.qtensor<1x2xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<1xi32>
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x2xi8, 0.5:-2>, !qnn.qtensor<1x2xi8, 0.1:0>, tensor<1xi32> -> !qnn.qtensor<1x1xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x1xi8, 0.25:0>
}

// -----

// Add with broadcasting: TFLM's scheme (inputs shifted left by 20, three multipliers).
// CHECK-LABEL: func.func @add_broadcast
// CHECK:         %[[SHIFT:.*]] = arith.constant 1048576 : i32
// CHECK:         memref.load %a[
// CHECK:         fxp.multiply_by_quantized_multiplier
// CHECK:         memref.load %b[%[[ZERO:.*]], %{{.*}}, %{{.*}}, %[[ZERO]]] : memref<1x2x2x1xi8>
// CHECK-COUNT-2: fxp.multiply_by_quantized_multiplier
func.func @add_broadcast(%a: !qnn.qtensor<1x2x2x3xi8, 0.5:1>, %b: !qnn.qtensor<1x2x2x1xi8, 0.25:-3>) -> !qnn.qtensor<1x2x2x3xi8, 0.75:0> {
  %y = qnn.add %a, %b : !qnn.qtensor<1x2x2x3xi8, 0.5:1>, !qnn.qtensor<1x2x2x1xi8, 0.25:-3> -> !qnn.qtensor<1x2x2x3xi8, 0.75:0>
  func.return %y : !qnn.qtensor<1x2x2x3xi8, 0.75:0>
}

// -----

// Average pooling: sum over the valid taps, rounded division by their count.
// CHECK-LABEL: func.func @avg_pool
// CHECK:         arith.index_cast %{{.*}} : index to i32
// CHECK:         arith.select
// CHECK:         arith.divsi
func.func @avg_pool(%x: !qnn.qtensor<1x4x4x1xi8, 0.5:0>) -> !qnn.qtensor<1x4x4x1xi8, 0.5:0> {
  %y = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] : !qnn.qtensor<1x4x4x1xi8, 0.5:0> -> !qnn.qtensor<1x4x4x1xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x4x4x1xi8, 0.5:0>
}

// -----

// Reshape is a view of its input, not a copy; the result is then copied to the output.
// CHECK-LABEL: func.func @reshape_maxpool
// CHECK:         %[[P:.*]] = memref.alloc() {alignment = 4 : i64} : memref<1x1x1x4xi8>
// CHECK:         arith.maxsi %{{.*}}, %{{.*}} : i32
// CHECK:         %[[V:.*]] = memref.reinterpret_cast %[[P]] to offset: [0], sizes: [1, 4], strides: [4, 1] : memref<1x1x1x4xi8> to memref<1x4xi8>
// CHECK:         memref.load %[[V]]
// CHECK:         memref.store %{{.*}}, %y_out
func.func @reshape_maxpool(%x: !qnn.qtensor<1x2x2x4xi8, 0.5:0>) -> !qnn.qtensor<1x4xi8, 0.5:0> {
  %p = qnn.max_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<1x2x2x4xi8, 0.5:0> -> !qnn.qtensor<1x1x1x4xi8, 0.5:0>
  %y = qnn.reshape %p : !qnn.qtensor<1x1x1x4xi8, 0.5:0> -> !qnn.qtensor<1x4xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x4xi8, 0.5:0>
}

// -----

// Pad fills with the zero point; transpose permutes indices; concat offsets the axis.
// Constants are made once, outside the loops (tinymlir.scalar_builder.ConstantPool).
// CHECK-LABEL: func.func @movement
// CHECK:         %[[FILL:.*]] = arith.constant 7 : i8
// CHECK:         scf.for
// CHECK:         scf.if %{{.*}} -> (i8)
// CHECK:         } else {
// CHECK-NEXT:      scf.yield %[[FILL]] : i8
// CHECK:         memref.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<3x2xi8>
// CHECK:         arith.addi %{{.*}}, %{{.*}} : index
func.func @movement(%x: !qnn.qtensor<2x2xi8, 0.5:7>) -> !qnn.qtensor<2x4xi8, 0.5:7> {
  %p = qnn.pad %x pads [1, 0, 0, 0] : !qnn.qtensor<2x2xi8, 0.5:7> -> !qnn.qtensor<3x2xi8, 0.5:7>
  %t = qnn.transpose %p perm [1, 0] : !qnn.qtensor<3x2xi8, 0.5:7> -> !qnn.qtensor<2x3xi8, 0.5:7>
  %c = qnn.reshape %t : !qnn.qtensor<2x3xi8, 0.5:7> -> !qnn.qtensor<3x2xi8, 0.5:7>
  %r = qnn.concat %x, %x axis 1 : !qnn.qtensor<2x2xi8, 0.5:7>, !qnn.qtensor<2x2xi8, 0.5:7> -> !qnn.qtensor<2x4xi8, 0.5:7>
  func.return %r : !qnn.qtensor<2x4xi8, 0.5:7>
}

// -----

// Softmax: row max, sum of fixed-point exponentials, one reciprocal per row.
// CHECK-LABEL: func.func @softmax
// CHECK:         fxp.exp_on_negative_values %{{.*}} integer_bits 5 : i32
// CHECK:         fxp.rounding_divide_by_pot
// CHECK:         %{{.*}}, %{{.*}} = fxp.get_reciprocal %{{.*}} integer_bits 12 : i32, i32
// CHECK:         fxp.saturating_rounding_doubling_high_mul
func.func @softmax(%x: !qnn.qtensor<1x4xi8, 0.5:0>) -> !qnn.qtensor<1x4xi8, 0.00390625:-128> {
  %y = qnn.softmax %x beta 1.0 : !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<1x4xi8, 0.00390625:-128>
  func.return %y : !qnn.qtensor<1x4xi8, 0.00390625:-128>
}

// -----

// A float interface is stripped: the function takes and returns the quantised tensors,
// and requantisation keeps the input's zero point subtraction.
// CHECK-LABEL: func.func @float_io(%x: memref<4xi8> {tinymlir.role = "input", tinymlir.name = "x", tinymlir.shape = array<i64: 4>, tinymlir.scale = 5.000000e-01 : f32, tinymlir.zero_point = 2 : i32, tinymlir.storage = "int8"}, %y_out: memref<4xi8> {tinymlir.role = "output", tinymlir.name = "y", tinymlir.shape = array<i64: 4>, tinymlir.scale = 2.500000e-01 : f32, tinymlir.zero_point = 0 : i32, tinymlir.storage = "int8"})
// CHECK-NOT:     qnn.
// CHECK:         arith.subi
func.func @float_io(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qnn.quantize %x : tensor<4xf32> -> !qnn.qtensor<4xi8, 0.5:2>
  %r = qnn.requantize %q : !qnn.qtensor<4xi8, 0.5:2> -> !qnn.qtensor<4xi8, 0.25:0>
  %y = qnn.dequantize %r : !qnn.qtensor<4xi8, 0.25:0> -> tensor<4xf32>
  func.return %y : tensor<4xf32>
}
