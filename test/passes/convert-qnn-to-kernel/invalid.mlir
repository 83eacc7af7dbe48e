// What convert-qnn-to-kernel refuses, each with a message naming the op.
// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics -p convert-qnn-to-kernel | filecheck %s
// RUN: not tinymlir-opt %s --split-input-file -p convert-qnn-to-kernel 2>&1 | filecheck %s --check-prefix=EXIT

// CHECK: convert-qnn-to-kernel: qnn.conv2d 'y': weights and biases must be compile-time constants
// EXIT: tinymlir-opt: error: convert-qnn-to-kernel: qnn.conv2d 'y': weights and biases must be compile-time constants
func.func @runtime_weights(%x: !qnn.qtensor<1x1x1x1xi8, 0.5:0>, %w: !qnn.qtensor<1x1x1x1xi8, 0.5:0>) -> !qnn.qtensor<1x1x1x1xi8, 0.5:0> {
  %b = arith.constant dense<0> : tensor<1xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x1x1x1xi8, 0.5:0>, !qnn.qtensor<1x1x1x1xi8, 0.5:0>, tensor<1xi32> -> !qnn.qtensor<1x1x1x1xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x1x1x1xi8, 0.5:0>
}

// -----

// CHECK: convert-qnn-to-kernel: a float argument must feed exactly one qnn.quantize (no float computation on the device)
func.func @float_math(%x: tensor<4xf32>) -> (tensor<4xf32>, !qnn.qtensor<4xi8, 0.5:0>) {
  %q = qnn.quantize %x : tensor<4xf32> -> !qnn.qtensor<4xi8, 0.5:0>
  func.return %x, %q : tensor<4xf32>, !qnn.qtensor<4xi8, 0.5:0>
}

// -----

// CHECK: convert-qnn-to-kernel: qnn.dequantize 'mid': float dequantisation inside the graph is not supported (only at the outputs)
func.func @inner_dequantize(%x: !qnn.qtensor<4xi8, 0.5:0>) -> !qnn.qtensor<4xi8, 0.5:0> {
  %mid = qnn.dequantize %x : !qnn.qtensor<4xi8, 0.5:0> -> tensor<4xf32>
  %q = qnn.quantize %mid : tensor<4xf32> -> !qnn.qtensor<4xi8, 0.5:0>
  func.return %q : !qnn.qtensor<4xi8, 0.5:0>
}

// -----

// onnx numerics: a scale at which a dequantised value overflows float32 could make
// inf - inf = NaN in the float sum, so it is refused.
// CHECK: convert-qnn-to-kernel: qnn.add 'y': onnx numerics: scale 1e+37 is too large (a dequantised value overflows float32)
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @onnx_huge_scale(%a: !qnn.qtensor<4xi8, 1.0e37:0>, %b: !qnn.qtensor<4xi8, 0.5:0>) -> !qnn.qtensor<4xi8, 0.5:0> {
    %y = qnn.add %a, %b : !qnn.qtensor<4xi8, 1.0e37:0>, !qnn.qtensor<4xi8, 0.5:0> -> !qnn.qtensor<4xi8, 0.5:0>
    func.return %y : !qnn.qtensor<4xi8, 0.5:0>
  }
}

// -----

// onnx numerics: S = f32(f32(s_in * s_w) / s_out) overflows float32 (then acc = 0 gives NaN).
// CHECK: convert-qnn-to-kernel: qnn.dense 'y': onnx numerics: s_in * s_w / s_out overflows float32
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @onnx_scale_overflow(%x: !qnn.qtensor<1x2xi8, 1.0e20:0>) -> !qnn.qtensor<1x1xi8, 1.0e-20:0> {
    %w = qnn.constant dense<[[1, 2]]> : tensor<1x2xi8> -> !qnn.qtensor<1x2xi8, 1.0:0>
    %b = arith.constant dense<0> : tensor<1xi32>
    %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x2xi8, 1.0e20:0>, !qnn.qtensor<1x2xi8, 1.0:0>, tensor<1xi32> -> !qnn.qtensor<1x1xi8, 1.0e-20:0>
    func.return %y : !qnn.qtensor<1x1xi8, 1.0e-20:0>
  }
}
