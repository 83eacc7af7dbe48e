// Op verifiers of the qk dialect: one case per rule, in the order of dialects/kernel.py
// (the rules every kernel op shares first). The CHECK lines match xDSL's annotation
// "Operation does not verify: <message>" of the failing op.

// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics | filecheck %s

// Kernel: as many input types as data operands.
func.func @kernel_0(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: expected 1 input types, got 2
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Kernel: the weight operands after the data.
func.func @kernel_1(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: expected at least 3 ins
  qk.conv2d ins(%x, %w : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Kernel: a data operand has its input type's shape.
func.func @kernel_2(%x: memref<1x4x4x3xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: input 0 must be a memref of shape [1, 4, 4, 2], got memref<1x4x4x3xi8>
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x3xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Kernel: the output buffer has the output type's shape.
func.func @kernel_3(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %y: memref<1x4x4x3xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: output must be a memref of shape [1, 4, 4, 2], got memref<1x4x4x3xi8>
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x3xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Kernel: activation buffers hold bytes.
func.func @kernel_4(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %y: memref<1x4x4x2xi16>) {
  // CHECK: Operation does not verify: qk.conv2d: output has element type i16, expected one of i8
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x2xi16>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Kernel: the clamp lies within the output's storage range.
func.func @kernel_5(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: clamp [-129, 127] must be [lo, hi] within the output's storage range
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -129, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Kernel: in_place names a known schedule.
func.func @kernel_6(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: unknown in_place schedule 'tiles'
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32, in_place = "tiles"}
  func.return
}

// -----

// Conv2d: NHWC operands.
func.func @conv2d_7(%x: memref<4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %y: memref<4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: input and output must be NHWC
  qk.conv2d ins(%x, %w, %b : memref<4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Conv2d: OHWI weights of i8 or i16.
func.func @conv2d_8(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi32>, %b: memref<2xi32>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: weight must be a 4-d memref of i8 or i16 (OHWI)
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi32>, memref<2xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Conv2d: groups divide the channels.
func.func @conv2d_9(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: groups 2 do not fit 2 input and 2 output channels
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 2 : i64, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Conv2d: one i32 bias per output channel.
func.func @conv2d_10(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<3xi32>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: bias must be a memref of shape [2], got memref<3xi32>
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<3xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Conv2d: positive strides.
func.func @conv2d_11(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: strides and dilations need 2 positive values, pads 4 non-negative
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 0, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Conv2d: the output shape follows from the geometry.
func.func @conv2d_12(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: output shape [1, 4, 4, 2] does not match the geometry [1, 2, 2, 2]
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Conv2d: a parameter that is no property is a table.
func.func @conv2d_13(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: expected 1 tables, got 0
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32}
  func.return
}

// -----

// Conv2d: tables have one entry per output channel.
func.func @conv2d_14(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %m: memref<3xi32>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: table 0 must be a memref of shape [2], got memref<3xi32>
  qk.conv2d ins(%x, %w, %b, %m : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>, memref<3xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, shift = 0 : i32}
  func.return
}

// -----

// Conv2d: onnx numerics take a scale.
func.func @conv2d_15(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: onnx numerics take a scale, not a multiplier and shift
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<onnx>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Conv2d: tflm numerics take a multiplier and shift.
func.func @conv2d_16(%x: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %b: memref<2xi32>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.conv2d: tflm numerics take a multiplier and shift, not a scale
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1 : i32, shift = 0 : i32, scale = 1.0 : f32}
  func.return
}

// -----

// Dense: input and output agree on N.
func.func @dense_17(%v: memref<1x8xi8>, %w: memref<3x8xi8>, %b: memref<3xi32>, %d: memref<2x3xi8>) {
  // CHECK: Operation does not verify: qk.dense: input [N, K] and output [N, units] must agree on N
  qk.dense ins(%v, %w, %b : memref<1x8xi8>, memref<3x8xi8>, memref<3xi32>) outs(%d : memref<2x3xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x8xi8, 0.5:0>], output_type = !qnn.qtensor<2x3xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Dense: weights are [units, K].
func.func @dense_18(%v: memref<1x8xi8>, %w: memref<8x3xi8>, %b: memref<3xi32>, %d: memref<1x3xi8>) {
  // CHECK: Operation does not verify: qk.dense: weight must be a memref of shape [3, 8], got memref<8x3xi8>
  qk.dense ins(%v, %w, %b : memref<1x8xi8>, memref<8x3xi8>, memref<3xi32>) outs(%d : memref<1x3xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x8xi8, 0.5:0>], output_type = !qnn.qtensor<1x3xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Add: operands broadcast to the output.
func.func @add_19(%x: memref<1x4x4x2xi8>, %z: memref<1x4x4x3xi8>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.add: operand shape [1, 4, 4, 3] does not broadcast to [1, 4, 4, 2]
  qk.add ins(%x, %z : memref<1x4x4x2xi8>, memref<1x4x4x3xi8>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<1x4x4x3xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<onnx>}
  func.return
}

// -----

// Add: tflm numerics need the add parameters.
func.func @add_20(%x: memref<1x4x4x2xi8>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.add: tflm numerics need params (and onnx numerics none)
  qk.add ins(%x, %x : memref<1x4x4x2xi8>, memref<1x4x4x2xi8>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>}
  func.return
}

// -----

// Add: nine parameters.
func.func @add_21(%x: memref<1x4x4x2xi8>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.add: params need 9 values
  qk.add ins(%x, %x : memref<1x4x4x2xi8>, memref<1x4x4x2xi8>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, params = array<i64: 1, 2>}
  func.return
}

// -----

// Requantize: same shapes.
func.func @requantize_22(%x: memref<1x4x4x2xi8>, %z: memref<1x4x4x3xi8>) {
  // CHECK: Operation does not verify: qk.requantize: input and output shapes differ
  qk.requantize ins(%x : memref<1x4x4x2xi8>) outs(%z : memref<1x4x4x3xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x3xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, multiplier = 1 : i32, shift = 0 : i32}
  func.return
}

// -----

// Requantize: tflm numerics need a multiplier and a shift.
func.func @requantize_23(%x: memref<1x4x4x2xi8>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.requantize: tflm numerics need a multiplier and a shift
  qk.requantize ins(%x : memref<1x4x4x2xi8>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, multiplier = 1 : i32}
  func.return
}

// -----

// Pool: the output shape follows from the window.
func.func @pool_24(%x: memref<1x4x4x2xi8>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.max_pool2d: output shape [1, 4, 4, 2] does not match the geometry [1, 2, 2, 2]
  qk.max_pool2d ins(%x : memref<1x4x4x2xi8>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>}
  func.return
}

// -----

// Avg_pool2d: rescale tables are indexed by the tap count.
func.func @avg_pool2d_25(%x: memref<1x4x4x2xi8>, %m: memref<4xi32>, %s: memref<4xi32>, %p: memref<1x2x2x2xi8>) {
  // CHECK: Operation does not verify: qk.avg_pool2d: table 0 must be a memref of shape [5], got memref<4xi32>
  qk.avg_pool2d ins(%x, %m, %s : memref<1x4x4x2xi8>, memref<4xi32>, memref<4xi32>) outs(%p : memref<1x2x2x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x2x2xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>}
  func.return
}

// -----

// Pad: the pads take the input to the output.
func.func @pad_26(%x: memref<1x4x4x2xi8>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.pad: pads [0, 1, 1, 0, 0, 1, 1, 0] do not take [1, 4, 4, 2] to [1, 4, 4, 2]
  qk.pad ins(%x : memref<1x4x4x2xi8>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, pads = array<i64: 0, 1, 1, 0, 0, 1, 1, 0>}
  func.return
}

// -----

// Transpose: a permutation of the input.
func.func @transpose_27(%x: memref<1x4x4x2xi8>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.transpose: perm [0, 1, 1, 2] does not take [1, 4, 4, 2] to [1, 4, 4, 2]
  qk.transpose ins(%x : memref<1x4x4x2xi8>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, perm = array<i64: 0, 1, 1, 2>}
  func.return
}

// -----

// Concat: an axis within the rank.
func.func @concat_28(%x: memref<1x4x4x2xi8>, %y: memref<1x4x4x2xi8>) {
  // CHECK: Operation does not verify: qk.concat: needs inputs and an axis within the output's rank
  qk.concat ins(%x : memref<1x4x4x2xi8>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, axis = 4 : i64}
  func.return
}

// -----

// Concat: inputs agree off the axis.
func.func @concat_29(%x: memref<1x4x4x2xi8>, %c: memref<1x4x8x1xi8>) {
  // CHECK: Operation does not verify: qk.concat: input shape [1, 4, 4, 2] does not fit [1, 4, 8, 1] on axis 3
  qk.concat ins(%x : memref<1x4x4x2xi8>) outs(%c : memref<1x4x8x1xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x8x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, axis = 3 : i64}
  func.return
}

// -----

// Concat: extents add up.
func.func @concat_30(%x: memref<1x4x4x2xi8>, %c: memref<1x4x4x4xi8>) {
  // CHECK: Operation does not verify: qk.concat: the inputs' extents along the axis do not add up to the output's
  qk.concat ins(%x : memref<1x4x4x2xi8>) outs(%c : memref<1x4x4x4xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x4xi8, 0.5:0>, clamp = array<i64: -128, 127>, axis = 3 : i64}
  func.return
}

// -----

// Softmax: same shapes.
func.func @softmax_31(%r: memref<1x2xi8>, %o: memref<1x3xi8>) {
  // CHECK: Operation does not verify: qk.softmax: input and output shapes differ
  qk.softmax ins(%r : memref<1x2xi8>) outs(%o : memref<1x3xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x3xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, params = array<i64: 1, 2, 3>}
  func.return
}

// -----

// Softmax: onnx numerics take an exp table.
func.func @softmax_32(%r: memref<1x2xi8>, %e: memref<256xf32>) {
  // CHECK: Operation does not verify: qk.softmax: onnx numerics take an exp table, not params
  qk.softmax ins(%r, %e : memref<1x2xi8>, memref<256xf32>) outs(%r : memref<1x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<onnx>, params = array<i64: 1, 2, 3>}
  func.return
}

// -----

// Softmax: tflm numerics need the softmax parameters.
func.func @softmax_33(%r: memref<1x2xi8>) {
  // CHECK: Operation does not verify: qk.softmax: tflm numerics need params (input_multiplier, input_left_shift, diff_min)
  qk.softmax ins(%r : memref<1x2xi8>) outs(%r : memref<1x2xi8>) {layer = 0 : i64, layer_name = "l", input_types = [!qnn.qtensor<1x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>}
  func.return
}
