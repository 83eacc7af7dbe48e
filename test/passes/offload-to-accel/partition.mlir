// offload-to-accel: each kernel op the target's accelerator computes exactly gets
// accel.unit; with report=true every other op gets the reason it stays on the CPU
// (accel.cpu_reason, the first check it fails) and the function a summary of the MACs.
// RUN: tinymlir-opt %s --target-desc=diana-digital -p 'convert-qnn-to-kernel,offload-to-accel{report=true}' | filecheck %s
// Without report=true only the decisions are recorded.
// RUN: tinymlir-opt %s --target-desc=diana-digital -p 'convert-qnn-to-kernel,offload-to-accel' | filecheck %s --check-prefix=QUIET
// pad-in-l1=true: the L1 tiling writes the padding (the input zero point) into the tile.
// RUN: tinymlir-opt %s --target-desc=diana-digital -p 'convert-qnn-to-kernel,offload-to-accel{report=true pad-in-l1=true}' | filecheck %s --check-prefix=PAD
// diana-digital-shift: only an output stage that is exactly a floor shift is offloaded.
// RUN: tinymlir-opt %s --target-desc=diana-digital-shift -p 'convert-qnn-to-kernel,offload-to-accel{report=true}' | filecheck %s --check-prefix=SHIFT
// The same in onnx numerics (a float32 scale, rounded half to even).
// RUN: tinymlir-opt %s --numerics=onnx --target-desc=diana-digital-shift -p 'convert-qnn-to-kernel,offload-to-accel{report=true}' | filecheck %s --check-prefix=ONNX

// QUIET-NOT: accel.cpu_reason
// QUIET-NOT: accel.offload_report

// A 3x3 conv, stride 1, symmetric padding, input zero point 0, 64 elements in and out.
// CHECK-LABEL: func.func @accepted
// CHECK-SAME:    accel.offload_report = "1 of 1 layers, 2304 of 2304 MACs (100.00 %) on 'digital'"
// CHECK:         qk.conv2d {{.*}}accel.unit = "digital"
// SHIFT-LABEL: func.func @accepted
// SHIFT:         qk.conv2d {{.*}}accel.cpu_reason = "requantisation is not a shift: channel 0's multiplier 1717986944 is not a power of two"
func.func @accepted(%x: !qnn.qtensor<1x4x4x4xi8, 0.5:0>) -> !qnn.qtensor<1x4x4x4xi8, 0.25:0> {
  %w = qnn.constant dense<1> : tensor<4x3x3x4xi8> -> !qnn.qtensor<4x3x3x4xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<4xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x4x4x4xi8, 0.5:0>, !qnn.qtensor<4x3x3x4xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x4x4x4xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x4x4x4xi8, 0.25:0>
}

// Kernels 1, 3, 5 or 7 only.
// CHECK-LABEL: func.func @kernel_9
// CHECK-SAME:    accel.offload_report = "0 of 1 layers, 0 of 20736 MACs (0.00 %) on 'digital'"
// CHECK:         qk.conv2d {{.*}}accel.cpu_reason = "kernel 9x9; the unit takes 1, 3, 5, 7 in each of h and w"
func.func @kernel_9(%x: !qnn.qtensor<1x12x12x4xi8, 0.5:0>) -> !qnn.qtensor<1x4x4x4xi8, 0.25:0> {
  %w = qnn.constant dense<1> : tensor<4x9x9x4xi8> -> !qnn.qtensor<4x9x9x4xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<4xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x12x12x4xi8, 0.5:0>, !qnn.qtensor<4x9x9x4xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x4x4x4xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x4x4x4xi8, 0.25:0>
}

// Strides 1 or 2, dilation 1.
// CHECK-LABEL: func.func @stride_3
// CHECK:         qk.conv2d {{.*}}accel.cpu_reason = "stride 3x3; the unit takes 1, 2 in each of h and w"
// CHECK-LABEL: func.func @dilation_2
// CHECK:         qk.conv2d {{.*}}accel.cpu_reason = "dilation 2x2; the unit takes 1 in each of h and w"
func.func @stride_3(%x: !qnn.qtensor<1x7x7x4xi8, 0.5:0>) -> !qnn.qtensor<1x2x2x4xi8, 0.25:0> {
  %w = qnn.constant dense<1> : tensor<4x3x3x4xi8> -> !qnn.qtensor<4x3x3x4xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<4xi32>
  %y = qnn.conv2d %x, %w, %b strides [3, 3] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x7x7x4xi8, 0.5:0>, !qnn.qtensor<4x3x3x4xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x2x2x4xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x2x2x4xi8, 0.25:0>
}
func.func @dilation_2(%x: !qnn.qtensor<1x6x6x4xi8, 0.5:0>) -> !qnn.qtensor<1x2x2x4xi8, 0.25:0> {
  %w = qnn.constant dense<1> : tensor<4x3x3x4xi8> -> !qnn.qtensor<4x3x3x4xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<4xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [2, 2] groups 1 : !qnn.qtensor<1x6x6x4xi8, 0.5:0>, !qnn.qtensor<4x3x3x4xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x2x2x4xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x2x2x4xi8, 0.25:0>
}

// TF's 'SAME' padding of a stride-2 conv is asymmetric (pads: top, left, bottom, right);
// the unit pads symmetrically. pad-in-l1 writes the padding into the L1 tile instead.
// CHECK-LABEL: func.func @asymmetric
// CHECK:         qk.conv2d {{.*}}accel.cpu_reason = "asymmetric pads (top 0, left 0, bottom 1, right 1); the unit pads symmetrically"
// PAD-LABEL:   func.func @asymmetric
// PAD:           qk.conv2d {{.*}}accel.unit = "digital", accel.pad_value = 0 : i64
func.func @asymmetric(%x: !qnn.qtensor<1x4x4x4xi8, 0.5:0>) -> !qnn.qtensor<1x2x2x4xi8, 0.25:0> {
  %w = qnn.constant dense<1> : tensor<4x3x3x4xi8> -> !qnn.qtensor<4x3x3x4xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<4xi32>
  %y = qnn.conv2d %x, %w, %b strides [2, 2] pads [0, 0, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x4x4x4xi8, 0.5:0>, !qnn.qtensor<4x3x3x4xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x2x2x4xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x2x2x4xi8, 0.25:0>
}

// The unit pads with 0, TFLM with the input zero point (it skips padding taps).
// CHECK-LABEL: func.func @zero_point_padding
// CHECK:         qk.conv2d {{.*}}accel.cpu_reason = "padded with input zero point -128; the unit pads with 0 (pad-in-l1 writes the zero point into the L1 tile)"
// PAD-LABEL:   func.func @zero_point_padding
// PAD:           qk.conv2d {{.*}}accel.unit = "digital", accel.pad_value = -128 : i64
func.func @zero_point_padding(%x: !qnn.qtensor<1x4x4x4xi8, 0.5:-128>) -> !qnn.qtensor<1x4x4x4xi8, 0.25:0> {
  %w = qnn.constant dense<1> : tensor<4x3x3x4xi8> -> !qnn.qtensor<4x3x3x4xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<4xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x4x4x4xi8, 0.5:-128>, !qnn.qtensor<4x3x3x4xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x4x4x4xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x4x4x4xi8, 0.25:0>
}

// Groups 1 or depthwise; a grouped conv in between stays on the CPU.
// CHECK-LABEL: func.func @groups
// CHECK:         qk.conv2d ins(%x, %depthwise_weight{{.*}}accel.unit = "digital"
// CHECK:         qk.conv2d ins(%x, %grouped_weight{{.*}}accel.cpu_reason = "grouped conv (groups 2); the unit takes groups one or depthwise"
func.func @groups(%x: !qnn.qtensor<1x4x4x4xi8, 0.5:0>) -> (!qnn.qtensor<1x4x4x4xi8, 0.25:0>, !qnn.qtensor<1x4x4x4xi8, 0.25:0>) {
  %wd = qnn.constant dense<1> : tensor<4x3x3x1xi8> -> !qnn.qtensor<4x3x3x1xi8, 0.1:0>
  %wg = qnn.constant dense<1> : tensor<4x3x3x2xi8> -> !qnn.qtensor<4x3x3x2xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<4xi32>
  %depthwise = qnn.conv2d %x, %wd, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 4 : !qnn.qtensor<1x4x4x4xi8, 0.5:0>, !qnn.qtensor<4x3x3x1xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x4x4x4xi8, 0.25:0>
  %grouped = qnn.conv2d %x, %wg, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 2 : !qnn.qtensor<1x4x4x4xi8, 0.5:0>, !qnn.qtensor<4x3x3x2xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x4x4x4xi8, 0.25:0>
  func.return %depthwise, %grouped : !qnn.qtensor<1x4x4x4xi8, 0.25:0>, !qnn.qtensor<1x4x4x4xi8, 0.25:0>
}

// Every data tensor's element count a multiple of 4 (ResNet-8's 10 classes are not).
// CHECK-LABEL: func.func @ten_classes
// CHECK:         qk.dense {{.*}}accel.cpu_reason = "output 1x10 has 10 elements, not a multiple of 4"
func.func @ten_classes(%x: !qnn.qtensor<1x8xi8, 0.5:0>) -> !qnn.qtensor<1x10xi8, 0.25:0> {
  %w = qnn.constant dense<1> : tensor<10x8xi8> -> !qnn.qtensor<10x8xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<10xi32>
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x8xi8, 0.5:0>, !qnn.qtensor<10x8xi8, 0.1:0>, tensor<10xi32> -> !qnn.qtensor<1x10xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x10xi8, 0.25:0>
}

// A weight zero point can make w - zw 16-bit (-128 - 3); the unit takes int8.
// CHECK-LABEL: func.func @weight_zero_point
// CHECK:         qk.dense {{.*}}accel.cpu_reason = "weights are i16 (a non-zero weight zero point folded in); the unit takes i8"
func.func @weight_zero_point(%x: !qnn.qtensor<1x8xi8, 0.5:0>) -> !qnn.qtensor<1x4xi8, 0.25:0> {
  %w = qnn.constant dense<-128> : tensor<4x8xi8> -> !qnn.qtensor<4x8xi8, 0.1:3>
  %b = arith.constant dense<0> : tensor<4xi32>
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x8xi8, 0.5:0>, !qnn.qtensor<4x8xi8, 0.1:3>, tensor<4xi32> -> !qnn.qtensor<1x4xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x4xi8, 0.25:0>
}

// Pooling is not an op of the digital core.
// CHECK-LABEL: func.func @pooling
// CHECK:         qk.avg_pool2d {{.*}}accel.cpu_reason = "qk.avg_pool2d is not an op of accelerator 'digital' (qk.conv2d, qk.dense, qk.add)"
func.func @pooling(%x: !qnn.qtensor<1x4x4x4xi8, 0.5:0>) -> !qnn.qtensor<1x2x2x4xi8, 0.5:0> {
  %y = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<1x4x4x4xi8, 0.5:0> -> !qnn.qtensor<1x2x2x4xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x2x2x4xi8, 0.5:0>
}

// Adds: the exact requantiser rescales both inputs; a shift-only unit cannot.
// CHECK-LABEL: func.func @add
// CHECK:         qk.add {{.*}}accel.unit = "digital"
// SHIFT-LABEL: func.func @add
// SHIFT:         qk.add {{.*}}accel.cpu_reason = "an add rescales each input on its own; a shift-only unit cannot"
func.func @add(%a: !qnn.qtensor<1x8xi8, 0.5:0>, %b: !qnn.qtensor<1x8xi8, 0.25:0>) -> !qnn.qtensor<1x8xi8, 0.5:0> {
  %y = qnn.add %a, %b : !qnn.qtensor<1x8xi8, 0.5:0>, !qnn.qtensor<1x8xi8, 0.25:0> -> !qnn.qtensor<1x8xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x8xi8, 0.5:0>
}

// diana-digital-shift: s_x * s_w / s_y = 1 is multiplier 2^30, shift 1: no rounding, a shift by
// 0. Scale 1/2 (shift 0) rounds half up, floor((acc + 1) / 2): exact with 1 folded into the bias.
// Scale 1/4 rounds twice (half up, then half away from zero): no floor shift matches. One shift
// per layer: channels at scales 1 and 1/2 cannot share it. onnxruntime rounds half to even.
// SHIFT-LABEL: func.func @unit_scale
// SHIFT:         qk.dense {{.*}}accel.unit = "digital"
// SHIFT-LABEL: func.func @half_scale
// SHIFT:         qk.dense {{.*}}accel.unit = "digital"
// SHIFT-LABEL: func.func @quarter_scale
// SHIFT:         qk.dense {{.*}}accel.cpu_reason = "channel 0's scale is 2^-2: TFLM rounds twice (half up, then half away from zero), no floor shift matches"
// SHIFT-LABEL: func.func @two_shifts
// SHIFT:         qk.dense {{.*}}accel.cpu_reason = "channels shift by 0 and 1; the unit shifts a layer by one amount"
// ONNX-LABEL:  func.func @unit_scale
// ONNX:          qk.dense {{.*}}accel.unit = "digital"
// ONNX-LABEL:  func.func @half_scale
// ONNX:          qk.dense {{.*}}accel.cpu_reason = "requantisation is not a shift: channel 0's scale 0.5 rounds (onnxruntime rounds half to even, the unit floors)"
// ONNX-LABEL:  func.func @two_shifts
// ONNX:          qk.dense {{.*}}accel.cpu_reason = "requantisation is not a shift: channel 1's scale 0.5 rounds (onnxruntime rounds half to even, the unit floors)"
func.func @unit_scale(%x: !qnn.qtensor<1x8xi8, 0.5:0>) -> !qnn.qtensor<1x4xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<4x8xi8> -> !qnn.qtensor<4x8xi8, 1.0:0>
  %b = arith.constant dense<0> : tensor<4xi32>
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x8xi8, 0.5:0>, !qnn.qtensor<4x8xi8, 1.0:0>, tensor<4xi32> -> !qnn.qtensor<1x4xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x4xi8, 0.5:0>
}
func.func @half_scale(%x: !qnn.qtensor<1x8xi8, 0.5:0>) -> !qnn.qtensor<1x4xi8, 1.0:0> {
  %w = qnn.constant dense<1> : tensor<4x8xi8> -> !qnn.qtensor<4x8xi8, 1.0:0>
  %b = arith.constant dense<0> : tensor<4xi32>
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x8xi8, 0.5:0>, !qnn.qtensor<4x8xi8, 1.0:0>, tensor<4xi32> -> !qnn.qtensor<1x4xi8, 1.0:0>
  func.return %y : !qnn.qtensor<1x4xi8, 1.0:0>
}
func.func @quarter_scale(%x: !qnn.qtensor<1x8xi8, 0.5:0>) -> !qnn.qtensor<1x4xi8, 2.0:0> {
  %w = qnn.constant dense<1> : tensor<4x8xi8> -> !qnn.qtensor<4x8xi8, 1.0:0>
  %b = arith.constant dense<0> : tensor<4xi32>
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x8xi8, 0.5:0>, !qnn.qtensor<4x8xi8, 1.0:0>, tensor<4xi32> -> !qnn.qtensor<1x4xi8, 2.0:0>
  func.return %y : !qnn.qtensor<1x4xi8, 2.0:0>
}
func.func @two_shifts(%x: !qnn.qtensor<1x8xi8, 0.5:0>) -> !qnn.qtensor<1x4xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<4x8xi8> -> !qnn.qtensor<4x8xi8, axis 0 {1.0:0, 0.5:0, 1.0:0, 0.5:0}>
  %b = arith.constant dense<0> : tensor<4xi32>
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x8xi8, 0.5:0>, !qnn.qtensor<4x8xi8, axis 0 {1.0:0, 0.5:0, 1.0:0, 0.5:0}>, tensor<4xi32> -> !qnn.qtensor<1x4xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x4xi8, 0.5:0>
}
