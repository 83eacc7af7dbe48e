// Importer: QOperator graphs (QLinear* ops) map one to one onto qnn ops.

// RUN: tinymlir-opt %S/Inputs/qop_qlinearconv_per_channel.onnx | filecheck %s --check-prefix=CONV
// CONV:         qnn.constant {{.*}} -> !qnn.qtensor<{{[0-9]+}}x{{[0-9]+}}x{{[0-9]+}}x{{[0-9]+}}xi8, axis 0 {
// CONV:         qnn.conv2d

// RUN: tinymlir-opt %S/Inputs/qop_qlinearconv_uint8.onnx | filecheck %s --check-prefix=UINT8
// UINT8:        qnn.conv2d {{.*}} -> !qnn.qtensor<{{.*}}xui8,

// QLinearMatMul has no bias: a zero bias is made.
// RUN: tinymlir-opt %S/Inputs/qop_qlinearmatmul.onnx | filecheck %s --check-prefix=MATMUL
// MATMUL:       %matmul1_weight = qnn.constant {{.*}} : tensor<16x32xi8> -> !qnn.qtensor<16x32xi8, 0.0062679537:0>
// MATMUL-NEXT:  %matmul1_bias = arith.constant dense<0> : tensor<16xi32>
// MATMUL-NEXT:  %matmul1 = qnn.dense %input, %matmul1_weight, %matmul1_bias

// RUN: tinymlir-opt %S/Inputs/qop_qgemm.onnx | filecheck %s --check-prefix=QGEMM
// QGEMM:        qnn.dense

// RUN: tinymlir-opt %S/Inputs/qop_qlinearadd.onnx | filecheck %s --check-prefix=ADD
// ADD:          qnn.add

// RUN: tinymlir-opt %S/Inputs/qop_qlinear_avgpool.onnx | filecheck %s --check-prefix=AVG
// AVG:          qnn.avg_pool2d {{.*}} onnx_form <zero_point_in_float> :

// Different input and output parameters: one avg_pool2d that rescales (one rounding).
// RUN: tinymlir-opt %S/Inputs/qop_qlinear_global_avgpool.onnx | filecheck %s --check-prefix=GAP
// GAP:          qnn.avg_pool2d %{{.*}} onnx_form <integer_sum> : !qnn.qtensor<1x5x5x8xi8, {{.*}}> -> !qnn.qtensor<1x1x1x8xi8, 0.008194:-120>
// GAP-NOT:      qnn.requantize

// RUN: tinymlir-opt %S/Inputs/qop_qlinear_concat.onnx | filecheck %s --check-prefix=CONCAT
// CONCAT:       qnn.concat

// RUN: tinymlir-opt %S/Inputs/qop_qlinear_softmax.onnx | filecheck %s --check-prefix=SOFTMAX
// SOFTMAX:      qnn.softmax

// A graph of integer data movement only: its scale is irrelevant and taken as 1.0:0.
// RUN: tinymlir-opt %S/Inputs/qop_maxpool_int8.onnx | filecheck %s --check-prefix=MAXPOOL
// MAXPOOL:      func.func @qop_maxpool_int8(%input: !qnn.qtensor<1x4x9x9xi8, 1.0:0>)
// MAXPOOL:      qnn.max_pool2d %input_relayout kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1]

// RUN: tinymlir-opt %S/Inputs/qop_small_cnn.onnx --pipeline=qnn | filecheck %s --check-prefix=CNN
// CNN:          qnn.conv2d
// CNN:          qnn.reshape
// CNN:          qnn.dense
