// tile-apply runs each layer tile by tile out of fast buffers, in the plan's loop order:
// each block an operand needs is copied (memref.copy marked tile.transfer) from a subview
// of the slow buffer into a fast buffer unless it is the block already resident, a qk op
// of the same kind runs on the fast buffers, and its output block is copied back.
// RUN: tinymlir-opt %s -p 'convert-qnn-to-kernel,tile-for-memory{capacity=160},tile-apply' | filecheck %s
// The fast buffers are in the target's fast level's memory space ("fast" without one), which
// plan-arena leaves out of the activation arena:
// RUN: tinymlir-opt %s --target-desc=cortex-m4-tcm16k -p 'convert-qnn-to-kernel,tile-for-memory{capacity=160},tile-apply,plan-arena' | filecheck %s --check-prefix=TCM
// TCM-LABEL: func.func @rows
// TCM:       memref.alloc() : memref<1x3x4x4xi8, "tcm">
// TCM-NOT:   memref.view

// A 3x3 conv, 8x4x4 -> 8x4x2, at 160 bytes: four 2-row tiles with the weights resident
// (loaded once); each tile's input window has its halo rows (3 at the borders, 4 inside)
// and only the rows outside the map are padding: pads [1, 1, 0, 1], [0, 1, 0, 1] twice,
// [0, 1, 1, 1]. 48 + 64 + 64 + 48 input + 72 weight + 8 bias + 64 output = 368 bytes.
// CHECK-LABEL: func.func @rows
// The fast buffers, one per operand role and shape, shared by the tiles:
// CHECK-DAG:  %[[X4:.*]] = memref.alloc() : memref<1x4x4x4xi8, "fast">
// CHECK-DAG:  %[[OUT:.*]] = memref.alloc() : memref<1x2x4x2xi8, "fast">
// CHECK-DAG:  %[[B:.*]] = memref.alloc() : memref<2xi32, "fast">
// CHECK-DAG:  %[[W:.*]] = memref.alloc() : memref<2x3x3x4xi8, "fast">
// CHECK-DAG:  %[[X3:.*]] = memref.alloc() : memref<1x3x4x4xi8, "fast">
// CHECK:      %[[V0:.*]] = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 4] [1, 1, 1, 1]
// CHECK-NEXT: "memref.copy"(%[[V0]], %[[X3]]) {tile.transfer = "y"}
// CHECK-NEXT: "memref.copy"(%y_weight, %[[W]]) {tile.transfer = "y"}
// CHECK-NEXT: "memref.copy"(%y_bias, %[[B]]) {tile.transfer = "y"}
// CHECK-NEXT: qk.conv2d ins(%[[X3]], %[[W]], %[[B]] : memref<1x3x4x4xi8, "fast">, memref<2x3x3x4xi8, "fast">, memref<2xi32, "fast">) outs(%[[OUT]] : memref<1x2x4x2xi8, "fast">)
// CHECK-SAME: input_types = [!qnn.qtensor<1x3x4x4xi8, 0.5:3>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.25:-2>
// CHECK-SAME: pads = array<i64: 1, 1, 0, 1>
// CHECK-NOT:  tile.plan
// CHECK-NEXT: %[[Y0:.*]] = memref.subview %y_out[0, 0, 0, 0] [1, 2, 4, 2] [1, 1, 1, 1]
// CHECK-NEXT: "memref.copy"(%[[OUT]], %[[Y0]]) {tile.transfer = "y"}
// The weights stay resident; only the next input window comes in:
// CHECK-NEXT: %[[V1:.*]] = memref.subview %x[0, 1, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1]
// CHECK-NEXT: "memref.copy"(%[[V1]], %[[X4]]) {tile.transfer = "y"}
// CHECK-NEXT: qk.conv2d ins(%[[X4]], %[[W]], %[[B]] : {{.*}}pads = array<i64: 0, 1, 0, 1>
// CHECK:      memref.subview %x[0, 3, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1]
// CHECK:      qk.conv2d ins(%[[X4]], %[[W]], %[[B]] : {{.*}}pads = array<i64: 0, 1, 0, 1>
// CHECK:      memref.subview %x[0, 5, 0, 0] [1, 3, 4, 4] [1, 1, 1, 1]
// CHECK:      qk.conv2d ins(%[[X3]], %[[W]], %[[B]] : {{.*}}pads = array<i64: 0, 1, 1, 1>
// CHECK-NEXT: %[[Y3:.*]] = memref.subview %y_out[0, 6, 0, 0] [1, 2, 4, 2] [1, 1, 1, 1]
// CHECK-NEXT: "memref.copy"(%[[OUT]], %[[Y3]]) {tile.transfer = "y"}
// CHECK-NEXT: func.return
func.func @rows(%x: !qnn.qtensor<1x8x4x4xi8, 0.5:3>) -> !qnn.qtensor<1x8x4x2xi8, 0.25:-2> {
  %w = qnn.constant dense<1> : tensor<2x3x3x4xi8> -> !qnn.qtensor<2x3x3x4xi8, 0.1:0>
  %b = arith.constant dense<7> : tensor<2xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x4x4xi8, 0.5:3>, !qnn.qtensor<2x3x3x4xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x8x4x2xi8, 0.25:-2>
  func.return %y : !qnn.qtensor<1x8x4x2xi8, 0.25:-2>
}


