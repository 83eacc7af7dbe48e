// plan-arena steps through a patch.stage (its body ops are steps in its place) and the body
// of its band loop (patch.band_loop, whose iterations share only buffers also used outside it): a band
// buffer used only inside lives over the body steps that use it, and takes the same bytes
// as the unrolled border bands' buffers; the stitched output %y, also read after the loop
// (by the pool), lives over the whole loop, from band 0's write to the pool.
// RUN: tinymlir-opt %s -p "convert-qnn-to-kernel,patch-schedule{stream=false max_grid=1}",kernel-in-place,plan-arena | filecheck %s

// CHECK-LABEL: func.func @banded
// CHECK-SAME:    tinymlir.arena_size = 384 : i64
// CHECK-SAME:    tinymlir.arena_plan = {buffers = [
// CHECK-SAME:      {name = "a_band0", offset = 0 : i64, size = 256 : i64, first = 7 : i64, last = 9 : i64}
// CHECK-SAME:      {name = "y", offset = 256 : i64, size = 128 : i64, first = 9 : i64, last = 28 : i64}
// CHECK-SAME:      {name = "a_band1", offset = 0 : i64, size = 256 : i64, first = 20 : i64, last = 22 : i64}
// CHECK-SAME:      {name = "a_band7", offset = 0 : i64, size = 256 : i64, first = 25 : i64, last = 27 : i64}
// CHECK-SAME:    stages = [{stage = "a..y (2 layers), recompute, grid 8x1", first = 5 : i64, last = 27 : i64}]
// CHECK:         patch.stage "recompute" grid [8, 1]
// CHECK:         patch.band_loop %band in bands 1 to 7
func.func @banded(%x: !qnn.qtensor<1x16x8x1xi8, 0.5:3>) -> !qnn.qtensor<1x8x4x1xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<16x3x3x1xi8> -> !qnn.qtensor<16x3x3x1xi8, 0.1:0>
  %pw = qnn.constant dense<1> : tensor<1x1x1x16xi8> -> !qnn.qtensor<1x1x1x16xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<16xi32>
  %b1 = arith.constant dense<0> : tensor<1xi32>
  %a = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x8x1xi8, 0.5:3>, !qnn.qtensor<16x3x3x1xi8, 0.1:0>, tensor<16xi32> -> !qnn.qtensor<1x16x8x16xi8, 0.5:0>
  %y = qnn.conv2d %a, %pw, %b1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x8x16xi8, 0.5:0>, !qnn.qtensor<1x1x1x16xi8, 0.1:0>, tensor<1xi32> -> !qnn.qtensor<1x16x8x1xi8, 0.5:0>
  %p = qnn.max_pool2d %y kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<1x16x8x1xi8, 0.5:0> -> !qnn.qtensor<1x8x4x1xi8, 0.5:0>
  func.return %p : !qnn.qtensor<1x8x4x1xi8, 0.5:0>
}
