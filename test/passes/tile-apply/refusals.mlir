// Plans tile-apply cannot execute are refused with one error naming the layer.
// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics -p 'convert-qnn-to-kernel,tile-for-memory{capacity=120},tile-apply' | filecheck %s
// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics -p 'convert-qnn-to-kernel,tile-for-memory{capacity=200},tile-apply' | filecheck %s --check-prefix=INSIDE

// At 120 bytes the plan splits the 4 input channels (kc = 1): the qk ops write int8 and
// cannot carry int32 partial sums from one reduction tile to the next.
// CHECK: tile-apply: layer 'y' (qk.conv2d): the plan has reduction tiles (1 of 4 input channels): the qk ops cannot carry int32 partial sums between tiles
// At 200 bytes the 3x3 tiles of a padded conv include the centre one, whose window has no
// padding: a qk.conv2d without pads takes the input zero point from a folded bias, and
// this layer's bias is not folded (with a stride >= 2 the tile would get a row of padding
// that no tap reaches: conv-rows.mlir).
// INSIDE: tile-apply: layer 'y' (qk.conv2d): its tile of rows 3..6, columns 3..6 lies inside the map with stride 1: the tile op would take the unpadded form, whose bias has the input zero point folded in
func.func @conv(%x: !qnn.qtensor<1x9x9x4xi8, 0.5:3>) -> !qnn.qtensor<1x9x9x4xi8, 0.25:-2> {
  %w = qnn.constant dense<1> : tensor<4x3x3x4xi8> -> !qnn.qtensor<4x3x3x4xi8, 0.1:0>
  %b = arith.constant dense<7> : tensor<4xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x9x9x4xi8, 0.5:3>, !qnn.qtensor<4x3x3x4xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x9x9x4xi8, 0.25:-2>
  func.return %y : !qnn.qtensor<1x9x9x4xi8, 0.25:-2>
}
