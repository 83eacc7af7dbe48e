// tile-apply runs each layer tile by tile out of fast buffers, in the plan's loop order:
// each block an operand needs is copied (memref.copy marked tile.transfer) from a subview
// of the slow buffer into a fast buffer unless it is the block already resident, a qk op
// of the same kind runs on the fast buffers, and its output block is copied back.
// RUN: tinymlir-opt %s --split-input-file -p 'convert-qnn-to-kernel,tile-for-memory{capacity=80},tile-apply' | filecheck %s --check-prefix=SMALL

// A depthwise conv at 80 bytes: one channel at a time (channel tiles outermost), each
// tile a depthwise conv of groups 1 on its channel's plane, weights and bias.
// SMALL-LABEL: func.func @depthwise
// SMALL:      memref.subview %x[0, 0, 0, 1] [1, 4, 4, 1] [1, 1, 1, 1]
// SMALL:      memref.subview %y_weight[1, 0, 0, 0] [1, 3, 3, 1] [1, 1, 1, 1]
// SMALL:      memref.subview %y_bias[1] [1] [1]
// SMALL:      qk.conv2d ins(%{{.*}}, %{{.*}}, %{{.*}} : memref<1x4x4x1xi8, "fast">, memref<1x3x3x1xi8, "fast">, memref<1xi32, "fast">) outs(%{{.*}} : memref<1x4x4x1xi8, "fast">)
// SMALL-SAME: pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64
// SMALL:      memref.subview %y_out[0, 0, 0, 1] [1, 4, 4, 1] [1, 1, 1, 1]
// SMALL:      memref.subview %x[0, 0, 0, 3] [1, 4, 4, 1] [1, 1, 1, 1]
// SMALL:      qk.conv2d
// SMALL-NOT:  qk.conv2d
func.func @depthwise(%x: !qnn.qtensor<1x4x4x4xi8, 0.5:3>) -> !qnn.qtensor<1x4x4x4xi8, 0.25:-2> {
  %w = qnn.constant dense<1> : tensor<4x3x3x1xi8> -> !qnn.qtensor<4x3x3x1xi8, 0.1:0>
  %b = arith.constant dense<7> : tensor<4xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 4 : !qnn.qtensor<1x4x4x4xi8, 0.5:3>, !qnn.qtensor<4x3x3x1xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x4x4x4xi8, 0.25:-2>
  func.return %y : !qnn.qtensor<1x4x4x4xi8, 0.25:-2>
}

// -----

// An addition at 80 bytes streams ranges of 26 elements (3 streams of 26 fit) over 1-d
// views of its buffers: 26 then 4 elements.
// SMALL-LABEL: func.func @add
// SMALL:      %[[A:.*]] = memref.reinterpret_cast %a to offset: [0], sizes: [30], strides: [1]
// SMALL:      %[[Y:.*]] = memref.reinterpret_cast %y_out to offset: [0], sizes: [30], strides: [1]
// SMALL:      memref.subview %[[A]][0] [26] [1]
// SMALL:      qk.add ins(%{{.*}}, %{{.*}} : memref<26xi8, "fast">, memref<26xi8, "fast">) outs(%{{.*}} : memref<26xi8, "fast">)
// SMALL-SAME: input_types = [!qnn.qtensor<26xi8, 0.5:0>, !qnn.qtensor<26xi8, 0.3:1>], output_type = !qnn.qtensor<26xi8, 0.6:2>
// SMALL:      memref.subview %[[Y]][0] [26] [1]
// SMALL:      memref.subview %[[A]][26] [4] [1]
// SMALL:      qk.add ins(%{{.*}}, %{{.*}} : memref<4xi8, "fast">, memref<4xi8, "fast">) outs(%{{.*}} : memref<4xi8, "fast">)
// SMALL:      memref.subview %[[Y]][26] [4] [1]
func.func @add(%a: !qnn.qtensor<1x2x5x3xi8, 0.5:0>, %b: !qnn.qtensor<1x2x5x3xi8, 0.3:1>) -> !qnn.qtensor<1x2x5x3xi8, 0.6:2> {
  %y = qnn.add %a, %b : !qnn.qtensor<1x2x5x3xi8, 0.5:0>, !qnn.qtensor<1x2x5x3xi8, 0.3:1> -> !qnn.qtensor<1x2x5x3xi8, 0.6:2>
  func.return %y : !qnn.qtensor<1x2x5x3xi8, 0.6:2>
}
