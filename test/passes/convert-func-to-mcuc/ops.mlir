// RUN: tinymlir-opt %s --split-input-file -p convert-func-to-mcuc | filecheck %s
// RUN: tinymlir-opt %s --split-input-file -p convert-func-to-mcuc,reconcile-unrealized-casts | filecheck %s --check-prefix=RECONCILE

// The entry function (its arguments carry tinymlir.role) becomes `int <name>_run(...)`
// returning 0, with pointer arguments (const for inputs), its argument attributes as
// tinymlir.interface, the arena attributes kept and tinymlir.doc as the comment. The
// pointer -> memref casts it inserts cancel convert-memref-to-mcuc's memref -> pointer ones.
// Other functions become static C functions; calls and returns become mcuc ops.
// CHECK-LABEL: builtin.module
// CHECK-NEXT:    mcuc.func @model_run(%in: !emitc.ptr<!mcuc.const<i8>>, %out: !emitc.ptr<i8>) -> !emitc.opaque<"int"> attributes {comment = "Runs the model.", tinymlir.interface = [{tinymlir.role = "input", tinymlir.name = "x", tinymlir.shape = array<i64: 1, 4>, tinymlir.scale = 5.000000e-01 : f32, tinymlir.zero_point = -3 : i32, tinymlir.storage = "int8"}, {tinymlir.role = "output", tinymlir.name = "y", tinymlir.shape = array<i64: 1, 2>, tinymlir.scale = 2.500000e-01 : f32, tinymlir.zero_point = 0 : i32, tinymlir.storage = "int8"}], tinymlir.arena_size = 64 : i64, tinymlir.arena_lower_bound = 60 : i64} {
// CHECK-NEXT:      %in_1 = builtin.unrealized_conversion_cast %in : !emitc.ptr<!mcuc.const<i8>> to memref<1x4xi8>
// CHECK-NEXT:      %out_1 = builtin.unrealized_conversion_cast %out : !emitc.ptr<i8> to memref<1x2xi8>
// CHECK-NEXT:      %p = builtin.unrealized_conversion_cast %in_1 : memref<1x4xi8> to !emitc.ptr<!mcuc.const<i8>>
// CHECK-NEXT:      %q = builtin.unrealized_conversion_cast %out_1 : memref<1x2xi8> to !emitc.ptr<i8>
// CHECK-NEXT:      %c0 = mcuc.constant 0 : index
// CHECK-NEXT:      %n = mcuc.constant 3 : i32
// CHECK-NEXT:      %s = mcuc.subscript %p[%c0] : (!emitc.ptr<!mcuc.const<i8>>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      %v = mcuc.load %s : !emitc.lvalue<i8>
// CHECK-NEXT:      %w = mcuc.call @twice(%v) : (i8) -> i8
// CHECK-NEXT:      %t = mcuc.subscript %q[%c0] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      mcuc.assign %w to %t : !emitc.lvalue<i8>
// CHECK-NEXT:      mcuc.call @noop(%n) : (i32) -> ()
// CHECK-NEXT:      %0 = mcuc.literal "0" : !emitc.opaque<"int">
// CHECK-NEXT:      mcuc.return %0 : !emitc.opaque<"int">
// CHECK-NEXT:    }
// CHECK-NEXT:    mcuc.func static @twice(%x: i8) -> i8 {
// CHECK-NEXT:      %y = mcuc.add %x, %x : (i8, i8) -> i8
// CHECK-NEXT:      mcuc.return %y : i8
// CHECK-NEXT:    }
// CHECK-NEXT:    mcuc.func static @noop(%n: i32) {
// CHECK-NEXT:      mcuc.return
// CHECK-NEXT:    }
// CHECK-NEXT:  }
// RECONCILE-LABEL: mcuc.func @model_run(%in: !emitc.ptr<!mcuc.const<i8>>, %out: !emitc.ptr<i8>)
// RECONCILE-NOT:     unrealized_conversion_cast
// RECONCILE:         %s = mcuc.subscript %in[%c0]
// RECONCILE:         %t = mcuc.subscript %out[%c0]
// RECONCILE-NOT:   unrealized_conversion_cast

func.func @model(%in: memref<1x4xi8> {tinymlir.role = "input", tinymlir.name = "x", tinymlir.shape = array<i64: 1, 4>, tinymlir.scale = 5.000000e-01 : f32, tinymlir.zero_point = -3 : i32, tinymlir.storage = "int8"}, %out: memref<1x2xi8> {tinymlir.role = "output", tinymlir.name = "y", tinymlir.shape = array<i64: 1, 2>, tinymlir.scale = 2.500000e-01 : f32, tinymlir.zero_point = 0 : i32, tinymlir.storage = "int8"}) attributes {tinymlir.arena_size = 64 : i64, tinymlir.arena_lower_bound = 60 : i64, tinymlir.doc = "Runs the model."} {
  %p = builtin.unrealized_conversion_cast %in : memref<1x4xi8> to !emitc.ptr<!mcuc.const<i8>>
  %q = builtin.unrealized_conversion_cast %out : memref<1x2xi8> to !emitc.ptr<i8>
  %c0 = mcuc.constant 0 : index
  %n = mcuc.constant 3 : i32
  %s = mcuc.subscript %p[%c0] : (!emitc.ptr<!mcuc.const<i8>>, index) -> !emitc.lvalue<i8>
  %v = mcuc.load %s : !emitc.lvalue<i8>
  %w = func.call @twice(%v) : (i8) -> i8
  %t = mcuc.subscript %q[%c0] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>
  mcuc.assign %w to %t : !emitc.lvalue<i8>
  func.call @noop(%n) : (i32) -> ()
  func.return
}
func.func private @twice(%x: i8) -> i8 attributes {tinymlir.inline} {
  %y = mcuc.add %x, %x : (i8, i8) -> i8
  func.return %y : i8
}
func.func @noop(%n: i32) {
  func.return
}

// -----

// An entry function with only an output: a mutable pointer; no arena attributes to keep.
// CHECK-LABEL: builtin.module
// CHECK-NEXT:    mcuc.func @fill_run(%o: !emitc.ptr<i8>) -> !emitc.opaque<"int"> attributes {tinymlir.interface = [{tinymlir.role = "output"}]} {
// CHECK-NEXT:      %o_1 = builtin.unrealized_conversion_cast %o : !emitc.ptr<i8> to memref<3xi8>
// CHECK-NEXT:      %0 = mcuc.literal "0" : !emitc.opaque<"int">
// CHECK-NEXT:      mcuc.return %0 : !emitc.opaque<"int">
// CHECK-NEXT:    }
func.func @fill(%o: memref<3xi8> {tinymlir.role = "output"}) {
  func.return
}
