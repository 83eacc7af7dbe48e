// Canonicalisation patterns of the qnn dialect (passes/canonicalization_patterns/qnn.py):
// what FoldReshapeChain, FoldTransposeChain and FoldIdentityRequantize rewrite,
// and what they must leave alone. The pass also erases unused Pure ops, so every
// case returns the values it checks.

// RUN: tinymlir-opt %s -p canonicalize --split-input-file | filecheck %s

//===----------------------------------------------------------------------===//
// FoldReshapeChain
//===----------------------------------------------------------------------===//

// reshape(reshape(x)) becomes one reshape of x; the inner one, now unused, is erased.
// CHECK-LABEL: func.func @reshape_of_reshape(
// CHECK-SAME:      %x: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>)
// CHECK-NEXT:    %[[R:.*]] = qnn.reshape %x : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<2x16xi8, 0.5:-3>
// CHECK-NEXT:    func.return %[[R]] : !qnn.qtensor<2x16xi8, 0.5:-3>
func.func @reshape_of_reshape(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>) -> !qnn.qtensor<2x16xi8, 0.5:-3> {
  %a = qnn.reshape %x : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x32xi8, 0.5:-3>
  %b = qnn.reshape %a : !qnn.qtensor<1x32xi8, 0.5:-3> -> !qnn.qtensor<2x16xi8, 0.5:-3>
  func.return %b : !qnn.qtensor<2x16xi8, 0.5:-3>
}

// -----

// A chain of three reshapes folds into one.
// CHECK-LABEL: func.func @reshape_chain(
// CHECK-NEXT:    %[[R:.*]] = qnn.reshape %x : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<4x8xi8, 0.5:-3>
// CHECK-NEXT:    func.return %[[R]] : !qnn.qtensor<4x8xi8, 0.5:-3>
func.func @reshape_chain(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>) -> !qnn.qtensor<4x8xi8, 0.5:-3> {
  %a = qnn.reshape %x : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x32xi8, 0.5:-3>
  %b = qnn.reshape %a : !qnn.qtensor<1x32xi8, 0.5:-3> -> !qnn.qtensor<2x16xi8, 0.5:-3>
  %c = qnn.reshape %b : !qnn.qtensor<2x16xi8, 0.5:-3> -> !qnn.qtensor<4x8xi8, 0.5:-3>
  func.return %c : !qnn.qtensor<4x8xi8, 0.5:-3>
}

// -----

// When the inner reshape has another use it stays, but the outer one reads x directly.
// CHECK-LABEL: func.func @reshape_of_shared_reshape(
// CHECK-NEXT:    %a = qnn.reshape %x : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x32xi8, 0.5:-3>
// CHECK-NEXT:    %[[R:.*]] = qnn.reshape %x : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<2x16xi8, 0.5:-3>
// CHECK-NEXT:    func.return %a, %[[R]] : !qnn.qtensor<1x32xi8, 0.5:-3>, !qnn.qtensor<2x16xi8, 0.5:-3>
func.func @reshape_of_shared_reshape(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>) -> (!qnn.qtensor<1x32xi8, 0.5:-3>, !qnn.qtensor<2x16xi8, 0.5:-3>) {
  %a = qnn.reshape %x : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x32xi8, 0.5:-3>
  %b = qnn.reshape %a : !qnn.qtensor<1x32xi8, 0.5:-3> -> !qnn.qtensor<2x16xi8, 0.5:-3>
  func.return %a, %b : !qnn.qtensor<1x32xi8, 0.5:-3>, !qnn.qtensor<2x16xi8, 0.5:-3>
}

// -----

// A reshape to its own type is the identity.
// CHECK-LABEL: func.func @reshape_same_type(
// CHECK-NEXT:    func.return %x : !qnn.qtensor<1x32xi8, 0.5:-3>
func.func @reshape_same_type(%x: !qnn.qtensor<1x32xi8, 0.5:-3>) -> !qnn.qtensor<1x32xi8, 0.5:-3> {
  %a = qnn.reshape %x : !qnn.qtensor<1x32xi8, 0.5:-3> -> !qnn.qtensor<1x32xi8, 0.5:-3>
  func.return %a : !qnn.qtensor<1x32xi8, 0.5:-3>
}

// -----

// A reshape and its inverse fold to one identity reshape, which then disappears.
// CHECK-LABEL: func.func @reshape_round_trip(
// CHECK-NEXT:    func.return %x : !qnn.qtensor<1x4x4x2xi8, 0.5:-3>
func.func @reshape_round_trip(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>) -> !qnn.qtensor<1x4x4x2xi8, 0.5:-3> {
  %a = qnn.reshape %x : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x32xi8, 0.5:-3>
  %b = qnn.reshape %a : !qnn.qtensor<1x32xi8, 0.5:-3> -> !qnn.qtensor<1x4x4x2xi8, 0.5:-3>
  func.return %b : !qnn.qtensor<1x4x4x2xi8, 0.5:-3>
}

// -----

// A reshape of something other than a reshape (an argument, a transpose) stays.
// CHECK-LABEL: func.func @reshape_not_of_reshape(
// CHECK-NEXT:    %a = qnn.reshape %x : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x32xi8, 0.5:-3>
// CHECK-NEXT:    %t = qnn.transpose %x perm [0, 3, 1, 2] : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x2x4x4xi8, 0.5:-3>
// CHECK-NEXT:    %b = qnn.reshape %t : !qnn.qtensor<1x2x4x4xi8, 0.5:-3> -> !qnn.qtensor<1x32xi8, 0.5:-3>
// CHECK-NEXT:    func.return %a, %b : !qnn.qtensor<1x32xi8, 0.5:-3>, !qnn.qtensor<1x32xi8, 0.5:-3>
func.func @reshape_not_of_reshape(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:-3>) -> (!qnn.qtensor<1x32xi8, 0.5:-3>, !qnn.qtensor<1x32xi8, 0.5:-3>) {
  %a = qnn.reshape %x : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x32xi8, 0.5:-3>
  %t = qnn.transpose %x perm [0, 3, 1, 2] : !qnn.qtensor<1x4x4x2xi8, 0.5:-3> -> !qnn.qtensor<1x2x4x4xi8, 0.5:-3>
  %b = qnn.reshape %t : !qnn.qtensor<1x2x4x4xi8, 0.5:-3> -> !qnn.qtensor<1x32xi8, 0.5:-3>
  func.return %a, %b : !qnn.qtensor<1x32xi8, 0.5:-3>, !qnn.qtensor<1x32xi8, 0.5:-3>
}

//===----------------------------------------------------------------------===//
// FoldTransposeChain
//===----------------------------------------------------------------------===//

// -----

// transpose(transpose(x, p1), p2) = transpose(x, q) with q[i] = p1[p2[i]].
// p1 = [1, 0, 2] and p2 = [0, 2, 1] do not commute: q = [1, 2, 0]
// (the wrong order p2[p1[i]] would give [2, 0, 1]); 2x3x4 -> 3x2x4 -> 3x4x2.
// CHECK-LABEL: func.func @transpose_of_transpose(
// CHECK-NEXT:    %[[T:.*]] = qnn.transpose %x perm [1, 2, 0] : !qnn.qtensor<2x3x4xi8, 0.5:-3> -> !qnn.qtensor<3x4x2xi8, 0.5:-3>
// CHECK-NEXT:    func.return %[[T]] : !qnn.qtensor<3x4x2xi8, 0.5:-3>
func.func @transpose_of_transpose(%x: !qnn.qtensor<2x3x4xi8, 0.5:-3>) -> !qnn.qtensor<3x4x2xi8, 0.5:-3> {
  %a = qnn.transpose %x perm [1, 0, 2] : !qnn.qtensor<2x3x4xi8, 0.5:-3> -> !qnn.qtensor<3x2x4xi8, 0.5:-3>
  %b = qnn.transpose %a perm [0, 2, 1] : !qnn.qtensor<3x2x4xi8, 0.5:-3> -> !qnn.qtensor<3x4x2xi8, 0.5:-3>
  func.return %b : !qnn.qtensor<3x4x2xi8, 0.5:-3>
}

// -----

// A chain of three transposes composes into one, whatever the folding order:
// p1 = [0, 3, 1, 2], p2 = [0, 1, 3, 2], p3 = [3, 2, 1, 0];
// p1[p2[i]] = [0, 3, 2, 1], then [0, 3, 2, 1][p3[i]] = [1, 2, 3, 0]; 1x2x3x4 -> 2x3x4x1.
// CHECK-LABEL: func.func @transpose_chain(
// CHECK-NEXT:    %[[T:.*]] = qnn.transpose %x perm [1, 2, 3, 0] : !qnn.qtensor<1x2x3x4xi8, 0.5:-3> -> !qnn.qtensor<2x3x4x1xi8, 0.5:-3>
// CHECK-NEXT:    func.return %[[T]] : !qnn.qtensor<2x3x4x1xi8, 0.5:-3>
func.func @transpose_chain(%x: !qnn.qtensor<1x2x3x4xi8, 0.5:-3>) -> !qnn.qtensor<2x3x4x1xi8, 0.5:-3> {
  %a = qnn.transpose %x perm [0, 3, 1, 2] : !qnn.qtensor<1x2x3x4xi8, 0.5:-3> -> !qnn.qtensor<1x4x2x3xi8, 0.5:-3>
  %b = qnn.transpose %a perm [0, 1, 3, 2] : !qnn.qtensor<1x4x2x3xi8, 0.5:-3> -> !qnn.qtensor<1x4x3x2xi8, 0.5:-3>
  %c = qnn.transpose %b perm [3, 2, 1, 0] : !qnn.qtensor<1x4x3x2xi8, 0.5:-3> -> !qnn.qtensor<2x3x4x1xi8, 0.5:-3>
  func.return %c : !qnn.qtensor<2x3x4x1xi8, 0.5:-3>
}

// -----

// NHWC -> NCHW -> NHWC composes to the identity permutation, which then disappears.
// CHECK-LABEL: func.func @transpose_inverse(
// CHECK-NEXT:    func.return %x : !qnn.qtensor<1x2x3x4xi8, 0.5:-3>
func.func @transpose_inverse(%x: !qnn.qtensor<1x2x3x4xi8, 0.5:-3>) -> !qnn.qtensor<1x2x3x4xi8, 0.5:-3> {
  %a = qnn.transpose %x perm [0, 3, 1, 2] : !qnn.qtensor<1x2x3x4xi8, 0.5:-3> -> !qnn.qtensor<1x4x2x3xi8, 0.5:-3>
  %b = qnn.transpose %a perm [0, 2, 3, 1] : !qnn.qtensor<1x4x2x3xi8, 0.5:-3> -> !qnn.qtensor<1x2x3x4xi8, 0.5:-3>
  func.return %b : !qnn.qtensor<1x2x3x4xi8, 0.5:-3>
}

// -----

// The identity permutation disappears.
// CHECK-LABEL: func.func @transpose_identity(
// CHECK-NEXT:    func.return %x : !qnn.qtensor<1x2x3x4xi8, 0.5:-3>
func.func @transpose_identity(%x: !qnn.qtensor<1x2x3x4xi8, 0.5:-3>) -> !qnn.qtensor<1x2x3x4xi8, 0.5:-3> {
  %a = qnn.transpose %x perm [0, 1, 2, 3] : !qnn.qtensor<1x2x3x4xi8, 0.5:-3> -> !qnn.qtensor<1x2x3x4xi8, 0.5:-3>
  func.return %a : !qnn.qtensor<1x2x3x4xi8, 0.5:-3>
}

// -----

// A non-identity permutation that keeps the type (swapping equal dims) stays.
// CHECK-LABEL: func.func @transpose_same_type(
// CHECK-NEXT:    %a = qnn.transpose %x perm [0, 2, 1, 3] : !qnn.qtensor<1x3x3x4xi8, 0.5:-3> -> !qnn.qtensor<1x3x3x4xi8, 0.5:-3>
// CHECK-NEXT:    func.return %a : !qnn.qtensor<1x3x3x4xi8, 0.5:-3>
func.func @transpose_same_type(%x: !qnn.qtensor<1x3x3x4xi8, 0.5:-3>) -> !qnn.qtensor<1x3x3x4xi8, 0.5:-3> {
  %a = qnn.transpose %x perm [0, 2, 1, 3] : !qnn.qtensor<1x3x3x4xi8, 0.5:-3> -> !qnn.qtensor<1x3x3x4xi8, 0.5:-3>
  func.return %a : !qnn.qtensor<1x3x3x4xi8, 0.5:-3>
}

// -----

// A transpose of something other than a transpose (an argument, a reshape) stays.
// CHECK-LABEL: func.func @transpose_not_of_transpose(
// CHECK-NEXT:    %a = qnn.transpose %x perm [1, 0] : !qnn.qtensor<4x8xi8, 0.5:-3> -> !qnn.qtensor<8x4xi8, 0.5:-3>
// CHECK-NEXT:    %r = qnn.reshape %x : !qnn.qtensor<4x8xi8, 0.5:-3> -> !qnn.qtensor<2x16xi8, 0.5:-3>
// CHECK-NEXT:    %b = qnn.transpose %r perm [1, 0] : !qnn.qtensor<2x16xi8, 0.5:-3> -> !qnn.qtensor<16x2xi8, 0.5:-3>
// CHECK-NEXT:    func.return %a, %b : !qnn.qtensor<8x4xi8, 0.5:-3>, !qnn.qtensor<16x2xi8, 0.5:-3>
func.func @transpose_not_of_transpose(%x: !qnn.qtensor<4x8xi8, 0.5:-3>) -> (!qnn.qtensor<8x4xi8, 0.5:-3>, !qnn.qtensor<16x2xi8, 0.5:-3>) {
  %a = qnn.transpose %x perm [1, 0] : !qnn.qtensor<4x8xi8, 0.5:-3> -> !qnn.qtensor<8x4xi8, 0.5:-3>
  %r = qnn.reshape %x : !qnn.qtensor<4x8xi8, 0.5:-3> -> !qnn.qtensor<2x16xi8, 0.5:-3>
  %b = qnn.transpose %r perm [1, 0] : !qnn.qtensor<2x16xi8, 0.5:-3> -> !qnn.qtensor<16x2xi8, 0.5:-3>
  func.return %a, %b : !qnn.qtensor<8x4xi8, 0.5:-3>, !qnn.qtensor<16x2xi8, 0.5:-3>
}

//===----------------------------------------------------------------------===//
// FoldIdentityRequantize
//===----------------------------------------------------------------------===//

// -----

// Requantize to identical parameters without a clamp is the identity.
// CHECK-LABEL: func.func @requantize_identity(
// CHECK-NEXT:    func.return %x : !qnn.qtensor<1x4xi8, 0.1:-3>
func.func @requantize_identity(%x: !qnn.qtensor<1x4xi8, 0.1:-3>) -> !qnn.qtensor<1x4xi8, 0.1:-3> {
  %a = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.1:-3>
  func.return %a : !qnn.qtensor<1x4xi8, 0.1:-3>
}

// -----

// Scales that round to the same float32 are identical parameters.
// CHECK-LABEL: func.func @requantize_identity_f32(
// CHECK-NEXT:    func.return %x : !qnn.qtensor<1x4xi8, 0.5847029:0>
func.func @requantize_identity_f32(%x: !qnn.qtensor<1x4xi8, 0.58470290899:0>) -> !qnn.qtensor<1x4xi8, 0.5847029:0> {
  %a = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.58470290899:0> -> !qnn.qtensor<1x4xi8, 0.5847029:0>
  func.return %a : !qnn.qtensor<1x4xi8, 0.5847029:0>
}

// -----

// With a clamp the requantize is not the identity, even at identical
// parameters and even when the clamp is the full storage range.
// CHECK-LABEL: func.func @requantize_clamp(
// CHECK-NEXT:    %a = qnn.requantize %x clamp [0, 127] : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.1:-3>
// CHECK-NEXT:    %b = qnn.requantize %x clamp [-128, 127] : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.1:-3>
// CHECK-NEXT:    func.return %a, %b :
func.func @requantize_clamp(%x: !qnn.qtensor<1x4xi8, 0.1:-3>) -> (!qnn.qtensor<1x4xi8, 0.1:-3>, !qnn.qtensor<1x4xi8, 0.1:-3>) {
  %a = qnn.requantize %x clamp [0, 127] : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.1:-3>
  %b = qnn.requantize %x clamp [-128, 127] : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.1:-3>
  func.return %a, %b : !qnn.qtensor<1x4xi8, 0.1:-3>, !qnn.qtensor<1x4xi8, 0.1:-3>
}

// -----

// Requantize to a different scale, zero point or storage type stays.
// CHECK-LABEL: func.func @requantize_different(
// CHECK-NEXT:    %a = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.2:-3>
// CHECK-NEXT:    %b = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.1:-2>
// CHECK-NEXT:    %c = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xui8, 0.1:125>
// CHECK-NEXT:    func.return %a, %b, %c :
func.func @requantize_different(%x: !qnn.qtensor<1x4xi8, 0.1:-3>) -> (!qnn.qtensor<1x4xi8, 0.2:-3>, !qnn.qtensor<1x4xi8, 0.1:-2>, !qnn.qtensor<1x4xui8, 0.1:125>) {
  %a = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.2:-3>
  %b = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.1:-2>
  %c = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xui8, 0.1:125>
  func.return %a, %b, %c : !qnn.qtensor<1x4xi8, 0.2:-3>, !qnn.qtensor<1x4xi8, 0.1:-2>, !qnn.qtensor<1x4xui8, 0.1:125>
}

// -----

// Two requantizes in a row are not merged (the intermediate rounding matters),
// only the identity one is removed.
// CHECK-LABEL: func.func @requantize_chain(
// CHECK-NEXT:    %a = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.2:0>
// CHECK-NEXT:    %c = qnn.requantize %a : !qnn.qtensor<1x4xi8, 0.2:0> -> !qnn.qtensor<1x4xi8, 0.1:-3>
// CHECK-NEXT:    func.return %c : !qnn.qtensor<1x4xi8, 0.1:-3>
func.func @requantize_chain(%x: !qnn.qtensor<1x4xi8, 0.1:-3>) -> !qnn.qtensor<1x4xi8, 0.1:-3> {
  %a = qnn.requantize %x : !qnn.qtensor<1x4xi8, 0.1:-3> -> !qnn.qtensor<1x4xi8, 0.2:0>
  %b = qnn.requantize %a : !qnn.qtensor<1x4xi8, 0.2:0> -> !qnn.qtensor<1x4xi8, 0.2:0>
  %c = qnn.requantize %b : !qnn.qtensor<1x4xi8, 0.2:0> -> !qnn.qtensor<1x4xi8, 0.1:-3>
  func.return %c : !qnn.qtensor<1x4xi8, 0.1:-3>
}
