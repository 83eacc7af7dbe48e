// Importer: QDQ graphs (DequantizeLinear -> float op -> [Relu/Clip] -> QuantizeLinear) fold into
// one qnn op each; activations become NHWC, weights OHWI. Inputs are built by
// test/python/onnx_graphs.py.

// RUN: tinymlir-opt %S/Inputs/qdq_conv_per_channel.onnx | filecheck %s --check-prefix=CONV
// CONV-LABEL: func.func @qdq_conv_per_channel(%input: !qnn.qtensor<1x4x9x9xi8, 0.0314:5>) -> !qnn.qtensor<1x8x4x4xi8, 0.09125:-30>
// CONV:         %conv1_weight = qnn.constant dense<"0x{{[0-9A-F]+}}"> : tensor<8x3x3x4xi8> -> !qnn.qtensor<8x3x3x4xi8, axis 0 {
// CONV:         %conv1_bias = arith.constant dense<[{{.*}}]> : tensor<8xi32>
// CONV:         %input_relayout = qnn.transpose %input perm [0, 2, 3, 1]
// CONV-NEXT:    %conv1 = qnn.conv2d %input_relayout, %conv1_weight, %conv1_bias strides [2, 2] pads [0, 0, 1, 1] dilations [1, 1] groups 1 : {{.*}} -> !qnn.qtensor<1x4x4x8xi8, 0.09125:-30>
// CONV-NEXT:    %conv1_relayout = qnn.transpose %conv1 perm [0, 3, 1, 2]
// CONV-NEXT:    func.return %conv1_relayout

// RUN: tinymlir-opt %S/Inputs/qdq_conv_per_tensor.onnx | filecheck %s --check-prefix=PERTENSOR
// PERTENSOR:    qnn.constant {{.*}} -> !qnn.qtensor<8x3x3x4xi8, {{[0-9.e-]+}}:0>
// PERTENSOR:    qnn.conv2d {{.*}} pads [1, 1, 1, 1] dilations [1, 1] groups 1 : {{.*}} -> !qnn.qtensor<1x8x8x8xi8, 0.03506:-128>

// Depthwise: group = C becomes groups = C with [C, KH, KW, 1] weights.
// RUN: tinymlir-opt %S/Inputs/qdq_depthwise.onnx | filecheck %s --check-prefix=DW
// DW:           tensor<8x3x3x1xi8> -> !qnn.qtensor<8x3x3x1xi8, axis 0 {
// DW:           qnn.conv2d {{.*}} groups 8 : !qnn.qtensor<1x8x8x8xi8, {{.*}}>, !qnn.qtensor<8x3x3x1xi8

// RUN: tinymlir-opt %S/Inputs/qdq_grouped_conv.onnx | filecheck %s --check-prefix=GROUPED
// GROUPED:      qnn.conv2d {{.*}} groups 2 :

// RUN: tinymlir-opt %S/Inputs/qdq_conv_dilated.onnx | filecheck %s --check-prefix=DILATED
// DILATED:      qnn.conv2d {{.*}} dilations [2, 2] groups 1

// MatMul + bias Add + Relu is one qnn.dense with [out, in] weights.
// RUN: tinymlir-opt %S/Inputs/qdq_matmul_add.onnx | filecheck %s --check-prefix=FC
// FC:           qnn.constant {{.*}} : tensor<[[OUT:[0-9]+]]x[[IN:[0-9]+]]xi8>
// FC:           qnn.dense %{{.*}} : !qnn.qtensor<1x[[IN]]xi8, {{.*}}>, !qnn.qtensor<[[OUT]]x[[IN]]xi8, {{.*}}>, tensor<[[OUT]]xi32> -> !qnn.qtensor<1x[[OUT]]xi8
// FC-NOT:       qnn.requantize

// RUN: tinymlir-opt %S/Inputs/qdq_gemm.onnx | filecheck %s --check-prefix=GEMM
// GEMM:         qnn.dense

// Residual add of two activations at different parameters, with broadcasting (kept in the
// graph's layout: no transposes are needed).
// RUN: tinymlir-opt %S/Inputs/qdq_add_broadcast.onnx | filecheck %s --check-prefix=ADD
// ADD-NOT:      qnn.transpose
// ADD:          qnn.add %input_a, %input_b : !qnn.qtensor<1x8x6x6xi8, 0.0331:-7>, !qnn.qtensor<1x8x1x1xi8, 0.0125:20> -> !qnn.qtensor<1x8x6x6xi8, 0.04545:1>

// The pools carry onnxruntime's (MLAS, x86-64) kernel form: AveragePool with a width stride
// <= 2 and kernel sides <= 32 runs the vector kernel (column sums first), GlobalAveragePool the
// global kernel (4 lanes).
// RUN: tinymlir-opt %S/Inputs/qdq_avgpool_padded.onnx | filecheck %s --check-prefix=AVG
// AVG:          qnn.avg_pool2d %{{.*}} kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] onnx_form <mlas_columns> :

// RUN: tinymlir-opt %S/Inputs/qdq_global_avgpool.onnx | filecheck %s --check-prefix=GAP
// GAP:          qnn.avg_pool2d %{{.*}} kernel [[[H:[0-9]+]], [[W:[0-9]+]]] strides [1, 1] pads [0, 0, 0, 0] onnx_form <mlas_lanes4> : !qnn.qtensor<1x[[H]]x[[W]]x

// A width stride of 3: MLAS's scalar kernel, the sequential sum (the default, not printed).
// RUN: tinymlir-opt %S/Inputs/qdq_avgpool_stride3.onnx | filecheck %s --check-prefix=AVG3
// AVG3:         qnn.avg_pool2d %{{.*}} kernel [3, 3] strides [3, 3] pads [0, 0, 0, 0] : !qnn.qtensor

// RUN: tinymlir-opt %S/Inputs/qdq_maxpool.onnx | filecheck %s --check-prefix=MAX
// MAX:          qnn.max_pool2d %{{.*}} kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1]

// RUN: tinymlir-opt %S/Inputs/qdq_pad.onnx | filecheck %s --check-prefix=PAD
// PAD:          qnn.pad %{{.*}} pads [

// Channel concat of branches at different scales: the odd one out is requantised first.
// RUN: tinymlir-opt %S/Inputs/qdq_concat.onnx | filecheck %s --check-prefix=CONCAT
// CONCAT:       %[[A:.*]] = qnn.conv2d
// CONCAT:       %[[B:.*]] = qnn.conv2d
// CONCAT:       %[[R:.*]] = qnn.requantize %[[A]]
// CONCAT-NEXT:  qnn.concat %[[R]], %[[B]] axis 3

// RUN: tinymlir-opt %S/Inputs/qdq_softmax.onnx | filecheck %s --check-prefix=SOFTMAX
// SOFTMAX:      qnn.softmax %fc1 beta 1.000000e+00 : {{.*}} -> !qnn.qtensor<1x10xi8, 0.00390625:-128>

// tf2onnx's int8 Transpose after an NHWC input only changes the tracked layout.
// RUN: tinymlir-opt %S/Inputs/qdq_transpose_input.onnx | filecheck %s --check-prefix=TRANSPOSE
// TRANSPOSE:    func.func @qdq_transpose_input(%input: !qnn.qtensor<1x8x8x3xi8
// TRANSPOSE-NOT: qnn.transpose %input
// TRANSPOSE:    qnn.conv2d %input,

// RUN: tinymlir-opt %S/Inputs/qdq_reshape_flatten.onnx | filecheck %s --check-prefix=FLATTEN
// FLATTEN:      qnn.conv2d
// FLATTEN:      qnn.transpose %{{.*}} perm [0, 3, 1, 2]
// FLATTEN:      qnn.reshape
// FLATTEN:      qnn.dense

// A float interface: QuantizeLinear / DequantizeLinear at the boundary stay as qnn ops.
// RUN: tinymlir-opt %S/Inputs/qdq_float_io.onnx | filecheck %s --check-prefix=FLOATIO
// FLOATIO:      func.func @qdq_float_io(%input: tensor<1x3x8x8xf32>) -> tensor<1x8x8x8xf32>
// FLOATIO:      qnn.quantize %input : tensor<1x3x8x8xf32> -> !qnn.qtensor<1x3x8x8xi8, 0.007834:0>
// FLOATIO:      qnn.dequantize %{{.*}} -> tensor<1x8x8x8xf32>

// uint8 activations keep ui8 storage.
// RUN: tinymlir-opt %S/Inputs/qdq_conv_uint8.onnx | filecheck %s --check-prefix=UINT8
// UINT8:        func.func @qdq_conv_uint8(%input: !qnn.qtensor<{{.*}}xui8,
// UINT8:        qnn.conv2d {{.*}} -> !qnn.qtensor<{{.*}}xui8,

// --model-name overrides the function name.
// RUN: tinymlir-opt %S/Inputs/qdq_add.onnx --model-name=my_net | filecheck %s --check-prefix=NAME
// NAME:         func.func @my_net(
