// Op verifiers of the qnn dialect: one case per rule, in the order of
// dialects/qnn.py. With --verify-diagnostics xDSL prints the message, then the
// module in generic form with the failing op underlined and annotated
// "Operation does not verify: <message>"; the CHECK lines match that annotation.
// Type verifier errors (reported without a location) are in invalid-type.mlir.

// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics | filecheck %s

//===----------------------------------------------------------------------===//
// qnn.constant
//===----------------------------------------------------------------------===//

// The dense value must have the result's shape.
func.func @constant_shape() {
  // CHECK: Operation does not verify: qnn.constant: value shape [2, 3] does not match the result shape [3, 2]
  %c = qnn.constant dense<0> : tensor<2x3xi8> -> !qnn.qtensor<3x2xi8, 0.1:0>
  func.return
}

// -----

// The dense value must have the storage type (i32 values for i8 storage).
func.func @constant_element_type() {
  // CHECK: Operation does not verify: qnn.constant: value element type i32 does not match the storage type i8
  %c = qnn.constant dense<0> : tensor<2xi32> -> !qnn.qtensor<2xi8, 0.1:0>
  func.return
}

// -----

// Signedness matters: i8 values for ui8 storage.
func.func @constant_signedness() {
  // CHECK: Operation does not verify: qnn.constant: value element type i8 does not match the storage type ui8
  %c = qnn.constant dense<[0, 1]> : tensor<2xi8> -> !qnn.qtensor<2xui8, 0.1:128>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.quantize
//===----------------------------------------------------------------------===//

// -----

// The input must be f32.
func.func @quantize_not_f32(%x: tensor<1x4xf16>) {
  // CHECK: Operation does not verify: qnn.quantize: input must be f32, got f16
  %q = qnn.quantize %x : tensor<1x4xf16> -> !qnn.qtensor<1x4xi8, 0.1:0>
  func.return
}

// -----

// Input and output shapes must match.
func.func @quantize_shape(%x: tensor<1x4xf32>) {
  // CHECK: Operation does not verify: qnn.quantize: input and output shapes differ
  %q = qnn.quantize %x : tensor<1x4xf32> -> !qnn.qtensor<4x1xi8, 0.1:0>
  func.return
}

// -----

// Activations are quantised per tensor.
func.func @quantize_per_channel(%x: tensor<1x2xf32>) {
  // CHECK: Operation does not verify: qnn.quantize: output must be quantised per tensor
  %q = qnn.quantize %x : tensor<1x2xf32> -> !qnn.qtensor<1x2xi8, axis 1 {0.1:0, 0.2:0}>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.dequantize
//===----------------------------------------------------------------------===//

// -----

// The output must be f32.
func.func @dequantize_not_f32(%x: !qnn.qtensor<1x4xi8, 0.1:0>) {
  // CHECK: Operation does not verify: qnn.dequantize: output must be f32, got f64
  %d = qnn.dequantize %x : !qnn.qtensor<1x4xi8, 0.1:0> -> tensor<1x4xf64>
  func.return
}

// -----

// Input and output shapes must match.
func.func @dequantize_shape(%x: !qnn.qtensor<1x4xi8, 0.1:0>) {
  // CHECK: Operation does not verify: qnn.dequantize: input and output shapes differ
  %d = qnn.dequantize %x : !qnn.qtensor<1x4xi8, 0.1:0> -> tensor<1x5xf32>
  func.return
}

// -----

// The input must be quantised per tensor.
func.func @dequantize_per_channel(%x: !qnn.qtensor<1x2xi8, axis 1 {0.1:0, 0.2:0}>) {
  // CHECK: Operation does not verify: qnn.dequantize: input must be quantised per tensor
  %d = qnn.dequantize %x : !qnn.qtensor<1x2xi8, axis 1 {0.1:0, 0.2:0}> -> tensor<1x2xf32>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.requantize
//===----------------------------------------------------------------------===//

// -----

// Requantize keeps the shape.
func.func @requantize_shape(%x: !qnn.qtensor<1x4xi8, 0.1:0>) {
  // CHECK: Operation does not verify: qnn.requantize: shapes differ: [1, 4] vs [4, 1]
  %r = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.1:0> -> !qnn.qtensor<4x1xi8, 0.2:0>
  func.return
}

// -----

// The input must be quantised per tensor.
func.func @requantize_input_per_channel(%x: !qnn.qtensor<1x2xi8, axis 1 {0.1:0, 0.2:0}>) {
  // CHECK: Operation does not verify: qnn.requantize: input must be quantised per tensor
  %r = qnn.requantize %x : !qnn.qtensor<1x2xi8, axis 1 {0.1:0, 0.2:0}> -> !qnn.qtensor<1x2xi8, 0.2:0>
  func.return
}

// -----

// The output must be quantised per tensor.
func.func @requantize_output_per_channel(%x: !qnn.qtensor<1x2xi8, 0.1:0>) {
  // CHECK: Operation does not verify: qnn.requantize: output must be quantised per tensor
  %r = qnn.requantize %x : !qnn.qtensor<1x2xi8, 0.1:0> -> !qnn.qtensor<1x2xi8, axis 1 {0.1:0, 0.2:0}>
  func.return
}

// -----

// clamp is [lo, hi] with lo <= hi.
func.func @requantize_clamp_order(%x: !qnn.qtensor<1x4xi8, 0.1:0>) {
  // CHECK: Operation does not verify: qnn.requantize: clamp must be [lo, hi] with lo <= hi, got [5, 1]
  %r = qnn.requantize %x clamp [5, 1] : !qnn.qtensor<1x4xi8, 0.1:0> -> !qnn.qtensor<1x4xi8, 0.2:0>
  func.return
}

// -----

// clamp has exactly two values.
func.func @requantize_clamp_length(%x: !qnn.qtensor<1x4xi8, 0.1:0>) {
  // CHECK: Operation does not verify: qnn.requantize: clamp must be [lo, hi] with lo <= hi, got [0, 1, 2]
  %r = qnn.requantize %x clamp [0, 1, 2] : !qnn.qtensor<1x4xi8, 0.1:0> -> !qnn.qtensor<1x4xi8, 0.2:0>
  func.return
}

// -----

// clamp must stay inside the i8 output range.
func.func @requantize_clamp_above_i8(%x: !qnn.qtensor<1x4xi8, 0.1:0>) {
  // CHECK: Operation does not verify: qnn.requantize: clamp [0, 128] exceeds the output storage range [-128, 127]
  %r = qnn.requantize %x clamp [0, 128] : !qnn.qtensor<1x4xi8, 0.1:0> -> !qnn.qtensor<1x4xi8, 0.2:0>
  func.return
}

// -----

// clamp must stay inside the ui8 output range.
func.func @requantize_clamp_below_ui8(%x: !qnn.qtensor<1x4xi8, 0.1:0>) {
  // CHECK: Operation does not verify: qnn.requantize: clamp [-1, 255] exceeds the output storage range [0, 255]
  %r = qnn.requantize %x clamp [-1, 255] : !qnn.qtensor<1x4xi8, 0.1:0> -> !qnn.qtensor<1x4xui8, 0.2:128>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.conv2d
//===----------------------------------------------------------------------===//

// -----

// The input is NHWC, rank 4.
func.func @conv2d_input_rank(%x: !qnn.qtensor<8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: input must have rank 4, got shape [8, 8, 4]
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x6x6x8xi8, 0.25:0>
  func.return
}

// -----

// The weight is OHWI, rank 4.
func.func @conv2d_weight_rank(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x36xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: weight must have rank 4, got shape [8, 36]
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x36xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x6x6x8xi8, 0.25:0>
  func.return
}

// -----

// The output is NHWC, rank 4.
func.func @conv2d_output_rank(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: output must have rank 4, got shape [36, 8]
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<36x8xi8, 0.25:0>
  func.return
}

// -----

// The input must be quantised per tensor.
func.func @conv2d_input_per_channel(%x: !qnn.qtensor<1x8x8x2xi8, axis 3 {0.5:0, 0.5:0}>, %w: !qnn.qtensor<2x3x3x2xi8, 0.1:0>, %b: tensor<2xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: input must be quantised per tensor
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x2xi8, axis 3 {0.5:0, 0.5:0}>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x6x6x2xi8, 0.25:0>
  func.return
}

// -----

// The output must be quantised per tensor.
func.func @conv2d_output_per_channel(%x: !qnn.qtensor<1x8x8x2xi8, 0.5:0>, %w: !qnn.qtensor<2x3x3x2xi8, 0.1:0>, %b: tensor<2xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: output must be quantised per tensor
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x6x6x2xi8, axis 3 {0.25:0, 0.25:0}>
  func.return
}

// -----

// Per-channel weights are quantised along O (axis 0), not I.
func.func @conv2d_weight_axis(%x: !qnn.qtensor<1x8x8x2xi8, 0.5:0>, %w: !qnn.qtensor<2x3x3x2xi8, axis 3 {0.1:0, 0.2:0}>, %b: tensor<2xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: per-channel weights must be quantised along axis 0 (O)
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x2xi8, axis 3 {0.1:0, 0.2:0}>, tensor<2xi32> -> !qnn.qtensor<1x6x6x2xi8, 0.25:0>
  func.return
}

// -----

// strides has two values.
func.func @conv2d_strides_length(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: strides must be 2 positive integers, got [1]
  %y = qnn.conv2d %x, %w, %b strides [1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x6x6x8xi8, 0.25:0>
  func.return
}

// -----

// strides are positive.
func.func @conv2d_strides_zero(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: strides must be 2 positive integers, got [0, 1]
  %y = qnn.conv2d %x, %w, %b strides [0, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x6x6x8xi8, 0.25:0>
  func.return
}

// -----

// dilations are two positive integers.
func.func @conv2d_dilations(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: dilations must be 2 positive integers, got [1, 0]
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 0] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x6x6x8xi8, 0.25:0>
  func.return
}

// -----

// pads are [top, left, bottom, right].
func.func @conv2d_pads_length(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: pads must be [top, left, bottom, right] >= 0, got [1, 1]
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x8x8x8xi8, 0.25:0>
  func.return
}

// -----

// pads are non-negative.
func.func @conv2d_pads_negative(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: pads must be [top, left, bottom, right] >= 0, got [0, 0, -1, 0]
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, -1, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x5x6x8xi8, 0.25:0>
  func.return
}

// -----

// groups is positive.
func.func @conv2d_groups_zero(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: groups 0 must divide input channels 4 and output channels 8
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 0 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x6x6x8xi8, 0.25:0>
  func.return
}

// -----

// groups divides the input channels.
func.func @conv2d_groups_input(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<6x3x3x1xi8, 0.1:0>, %b: tensor<6xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: groups 3 must divide input channels 4 and output channels 6
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 3 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<6x3x3x1xi8, 0.1:0>, tensor<6xi32> -> !qnn.qtensor<1x6x6x6xi8, 0.25:0>
  func.return
}

// -----

// groups divides the output channels.
func.func @conv2d_groups_output(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<3x3x3x2xi8, 0.1:0>, %b: tensor<3xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: groups 2 must divide input channels 4 and output channels 3
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 2 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<3x3x3x2xi8, 0.1:0>, tensor<3xi32> -> !qnn.qtensor<1x6x6x3xi8, 0.25:0>
  func.return
}

// -----

// The weight's I dimension is C_in / groups (here a depthwise weight with groups 1).
func.func @conv2d_weight_channels(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<4x3x3x1xi8, 0.1:0>, %b: tensor<4xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: weight has 1 input channels per group, expected 4 (input channels 4 / groups 1)
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<4x3x3x1xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x6x6x4xi8, 0.25:0>
  func.return
}

// -----

// The bias is i32.
func.func @conv2d_bias_element_type(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi8>) {
  // CHECK: Operation does not verify: qnn.conv2d: bias must be tensor<8xi32>, got tensor<8xi8>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi8> -> !qnn.qtensor<1x6x6x8xi8, 0.25:0>
  func.return
}

// -----

// The bias has one value per output channel.
func.func @conv2d_bias_shape(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<1x8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: bias must be tensor<8xi32>, got tensor<1x8xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<1x8xi32> -> !qnn.qtensor<1x6x6x8xi8, 0.25:0>
  func.return
}

// -----

// The kernel must fit the padded input: 3x3 on 2x2 without padding.
func.func @conv2d_window_too_big(%x: !qnn.qtensor<1x2x2x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: window [3, 3] (dilations [1, 1]) does not fit the padded input [1, 2, 2, 4] with pads [0, 0, 0, 0]
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x2x2x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x1x1x8xi8, 0.25:0>
  func.return
}

// -----

// Dilation widens the window: 3x3 dilated by 2 spans 5 > 4 (only in W here).
func.func @conv2d_dilated_window_too_big(%x: !qnn.qtensor<1x8x4x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: window [3, 3] (dilations [1, 2]) does not fit the padded input [1, 8, 4, 4] with pads [0, 0, 0, 0]
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 2] groups 1 : !qnn.qtensor<1x8x4x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x6x1x8xi8, 0.25:0>
  func.return
}

// -----

// The output spatial size follows from the window (here pads were forgotten).
func.func @conv2d_output_spatial(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: output shape [1, 8, 8, 8] does not match the expected [1, 6, 6, 8] (NHWC)
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x8x8x8xi8, 0.25:0>
  func.return
}

// -----

// The output spatial size accounts for the stride: (8 - 3) / 2 + 1 = 3.
func.func @conv2d_output_strided(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: output shape [1, 4, 4, 8] does not match the expected [1, 3, 3, 8] (NHWC)
  %y = qnn.conv2d %x, %w, %b strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x4x4x8xi8, 0.25:0>
  func.return
}

// -----

// The output has the weight's O channels and the input's batch.
func.func @conv2d_output_channels(%x: !qnn.qtensor<2x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: output shape [1, 6, 6, 4] does not match the expected [2, 6, 6, 8] (NHWC)
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<2x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x6x6x4xi8, 0.25:0>
  func.return
}

// -----

// Input and output share the storage type.
func.func @conv2d_storage(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: input and output storage types differ
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x6x6x8xui8, 0.25:128>
  func.return
}

// -----

// clamp is ordered.
func.func @conv2d_clamp_order(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: clamp must be [lo, hi] with lo <= hi, got [127, 0]
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 clamp [127, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x6x6x8xi8, 0.25:0>
  func.return
}

// -----

// clamp stays inside the output storage range.
func.func @conv2d_clamp_range(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>, %w: !qnn.qtensor<8x3x3x4xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.conv2d: clamp [-129, 127] exceeds the output storage range [-128, 127]
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 clamp [-129, 127] : !qnn.qtensor<1x8x8x4xi8, 0.5:0>, !qnn.qtensor<8x3x3x4xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x6x6x8xi8, 0.25:0>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.dense
//===----------------------------------------------------------------------===//

// -----

// The input is [N, K].
func.func @dense_input_rank(%x: !qnn.qtensor<1x2x8xi8, 0.5:0>, %w: !qnn.qtensor<3x8xi8, 0.1:0>, %b: tensor<3xi32>) {
  // CHECK: Operation does not verify: qnn.dense: input must have rank 2, got shape [1, 2, 8]
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x2x8xi8, 0.5:0>, !qnn.qtensor<3x8xi8, 0.1:0>, tensor<3xi32> -> !qnn.qtensor<2x3xi8, 0.25:0>
  func.return
}

// -----

// The weight is [O, K].
func.func @dense_weight_rank(%x: !qnn.qtensor<2x8xi8, 0.5:0>, %w: !qnn.qtensor<24xi8, 0.1:0>, %b: tensor<3xi32>) {
  // CHECK: Operation does not verify: qnn.dense: weight must have rank 2, got shape [24]
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<2x8xi8, 0.5:0>, !qnn.qtensor<24xi8, 0.1:0>, tensor<3xi32> -> !qnn.qtensor<2x3xi8, 0.25:0>
  func.return
}

// -----

// The output is [N, O].
func.func @dense_output_rank(%x: !qnn.qtensor<2x8xi8, 0.5:0>, %w: !qnn.qtensor<3x8xi8, 0.1:0>, %b: tensor<3xi32>) {
  // CHECK: Operation does not verify: qnn.dense: output must have rank 2, got shape [6]
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<2x8xi8, 0.5:0>, !qnn.qtensor<3x8xi8, 0.1:0>, tensor<3xi32> -> !qnn.qtensor<6xi8, 0.25:0>
  func.return
}

// -----

// The input must be quantised per tensor.
func.func @dense_input_per_channel(%x: !qnn.qtensor<2x2xi8, axis 1 {0.5:0, 0.5:0}>, %w: !qnn.qtensor<3x2xi8, 0.1:0>, %b: tensor<3xi32>) {
  // CHECK: Operation does not verify: qnn.dense: input must be quantised per tensor
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<2x2xi8, axis 1 {0.5:0, 0.5:0}>, !qnn.qtensor<3x2xi8, 0.1:0>, tensor<3xi32> -> !qnn.qtensor<2x3xi8, 0.25:0>
  func.return
}

// -----

// The output must be quantised per tensor.
func.func @dense_output_per_channel(%x: !qnn.qtensor<2x8xi8, 0.5:0>, %w: !qnn.qtensor<3x8xi8, 0.1:0>, %b: tensor<3xi32>) {
  // CHECK: Operation does not verify: qnn.dense: output must be quantised per tensor
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<2x8xi8, 0.5:0>, !qnn.qtensor<3x8xi8, 0.1:0>, tensor<3xi32> -> !qnn.qtensor<2x3xi8, axis 1 {0.25:0, 0.25:0, 0.25:0}>
  func.return
}

// -----

// Per-channel weights are quantised along O (axis 0), not K.
func.func @dense_weight_axis(%x: !qnn.qtensor<2x2xi8, 0.5:0>, %w: !qnn.qtensor<3x2xi8, axis 1 {0.1:0, 0.2:0}>, %b: tensor<3xi32>) {
  // CHECK: Operation does not verify: qnn.dense: per-channel weights must be quantised along axis 0
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<2x2xi8, 0.5:0>, !qnn.qtensor<3x2xi8, axis 1 {0.1:0, 0.2:0}>, tensor<3xi32> -> !qnn.qtensor<2x3xi8, 0.25:0>
  func.return
}

// -----

// The input depth K matches the weight's.
func.func @dense_depth(%x: !qnn.qtensor<2x8xi8, 0.5:0>, %w: !qnn.qtensor<3x6xi8, 0.1:0>, %b: tensor<3xi32>) {
  // CHECK: Operation does not verify: qnn.dense: input depth 8 does not match the weight's input depth 6
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<2x8xi8, 0.5:0>, !qnn.qtensor<3x6xi8, 0.1:0>, tensor<3xi32> -> !qnn.qtensor<2x3xi8, 0.25:0>
  func.return
}

// -----

// The output is [N, O] (here transposed).
func.func @dense_output_shape(%x: !qnn.qtensor<2x8xi8, 0.5:0>, %w: !qnn.qtensor<3x8xi8, 0.1:0>, %b: tensor<3xi32>) {
  // CHECK: Operation does not verify: qnn.dense: output shape [3, 2] must be [2, 3]
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<2x8xi8, 0.5:0>, !qnn.qtensor<3x8xi8, 0.1:0>, tensor<3xi32> -> !qnn.qtensor<3x2xi8, 0.25:0>
  func.return
}

// -----

// The bias has one i32 per output.
func.func @dense_bias(%x: !qnn.qtensor<2x8xi8, 0.5:0>, %w: !qnn.qtensor<3x8xi8, 0.1:0>, %b: tensor<8xi32>) {
  // CHECK: Operation does not verify: qnn.dense: bias must be tensor<3xi32>, got tensor<8xi32>
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<2x8xi8, 0.5:0>, !qnn.qtensor<3x8xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<2x3xi8, 0.25:0>
  func.return
}

// -----

// clamp stays inside the ui8 output range.
func.func @dense_clamp(%x: !qnn.qtensor<2x8xui8, 0.5:128>, %w: !qnn.qtensor<3x8xi8, 0.1:0>, %b: tensor<3xi32>) {
  // CHECK: Operation does not verify: qnn.dense: clamp [0, 256] exceeds the output storage range [0, 255]
  %y = qnn.dense %x, %w, %b clamp [0, 256] : !qnn.qtensor<2x8xui8, 0.5:128>, !qnn.qtensor<3x8xi8, 0.1:0>, tensor<3xi32> -> !qnn.qtensor<2x3xui8, 0.25:128>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.add
//===----------------------------------------------------------------------===//

// -----

// lhs must be quantised per tensor.
func.func @add_lhs_per_channel(%a: !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.5:0}>, %b: !qnn.qtensor<1x2xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.add: lhs must be quantised per tensor
  %s = qnn.add %a, %b : !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.5:0}>, !qnn.qtensor<1x2xi8, 0.5:0> -> !qnn.qtensor<1x2xi8, 1.0:0>
  func.return
}

// -----

// rhs must be quantised per tensor.
func.func @add_rhs_per_channel(%a: !qnn.qtensor<1x2xi8, 0.5:0>, %b: !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.5:0}>) {
  // CHECK: Operation does not verify: qnn.add: rhs must be quantised per tensor
  %s = qnn.add %a, %b : !qnn.qtensor<1x2xi8, 0.5:0>, !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.5:0}> -> !qnn.qtensor<1x2xi8, 1.0:0>
  func.return
}

// -----

// The output must be quantised per tensor.
func.func @add_output_per_channel(%a: !qnn.qtensor<1x2xi8, 0.5:0>, %b: !qnn.qtensor<1x2xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.add: output must be quantised per tensor
  %s = qnn.add %a, %b : !qnn.qtensor<1x2xi8, 0.5:0>, !qnn.qtensor<1x2xi8, 0.5:0> -> !qnn.qtensor<1x2xi8, axis 1 {1.0:0, 1.0:0}>
  func.return
}

// -----

// Operand shapes must broadcast (numpy rules).
func.func @add_no_broadcast(%a: !qnn.qtensor<1x4xi8, 0.5:0>, %b: !qnn.qtensor<3xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.add: shapes [1, 4] and [3] do not broadcast
  %s = qnn.add %a, %b : !qnn.qtensor<1x4xi8, 0.5:0>, !qnn.qtensor<3xi8, 0.5:0> -> !qnn.qtensor<1x4xi8, 1.0:0>
  func.return
}

// -----

// The output has the broadcast shape, including the leading 1s.
func.func @add_output_shape(%a: !qnn.qtensor<1x4xi8, 0.5:0>, %b: !qnn.qtensor<4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.add: output shape [4] must be the broadcast shape [1, 4]
  %s = qnn.add %a, %b : !qnn.qtensor<1x4xi8, 0.5:0>, !qnn.qtensor<4xi8, 0.5:0> -> !qnn.qtensor<4xi8, 1.0:0>
  func.return
}

// -----

// Operands and result share the storage type.
func.func @add_storage(%a: !qnn.qtensor<1x4xi8, 0.5:0>, %b: !qnn.qtensor<1x4xui8, 0.5:128>) {
  // CHECK: Operation does not verify: qnn.add: operands and result must share the storage type
  %s = qnn.add %a, %b : !qnn.qtensor<1x4xi8, 0.5:0>, !qnn.qtensor<1x4xui8, 0.5:128> -> !qnn.qtensor<1x4xi8, 1.0:0>
  func.return
}

// -----

// clamp is ordered.
func.func @add_clamp(%a: !qnn.qtensor<1x4xi8, 0.5:0>, %b: !qnn.qtensor<1x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.add: clamp must be [lo, hi] with lo <= hi, got [1, 0]
  %s = qnn.add %a, %b clamp [1, 0] : !qnn.qtensor<1x4xi8, 0.5:0>, !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<1x4xi8, 1.0:0>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.avg_pool2d, qnn.max_pool2d (shared verifier)
//===----------------------------------------------------------------------===//

// -----

// The input is NHWC, rank 4.
func.func @pool_input_rank(%x: !qnn.qtensor<8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.avg_pool2d: input must have rank 4, got shape [8, 8, 4]
  %y = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<8x8x4xi8, 0.5:0> -> !qnn.qtensor<1x4x4x4xi8, 0.5:0>
  func.return
}

// -----

// The output is NHWC, rank 4.
func.func @pool_output_rank(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.max_pool2d: output must have rank 4, got shape [4, 4, 4]
  %y = qnn.max_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:0> -> !qnn.qtensor<4x4x4xi8, 0.5:0>
  func.return
}

// -----

// Max pooling keeps the quantisation parameters (here the scale changes); average
// pooling may rescale.
func.func @pool_params(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.max_pool2d: input and output must have the same quantisation parameters
  %y = qnn.max_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:0> -> !qnn.qtensor<1x4x4x4xi8, 0.25:0>
  func.return
}

// -----

// ... and the storage type.
func.func @pool_storage(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.max_pool2d: input and output must have the same quantisation parameters
  %y = qnn.max_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:0> -> !qnn.qtensor<1x4x4x4xui8, 0.5:0>
  func.return
}

// -----

// kernel has two values.
func.func @pool_kernel_length(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.max_pool2d: kernel must be 2 positive integers, got [2]
  %y = qnn.max_pool2d %x kernel [2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:0> -> !qnn.qtensor<1x4x4x4xi8, 0.5:0>
  func.return
}

// -----

// kernel is positive.
func.func @pool_kernel_zero(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.avg_pool2d: kernel must be 2 positive integers, got [0, 2]
  %y = qnn.avg_pool2d %x kernel [0, 2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:0> -> !qnn.qtensor<1x4x4x4xi8, 0.5:0>
  func.return
}

// -----

// strides are two positive integers.
func.func @pool_strides(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.max_pool2d: strides must be 2 positive integers, got [2, -2]
  %y = qnn.max_pool2d %x kernel [2, 2] strides [2, -2] pads [0, 0, 0, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:0> -> !qnn.qtensor<1x4x4x4xi8, 0.5:0>
  func.return
}

// -----

// pads are [top, left, bottom, right].
func.func @pool_pads_length(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.avg_pool2d: pads must be [top, left, bottom, right] >= 0, got [0, 0]
  %y = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:0> -> !qnn.qtensor<1x4x4x4xi8, 0.5:0>
  func.return
}

// -----

// pads are non-negative.
func.func @pool_pads_negative(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.max_pool2d: pads must be [top, left, bottom, right] >= 0, got [0, -1, 0, 0]
  %y = qnn.max_pool2d %x kernel [2, 2] strides [2, 2] pads [0, -1, 0, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:0> -> !qnn.qtensor<1x4x4x4xi8, 0.5:0>
  func.return
}

// -----

// A pad as large as the kernel would make a window of padding only (top vs kernel H).
func.func @pool_pads_top(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.max_pool2d: pads [2, 0, 0, 0] must be smaller than the kernel [2, 2]
  %y = qnn.max_pool2d %x kernel [2, 2] strides [2, 2] pads [2, 0, 0, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:0> -> !qnn.qtensor<1x5x4x4xi8, 0.5:0>
  func.return
}

// -----

// Same for the right pad against kernel W.
func.func @pool_pads_right(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.avg_pool2d: pads [0, 0, 0, 3] must be smaller than the kernel [3, 3]
  %y = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 3] : !qnn.qtensor<1x8x8x4xi8, 0.5:0> -> !qnn.qtensor<1x6x9x4xi8, 0.5:0>
  func.return
}

// -----

// The window must fit the padded input: kernel H 3 on H 1 with one pad row.
func.func @pool_window_too_big(%x: !qnn.qtensor<1x1x4x2xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.avg_pool2d: window [3, 1] (dilations [1, 1]) does not fit the padded input [1, 1, 4, 2] with pads [1, 0, 0, 0]
  %y = qnn.avg_pool2d %x kernel [3, 1] strides [1, 1] pads [1, 0, 0, 0] : !qnn.qtensor<1x1x4x2xi8, 0.5:0> -> !qnn.qtensor<1x1x4x2xi8, 0.5:0>
  func.return
}

// -----

// The output shape follows from the window: (8 + 1 - 3) / 2 + 1 = 4 rows, (8 - 3) / 2 + 1 = 3 columns.
func.func @pool_output_shape(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.max_pool2d: output shape [1, 4, 4, 4] does not match the expected [1, 4, 3, 4] (NHWC)
  %y = qnn.max_pool2d %x kernel [3, 3] strides [2, 2] pads [0, 0, 1, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:0> -> !qnn.qtensor<1x4x4x4xi8, 0.5:0>
  func.return
}

// -----

// Pooling keeps the channel count.
func.func @pool_output_channels(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.avg_pool2d: output shape [1, 4, 4, 2] does not match the expected [1, 4, 4, 4] (NHWC)
  %y = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<1x8x8x4xi8, 0.5:0> -> !qnn.qtensor<1x4x4x2xi8, 0.5:0>
  func.return
}

// -----

// clamp stays inside the output storage range.
func.func @pool_clamp(%x: !qnn.qtensor<1x8x8x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.max_pool2d: clamp [0, 255] exceeds the output storage range [-128, 127]
  %y = qnn.max_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] clamp [0, 255] : !qnn.qtensor<1x8x8x4xi8, 0.5:0> -> !qnn.qtensor<1x4x4x4xi8, 0.5:0>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.pad
//===----------------------------------------------------------------------===//

// -----

// The input must be quantised per tensor.
func.func @pad_per_channel(%x: !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.25:0}>) {
  // CHECK: Operation does not verify: qnn.pad: input must be quantised per tensor
  %y = qnn.pad %x pads [1, 0, 1, 0] : !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.25:0}> -> !qnn.qtensor<3x2xi8, axis 1 {0.5:0, 0.25:0}>
  func.return
}

// -----

// Padding keeps the quantisation parameters (here the zero point changes).
func.func @pad_params(%x: !qnn.qtensor<1x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.pad: input and output must have the same quantisation parameters
  %y = qnn.pad %x pads [0, 1, 0, 1] : !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<1x6xi8, 0.5:1>
  func.return
}

// -----

// pads has two values per dimension (here only the 4 of the spatial dims of a rank-4 tensor).
func.func @pad_length(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.pad: pads must be 8 non-negative integers (all befores, then all afters), got [1, 1, 1, 1]
  %y = qnn.pad %x pads [1, 1, 1, 1] : !qnn.qtensor<1x4x4x2xi8, 0.5:0> -> !qnn.qtensor<1x6x6x2xi8, 0.5:0>
  func.return
}

// -----

// pads are non-negative (no cropping).
func.func @pad_negative(%x: !qnn.qtensor<1x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.pad: pads must be 4 non-negative integers (all befores, then all afters), got [0, -1, 0, 0]
  %y = qnn.pad %x pads [0, -1, 0, 0] : !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<1x3xi8, 0.5:0>
  func.return
}

// -----

// The output shape is the input shape plus befores and afters.
func.func @pad_output_shape(%x: !qnn.qtensor<1x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.pad: output shape [1, 6] must be [1, 7]
  %y = qnn.pad %x pads [0, 1, 0, 2] : !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<1x6xi8, 0.5:0>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.reshape
//===----------------------------------------------------------------------===//

// -----

// The input must be quantised per tensor.
func.func @reshape_per_channel(%x: !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.25:0}>) {
  // CHECK: Operation does not verify: qnn.reshape: input must be quantised per tensor
  %y = qnn.reshape %x : !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.25:0}> -> !qnn.qtensor<2x1xi8, axis 0 {0.5:0, 0.25:0}>
  func.return
}

// -----

// Reshape keeps the quantisation parameters.
func.func @reshape_params(%x: !qnn.qtensor<1x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.reshape: input and output must have the same quantisation parameters
  %y = qnn.reshape %x : !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<4xi8, 0.25:0>
  func.return
}

// -----

// Reshape keeps the element count.
func.func @reshape_count(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.reshape: element counts differ: [1, 4, 4, 2] vs [1, 30]
  %y = qnn.reshape %x : !qnn.qtensor<1x4x4x2xi8, 0.5:0> -> !qnn.qtensor<1x30xi8, 0.5:0>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.transpose
//===----------------------------------------------------------------------===//

// -----

// The input must be quantised per tensor.
func.func @transpose_per_channel(%x: !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.25:0}>) {
  // CHECK: Operation does not verify: qnn.transpose: input must be quantised per tensor
  %y = qnn.transpose %x perm [1, 0] : !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.25:0}> -> !qnn.qtensor<2x1xi8, axis 0 {0.5:0, 0.25:0}>
  func.return
}

// -----

// Transpose keeps the quantisation parameters.
func.func @transpose_params(%x: !qnn.qtensor<1x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.transpose: input and output must have the same quantisation parameters
  %y = qnn.transpose %x perm [1, 0] : !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<4x1xi8, 0.5:1>
  func.return
}

// -----

// perm is a permutation (no repeated dimension).
func.func @transpose_perm_repeated(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.transpose: perm [0, 0, 1, 2] is not a permutation of 0..3
  %y = qnn.transpose %x perm [0, 0, 1, 2] : !qnn.qtensor<1x4x4x2xi8, 0.5:0> -> !qnn.qtensor<1x1x4x4xi8, 0.5:0>
  func.return
}

// -----

// perm has one entry per dimension.
func.func @transpose_perm_length(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.transpose: perm [1, 0] is not a permutation of 0..3
  %y = qnn.transpose %x perm [1, 0] : !qnn.qtensor<1x4x4x2xi8, 0.5:0> -> !qnn.qtensor<4x1x4x2xi8, 0.5:0>
  func.return
}

// -----

// perm entries are in range.
func.func @transpose_perm_range(%x: !qnn.qtensor<1x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.transpose: perm [1, 2] is not a permutation of 0..1
  %y = qnn.transpose %x perm [1, 2] : !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<4x1xi8, 0.5:0>
  func.return
}

// -----

// out.shape[i] = in.shape[perm[i]] (here the inverse permutation was applied).
func.func @transpose_output_shape(%x: !qnn.qtensor<1x4x5x2xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.transpose: output shape [1, 5, 2, 4] must be [1, 2, 4, 5]
  %y = qnn.transpose %x perm [0, 3, 1, 2] : !qnn.qtensor<1x4x5x2xi8, 0.5:0> -> !qnn.qtensor<1x5x2x4xi8, 0.5:0>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.concat
//===----------------------------------------------------------------------===//

// -----

// The result must be quantised per tensor.
func.func @concat_per_channel(%a: !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.25:0}>) {
  // CHECK: Operation does not verify: qnn.concat: output must be quantised per tensor
  %y = qnn.concat %a axis 0 : !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.25:0}> -> !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.25:0}>
  func.return
}

// -----

// At least one input (only expressible in the generic form).
func.func @concat_no_input() {
  // CHECK: Operation does not verify: qnn.concat: needs at least one input
  %y = "qnn.concat"() <{axis = 0 : i64}> : () -> !qnn.qtensor<1x4xi8, 0.5:0>
  func.return
}

// -----

// axis is below the rank.
func.func @concat_axis_too_big(%a: !qnn.qtensor<1x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.concat: axis 2 out of range for rank 2
  %y = qnn.concat %a, %a axis 2 : !qnn.qtensor<1x4xi8, 0.5:0>, !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<1x8xi8, 0.5:0>
  func.return
}

// -----

// axis is non-negative (no Python-style negative axes).
func.func @concat_axis_negative(%a: !qnn.qtensor<1x4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.concat: axis -1 out of range for rank 2
  %y = qnn.concat %a, %a axis -1 : !qnn.qtensor<1x4xi8, 0.5:0>, !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<1x8xi8, 0.5:0>
  func.return
}

// -----

// Every input has the result's parameters (the importer requantises first).
func.func @concat_params(%a: !qnn.qtensor<1x4xi8, 0.5:0>, %b: !qnn.qtensor<1x4xi8, 0.25:0>) {
  // CHECK: Operation does not verify: qnn.concat: input 1 has different quantisation parameters from the result
  %y = qnn.concat %a, %b axis 1 : !qnn.qtensor<1x4xi8, 0.5:0>, !qnn.qtensor<1x4xi8, 0.25:0> -> !qnn.qtensor<1x8xi8, 0.5:0>
  func.return
}

// -----

// Inputs match the result outside the axis.
func.func @concat_input_shape(%a: !qnn.qtensor<1x4x4x2xi8, 0.5:0>, %b: !qnn.qtensor<1x4x5x3xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.concat: input 1 shape [1, 4, 5, 3] does not match the result [1, 4, 4, 5] outside axis 3
  %y = qnn.concat %a, %b axis 3 : !qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<1x4x5x3xi8, 0.5:0> -> !qnn.qtensor<1x4x4x5xi8, 0.5:0>
  func.return
}

// -----

// Inputs have the result's rank.
func.func @concat_input_rank(%a: !qnn.qtensor<1x4xi8, 0.5:0>, %b: !qnn.qtensor<4xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.concat: input 1 shape [4] does not match the result [1, 8] outside axis 1
  %y = qnn.concat %a, %b axis 1 : !qnn.qtensor<1x4xi8, 0.5:0>, !qnn.qtensor<4xi8, 0.5:0> -> !qnn.qtensor<1x8xi8, 0.5:0>
  func.return
}

// -----

// The inputs' extents along the axis sum to the result's.
func.func @concat_sum(%a: !qnn.qtensor<1x4x4x2xi8, 0.5:0>, %b: !qnn.qtensor<1x4x4x3xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.concat: inputs sum to 5 along axis 3, result has 6
  %y = qnn.concat %a, %b axis 3 : !qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<1x4x4x3xi8, 0.5:0> -> !qnn.qtensor<1x4x4x6xi8, 0.5:0>
  func.return
}

//===----------------------------------------------------------------------===//
// qnn.softmax
//===----------------------------------------------------------------------===//

// -----

// The input must be quantised per tensor.
func.func @softmax_input_per_channel(%x: !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.25:0}>) {
  // CHECK: Operation does not verify: qnn.softmax: input must be quantised per tensor
  %y = qnn.softmax %x beta 1.0 : !qnn.qtensor<1x2xi8, axis 1 {0.5:0, 0.25:0}> -> !qnn.qtensor<1x2xi8, 0.00390625:-128>
  func.return
}

// -----

// The output must be quantised per tensor.
func.func @softmax_output_per_channel(%x: !qnn.qtensor<1x2xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.softmax: output must be quantised per tensor
  %y = qnn.softmax %x beta 1.0 : !qnn.qtensor<1x2xi8, 0.5:0> -> !qnn.qtensor<1x2xi8, axis 1 {0.00390625:-128, 0.00390625:-128}>
  func.return
}

// -----

// Softmax keeps the shape.
func.func @softmax_shape(%x: !qnn.qtensor<1x10xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.softmax: input and output shapes differ
  %y = qnn.softmax %x beta 1.0 : !qnn.qtensor<1x10xi8, 0.5:0> -> !qnn.qtensor<10xi8, 0.00390625:-128>
  func.return
}

// -----

// The 4-lane and integer-sum forms are global pools' (a window covering the whole input).
func.func @avg_pool2d_lanes_not_global(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>) {
  // CHECK: Operation does not verify: qnn.avg_pool2d: onnx_form mlas_lanes4 needs a global pool (kernel = the input's 4x4, no pads), got kernel [3, 3] pads [0, 0, 0, 0]
  %y = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] onnx_form <mlas_lanes4> : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x2x2x2xi8, 0.5:-3>
  func.return
}

// -----

func.func @avg_pool2d_integer_sum_padded(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>) {
  // CHECK: Operation does not verify: qnn.avg_pool2d: onnx_form integer_sum needs a global pool (kernel = the input's 4x4, no pads), got kernel [4, 4] pads [1, 1, 1, 1]
  %y = qnn.avg_pool2d %x kernel [4, 4] strides [1, 1] pads [1, 1, 1, 1] onnx_form <integer_sum> : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x3x3x2xi8, 0.5:-3>
  func.return
}

// -----

// In onnx numerics a softmax quantises to any output parameters.
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  // CHECK-LABEL: @softmax_onnx_any_output
  // CHECK-NEXT:    qnn.softmax %x beta 1.000000e+00 : !qnn.qtensor<1x10xi8, 0.5:0> -> !qnn.qtensor<1x10xi8, 0.003921569:-128>
  // CHECK-NEXT:    func.return
  func.func @softmax_onnx_any_output(%x: !qnn.qtensor<1x10xi8, 0.5:0>) {
    %y = qnn.softmax %x beta 1.0 : !qnn.qtensor<1x10xi8, 0.5:0> -> !qnn.qtensor<1x10xi8, 0.003921569:-128>
    func.return
  }
}

// -----

// The output scale is 1/256.
func.func @softmax_output_scale(%x: !qnn.qtensor<1x10xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.softmax: output must be quantised at scale 1/256 (0.00390625) and zero point -128, got 0.003921569:-128
  %y = qnn.softmax %x beta 1.0 : !qnn.qtensor<1x10xi8, 0.5:0> -> !qnn.qtensor<1x10xi8, 0.003921569:-128>
  func.return
}

// -----

// The i8 output zero point is -128.
func.func @softmax_output_zero_point_i8(%x: !qnn.qtensor<1x10xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.softmax: output must be quantised at scale 1/256 (0.00390625) and zero point -128, got 0.00390625:0
  %y = qnn.softmax %x beta 1.0 : !qnn.qtensor<1x10xi8, 0.5:0> -> !qnn.qtensor<1x10xi8, 0.00390625:0>
  func.return
}

// -----

// The ui8 output zero point is 0.
func.func @softmax_output_zero_point_ui8(%x: !qnn.qtensor<1x10xui8, 0.5:128>) {
  // CHECK: Operation does not verify: qnn.softmax: output must be quantised at scale 1/256 (0.00390625) and zero point 0, got 0.00390625:128
  %y = qnn.softmax %x beta 1.0 : !qnn.qtensor<1x10xui8, 0.5:128> -> !qnn.qtensor<1x10xui8, 0.00390625:128>
  func.return
}

// -----

// Input and output share the storage type.
func.func @softmax_storage(%x: !qnn.qtensor<1x10xi8, 0.5:0>) {
  // CHECK: Operation does not verify: qnn.softmax: input and output storage types differ
  %y = qnn.softmax %x beta 1.0 : !qnn.qtensor<1x10xi8, 0.5:0> -> !qnn.qtensor<1x10xui8, 0.00390625:0>
  func.return
}
