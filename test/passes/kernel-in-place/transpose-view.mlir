// kernel-in-place folds a transpose of the caller's input (NCHW -> NHWC) into the
// convolutions reading it: the output buffer becomes a strided view of the argument
// (strides permuted) and the copy is gone; what it refuses keeps the transpose.
// RUN: tinymlir-opt %s --split-input-file -p convert-qnn-to-kernel,kernel-in-place | filecheck %s
// RUN: tinymlir-opt %s --split-input-file -p convert-qnn-to-kernel,patch-schedule,kernel-in-place | filecheck %s --check-prefix=PATCH

// The image's NCHW strides [32, 16, 4, 1] read as NHWC: [32, 4, 1, 16].
// CHECK-LABEL: func.func @nchw
// CHECK-NOT:     memref.alloc
// CHECK:         %t = memref.reinterpret_cast %x to offset: [0], sizes: [1, 4, 4, 2], strides: [32, 4, 1, 16] : memref<1x2x4x4xi8> to memref<1x4x4x2xi8, strided<[32, 4, 1, 16]>>
// CHECK-NOT:     qk.transpose
// CHECK:         qk.conv2d ins(%t, {{.*}} : memref<1x4x4x2xi8, strided<[32, 4, 1, 16]>>, {{.*}}) outs(%y_out
// patch-schedule makes the view first (it costs the plan with it): no transpose either.
// PATCH-LABEL: func.func @nchw
// PATCH:         memref.reinterpret_cast %x {{.*}} strides: [32, 4, 1, 16]
// PATCH-NOT:     qk.transpose
func.func @nchw(%x: !qnn.qtensor<1x2x4x4xi8, 0.5:3>) -> !qnn.qtensor<1x4x4x2xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<2x3x3x2xi8> -> !qnn.qtensor<2x3x3x2xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<2xi32>
  %t = qnn.transpose %x perm [0, 2, 3, 1] : !qnn.qtensor<1x2x4x4xi8, 0.5:3> -> !qnn.qtensor<1x4x4x2xi8, 0.5:3>
  %y = qnn.conv2d %t, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x4x4x2xi8, 0.5:3>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x4x4x2xi8, 0.5:0>
}

// -----

// Read by an add too (not a convolution): the copy stays.
// CHECK-LABEL: func.func @added
// PATCH-LABEL: func.func @added
// CHECK:         %t = memref.alloc()
// CHECK:         qk.transpose ins(%x : memref<1x2x4x4xi8>) outs(%t : memref<1x4x4x2xi8>)
func.func @added(%x: !qnn.qtensor<1x2x4x4xi8, 0.5:3>) -> !qnn.qtensor<1x4x4x2xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<2x3x3x2xi8> -> !qnn.qtensor<2x3x3x2xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<2xi32>
  %t = qnn.transpose %x perm [0, 2, 3, 1] : !qnn.qtensor<1x2x4x4xi8, 0.5:3> -> !qnn.qtensor<1x4x4x2xi8, 0.5:3>
  %c = qnn.conv2d %t, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x4x4x2xi8, 0.5:3>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xi8, 0.5:3>
  %y = qnn.add %t, %c : !qnn.qtensor<1x4x4x2xi8, 0.5:3>, !qnn.qtensor<1x4x4x2xi8, 0.5:3> -> !qnn.qtensor<1x4x4x2xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x4x4x2xi8, 0.5:0>
}

// -----

// A transpose of an intermediate map (not the caller's input): the copy stays.
// CHECK-LABEL: func.func @inner
// CHECK:         qk.transpose ins(%r : memref<1x2x4x4xi8>)
func.func @inner(%x: !qnn.qtensor<1x2x4x4xi8, 0.5:3>) -> !qnn.qtensor<1x4x4x2xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<2x3x3x2xi8> -> !qnn.qtensor<2x3x3x2xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<2xi32>
  %r = qnn.requantize %x : !qnn.qtensor<1x2x4x4xi8, 0.5:3> -> !qnn.qtensor<1x2x4x4xi8, 0.25:3>
  %t = qnn.transpose %r perm [0, 2, 3, 1] : !qnn.qtensor<1x2x4x4xi8, 0.25:3> -> !qnn.qtensor<1x4x4x2xi8, 0.25:3>
  %y = qnn.conv2d %t, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x4x4x2xi8, 0.25:3>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x4x4x2xi8, 0.5:0>
}
