// tile-for-memory records on each conv, dense and add the tiling that moves the fewest
// bytes between the slow and the fast level (cost model: passes/tile_for_memory.py).
// RUN: tinymlir-opt %s --split-input-file -p 'convert-qnn-to-kernel,tile-for-memory{capacity=4096 print_tiling=true}' | filecheck %s
// RUN: tinymlir-opt %s --split-input-file --target-desc=cortex-m4-tcm16k -p 'convert-qnn-to-kernel,tile-for-memory' | filecheck %s --check-prefix=TCM
// RUN: tinymlir-opt %s --split-input-file -p 'convert-qnn-to-kernel,tile-for-memory' | filecheck %s --check-prefix=NOFAST

// A 3x3 convolution, 16x16x16 -> 16x16x32, 4 KiB: the input (4 KiB) and weights (4.6 KiB)
// do not fit together. Two 8-row input tiles (9 rows each with the halo) stay resident
// while the weights stream past in blocks of 6 output channels: Q_input = X + W·T_p + O
// = 16·18·16 + 32·148·2 + 8192 = 22272; resident 6·148 + 9·16·16 + 8·16·6 = 3960.
// CHECK: tile-for-memory: y: input resident, tile 8x16x6x16, 22272 bytes moved, 3960 bytes in fast memory
// CHECK-LABEL: func.func @conv
// CHECK: qk.conv2d {{.*}}tile.plan = #tile.plan<"input", array<i64: 8, 16, 6, 16>, 22272 : i64, 3960 : i64, 4096 : i64>
// With 16 KiB (cortex-m4-tcm16k's fast level) the layer (17024 bytes) does not fit whole,
// but two 16-channel halves over the whole (resident) input move each byte once: 17024
// (with one pixel tile every order is the same; ties go to weights resident).
// TCM: qk.conv2d {{.*}}tile.plan = #tile.plan<"weights", array<i64: 16, 16, 16, 16>, 17024 : i64, 10560 : i64, 16384 : i64>
// A target without a fast level and no capacity= : nothing is tiled.
// NOFAST-NOT: tile.plan
func.func @conv(%x: !qnn.qtensor<1x16x16x16xi8, 0.5:0>) -> !qnn.qtensor<1x16x16x32xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<32x3x3x16xi8> -> !qnn.qtensor<32x3x3x16xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<32xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x16x16xi8, 0.5:0>, !qnn.qtensor<32x3x3x16xi8, 0.1:0>, tensor<32xi32> -> !qnn.qtensor<1x16x16x32xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x16x16x32xi8, 0.5:0>
}

// -----

// A small dense layer fits: untiled, every byte moved once.
// CHECK: tile-for-memory: y: untiled, tile 1x1x10x64, 754 bytes moved, 754 bytes in fast memory
// CHECK-LABEL: func.func @small_dense
// CHECK: qk.dense {{.*}}tile.plan = #tile.plan<"untiled"
func.func @small_dense(%x: !qnn.qtensor<1x64xi8, 0.5:0>) -> !qnn.qtensor<1x10xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<10x64xi8> -> !qnn.qtensor<10x64xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<10xi32>
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x64xi8, 0.5:0>, !qnn.qtensor<10x64xi8, 0.1:0>, tensor<10xi32> -> !qnn.qtensor<1x10xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x10xi8, 0.5:0>
}

// -----

// A depthwise 3x3 convolution, 32x32x8: channels are independent, so the weights of a
// channel stay resident and a whole channel plane (1 KiB of input, 1 KiB of output) fits:
// every byte moves once, no halo is read twice (W + X + O = 8·13 + 8192 + 8192).
// CHECK: tile-for-memory: y: weights resident, tile 32x32x1x1, 16488 bytes moved, 2061 bytes in fast memory
// CHECK-LABEL: func.func @depthwise
// CHECK: qk.conv2d {{.*}}tile.plan = #tile.plan<"weights", array<i64: 32, 32, 1, 1>, 16488 : i64, 2061 : i64, 4096 : i64>
func.func @depthwise(%x: !qnn.qtensor<1x32x32x8xi8, 0.5:0>) -> !qnn.qtensor<1x32x32x8xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<8x3x3x1xi8> -> !qnn.qtensor<8x3x3x1xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<8xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 8 : !qnn.qtensor<1x32x32x8xi8, 0.5:0>, !qnn.qtensor<8x3x3x1xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x32x32x8xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x32x32x8xi8, 0.5:0>
}

// -----

// An addition streams: every byte moves once whatever the tile; the largest tile that
// fits (4096 / 3 elements) is kept.
// CHECK: tile-for-memory: y: output resident, tile 1365, 6144 bytes moved, 4095 bytes in fast memory
// CHECK-LABEL: func.func @add
// CHECK: qk.add {{.*}}tile.plan = #tile.plan<"output", array<i64: 1365>, 6144 : i64, 4095 : i64, 4096 : i64>
// TCM: qk.add {{.*}}tile.plan = #tile.plan<"untiled", array<i64: 2048>, 6144 : i64, 6144 : i64, 16384 : i64>
func.func @add(%a: !qnn.qtensor<1x16x16x8xi8, 0.5:0>, %b: !qnn.qtensor<1x16x16x8xi8, 0.5:0>) -> !qnn.qtensor<1x16x16x8xi8, 0.5:0> {
  %y = qnn.add %a, %b : !qnn.qtensor<1x16x16x8xi8, 0.5:0>, !qnn.qtensor<1x16x16x8xi8, 0.5:0> -> !qnn.qtensor<1x16x16x8xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x16x16x8xi8, 0.5:0>
}
