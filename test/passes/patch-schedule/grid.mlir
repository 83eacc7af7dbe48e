// patch-schedule's grid form (MCUNetV2): the stage's output cut into a p x q grid of
// patches, each patch's rows AND columns walked back through the stage (halo t_in =
// (t_out - 1) * s + (k - 1) * d + 1 along both axes), only what falls outside the map is
// padding, and an inner patch of a padded convolution (no pad left) takes the bias with
// the input zero point folded in, as convert-qnn-to-kernel gives unpadded convolutions.
// RUN: tinymlir-opt %s --split-input-file -p "convert-qnn-to-kernel,patch-schedule{stream=false max_extra_macs=0.5}" | filecheck %s
// RUN: tinymlir-opt %s --split-input-file -p "convert-qnn-to-kernel,patch-schedule{stream=false max_extra_macs=0.5 max_grid=1}" | filecheck %s --check-prefix=BANDS
// Whole plans are priced at arena + extra MACs / macs_per_byte (default 256): at 1 MAC per
// byte the grid's 312 B saved do not pay for its 2,592 MACs, and the function stays layer by
// layer, saying what it did not take.
// RUN: tinymlir-opt %s --split-input-file -p "convert-qnn-to-kernel,patch-schedule{stream=false max_extra_macs=0.5 macs_per_byte=1.0}" | filecheck %s --check-prefix=PRICED
// PRICED: tinymlir.patch_schedule = "layer-by-layer: 512 B, no schedule worth its MACs; not taken: a..y (3 layers) in patch 2x2 (recomputed halos), arena 200 B, +2,592 MACs (costs 2,792 against 512 at 1 MACs per byte)"
// PRICED-NOT: qk.conv2d {{.*}}_patch

// bands.mlir's chain (3x3/s2, 3x3 depthwise, 1x1 over a 16x16 image): within 50 % extra
// MACs the 2x2 grid wins (200 B against 256 B for 4 row bands, the best without columns).
// Patch (0, 0) writes output rows 0-3, columns 0-3: it needs rows and columns 0-4 of %a
// (5x5, one halo each way) and 0-9 of %x (10x10); top and left padding only. Patch (1, 1)
// reads %x from row and column 5 (11x11, up to the map's end): the 3x3/s2 then has no pad
// at all (stride 2 never reads past the map), so it reads the folded bias; the depthwise
// pads bottom and right. Every patch differs in its pads: all four are unrolled.
// CHECK-LABEL: func.func @chain
// CHECK-SAME:    tinymlir.patch_schedule = "bands: a..y (3 layers) in patch 2x2 (recomputed halos), arena 200 B (layer-by-layer 512 B), +2,592 MACs (25.3 %)"
// CHECK:         %a_bias_inner = memref.get_global @a_bias_inner : memref<8xi32>
// CHECK:         %a_patch0x0 = memref.alloc() {{.*}} : memref<1x5x5x8xi8>
// CHECK:         %dw_patch0x0 = memref.alloc() {{.*}} : memref<1x4x4x8xi8>
// CHECK:         %[[X00:.*]] = memref.subview %x[0, 0, 0, 0] [1, 10, 10, 1] [1, 1, 1, 1] : memref<1x16x16x1xi8> to memref<1x10x10x1xi8, strided<[256, 16, 1, 1]>>
// CHECK:         qk.conv2d ins(%[[X00]], %a_weight, %a_bias : {{.*}}) outs(%a_patch0x0 : {{.*}}) {{{.*}}pads = array<i64: 1, 1, 0, 0>
// CHECK:         qk.conv2d ins(%a_patch0x0, {{.*}}) outs(%dw_patch0x0 : {{.*}}) {{{.*}}pads = array<i64: 1, 1, 0, 0>
// CHECK:         %[[Y00:.*]] = memref.subview %y_out[0, 0, 0, 0] [1, 4, 4, 2] [1, 1, 1, 1] : memref<1x8x8x2xi8> to memref<1x4x4x2xi8, strided<[128, 16, 2, 1]>>
// CHECK:         qk.conv2d ins(%dw_patch0x0, {{.*}}) outs(%[[Y00]] : {{.*}})
// CHECK:         %[[X01:.*]] = memref.subview %x[0, 0, 5, 0] [1, 10, 11, 1] [1, 1, 1, 1]
// CHECK:         qk.conv2d ins(%[[X01]], {{.*}}) outs(%a_patch0x1 : {{.*}}) {{{.*}}pads = array<i64: 1, 0, 0, 0>
// CHECK:         qk.conv2d ins(%a_patch0x1, {{.*}}) outs(%dw_patch0x1 : {{.*}}) {{{.*}}pads = array<i64: 1, 0, 0, 1>
// CHECK:         memref.subview %y_out[0, 0, 4, 0] [1, 4, 4, 2] [1, 1, 1, 1]
// CHECK:         %[[X10:.*]] = memref.subview %x[0, 5, 0, 0] [1, 11, 10, 1] [1, 1, 1, 1]
// CHECK:         qk.conv2d ins(%[[X10]], {{.*}}) outs(%a_patch1x0 : {{.*}}) {{{.*}}pads = array<i64: 0, 1, 0, 0>
// CHECK:         qk.conv2d ins(%a_patch1x0, {{.*}}) outs(%dw_patch1x0 : {{.*}}) {{{.*}}pads = array<i64: 0, 1, 1, 0>
// CHECK:         memref.subview %y_out[0, 4, 0, 0] [1, 4, 4, 2] [1, 1, 1, 1]
// CHECK:         %[[X11:.*]] = memref.subview %x[0, 5, 5, 0] [1, 11, 11, 1] [1, 1, 1, 1]
// CHECK:         qk.conv2d ins(%[[X11]], %a_weight, %a_bias_inner : {{.*}}) outs(%a_patch1x1 : {{.*}}) {{{.*}}pads = array<i64: 0, 0, 0, 0>
// CHECK:         qk.conv2d ins(%a_patch1x1, {{.*}}) outs(%dw_patch1x1 : {{.*}}) {{{.*}}pads = array<i64: 0, 0, 1, 1>
// CHECK:         %[[Y11:.*]] = memref.subview %y_out[0, 4, 4, 0] [1, 4, 4, 2] [1, 1, 1, 1]
// CHECK:         qk.conv2d ins(%dw_patch1x1, {{.*}}) outs(%[[Y11]] : {{.*}})
// CHECK-NOT:     qk.
// CHECK:         func.return
// BANDS-LABEL: func.func @chain
// BANDS-SAME:    tinymlir.patch_schedule = "bands: a..y (3 layers) in 4 row bands, arena 256 B
func.func @chain(%x: !qnn.qtensor<1x16x16x1xi8, 0.5:3>) -> !qnn.qtensor<1x8x8x2xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<8x3x3x1xi8> -> !qnn.qtensor<8x3x3x1xi8, 0.1:0>
  %dww = qnn.constant dense<2> : tensor<8x3x3x1xi8> -> !qnn.qtensor<8x3x3x1xi8, 0.1:0>
  %pww = qnn.constant dense<1> : tensor<2x1x1x8xi8> -> !qnn.qtensor<2x1x1x8xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<8xi32>
  %b2 = arith.constant dense<0> : tensor<2xi32>
  %a = qnn.conv2d %x, %w, %b strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x16x1xi8, 0.5:3>, !qnn.qtensor<8x3x3x1xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x8x8x8xi8, 0.5:0>
  %dw = qnn.conv2d %a, %dww, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 8 : !qnn.qtensor<1x8x8x8xi8, 0.5:0>, !qnn.qtensor<8x3x3x1xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x8x8x8xi8, 0.5:0>
  %y = qnn.conv2d %dw, %pww, %b2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x8xi8, 0.5:0>, !qnn.qtensor<2x1x1x8xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x8x8x2xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x8x8x2xi8, 0.5:0>
}

// -----

// A refusal: every patch of every grid (and every band) of this chain would read only
// padding at some layer (%y's output column 0 reads %a's columns -3..-1, stride 3; its
// output row 1 reads %a's row 2, whose taps all miss the 1-row image), so there is no
// candidate and the layers stay whole, with the reason.
// CHECK-LABEL: func.func @padding_only
// CHECK-SAME:    tinymlir.patch_schedule = "layer-by-layer: no stage of convolutions"
// CHECK-NOT:     memref.subview
// CHECK:         func.return
func.func @padding_only(%x: !qnn.qtensor<1x1x1x8xi8, 0.74:59>) -> !qnn.qtensor<1x2x3x8xi8, 1.0:0> {
  %b = arith.constant dense<[18, -47, -17, 12, -12, -40, -14, -3]> : tensor<8xi32>
  %w1 = qnn.constant dense<7> : tensor<8x3x2x1xi8> -> !qnn.qtensor<8x3x2x1xi8, 0.005:0>
  %a = qnn.conv2d %x, %w1, %b strides [2, 1] pads [3, 3, 5, 1] dilations [2, 2] groups 8 : !qnn.qtensor<1x1x1x8xi8, 0.74:59>, !qnn.qtensor<8x3x2x1xi8, 0.005:0>, tensor<8xi32> -> !qnn.qtensor<1x3x3x8xi8, 0.11:127>
  %w2 = qnn.constant dense<-5> : tensor<8x1x3x1xi8> -> !qnn.qtensor<8x1x3x1xi8, 0.8:0>
  %y = qnn.conv2d %a, %w2, %b strides [2, 3] pads [0, 3, 0, 3] dilations [2, 1] groups 8 : !qnn.qtensor<1x3x3x8xi8, 0.11:127>, !qnn.qtensor<8x1x3x1xi8, 0.8:0>, tensor<8xi32> -> !qnn.qtensor<1x2x3x8xi8, 1.0:0>
  func.return %y : !qnn.qtensor<1x2x3x8xi8, 1.0:0>
}
