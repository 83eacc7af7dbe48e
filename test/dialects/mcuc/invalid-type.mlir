// The !mcuc.const type (a const-qualified pointee). Its verifier runs when the
// type is built by the parser; --parsing-diagnostics prints the message (xDSL
// reports type verifier errors without a location). Using !mcuc.const anywhere
// but as an !emitc.ptr pointee is an op verifier error (see invalid.mlir).

// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics --parsing-diagnostics | filecheck %s

// const wraps a scalar: not another const ...
// CHECK: !mcuc.const cannot wrap !mcuc.const<i8>
mcuc.func @const_const(!emitc.ptr<!mcuc.const<!mcuc.const<i8>>>)

// -----

// ... nor an array ...
// CHECK: !mcuc.const cannot wrap !emitc.array<4xi8>
mcuc.func @const_array(!emitc.ptr<!mcuc.const<!emitc.array<4xi8>>>)

// -----

// ... nor an lvalue.
// CHECK: !mcuc.const cannot wrap !emitc.lvalue<i8>
mcuc.func @const_lvalue(!emitc.ptr<!mcuc.const<!emitc.lvalue<i8>>>)
