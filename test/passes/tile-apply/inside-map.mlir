// RUN: tinymlir-opt %s -p 'convert-qnn-to-kernel,tile-for-memory{capacity=120},tile-apply' | filecheck %s

// A stride-2 conv padded only after (bottom, right), at 120 bytes: the top-left tiles'
// windows lie inside the map; each gets one row of padding after its window (no tap
// reaches it: the output keeps its 2 rows), so it keeps the padded form its bias needs.
// CHECK-LABEL: func.func @inside
// CHECK:      memref.subview %x[0, 0, 0, 0] [1, 5, 5, 2] [1, 1, 1, 1]
// CHECK:      qk.conv2d {{.*}}pads = array<i64: 0, 0, 1, 0>
// CHECK:      memref.subview %x[0, 0, 8, 0] [1, 5, 4, 2] [1, 1, 1, 1]
// CHECK:      qk.conv2d {{.*}}pads = array<i64: 0, 0, 0, 1>
func.func @inside(%x: !qnn.qtensor<1x12x12x2xi8, 0.5:3>) -> !qnn.qtensor<1x6x6x2xi8, 0.25:-2> {
  %w = qnn.constant dense<1> : tensor<2x3x3x2xi8> -> !qnn.qtensor<2x3x3x2xi8, 0.1:0>
  %b = arith.constant dense<7> : tensor<2xi32>
  %y = qnn.conv2d %x, %w, %b strides [2, 2] pads [0, 0, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x12x12x2xi8, 0.5:3>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x6x6x2xi8, 0.25:-2>
  func.return %y : !qnn.qtensor<1x6x6x2xi8, 0.25:-2>
}
