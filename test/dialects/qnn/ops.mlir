// Round trip of every qnn op and of the !qnn.qtensor type, in the custom and
// in the generic form. Scales are float32 values printed as the shortest
// decimal that parses back to the same float32, always with a dot.

// RUN: tinymlir-opt %s | tinymlir-opt | filecheck %s
// RUN: tinymlir-opt %s --print-op-generic | tinymlir-opt | filecheck %s

//===----------------------------------------------------------------------===//
// !qnn.qtensor
//===----------------------------------------------------------------------===//

// Per-tensor i8 and ui8 at the ends of their zero-point ranges, per-channel
// along the first and a middle axis, and a single-channel per-channel type.
// CHECK-LABEL: func.func @qtensor_params(
// CHECK-SAME:    %a: !qnn.qtensor<1x8x8x16xi8, 0.5:-3>,
// CHECK-SAME:    %b: !qnn.qtensor<4xi8, 1.0:-128>,
// CHECK-SAME:    %c: !qnn.qtensor<4xi8, 1.0:127>,
// CHECK-SAME:    %d: !qnn.qtensor<2x2xui8, 0.0078125:0>,
// CHECK-SAME:    %e: !qnn.qtensor<2x2xui8, 0.0078125:255>,
// CHECK-SAME:    %f: !qnn.qtensor<4x3x3x2xi8, axis 0 {0.1:0, 0.2:0, 0.3:0, 0.4:0}>,
// CHECK-SAME:    %g: !qnn.qtensor<2x3x4xi8, axis 1 {0.5:-1, 0.25:0, 0.125:1}>,
// CHECK-SAME:    %h: !qnn.qtensor<1x5xui8, axis 0 {2.0:128}>)
func.func @qtensor_params(
    %a: !qnn.qtensor<1x8x8x16xi8, 0.5:-3>,
    %b: !qnn.qtensor<4xi8, 1.0:-128>,
    %c: !qnn.qtensor<4xi8, 1.0:127>,
    %d: !qnn.qtensor<2x2xui8, 0.0078125:0>,
    %e: !qnn.qtensor<2x2xui8, 0.0078125:255>,
    %f: !qnn.qtensor<4x3x3x2xi8, axis 0 {0.1:0, 0.2:0, 0.3:0, 0.4:0}>,
    %g: !qnn.qtensor<2x3x4xi8, axis 1 {0.5:-1, 0.25:0, 0.125:1}>,
    %h: !qnn.qtensor<1x5xui8, axis 0 {2.0:128}>) {
  func.return
}

// Scales are rounded to float32 and printed as the shortest float32 repr:
// 0.58470290899 -> 0.5847029, integers gain a ".0", exponents keep one.
// CHECK-LABEL: func.func @qtensor_scales(
// CHECK-SAME:    %a: !qnn.qtensor<4xi8, 0.1:0>,
// CHECK-SAME:    %b: !qnn.qtensor<4xi8, 1.0e-05:0>,
// CHECK-SAME:    %c: !qnn.qtensor<4xi8, 1.0e-05:0>,
// CHECK-SAME:    %d: !qnn.qtensor<4xi8, 0.5847029:0>,
// CHECK-SAME:    %e: !qnn.qtensor<4xi8, 1.0:0>,
// CHECK-SAME:    %f: !qnn.qtensor<4xi8, 2500.0:0>,
// CHECK-SAME:    %g: !qnn.qtensor<4xi8, 1.0e+10:0>,
// CHECK-SAME:    %h: !qnn.qtensor<4xi8, 0.003921569:-128>,
// CHECK-SAME:    %i: !qnn.qtensor<2xi8, axis 0 {1.0e-05:0, 0.5847029:0}>)
func.func @qtensor_scales(
    %a: !qnn.qtensor<4xi8, 0.1:0>,
    %b: !qnn.qtensor<4xi8, 1.0e-05:0>,
    %c: !qnn.qtensor<4xi8, 0.00001:0>,
    %d: !qnn.qtensor<4xi8, 0.58470290899:0>,
    %e: !qnn.qtensor<4xi8, 1:0>,
    %f: !qnn.qtensor<4xi8, 2.5e3:0>,
    %g: !qnn.qtensor<4xi8, 1.0e10:0>,
    %h: !qnn.qtensor<4xi8, 0.0039215686274509803:-128>,
    %i: !qnn.qtensor<2xi8, axis 0 {0.00001:0, 0.58470290899:0}>) {
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.constant, qnn.quantize, qnn.dequantize, qnn.requantize
//===----------------------------------------------------------------------===//

// Constants: per-tensor i8, ui8, splat per-channel weights.
// CHECK-LABEL: func.func @constant()
// CHECK-NEXT:    %a = qnn.constant dense<[[1, -2], [3, 4]]> : tensor<2x2xi8> -> !qnn.qtensor<2x2xi8, 0.1:0>
// CHECK-NEXT:    %b = qnn.constant dense<[0, 255]> : tensor<2xui8> -> !qnn.qtensor<2xui8, 0.5:128>
// CHECK-NEXT:    %c = qnn.constant dense<1> : tensor<2x1x1x3xi8> -> !qnn.qtensor<2x1x1x3xi8, axis 0 {0.1:0, 0.2:0}>
func.func @constant() {
  %a = qnn.constant dense<[[1, -2], [3, 4]]> : tensor<2x2xi8> -> !qnn.qtensor<2x2xi8, 0.1:0>
  %b = qnn.constant dense<[0, 255]> : tensor<2xui8> -> !qnn.qtensor<2xui8, 0.5:128>
  %c = qnn.constant dense<1> : tensor<2x1x1x3xi8> -> !qnn.qtensor<2x1x1x3xi8, axis 0 {0.1:0, 0.2:0}>
  func.return
}

// Model boundary: f32 -> i8 and ui8 -> f32.
// CHECK-LABEL: func.func @quantize_dequantize(
// CHECK-NEXT:    %q = qnn.quantize %x : tensor<1x4xf32> -> !qnn.qtensor<1x4xi8, 0.1:-3>
// CHECK-NEXT:    %u = qnn.quantize %x : tensor<1x4xf32> -> !qnn.qtensor<1x4xui8, 0.1:128>
// CHECK-NEXT:    %d = qnn.dequantize %u : !qnn.qtensor<1x4xui8, 0.1:128> -> tensor<1x4xf32>
// CHECK-NEXT:    func.return %q, %d : !qnn.qtensor<1x4xi8, 0.1:-3>, tensor<1x4xf32>
func.func @quantize_dequantize(%x: tensor<1x4xf32>) -> (!qnn.qtensor<1x4xi8, 0.1:-3>, tensor<1x4xf32>) {
  %q = qnn.quantize %x : tensor<1x4xf32> -> !qnn.qtensor<1x4xi8, 0.1:-3>
  %u = qnn.quantize %x : tensor<1x4xf32> -> !qnn.qtensor<1x4xui8, 0.1:128>
  %d = qnn.dequantize %u : !qnn.qtensor<1x4xui8, 0.1:128> -> tensor<1x4xf32>
  func.return %q, %d : !qnn.qtensor<1x4xi8, 0.1:-3>, tensor<1x4xf32>
}

// Requantize without clamp, with a clamp (full range and a ReLU-like range),
// and across storage types (i8 -> ui8).
// CHECK-LABEL: func.func @requantize(
// CHECK-NEXT:    %a = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.2:0>
// CHECK-NEXT:    %b = qnn.requantize %x clamp [0, 127] : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.2:0>
// CHECK-NEXT:    %c = qnn.requantize %x clamp [-128, 127] : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.1:-3>
// CHECK-NEXT:    %d = qnn.requantize %x clamp [128, 255] : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xui8, 0.1:128>
func.func @requantize(%x: !qnn.qtensor<1x4xi8, 0.1:-3>) {
  %a = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.2:0>
  %b = qnn.requantize %x clamp [0, 127] : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.2:0>
  %c = qnn.requantize %x clamp [-128, 127] : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.1:-3>
  %d = qnn.requantize %x clamp [128, 255] : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xui8, 0.1:128>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.conv2d
//===----------------------------------------------------------------------===//

// Plain 3x3 convolution, no padding: 8x8 -> 6x6.
// CHECK-LABEL: func.func @conv2d(
// CHECK-NEXT:    %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x6x6x8xi8, 0.25:1>
func.func @conv2d(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x6x6x8xi8, 0.25:1>
  func.return
}

// Per-channel weights (axis 0 = O), stride 2, padding 1: (8 + 2 - 3) / 2 + 1 = 4.
// CHECK-LABEL: func.func @conv2d_per_channel(
// CHECK-NEXT:    %y = qnn.conv2d %x, %w, %b strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x2xi8, 0.5:-3>, !qnn.qtensor<3x3x3x2xi8, axis 0 {0.1:0, 0.02:0, 0.003:0}>, tensor<3xi32> -> !qnn.qtensor<1x4x4x3xi8, 0.25:1>
func.func @conv2d_per_channel(%x: !qnn.qtensor<1x8x8x2xi8, 0.5:-3>, %w: !qnn.qtensor<3x3x3x2xi8, axis 0 {0.1:0, 0.02:0, 0.003:0}>, %b: tensor<3xi32>) {
  %y = qnn.conv2d %x, %w, %b strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x2xi8, 0.5:-3>, !qnn.qtensor<3x3x3x2xi8, axis 0 {0.1:0, 0.02:0, 0.003:0}>, tensor<3xi32> -> !qnn.qtensor<1x4x4x3xi8, 0.25:1>
  func.return
}

// Depthwise: groups == C_in == C_out, one input channel per group.
// CHECK-LABEL: func.func @conv2d_depthwise(
// CHECK-NEXT:    %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 4 : !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, !qnn.qtensor<4x3x3x1xi8, axis 0 {0.1:0, 0.2:0, 0.3:0, 0.4:0}>, tensor<4xi32> -> !qnn.qtensor<1x8x8x4xi8, 0.25:1>
func.func @conv2d_depthwise(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, %w: !qnn.qtensor<4x3x3x1xi8, axis 0 {0.1:0, 0.2:0, 0.3:0, 0.4:0}>, %b: tensor<4xi32>) {
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 4 : !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, !qnn.qtensor<4x3x3x1xi8, axis 0 {0.1:0, 0.2:0, 0.3:0, 0.4:0}>, tensor<4xi32> -> !qnn.qtensor<1x8x8x4xi8, 0.25:1>
  func.return
}

// Grouped: 4 input channels in 2 groups of 2, 6 output channels.
// CHECK-LABEL: func.func @conv2d_grouped(
// CHECK-NEXT:    %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 2 : !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, !qnn.qtensor<6x3x3x2xi8, 0.1:0>, tensor<6xi32> -> !qnn.qtensor<1x6x6x6xi8, 0.25:1>
func.func @conv2d_grouped(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, %w: !qnn.qtensor<6x3x3x2xi8, 0.1:0>, %b: tensor<6xi32>) {
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 2 : !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, !qnn.qtensor<6x3x3x2xi8, 0.1:0>, tensor<6xi32> -> !qnn.qtensor<1x6x6x6xi8, 0.25:1>
  func.return
}

// Dilated, different in H and W: effective kernel 5x3, 8x8 -> 4x6; asymmetric pads.
// CHECK-LABEL: func.func @conv2d_dilated(
// CHECK-NEXT:    %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [2, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x4x6x8xi8, 0.25:1>
// CHECK-NEXT:    %z = qnn.conv2d %x, %w, %b strides [1, 1] pads [2, 0, 2, 1] dilations [2, 2] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x8x5x8xi8, 0.25:1>
func.func @conv2d_dilated(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [2, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x4x6x8xi8, 0.25:1>
  %z = qnn.conv2d %x, %w, %b strides [1, 1] pads [2, 0, 2, 1] dilations [2, 2] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x8x5x8xi8, 0.25:1>
  func.return
}

// Fused activation: the clamp prints between groups and the types; ui8 output range.
// CHECK-LABEL: func.func @conv2d_clamp(
// CHECK-NEXT:    %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 clamp [1, 127] : !qnn.qtensor<1x4x4x2xi8, 0.5:-3>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xi8, 0.25:1>
// CHECK-NEXT:    %z = qnn.conv2d %u, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 clamp [128, 255] : !qnn.qtensor<1x4x4x2xui8, 0.5:128>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xui8, 0.25:128>
func.func @conv2d_clamp(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>, %u: !qnn.qtensor<1x4x4x2xui8, 0.5:128>, %w: !qnn.qtensor<2x3x3x2xi8, 0.1:0>, %b: tensor<2xi32>) {
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 clamp [1, 127] : !qnn.qtensor<1x4x4x2xi8, 0.5:-3>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xi8, 0.25:1>
  %z = qnn.conv2d %u, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 clamp [128, 255] : !qnn.qtensor<1x4x4x2xui8, 0.5:128>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xui8, 0.25:128>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.dense
//===----------------------------------------------------------------------===//

// Fully connected with per-tensor and per-channel (axis 0 = out) weights, with a clamp.
// CHECK-LABEL: func.func @dense(
// CHECK-NEXT:    %y = qnn.dense %x, %w, %b : !qnn.qtensor<2x8xi8, 0.5:-3>, !qnn.qtensor<3x8xi8, 0.1:0>, tensor<3xi32> -> !qnn.qtensor<2x3xi8, 0.25:1>
// CHECK-NEXT:    %z = qnn.dense %x, %v, %b clamp [1, 100] : !qnn.qtensor<2x8xi8, 0.5:-3>, !qnn.qtensor<3x8xi8, axis 0 {0.1:0, 0.2:0, 0.3:0}>, tensor<3xi32> -> !qnn.qtensor<2x3xi8, 0.25:1>
func.func @dense(%x: !qnn.qtensor<2x8xi8, 0.5:-3>, %w: !qnn.qtensor<3x8xi8, 0.1:0>, %v: !qnn.qtensor<3x8xi8, axis 0 {0.1:0, 0.2:0, 0.3:0}>, %b: tensor<3xi32>) {
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<2x8xi8, 0.5:-3>, !qnn.qtensor<3x8xi8, 0.1:0>, tensor<3xi32> -> !qnn.qtensor<2x3xi8, 0.25:1>
  %z = qnn.dense %x, %v, %b clamp [1, 100] : !qnn.qtensor<2x8xi8, 0.5:-3>, !qnn.qtensor<3x8xi8, axis 0 {0.1:0, 0.2:0, 0.3:0}>, tensor<3xi32> -> !qnn.qtensor<2x3xi8, 0.25:1>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.add
//===----------------------------------------------------------------------===//

// Same shapes, each side at its own parameters; broadcasting of a lower-rank
// and a size-1 operand; a clamp.
// CHECK-LABEL: func.func @add(
// CHECK-NEXT:    %s = qnn.add %a, %b : !qnn.qtensor<1x4x4x8xi8, 0.5:-3>, !qnn.qtensor<1x4x4x8xi8, 0.25:2> -> !qnn.qtensor<1x4x4x8xi8, 1.0:0>
// CHECK-NEXT:    %t = qnn.add %a, %c : !qnn.qtensor<1x4x4x8xi8, 0.5:-3>, !qnn.qtensor<8xi8, 0.1:0> -> !qnn.qtensor<1x4x4x8xi8, 1.0:0>
// CHECK-NEXT:    %u = qnn.add %d, %c clamp [0, 127] : !qnn.qtensor<3x1xi8, 0.1:0>, !qnn.qtensor<8xi8, 0.1:0> -> !qnn.qtensor<3x8xi8, 0.2:0>
func.func @add(%a: !qnn.qtensor<1x4x4x8xi8, 0.5:-3>, %b: !qnn.qtensor<1x4x4x8xi8, 0.25:2>, %c: !qnn.qtensor<8xi8, 0.1:0>, %d: !qnn.qtensor<3x1xi8, 0.1:0>) {
  %s = qnn.add %a, %b : !qnn.qtensor<1x4x4x8xi8, 0.5:-3>, !qnn.qtensor<1x4x4x8xi8, 0.25:2> -> !qnn.qtensor<1x4x4x8xi8, 1.0:0>
  %t = qnn.add %a, %c : !qnn.qtensor<1x4x4x8xi8, 0.5:-3>, !qnn.qtensor<8xi8, 0.1:0> -> !qnn.qtensor<1x4x4x8xi8, 1.0:0>
  %u = qnn.add %d, %c clamp [0, 127] : !qnn.qtensor<3x1xi8, 0.1:0>, !qnn.qtensor<8xi8, 0.1:0> -> !qnn.qtensor<3x8xi8, 0.2:0>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.avg_pool2d, qnn.max_pool2d
//===----------------------------------------------------------------------===//

// Average pooling 2x2/2 without padding, and 3x3/1 with a clamp.
// CHECK-LABEL: func.func @avg_pool2d(
// CHECK-NEXT:    %y = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x4xi8, 0.5:-3>
// CHECK-NEXT:    %z = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] clamp [-3, 127] : !qnn.qtensor<1x8x8x4xi8, 0.5:-3> -> !qnn.qtensor<1x6x6x4xi8, 0.5:-3>
func.func @avg_pool2d(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:-3>) {
  %y = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x4xi8, 0.5:-3>
  %z = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] clamp [-3, 127] : !qnn.qtensor<1x8x8x4xi8, 0.5:-3> -> !qnn.qtensor<1x6x6x4xi8, 0.5:-3>
  func.return
}

// onnxruntime's kernel forms (onnx numerics). Absent means `sequential`; written, it is kept.
// CHECK-LABEL: func.func @avg_pool2d_onnx_forms(
// CHECK-NEXT:    %a = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] onnx_form <sequential> : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x2xi8, 0.25:1>
// CHECK-NEXT:    %b = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] onnx_form <mlas_columns> : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x2xi8, 0.25:1>
// CHECK-NEXT:    %c = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] clamp [0, 100] onnx_form <zero_point_in_float> : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x2xi8, 0.25:1>
// CHECK-NEXT:    %d = qnn.avg_pool2d %x kernel [4, 4] strides [1, 1] pads [0, 0, 0, 0] onnx_form <mlas_lanes4> : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x1x1x2xi8, 0.25:1>
// CHECK-NEXT:    %e = qnn.avg_pool2d %x kernel [4, 4] strides [1, 1] pads [0, 0, 0, 0] onnx_form <integer_sum> : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x1x1x2xi8, 0.25:1>
func.func @avg_pool2d_onnx_forms(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>) {
  %a = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] onnx_form <sequential> : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x2xi8, 0.25:1>
  %b = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] onnx_form <mlas_columns> : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x2xi8, 0.25:1>
  %c = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] clamp [0, 100] onnx_form <zero_point_in_float> : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x2xi8, 0.25:1>
  %d = qnn.avg_pool2d %x kernel [4, 4] strides [1, 1] pads [0, 0, 0, 0] onnx_form <mlas_lanes4> : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x1x1x2xi8, 0.25:1>
  %e = qnn.avg_pool2d %x kernel [4, 4] strides [1, 1] pads [0, 0, 0, 0] onnx_form <integer_sum> : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x1x1x2xi8, 0.25:1>
  func.return
}

// Max pooling with symmetric padding ((8 + 2 - 3) / 2 + 1 = 4) and with
// bottom/right-only padding (SAME-style), on ui8.
// CHECK-LABEL: func.func @max_pool2d(
// CHECK-NEXT:    %y = qnn.max_pool2d %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] : !qnn.qtensor<1x8x8x4xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x4xi8, 0.5:-3>
// CHECK-NEXT:    %z = qnn.max_pool2d %u kernel [2, 2] strides [2, 2] pads [0, 0, 1, 1] : !qnn.qtensor<1x7x7x2xui8, 0.5:128> -> !qnn.qtensor<1x4x4x2xui8, 0.5:128>
func.func @max_pool2d(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:-3>, %u: !qnn.qtensor<1x7x7x2xui8, 0.5:128>) {
  %y = qnn.max_pool2d %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] : !qnn.qtensor<1x8x8x4xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x4xi8, 0.5:-3>
  %z = qnn.max_pool2d %u kernel [2, 2] strides [2, 2] pads [0, 0, 1, 1] : !qnn.qtensor<1x7x7x2xui8, 0.5:128> -> !qnn.qtensor<1x4x4x2xui8, 0.5:128>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.pad, qnn.reshape, qnn.transpose, qnn.concat
//===----------------------------------------------------------------------===//

// Padding: all befores, then all afters.
// CHECK-LABEL: func.func @pad(
// CHECK-NEXT:    %y = qnn.pad %x pads [0, 1, 2, 0, 0, 3, 4, 0] : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x8x10x2xi8, 0.5:-3>
func.func @pad(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>) {
  %y = qnn.pad %x pads [0, 1, 2, 0, 0, 3, 4, 0] : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x8x10x2xi8, 0.5:-3>
  func.return
}

// Reshape keeps the element count and the parameters.
// CHECK-LABEL: func.func @reshape(
// CHECK-NEXT:    %y = qnn.reshape %x : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x32xi8, 0.5:-3>
// CHECK-NEXT:    %z = qnn.reshape %y : !qnn.qtensor<1x32xi8, 0.5:-3> -> !qnn.qtensor<2x2x8xi8, 0.5:-3>
func.func @reshape(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>) {
  %y = qnn.reshape %x : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x32xi8, 0.5:-3>
  %z = qnn.reshape %y : !qnn.qtensor<1x32xi8, 0.5:-3> -> !qnn.qtensor<2x2x8xi8, 0.5:-3>
  func.return
}

// Transpose NHWC -> NCHW: out.shape[i] = in.shape[perm[i]].
// CHECK-LABEL: func.func @transpose(
// CHECK-NEXT:    %y = qnn.transpose %x perm [0, 3, 1, 2] : !qnn.qtensor<1x4x5x2xi8, 0.5:-3> -> !qnn.qtensor<1x2x4x5xi8, 0.5:-3>
func.func @transpose(%x: !qnn.qtensor<1x4x5x2xi8, 0.5:-3>) {
  %y = qnn.transpose %x perm [0, 3, 1, 2] : !qnn.qtensor<1x4x5x2xi8, 0.5:-3> -> !qnn.qtensor<1x2x4x5xi8, 0.5:-3>
  func.return
}

// Concat along channels (two inputs), along the batch (three) and of one input.
// CHECK-LABEL: func.func @concat(
// CHECK-NEXT:    %y = qnn.concat %a, %b axis 3 : !qnn.qtensor<1x4x4x2xi8, 0.5:-3>, !qnn.qtensor<1x4x4x3xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x5xi8, 0.5:-3>
// CHECK-NEXT:    %z = qnn.concat %a, %a, %a axis 0 : !qnn.qtensor<1x4x4x2xi8, 0.5:-3>, !qnn.qtensor<1x4x4x2xi8, 0.5:-3>, !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<3x4x4x2xi8, 0.5:-3>
// CHECK-NEXT:    %o = qnn.concat %a axis 1 : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x2xi8, 0.5:-3>
func.func @concat(%a: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>, %b: !qnn.qtensor<1x4x4x3xi8, 0.5:-3>) {
  %y = qnn.concat %a, %b axis 3 : !qnn.qtensor<1x4x4x2xi8, 0.5:-3>, !qnn.qtensor<1x4x4x3xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x5xi8, 0.5:-3>
  %z = qnn.concat %a, %a, %a axis 0 : !qnn.qtensor<1x4x4x2xi8, 0.5:-3>, !qnn.qtensor<1x4x4x2xi8, 0.5:-3>, !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<3x4x4x2xi8, 0.5:-3>
  %o = qnn.concat %a axis 1 : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x2xi8, 0.5:-3>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.softmax
//===----------------------------------------------------------------------===//

// Output at 1/256 with zero point -128 (i8) or 0 (ui8); beta is an f32 attribute.
// CHECK-LABEL: func.func @softmax(
// CHECK-NEXT:    %y = qnn.softmax %x beta 1.000000e+00 : !qnn.qtensor<1x10xi8, 0.5:-3> -> !qnn.qtensor<1x10xi8, 0.00390625:-128>
// CHECK-NEXT:    %z = qnn.softmax %u beta 5.000000e-01 : !qnn.qtensor<1x10xui8, 0.5:128> -> !qnn.qtensor<1x10xui8, 0.00390625:0>
func.func @softmax(%x: !qnn.qtensor<1x10xi8, 0.5:-3>, %u: !qnn.qtensor<1x10xui8, 0.5:128>) {
  %y = qnn.softmax %x beta 1.0 : !qnn.qtensor<1x10xi8, 0.5:-3> -> !qnn.qtensor<1x10xi8, 0.00390625:-128>
  %z = qnn.softmax %u beta 0.5 : !qnn.qtensor<1x10xui8, 0.5:128> -> !qnn.qtensor<1x10xui8, 0.00390625:0>
  func.return
}
