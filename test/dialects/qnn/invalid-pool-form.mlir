// An unknown qnn.avg_pool2d onnx_form is a parse error naming the forms.

// RUN: not tinymlir-opt %s 2>&1 | filecheck %s
// CHECK: error: {{.*}} Expected `sequential`, `mlas_columns`, `mlas_lanes4`, `integer_sum`, or `zero_point_in_float`.

func.func @avg_pool2d_unknown_form(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>) {
  %y = qnn.avg_pool2d %x kernel [4, 4] strides [1, 1] pads [0, 0, 0, 0] onnx_form <mlas_rows> : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x1x1x2xi8, 0.5:-3>
  func.return
}
