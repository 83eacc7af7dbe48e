// accel.run verifier: one case per rule, in the order of dialects/accel.py. The CHECK lines
// match xDSL's annotation "Operation does not verify: <message>" of the failing op.
// RUN: tinymlir-opt %s --target-desc=diana-digital --split-input-file --verify-diagnostics | filecheck %s
// The same under the shift-only requantiser: the last case's output stage is not a shift.
// RUN: tinymlir-opt %s --target-desc=diana-digital-shift --split-input-file --verify-diagnostics | filecheck %s --check-prefix=SHIFT
// A target without an accelerator has no unit to run on.
// RUN: tinymlir-opt %s --target-desc=cortex-m4 --split-input-file --verify-diagnostics | filecheck %s --check-prefix=M4

// M4: Operation does not verify: target 'cortex-m4' has no accelerator 'digital' (accelerators: none)

// The body is exactly one qk kernel op.
func.func @body(%x: memref<4xi8, "l1_act">) {
  // CHECK: Operation does not verify: accel.run: the body must be exactly one qk kernel op
  accel.run "digital" {
    %c = arith.constant 0 : i8
  }
  func.return
}

// -----

// The unit is one of the target's accelerators.
func.func @unit(%x: memref<1x8xi8, "l1_act">, %y: memref<1x8xi8, "l1_act">) {
  // CHECK: Operation does not verify: target 'diana-digital' has no accelerator 'analog' (accelerators: digital)
  accel.run "analog" {
    qk.add ins(%x, %x : memref<1x8xi8, "l1_act">, memref<1x8xi8, "l1_act">) outs(%y : memref<1x8xi8, "l1_act">) {layer = 0 : i64, layer_name = "s", input_types = [!qnn.qtensor<1x8xi8, 0.5:0>, !qnn.qtensor<1x8xi8, 0.5:0>], output_type = !qnn.qtensor<1x8xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<onnx>}
  }
  func.return
}

// -----

// The unit's constraints (shape_refusal): kernels 1, 3, 5, 7.
func.func @kernel(%x: memref<1x12x12x4xi8, "l1_act">, %w: memref<4x9x9x4xi8, "l1_w">, %b: memref<4xi32, "l1_w">, %y: memref<1x4x4x4xi8, "l1_act">) {
  // CHECK: Operation does not verify: accel.run: qk.conv2d 'c': kernel 9x9; the unit takes 1, 3, 5, 7 in each of h and w
  accel.run "digital" {
    qk.conv2d ins(%x, %w, %b : memref<1x12x12x4xi8, "l1_act">, memref<4x9x9x4xi8, "l1_w">, memref<4xi32, "l1_w">) outs(%y : memref<1x4x4x4xi8, "l1_act">) {layer = 0 : i64, layer_name = "c", input_types = [!qnn.qtensor<1x12x12x4xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x4xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 1 : i32}
  }
  func.return
}

// -----

// Element counts a multiple of 4.
func.func @elements(%x: memref<1x6xi8, "l1_act">, %y: memref<1x6xi8, "l1_act">) {
  // CHECK: Operation does not verify: accel.run: qk.add 's': input 0 1x6 has 6 elements, not a multiple of 4
  accel.run "digital" {
    qk.add ins(%x, %x : memref<1x6xi8, "l1_act">, memref<1x6xi8, "l1_act">) outs(%y : memref<1x6xi8, "l1_act">) {layer = 0 : i64, layer_name = "s", input_types = [!qnn.qtensor<1x6xi8, 0.5:0>, !qnn.qtensor<1x6xi8, 0.5:0>], output_type = !qnn.qtensor<1x6xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<onnx>}
  }
  func.return
}

// -----

// The unit's own padding: symmetric, with 0 (an input zero point needs pad-in-l1's tile).
func.func @pad_zero_point(%x: memref<1x4x4x4xi8, "l1_act">, %w: memref<4x3x3x4xi8, "l1_w">, %b: memref<4xi32, "l1_w">, %y: memref<1x4x4x4xi8, "l1_act">) {
  // CHECK: Operation does not verify: accel.run: qk.conv2d 'c': padded with input zero point 3; the unit pads with 0
  accel.run "digital" {
    qk.conv2d ins(%x, %w, %b : memref<1x4x4x4xi8, "l1_act">, memref<4x3x3x4xi8, "l1_w">, memref<4xi32, "l1_w">) outs(%y : memref<1x4x4x4xi8, "l1_act">) {layer = 0 : i64, layer_name = "c", input_types = [!qnn.qtensor<1x4x4x4xi8, 0.5:3>], output_type = !qnn.qtensor<1x4x4x4xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 1 : i32}
  }
  func.return
}

// -----

// Data operands in the unit's local memory (memory_refusal).
func.func @data_in_l2(%x: memref<1x8xi8>, %y: memref<1x8xi8, "l1_act">) {
  // CHECK: Operation does not verify: accel.run: qk.add 's': operand of type memref<1x8xi8> has no memory space; expected "l1_act" (accelerator 'digital')
  accel.run "digital" {
    qk.add ins(%x, %x : memref<1x8xi8>, memref<1x8xi8>) outs(%y : memref<1x8xi8, "l1_act">) {layer = 0 : i64, layer_name = "s", input_types = [!qnn.qtensor<1x8xi8, 0.5:0>, !qnn.qtensor<1x8xi8, 0.5:0>], output_type = !qnn.qtensor<1x8xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<onnx>}
  }
  func.return
}

// -----

// Weights in the unit's weight memory.
func.func @weights_in_l1_act(%x: memref<1x8xi8, "l1_act">, %w: memref<4x8xi8, "l1_act">, %b: memref<4xi32, "l1_w">, %y: memref<1x4xi8, "l1_act">) {
  // CHECK: Operation does not verify: accel.run: qk.dense 'd': operand of type memref<4x8xi8, "l1_act"> has memory space "l1_act"; expected "l1_w" (accelerator 'digital')
  accel.run "digital" {
    qk.dense ins(%x, %w, %b : memref<1x8xi8, "l1_act">, memref<4x8xi8, "l1_act">, memref<4xi32, "l1_w">) outs(%y : memref<1x4xi8, "l1_act">) {layer = 0 : i64, layer_name = "d", input_types = [!qnn.qtensor<1x8xi8, 0.5:0>], output_type = !qnn.qtensor<1x4xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, multiplier = 1073741824 : i32, shift = 1 : i32}
  }
  func.return
}

// -----

// The requantiser (requantisation_refusal): valid on diana-digital, whose requantiser is
// exact; on diana-digital-shift a scale of 0.8 is not a shift.
// CHECK-LABEL: func.func @scale
// SHIFT: Operation does not verify: accel.run: qk.dense 'd': requantisation is not a shift: channel 0's multiplier 1717986944 is not a power of two
func.func @scale(%x: memref<1x8xi8, "l1_act">, %w: memref<4x8xi8, "l1_w">, %b: memref<4xi32, "l1_w">, %y: memref<1x4xi8, "l1_act">) {
  accel.run "digital" {
    qk.dense ins(%x, %w, %b : memref<1x8xi8, "l1_act">, memref<4x8xi8, "l1_w">, memref<4xi32, "l1_w">) outs(%y : memref<1x4xi8, "l1_act">) {layer = 0 : i64, layer_name = "d", input_types = [!qnn.qtensor<1x8xi8, 0.5:0>], output_type = !qnn.qtensor<1x4xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, multiplier = 1717986944 : i32, shift = 0 : i32}
  }
  func.return
}
