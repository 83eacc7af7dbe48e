// Importer: what onnxruntime.quantization.quantize_static emits for MatMul + Add (QDQ): the
// MatMul's output is quantised, then Add(DequantizeLinear(int8 per-tensor bias)). The bias is
// a constant operand of qnn.add; its broadcast to [1, M] is folded into the constant (no
// qnn.reshape of a constant, which convert-qnn-to-kernel cannot give a buffer).
// Input: test/python/ort_models.py's matmul_softmax, variant qdq_s8_pc.

// RUN: tinymlir-opt %S/Inputs/ort_matmul_add_softmax.onnx | filecheck %s
// CHECK-LABEL: func.func @ort_matmul_add_softmax(%input: tensor<1x32xf32>)
// CHECK:         %matmul1 = qnn.dense %input_QuantizeLinear, %matmul1_weight, %matmul1_bias
// CHECK:         %[[BIAS1:.*]] = qnn.constant dense<{{\[\[}}-128, -45, {{.*}}]]> : tensor<1x16xi8> -> !qnn.qtensor<1x16xi8, 0.001323901:-53>
// CHECK-NEXT:    %bias_add1 = qnn.add %matmul1, %[[BIAS1]] : !qnn.qtensor<1x16xi8, {{.*}}>, !qnn.qtensor<1x16xi8, 0.001323901:-53> -> !qnn.qtensor<1x16xi8,
// CHECK:         %matmul2 = qnn.dense %bias_add1,
// CHECK:         %[[BIAS2:.*]] = qnn.constant {{.*}} : tensor<1x10xi8>
// CHECK-NEXT:    %bias_add2 = qnn.add %matmul2, %[[BIAS2]]
// CHECK:         qnn.softmax %bias_add2
// CHECK-NOT:     qnn.reshape

// The same through the qnn pipeline: the unused 1-D constants are gone.
// RUN: tinymlir-opt --pipeline=qnn %S/Inputs/ort_matmul_add_softmax.onnx | filecheck %s --check-prefix=QNN
// QNN-COUNT-2:   qnn.constant {{.*}} : tensor<1x{{16|10}}xi8>
// QNN-NOT:       tensor<16xi8>
// QNN-NOT:       qnn.reshape

// Softmax: in onnx numerics one qnn.softmax straight to the ONNX output's parameters (one
// rounding); in tflm numerics TFLite's kernel at 1/256, then a requantize.
// RUN: tinymlir-opt %S/Inputs/ort_matmul_add_softmax.onnx | filecheck %s --check-prefix=ONNX-SOFTMAX
// ONNX-SOFTMAX:      %softmax1 = qnn.softmax %bias_add2 beta 1.000000e+00 : !qnn.qtensor<1x10xi8, 0.022364601:22> -> !qnn.qtensor<1x10xi8, 0.003921569:-128>
// ONNX-SOFTMAX-NEXT: qnn.dequantize %softmax1
// RUN: tinymlir-opt --numerics=tflm %S/Inputs/ort_matmul_add_softmax.onnx | filecheck %s --check-prefix=TFLM-SOFTMAX
// TFLM-SOFTMAX:      %softmax1 = qnn.softmax %bias_add2 beta 1.000000e+00 : !qnn.qtensor<1x10xi8, 0.022364601:22> -> !qnn.qtensor<1x10xi8, 0.00390625:-128>
// TFLM-SOFTMAX-NEXT: qnn.requantize %softmax1 : !qnn.qtensor<1x10xi8, 0.00390625:-128> -> !qnn.qtensor<1x10xi8, 0.003921569:-128>
