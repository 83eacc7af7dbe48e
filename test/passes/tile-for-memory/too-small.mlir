// A fast level too small for the smallest tile of a layer is an error naming the layer
// and the capacity it needs: one output pixel, channel and input channel (9 weight bytes
// and 4 of bias, a 3x3 input window, a 4-byte partial sum) is 26 bytes.
// RUN: tinymlir-opt %s --verify-diagnostics -p 'convert-qnn-to-kernel,tile-for-memory{capacity=20}' | filecheck %s

// CHECK: tile-for-memory: layer 'y' needs a fast level of at least 26 bytes, the capacity is 20
func.func @conv(%x: !qnn.qtensor<1x16x16x16xi8, 0.5:0>) -> !qnn.qtensor<1x16x16x32xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<32x3x3x16xi8> -> !qnn.qtensor<32x3x3x16xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<32xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x16x16xi8, 0.5:0>, !qnn.qtensor<32x3x3x16xi8, 0.1:0>, tensor<32xi32> -> !qnn.qtensor<1x16x16x32xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x16x16x32xi8, 0.5:0>
}
