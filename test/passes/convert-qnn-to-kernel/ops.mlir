// convert-qnn-to-kernel: one qk op per layer on buffers, every constant precomputed.
// RUN: tinymlir-opt %s --split-input-file -p convert-qnn-to-kernel | filecheck %s

// Weights and the folded bias become constant globals read by memref.get_global; the
// requantisation parameters on which all channels agree are properties; every value
// gets an allocation (none is reused: that is kernel-in-place's); the result is
// computed straight into the output argument; the ports are one attribute.
// CHECK:       "memref.global"() <{sym_name = "c_weight", type = memref<2x1x1x2xi8>, initial_value = dense<1> : tensor<2x1x1x2xi8>, sym_visibility = "private", constant, alignment = 4 : i64}>
// CHECK:       "memref.global"() <{sym_name = "c_bias", type = memref<2xi32>, initial_value = dense<-6> : tensor<2xi32>
// CHECK-LABEL: func.func @conv(%x: memref<1x2x2x2xi8>, %y_out: memref<1x2x2x2xi8>)
// CHECK-SAME:    qk.ports = [#qk.port<"input", "x", !qnn.qtensor<1x2x2x2xi8, 0.5:3>>, #qk.port<"output", "y", !qnn.qtensor<1x2x2x2xi8, 0.25:0>>]
// CHECK:         %c_weight = memref.get_global @c_weight : memref<2x1x1x2xi8>
// CHECK:         %c_bias = memref.get_global @c_bias : memref<2xi32>
// CHECK:         %c = memref.alloc() {alignment = 4 : i64} : memref<1x2x2x2xi8>
// CHECK:         qk.conv2d ins(%x, %c_weight, %c_bias : memref<1x2x2x2xi8>, memref<2x1x1x2xi8>, memref<2xi32>) outs(%c : memref<1x2x2x2xi8>) {layer = 0 : i64, layer_name = "c", {{.*}}multiplier = 1717986944 : i32, shift = -3 : i32}
// CHECK:         qk.requantize ins(%c : memref<1x2x2x2xi8>) outs(%y_out : memref<1x2x2x2xi8>) {layer = 1 : i64, layer_name = "y", {{.*}}multiplier = 1073741824 : i32, shift = 2 : i32}
// CHECK-NEXT:    func.return
func.func @conv(%x: !qnn.qtensor<1x2x2x2xi8, 0.5:3>) -> !qnn.qtensor<1x2x2x2xi8, 0.25:0> {
  %w = qnn.constant dense<1> : tensor<2x1x1x2xi8> -> !qnn.qtensor<2x1x1x2xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<2xi32>
  %c = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x2x2x2xi8, 0.5:3>, !qnn.qtensor<2x1x1x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x2x2x2xi8, 0.5:0>
  %y = qnn.requantize %c : !qnn.qtensor<1x2x2x2xi8, 0.5:0> -> !qnn.qtensor<1x2x2x2xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x2x2x2xi8, 0.25:0>
}

// -----

// Per-channel weight scales give per-channel multipliers: a table (int32) after the
// weights; the shifts agree, so they stay a property. A padded convolution keeps its
// bias unfolded (the loop subtracts the input zero point and skips padding taps).
// CHECK:       "memref.global"() <{sym_name = "y_bias", type = memref<2xi32>, initial_value = dense<0> : tensor<2xi32>
// CHECK:       "memref.global"() <{sym_name = "y_multiplier", type = memref<2xi32>, initial_value = dense<[1073741824, 1610612736]> : tensor<2xi32>
// CHECK-LABEL: func.func @per_channel
// CHECK:         qk.conv2d ins(%x, %y_weight, %y_bias, %y_multiplier : memref<1x2x2x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>, memref<2xi32>) outs(%y_out : memref<1x2x2x2xi8>)
// CHECK-SAME:    shift = 0 : i32}
func.func @per_channel(%x: !qnn.qtensor<1x2x2x2xi8, 0.5:3>) -> !qnn.qtensor<1x2x2x2xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<2x3x3x2xi8> -> !qnn.qtensor<2x3x3x2xi8, axis 0 {0.5:0, 0.75:0}>
  %b = arith.constant dense<0> : tensor<2xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x2x2x2xi8, 0.5:3>, !qnn.qtensor<2x3x3x2xi8, axis 0 {0.5:0, 0.75:0}>, tensor<2xi32> -> !qnn.qtensor<1x2x2x2xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x2x2x2xi8, 0.5:0>
}

// -----

// qnn.reshape is a view of its input; a result that is a view (or an input) is copied
// into its output argument; a constant data operand is read from a global.
// CHECK:       "memref.global"() <{sym_name = "k", type = memref<1x8xi8>, initial_value = dense<2> : tensor<1x8xi8>
// CHECK-LABEL: func.func @views
// CHECK:         %a = memref.alloc() {alignment = 4 : i64} : memref<1x2x2x2xi8>
// CHECK:         qk.requantize ins(%x : memref<1x2x2x2xi8>) outs(%a : memref<1x2x2x2xi8>)
// CHECK:         %flat = memref.reinterpret_cast %a to offset: [0], sizes: [1, 8], strides: [8, 1] : memref<1x2x2x2xi8> to memref<1x8xi8>
// CHECK:         %k = memref.get_global @k : memref<1x8xi8>
// CHECK:         qk.add ins(%flat, %k : memref<1x8xi8>, memref<1x8xi8>) outs(%sum_out : memref<1x8xi8>) {layer = 2 : i64
// CHECK:         "memref.copy"(%flat, %flat_out) : (memref<1x8xi8>, memref<1x8xi8>) -> ()
func.func @views(%x: !qnn.qtensor<1x2x2x2xi8, 0.5:0>) -> (!qnn.qtensor<1x8xi8, 0.5:0>, !qnn.qtensor<1x8xi8, 0.5:0>) {
  %a = qnn.requantize %x : !qnn.qtensor<1x2x2x2xi8, 0.5:0> -> !qnn.qtensor<1x2x2x2xi8, 0.5:0>
  %flat = qnn.reshape %a : !qnn.qtensor<1x2x2x2xi8, 0.5:0> -> !qnn.qtensor<1x8xi8, 0.5:0>
  %k = qnn.constant dense<2> : tensor<1x8xi8> -> !qnn.qtensor<1x8xi8, 0.5:0>
  %sum = qnn.add %flat, %k : !qnn.qtensor<1x8xi8, 0.5:0>, !qnn.qtensor<1x8xi8, 0.5:0> -> !qnn.qtensor<1x8xi8, 0.5:0>
  func.return %sum, %flat : !qnn.qtensor<1x8xi8, 0.5:0>, !qnn.qtensor<1x8xi8, 0.5:0>
}

// -----

// A float interface is stripped: the function takes and returns the quantised values;
// the ports keep their quantisation.
// CHECK-LABEL: func.func @float_io(%x: memref<4xi8>, %y_out: memref<4xi8>)
// CHECK-SAME:    qk.ports = [#qk.port<"input", "x", !qnn.qtensor<4xi8, 0.5:0>>, #qk.port<"output", "y", !qnn.qtensor<4xi8, 0.25:0>>]
// CHECK:         qk.requantize ins(%x : memref<4xi8>) outs(%y_out : memref<4xi8>) {layer = 0 : i64
func.func @float_io(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qnn.quantize %x : tensor<4xf32> -> !qnn.qtensor<4xi8, 0.5:0>
  %r = qnn.requantize %q : !qnn.qtensor<4xi8, 0.5:0> -> !qnn.qtensor<4xi8, 0.25:0>
  %y = qnn.dequantize %r : !qnn.qtensor<4xi8, 0.25:0> -> tensor<4xf32>
  func.return %y : tensor<4xf32>
}
