// mcuc.load_words verifier: one case per rule (dialects/mcuc.py, LoadWordsOp.verify_).

// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics | filecheck %s

// Only the counts with a C helper in DSP_HELPERS (tinymlir_load_w32x4).
// CHECK: Operation does not verify: mcuc.load_words: 2 results, expected one of 4 (those with a C helper)
mcuc.func @two_words(%x: !emitc.ptr<!mcuc.const<i32>>) {
  %c0 = mcuc.constant 0 : index
  %e = mcuc.subscript %x[%c0] : (!emitc.ptr<!mcuc.const<i32>>, index) -> !emitc.lvalue<i32>
  %a, %b = mcuc.load_words %e : !emitc.lvalue<i32> -> i32, i32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.load_words: an lvalue operand must be one i32 element, without indices
mcuc.func @int8_lvalue(%x: !emitc.ptr<!mcuc.const<i8>>) {
  %c0 = mcuc.constant 0 : index
  %e = mcuc.subscript %x[%c0] : (!emitc.ptr<!mcuc.const<i8>>, index) -> !emitc.lvalue<i8>
  %a, %b, %c, %d = mcuc.load_words %e : !emitc.lvalue<i8> -> i32, i32, i32, i32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.load_words: expected a memref of i32 or an !emitc.lvalue<i32>, got memref<8xi8>
func.func @int8_memref(%m: memref<8xi8>) {
  %c0 = arith.constant 0 : index
  %a, %b, %c, %d = mcuc.load_words %m[%c0] : memref<8xi8> -> i32, i32, i32, i32
  func.return
}

// -----

// CHECK: Operation does not verify: mcuc.load_words: 1 indices for a rank-2 memref
func.func @indices(%m: memref<2x8xi32>) {
  %c0 = arith.constant 0 : index
  %a, %b, %c, %d = mcuc.load_words %m[%c0] : memref<2x8xi32> -> i32, i32, i32, i32
  func.return
}

// -----

// CHECK: Operation does not verify: mcuc.load_words: the last dimension holds fewer than 4 elements
func.func @short_row(%m: memref<4x2xi32>) {
  %c0 = arith.constant 0 : index
  %a, %b, %c, %d = mcuc.load_words %m[%c0, %c0] : memref<4x2xi32> -> i32, i32, i32, i32
  func.return
}
