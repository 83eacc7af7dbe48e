// patch-schedule runs an early stage of convolutions in row bands: each band's rows are
// walked back through the stage (halo t_in = (t_out - 1) * s + (k - 1) * d + 1), the
// intermediate maps exist only as band buffers, and only rows outside the map are padding.
// RUN: tinymlir-opt %s --split-input-file -p "convert-qnn-to-kernel,patch-schedule{stream=false}" | filecheck %s

// A 3x3/s2 convolution, a 3x3 depthwise and a 1x1 convolution: the whole chain runs in
// bands; the input is read through row subviews (halo rows included), the last layer
// writes row subviews of the output. Band 0 (output rows 0-3) needs rows 0-4 of %a
// (one halo row; row -1 is padding) and rows 0-9 of %x; band 1 (rows 4-7) rows 3-7 of
// %a and rows 5-15 of %x: top padding only in band 0, bottom padding only in band 1
// (for %a, stride 2 never reads below the map), left and right padding kept. The two bands
// differ in their pads: both are unrolled, each with its band buffers allocated before it.
// CHECK-LABEL: func.func @chain
// CHECK-SAME:    tinymlir.patch_schedule = "bands: a..y (3 layers) in 2 row bands, arena 320 B (layer-by-layer 512 B), +1,152 MACs
// CHECK:         %a_band0 = memref.alloc() {{.*}} : memref<1x5x8x8xi8>
// CHECK:         %dw_band0 = memref.alloc() {{.*}} : memref<1x4x8x8xi8>
// CHECK:         %[[X0:.*]] = memref.subview %x[0, 0, 0, 0] [1, 10, 16, 1] [1, 1, 1, 1]
// CHECK:         qk.conv2d ins(%[[X0]], {{.*}}) outs(%a_band0 : memref<1x5x8x8xi8>) {{{.*}}pads = array<i64: 1, 1, 0, 1>
// CHECK:         qk.conv2d ins(%a_band0, {{.*}}) outs(%dw_band0 : memref<1x4x8x8xi8>) {{{.*}}pads = array<i64: 1, 1, 0, 1>
// CHECK:         %[[Y0:.*]] = memref.subview %y_out[0, 0, 0, 0] [1, 4, 8, 2] [1, 1, 1, 1]
// CHECK:         qk.conv2d ins(%dw_band0, {{.*}}) outs(%[[Y0]] : {{.*}}) {{{.*}}pads = array<i64: 0, 0, 0, 0>
// CHECK:         %a_band1 = memref.alloc() {{.*}} : memref<1x5x8x8xi8>
// CHECK:         %[[X1:.*]] = memref.subview %x[0, 5, 0, 0] [1, 11, 16, 1] [1, 1, 1, 1]
// CHECK:         qk.conv2d ins(%[[X1]], {{.*}}) outs(%a_band1 : memref<1x5x8x8xi8>) {{{.*}}pads = array<i64: 0, 1, 0, 1>
// CHECK:         qk.conv2d ins(%a_band1, {{.*}}) outs(%dw_band1 : memref<1x4x8x8xi8>) {{{.*}}pads = array<i64: 0, 1, 1, 1>
// CHECK:         %[[Y1:.*]] = memref.subview %y_out[0, 4, 0, 0] [1, 4, 8, 2] [1, 1, 1, 1]
// CHECK:         qk.conv2d ins(%dw_band1, {{.*}}) outs(%[[Y1]] : {{.*}})
// CHECK-NOT:     qk.
// CHECK:         func.return
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

// No spatial layers: declined with the reason.
// CHECK-LABEL: func.func @flat
// CHECK-SAME:    tinymlir.patch_schedule = "layer-by-layer: no spatial layers"
func.func @flat(%x: !qnn.qtensor<1x4xi8, 0.5:0>) -> !qnn.qtensor<1x4xi8, 0.25:0> {
  %y = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<1x4xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x4xi8, 0.25:0>
}

// -----

// A max pool between the convolutions cannot be run in bands (yet): no stage forms,
// nothing changes.
// CHECK-LABEL: func.func @pooled
// CHECK-SAME:    tinymlir.patch_schedule = "layer-by-layer: no stage of convolutions"
// CHECK:         qk.conv2d ins(%x, {{.*}}) outs(%a : memref<1x8x8x8xi8>)
// CHECK:         qk.max_pool2d
// CHECK:         qk.conv2d ins(%p, {{.*}}) outs(%y_out : memref<1x4x4x8xi8>)
func.func @pooled(%x: !qnn.qtensor<1x8x8x1xi8, 0.5:0>) -> !qnn.qtensor<1x4x4x8xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<8x3x3x1xi8> -> !qnn.qtensor<8x3x3x1xi8, 0.1:0>
  %dww = qnn.constant dense<2> : tensor<8x3x3x1xi8> -> !qnn.qtensor<8x3x3x1xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<8xi32>
  %a = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x1xi8, 0.5:0>, !qnn.qtensor<8x3x3x1xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x8x8x8xi8, 0.5:0>
  %p = qnn.max_pool2d %a kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<1x8x8x8xi8, 0.5:0> -> !qnn.qtensor<1x4x4x8xi8, 0.5:0>
  %y = qnn.conv2d %p, %dww, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 8 : !qnn.qtensor<1x4x4x8xi8, 0.5:0>, !qnn.qtensor<8x3x3x1xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x4x4x8xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x4x4x8xi8, 0.5:0>
}
