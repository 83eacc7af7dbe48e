// The !qnn.qtensor type: its verifier and its parser.
//
// Both parameter errors (the type verifier, run by the type's parser) and
// syntax errors are ParseErrors: --parsing-diagnostics prints
// "<file>:<line>:<col>", the source line, a caret and the message.
// Two rules cannot be written in the textual syntax: "needs as many zero
// points as scales" (scales and zero points are parsed as pairs) and
// "per-tensor qnn.qtensor needs exactly one scale" (a second pair after a
// per-tensor pair is a syntax error, checked below).

// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics --parsing-diagnostics | filecheck %s

//===----------------------------------------------------------------------===//
// Verifier
//===----------------------------------------------------------------------===//

// Dimensions are positive: no zero-sized dimension.
// CHECK: qnn.qtensor dimensions must be static and positive, got 1x0x4
func.func @zero_dim(%x: !qnn.qtensor<1x0x4xi8, 0.5:0>) {
  func.return
}

// -----

// Dimensions are static.
// CHECK: qnn.qtensor dimensions must be static and positive, got ?x4
func.func @dynamic_dim(%x: !qnn.qtensor<?x4xi8, 0.5:0>) {
  func.return
}

// -----

// Storage is i8 or ui8: not i16 ...
// CHECK: qnn.qtensor storage type must be i8 or ui8, got i16
func.func @storage_i16(%x: !qnn.qtensor<1x4xi16, 0.5:0>) {
  func.return
}

// -----

// ... not ui16 ...
// CHECK: qnn.qtensor storage type must be i8 or ui8, got ui16
func.func @storage_ui16(%x: !qnn.qtensor<1x4xui16, 0.5:0>) {
  func.return
}

// -----

// ... and not the explicitly signed si8 (int8 storage is signless i8).
// CHECK: qnn.qtensor storage type must be i8 or ui8, got si8
func.func @storage_si8(%x: !qnn.qtensor<1x4xsi8, 0.5:0>) {
  func.return
}

// -----

// The quantisation axis is below the rank.
// CHECK: quantisation axis 2 out of range for rank 2
func.func @axis_out_of_range(%x: !qnn.qtensor<2x3xi8, axis 2 {0.1:0, 0.2:0}>) {
  func.return
}

// -----

// Per-channel: one (scale, zero point) pair per slice along the axis, not more ...
// CHECK: per-channel qnn.qtensor along axis 0 needs 2 scales, got 3
func.func @too_many_channels(%x: !qnn.qtensor<2x3xi8, axis 0 {0.1:0, 0.2:0, 0.3:0}>) {
  func.return
}

// -----

// ... not fewer ...
// CHECK: per-channel qnn.qtensor along axis 1 needs 3 scales, got 2
func.func @too_few_channels(%x: !qnn.qtensor<2x3xi8, axis 1 {0.1:0, 0.2:0}>) {
  func.return
}

// -----

// ... and not none.
// CHECK: per-channel qnn.qtensor along axis 1 needs 4 scales, got 0
func.func @no_channels(%x: !qnn.qtensor<2x4xi8, axis 1 {}>) {
  func.return
}

// -----

// Scales are > 0: not zero ...
// CHECK: quantisation scale must be finite and > 0, got 0.0
func.func @scale_zero(%x: !qnn.qtensor<1x4xi8, 0.0:0>) {
  func.return
}

// -----

// ... not negative ...
// CHECK: quantisation scale must be finite and > 0, got -0.5
func.func @scale_negative(%x: !qnn.qtensor<1x4xi8, -0.5:0>) {
  func.return
}

// -----

// ... not a value that underflows to 0 in float32 ...
// CHECK: quantisation scale must be finite and > 0, got 0.0
func.func @scale_underflow(%x: !qnn.qtensor<1x4xi8, 1.0e-50:0>) {
  func.return
}

// -----

// ... nor one that overflows float32 to inf.
// CHECK: quantisation scale must be finite and > 0, got inf
func.func @scale_overflow(%x: !qnn.qtensor<1x4xi8, 1.0e39:0>) {
  func.return
}

// -----

// Every per-channel scale is checked, not just the first.
// CHECK: quantisation scale must be finite and > 0, got -0.2
func.func @scale_per_channel(%x: !qnn.qtensor<2x3xi8, axis 0 {0.1:0, -0.2:0}>) {
  func.return
}

// -----

// Zero points lie in the storage range: i8 is [-128, 127] ...
// CHECK: zero point 128 out of range [-128, 127] of i8
func.func @zero_point_i8_high(%x: !qnn.qtensor<1x4xi8, 0.5:128>) {
  func.return
}

// -----

// CHECK: zero point -129 out of range [-128, 127] of i8
func.func @zero_point_i8_low(%x: !qnn.qtensor<1x4xi8, 0.5:-129>) {
  func.return
}

// -----

// ... ui8 is [0, 255] ...
// CHECK: zero point 256 out of range [0, 255] of ui8
func.func @zero_point_ui8_high(%x: !qnn.qtensor<1x4xui8, 0.5:256>) {
  func.return
}

// -----

// CHECK: zero point -1 out of range [0, 255] of ui8
func.func @zero_point_ui8_low(%x: !qnn.qtensor<1x4xui8, 0.5:-1>) {
  func.return
}

// -----

// ... for every channel.
// CHECK: zero point -200 out of range [-128, 127] of i8
func.func @zero_point_per_channel(%x: !qnn.qtensor<2x3xi8, axis 0 {0.1:0, 0.2:-200}>) {
  func.return
}

// -----

// Types in op signatures are verified the same way.
// CHECK: zero point 300 out of range [-128, 127] of i8
func.func @in_op(%x: tensor<1x4xf32>) {
  %q = qnn.quantize %x : tensor<1x4xf32> -> !qnn.qtensor<1x4xi8, 0.5:300>
  func.return
}

//===----------------------------------------------------------------------===//
// Parser
//===----------------------------------------------------------------------===//

// -----

// Storage must be an integer type.
// CHECK: invalid-type.mlir:[[# @LINE + 2]]:{{[0-9]+}}
// CHECK: qnn.qtensor storage must be an integer type, got f32
func.func @storage_float(%x: !qnn.qtensor<1x4xf32, 0.5:0>) {
  func.return
}

// -----

// A per-tensor type has exactly one pair: a second one is a syntax error.
// CHECK: invalid-type.mlir:[[# @LINE + 2]]:{{[0-9]+}}
// CHECK: '>' expected
func.func @per_tensor_two_scales(%x: !qnn.qtensor<2xi8, 0.1:0, 0.2:0>) {
  func.return
}

// -----

// Per-channel pairs need the `axis N` prefix.
// CHECK: invalid-type.mlir:[[# @LINE + 2]]:{{[0-9]+}}
// CHECK: integer or float literal expected
func.func @braces_without_axis(%x: !qnn.qtensor<2xi8, {0.1:0, 0.2:0}>) {
  func.return
}

// -----

// The axis is a non-negative integer (per-tensor is written without `axis`).
// CHECK: invalid-type.mlir:[[# @LINE + 2]]:{{[0-9]+}}
// CHECK: Expected integer literal
func.func @axis_negative(%x: !qnn.qtensor<2x3xi8, axis -1 {0.1:0, 0.2:0}>) {
  func.return
}

// -----

// The quantisation parameters are not optional.
// CHECK: invalid-type.mlir:[[# @LINE + 2]]:{{[0-9]+}}
// CHECK: Expected ','
func.func @no_params(%x: !qnn.qtensor<2x3xi8>) {
  func.return
}

// -----

// A scale needs its zero point.
// CHECK: invalid-type.mlir:[[# @LINE + 2]]:{{[0-9]+}}
// CHECK: Expected ':'
func.func @no_zero_point(%x: !qnn.qtensor<2x3xi8, 0.5>) {
  func.return
}

// -----

// The zero point is an integer.
// CHECK: invalid-type.mlir:[[# @LINE + 2]]:{{[0-9]+}}
// CHECK: Expected integer literal
func.func @float_zero_point(%x: !qnn.qtensor<2x3xi8, 0.5:0.5>) {
  func.return
}
