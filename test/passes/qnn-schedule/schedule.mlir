// RUN: tinymlir-opt %s --split-input-file -p qnn-schedule | filecheck %s

// Two branches, each a large intermediate reduced by a pool, written interleaved: both
// large tensors live at once (peak 2 x 1024 + 16). Finishing one branch first frees its
// large tensor before the other is made (peak 1024 + 16 + 16). Weights move with their
// first user.
// CHECK-LABEL: func.func @branches
// CHECK:         %wa = qnn.constant
// CHECK-NEXT:    %bias = arith.constant
// CHECK-NEXT:    %a = qnn.conv2d
// CHECK-NEXT:    %pa = qnn.avg_pool2d %a
// CHECK-NEXT:    %wb = qnn.constant
// CHECK-NEXT:    %b = qnn.conv2d
// CHECK-NEXT:    %pb = qnn.avg_pool2d %b
// CHECK-NEXT:    %s = qnn.add %pa, %pb
func.func @branches(%x: !qnn.qtensor<1x4x4x1xi8, 0.5:0>) -> !qnn.qtensor<1x1x1x64xi8, 0.5:0> {
  %bias = arith.constant dense<0> : tensor<64xi32>
  %wa = qnn.constant dense<1> : tensor<64x1x1x1xi8> -> !qnn.qtensor<64x1x1x1xi8, 0.1:0>
  %wb = qnn.constant dense<2> : tensor<64x1x1x1xi8> -> !qnn.qtensor<64x1x1x1xi8, 0.1:0>
  %a = qnn.conv2d %x, %wa, %bias strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x4x4x1xi8, 0.5:0>, !qnn.qtensor<64x1x1x1xi8, 0.1:0>, tensor<64xi32> -> !qnn.qtensor<1x4x4x64xi8, 0.5:0>
  %b = qnn.conv2d %x, %wb, %bias strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x4x4x1xi8, 0.5:0>, !qnn.qtensor<64x1x1x1xi8, 0.1:0>, tensor<64xi32> -> !qnn.qtensor<1x4x4x64xi8, 0.5:0>
  %pa = qnn.avg_pool2d %a kernel [4, 4] strides [4, 4] pads [0, 0, 0, 0] : !qnn.qtensor<1x4x4x64xi8, 0.5:0> -> !qnn.qtensor<1x1x1x64xi8, 0.5:0>
  %pb = qnn.avg_pool2d %b kernel [4, 4] strides [4, 4] pads [0, 0, 0, 0] : !qnn.qtensor<1x4x4x64xi8, 0.5:0> -> !qnn.qtensor<1x1x1x64xi8, 0.5:0>
  %s = qnn.add %pa, %pb : !qnn.qtensor<1x1x1x64xi8, 0.5:0>, !qnn.qtensor<1x1x1x64xi8, 0.5:0> -> !qnn.qtensor<1x1x1x64xi8, 0.5:0>
  func.return %s : !qnn.qtensor<1x1x1x64xi8, 0.5:0>
}

// -----

// A chain has one order: nothing moves.
// CHECK-LABEL: func.func @chain
// CHECK-NEXT:    %r1 = qnn.requantize %x
// CHECK-NEXT:    %r2 = qnn.requantize %r1
// CHECK-NEXT:    func.return %r2
func.func @chain(%x: !qnn.qtensor<8xi8, 0.5:0>) -> !qnn.qtensor<8xi8, 0.125:0> {
  %r1 = qnn.requantize %x : !qnn.qtensor<8xi8, 0.5:0> -> !qnn.qtensor<8xi8, 0.25:0>
  %r2 = qnn.requantize %r1 : !qnn.qtensor<8xi8, 0.25:0> -> !qnn.qtensor<8xi8, 0.125:0>
  func.return %r2 : !qnn.qtensor<8xi8, 0.125:0>
}
