// The register level of tile-for-memory (passes/kernel_to_loops/register_tile.py): on a
// DSP target each conv and dense that an SMLAD kernel lowers gets `tile.register`, the
// register tile (m pixels x n channels) of fewest predicted cycles within 14 registers;
// print-tiling shows it with the predicted instructions and cycles. No fast level needed.
// RUN: tinymlir-opt %s --split-input-file -p 'convert-qnn-to-kernel,tile-for-memory{print_tiling=true}' | filecheck %s
// RUN: tinymlir-opt %s --split-input-file --target-desc=cortex-m4-speed -p 'convert-qnn-to-kernel,tile-for-memory' | filecheck %s --check-prefix=SPEED

// A 1x1 convolution (K = 16: 4 quads): 2 x 2, per quad 8 SMLAD + 2 LDR + 4 SXTB16 (the two
// pixels' words) + 1 LDRD + 4 SXTB16 (the two channels' words) + 3 loop = 22 for 16 MACs,
// 14 registers (4 accumulators, 4 widened activations, 2 weight words, 1, 3 pointers);
// 2 x 4 would need 20, 1 x 4 costs 24 a quad. 32 pixel pairs x 16 channel pairs x
// (4 x 22 + 12 + 4 x 7) = 65,536.
// CHECK: tile-for-memory: y: register tile 2x2 (gemm: pixels x channels), accumulators resident over K, int8 activations / int8 weights widened in the loop (SXTB16), K unroll 1, 14 registers; predicted 65,536 instructions, 75,776 cycles
// CHECK: qk.conv2d {{.*}}tile.register = #tile.register<"gemm", 2 : i64, 2 : i64, "output", "int8", 1 : i64, 14 : i64, 65536 : i64, 75776 : i64>
// With int16 weights in flash (cortex-m4-speed): no SXTB16 on weights, 2 LDRD a quad.
// SPEED: tile.register = #tile.register<"gemm", 2 : i64, 2 : i64, "output", "int16", 1 : i64, 14 : i64, 59392 : i64
func.func @pointwise(%x: !qnn.qtensor<1x8x8x16xi8, 0.5:0>) -> !qnn.qtensor<1x8x8x32xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<32x1x1x16xi8> -> !qnn.qtensor<32x1x1x16xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<32xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x16xi8, 0.5:0>, !qnn.qtensor<32x1x1x16xi8, 0.1:0>, tensor<32xi32> -> !qnn.qtensor<1x8x8x32xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x8x8x32xi8, 0.5:0>
}

// -----

// A padded 3x3 convolution over the input's rows (the zero point subtracted in the
// widening, SXTAB16: one more register). Columns 1..6 of each output row have their
// kernel rows inside the image: 3 pairs a row as 2 x 2 tiles (the weights widened once
// for two pixels; 15 registers, the one over 14 reloaded: 22 + 2 a quad for 16 MACs),
// columns 0 and 7 as 1 x 2 tiles. 1 x 4 everywhere (also 15 registers) is 26 a quad.
// CHECK: tile-for-memory: y: register tile 2x2 (taps: pixels x channels){{.*}}K unroll 1, 15 registers; predicted 212,880 instructions
// CHECK: tile.register = #tile.register<"taps", 2 : i64, 2 : i64, "output", "int8", 1 : i64, 15 : i64
// SPEED: tile.register = #tile.register<"taps", 2 : i64, 2 : i64, "output", "int16", 1 : i64, 15 : i64
func.func @conv3x3(%x: !qnn.qtensor<1x8x8x16xi8, 0.5:0>) -> !qnn.qtensor<1x8x8x16xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<16x3x3x16xi8> -> !qnn.qtensor<16x3x3x16xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<16xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x16xi8, 0.5:0>, !qnn.qtensor<16x3x3x16xi8, 0.1:0>, tensor<16xi32> -> !qnn.qtensor<1x8x8x16xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x8x8x16xi8, 0.5:0>
}

// -----

// Cin 3: over a padded copy (Cin padded to 4, every window inside it), pairs of output
// columns as 2 x 2 tiles (14 registers: no offset, the zero point is in the copy).
// CHECK: tile-for-memory: y: register tile 2x2 (padded: pixels x channels)
// CHECK: tile.register = #tile.register<"padded", 2 : i64, 2 : i64, "output", "int8", 1 : i64, 14 : i64
func.func @first(%x: !qnn.qtensor<1x8x8x3xi8, 0.5:0>) -> !qnn.qtensor<1x8x8x16xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<16x3x3x3xi8> -> !qnn.qtensor<16x3x3x3xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<16xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x3xi8, 0.5:0>, !qnn.qtensor<16x3x3x3xi8, 0.1:0>, tensor<16xi32> -> !qnn.qtensor<1x8x8x16xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x8x8x16xi8, 0.5:0>
}

// -----

// Depthwise 3x3: a channel's weight lanes stay in registers, vertical pairs of outputs
// share the plane rows they read (4 reads for 2 outputs); 16 registers, the 2 over 14
// counted as reloads; a single output a step costs more.
// CHECK: tile-for-memory: y: register tile 2x1 (depthwise: pixels x channels), weights resident over the channel's outputs
// CHECK: tile.register = #tile.register<"depthwise", 2 : i64, 1 : i64, "weights", "int8", 1 : i64, 16 : i64
func.func @depthwise(%x: !qnn.qtensor<1x8x8x8xi8, 0.5:0>) -> !qnn.qtensor<1x8x8x8xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<8x3x3x1xi8> -> !qnn.qtensor<8x3x3x1xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<8xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 8 : !qnn.qtensor<1x8x8x8xi8, 0.5:0>, !qnn.qtensor<8x3x3x1xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x8x8x8xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x8x8x8xi8, 0.5:0>
}

// -----

// Dense 64 -> 12: 1 x 4 (14 registers); 1 x 6 would be fewer instructions a MAC but needs
// 18 registers (GCC spills it), 1 x 3 costs more.
// CHECK: tile-for-memory: y: register tile 1x4 (dense: pixels x channels){{.*}}K unroll 1, 14 registers, weights by LDM of 4 words; predicted 1,230 instructions, 1,518 cycles
// CHECK: tile.register = #tile.register<"dense", 1 : i64, 4 : i64, "output", "int8", 1 : i64, 14 : i64, 1230 : i64, 1518 : i64>
func.func @dense12(%x: !qnn.qtensor<1x64xi8, 0.5:0>) -> !qnn.qtensor<1x12xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<12x64xi8> -> !qnn.qtensor<12x64xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<12xi32>
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x64xi8, 0.5:0>, !qnn.qtensor<12x64xi8, 0.1:0>, tensor<12xi32> -> !qnn.qtensor<1x12xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x12xi8, 0.5:0>
}

// -----

// Dense 64 -> 10: 1 x 5 needs 16 registers, so 1 x 2, whose registers leave room for
// the K loop unrolled by 2 (13 registers: half the loop steps).
// CHECK: tile-for-memory: y: register tile 1x2 (dense: pixels x channels){{.*}}K unroll 2, 13 registers
// CHECK: tile.register = #tile.register<"dense", 1 : i64, 2 : i64, "output", "int8", 2 : i64, 13 : i64
func.func @dense10(%x: !qnn.qtensor<1x64xi8, 0.5:0>) -> !qnn.qtensor<1x10xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<10x64xi8> -> !qnn.qtensor<10x64xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<10xi32>
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x64xi8, 0.5:0>, !qnn.qtensor<10x64xi8, 0.1:0>, tensor<10xi32> -> !qnn.qtensor<1x10xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x10xi8, 0.5:0>
}

// -----

// An unsigned input: SXTB16 would sign-extend it, no SMLAD kernel lowers it, no register tile.
// CHECK-LABEL: func.func @unsigned
// CHECK-NOT: tile.register
func.func @unsigned(%x: !qnn.qtensor<1x64xui8, 0.5:128>) -> !qnn.qtensor<1x8xui8, 0.5:128> {
  %w = qnn.constant dense<1> : tensor<8x64xi8> -> !qnn.qtensor<8x64xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<8xi32>
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x64xui8, 0.5:128>, !qnn.qtensor<8x64xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x8xui8, 0.5:128>
  func.return %y : !qnn.qtensor<1x8xui8, 0.5:128>
}
