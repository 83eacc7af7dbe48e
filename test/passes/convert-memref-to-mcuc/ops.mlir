// RUN: tinymlir-opt %s --split-input-file -p convert-memref-to-mcuc | filecheck %s
// RUN: tinymlir-opt %s --split-input-file -p 'convert-memref-to-mcuc{weights-section=".rodata.w"}' | filecheck %s --check-prefix=SECTION

// Constant globals become static const arrays of the same shape, keeping their alignment;
// with weights-section they go to that linker section. get_global reads them by name and
// arrays are indexed per dimension.
// CHECK-LABEL: builtin.module
// CHECK-NOT:     mcuc.verbatim
// CHECK-NEXT:    mcuc.global static const @w : !emitc.array<2x3xi8> = dense<{{\[}}[1, -2, 3], [4, 5, -6]]> {alignment = 16 : i64}
// CHECK-NEXT:    mcuc.global static const @b : !emitc.array<2xi32> = dense<[7, -8]>{{$}}
// CHECK-LABEL:   func.func @reads(%i: index, %j: index) -> i32 {
// CHECK-NEXT:      %w = mcuc.get_global @w : !emitc.array<2x3xi8>
// CHECK-NEXT:      %b = mcuc.get_global @b : !emitc.array<2xi32>
// CHECK-NEXT:      %0 = mcuc.subscript %w[%i, %j] : (!emitc.array<2x3xi8>, index, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      %v = mcuc.load %0 : !emitc.lvalue<i8>
// CHECK-NEXT:      %1 = mcuc.subscript %b[%j] : (!emitc.array<2xi32>, index) -> !emitc.lvalue<i32>
// CHECK-NEXT:      %s = mcuc.load %1 : !emitc.lvalue<i32>
// CHECK-NEXT:      func.return %s : i32
// SECTION-LABEL: builtin.module
// SECTION-NEXT:    mcuc.global static const @w : !emitc.array<2x3xi8> = dense<{{\[}}[1, -2, 3], [4, 5, -6]]> {alignment = 16 : i64, section = ".rodata.w"}
// SECTION-NEXT:    mcuc.global static const @b : !emitc.array<2xi32> = dense<[7, -8]> {section = ".rodata.w"}
"memref.global"() <{sym_name = "w", type = memref<2x3xi8>, initial_value = dense<[[1, -2, 3], [4, 5, -6]]> : tensor<2x3xi8>, sym_visibility = "private", constant, alignment = 16 : i64}> : () -> ()
"memref.global"() <{sym_name = "b", type = memref<2xi32>, initial_value = dense<[7, -8]> : tensor<2xi32>, sym_visibility = "private", constant}> : () -> ()
func.func @reads(%i: index, %j: index) -> i32 {
  %w = memref.get_global @w : memref<2x3xi8>
  %b = memref.get_global @b : memref<2xi32>
  %v = memref.load %w[%i, %j] : memref<2x3xi8>
  %s = memref.load %b[%j] : memref<2xi32>
  func.return %s : i32
}

// -----

// An initialised mutable global is a static (non-const) array, assignable per dimension.
// CHECK-LABEL: builtin.module
// CHECK-NEXT:    mcuc.global static @state : !emitc.array<2x2xi16> = dense<0>
// CHECK-LABEL:   func.func @writes(%i: index, %v: i16) {
// CHECK-NEXT:      %s = mcuc.get_global @state : !emitc.array<2x2xi16>
// CHECK-NEXT:      %0 = mcuc.subscript %s[%i, %i] : (!emitc.array<2x2xi16>, index, index) -> !emitc.lvalue<i16>
// CHECK-NEXT:      mcuc.assign %v to %0 : !emitc.lvalue<i16>
// CHECK-NEXT:      func.return
"memref.global"() <{sym_name = "state", type = memref<2x2xi16>, initial_value = dense<0> : tensor<2x2xi16>, sym_visibility = "private"}> : () -> ()
func.func @writes(%i: index, %v: i16) {
  %s = memref.get_global @state : memref<2x2xi16>
  memref.store %v, %s[%i, %i] : memref<2x2xi16>
  func.return
}

// -----

// The planned arena is a file-scope static array named after the function (keeping the
// alloc's alignment), used through a pointer; views into it are the pointer itself at
// offset 0 and `arena + offset` otherwise; a reinterpret_cast (a reshape) is the same
// pointer. Pointers are indexed with the row-major linear index.
// CHECK-LABEL: builtin.module
// CHECK-NEXT:    mcuc.global static @model_arena : !emitc.array<16xi8> {alignment = 8 : i64, comment = "activation arena (offsets planned by plan-arena)"}
// CHECK-NEXT:    func.func @model
// CHECK-NEXT:      %0 = mcuc.get_global @model_arena : !emitc.array<16xi8>
// CHECK-NEXT:      %arena = mcuc.cast %0 : !emitc.array<16xi8> to !emitc.ptr<i8>
// CHECK-NEXT:      %c0 = arith.constant 0 : index
// CHECK-NEXT:      %c8 = arith.constant 8 : index
// CHECK-NEXT:      %1 = mcuc.constant 8 : index
// CHECK-NEXT:      %b = mcuc.add %arena, %1 : (!emitc.ptr<i8>, index) -> !emitc.ptr<i8>
// CHECK-NEXT:      %2 = mcuc.constant 3 : index
// CHECK-NEXT:      %3 = mcuc.mul %i, %2 : (index, index) -> index
// CHECK-NEXT:      %4 = mcuc.add %3, %j : (index, index) -> index
// CHECK-NEXT:      %5 = mcuc.subscript %arena[%4] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      %x = mcuc.load %5 : !emitc.lvalue<i8>
// CHECK-NEXT:      %6 = mcuc.subscript %b[%j] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      mcuc.assign %x to %6 : !emitc.lvalue<i8>
// CHECK-NEXT:      func.return
// CHECK-NOT:   memref.
func.func @model(%i: index, %j: index) {
  %arena = memref.alloc() {alignment = 8 : i64, tinymlir.arena} : memref<16xi8>
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %a = memref.view %arena[%c0][] : memref<16xi8> to memref<2x3xi8>
  %b = memref.view %arena[%c8][] : memref<16xi8> to memref<2x4xi8>
  %flat = memref.reinterpret_cast %b to offset: [0], sizes: [8], strides: [1] : memref<2x4xi8> to memref<8xi8>
  %x = memref.load %a[%i, %j] : memref<2x3xi8>
  memref.store %x, %flat[%j] : memref<8xi8>
  func.return
}

// -----

// Other allocs are static arrays named after the buffer ("buffer" when unnamed), renamed
// away from the module's symbols (here the function @v and the global @v_arena); the arena
// name is also made unique. A reinterpret_cast or cast of an array is a pointer to it.
// CHECK-LABEL: builtin.module
// CHECK-DAG:     mcuc.global static @v_arena_1 : !emitc.array<8xi8> {comment = "activation arena (offsets planned by plan-arena)"}
// CHECK-DAG:     mcuc.global static @buffer : !emitc.array<4xi8> {alignment = 4 : i64}
// CHECK-DAG:     mcuc.global static @v_1 : !emitc.array<4xi32>
// CHECK-DAG:     mcuc.global static @v_arena : !emitc.array<1xi8> = dense<0>
// CHECK-LABEL:   func.func @v(%i: index) -> i32 {
// CHECK-NEXT:      %0 = mcuc.get_global @v_arena_1 : !emitc.array<8xi8>
// CHECK-NEXT:      %arena = mcuc.cast %0 : !emitc.array<8xi8> to !emitc.ptr<i8>
// CHECK-NEXT:      %1 = mcuc.get_global @buffer : !emitc.array<4xi8>
// CHECK-NEXT:      %2 = mcuc.cast %1 : !emitc.array<4xi8> to !emitc.ptr<i8>
// CHECK-NEXT:      %3 = mcuc.get_global @v_1 : !emitc.array<4xi32>
// CHECK-NEXT:      %v = mcuc.cast %3 : !emitc.array<4xi32> to !emitc.ptr<i32>
// CHECK-NEXT:      %g = mcuc.get_global @v_arena : !emitc.array<1xi8>
// CHECK-NEXT:      %4 = mcuc.cast %g : !emitc.array<1xi8> to !emitc.ptr<i8>
// CHECK-NEXT:      %c0 = arith.constant 0 : index
// CHECK-NEXT:      %5 = mcuc.constant 0 : index
// CHECK-NEXT:      %6 = mcuc.subscript %4[%5] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      %y = mcuc.load %6 : !emitc.lvalue<i8>
// CHECK-NEXT:      %7 = mcuc.constant 2 : index
// CHECK-NEXT:      %8 = mcuc.mul %i, %7 : (index, index) -> index
// CHECK-NEXT:      %9 = mcuc.add %8, %i : (index, index) -> index
// CHECK-NEXT:      %10 = mcuc.subscript %v[%9] : (!emitc.ptr<i32>, index) -> !emitc.lvalue<i32>
// CHECK-NEXT:      %x = mcuc.load %10 : !emitc.lvalue<i32>
// CHECK-NEXT:      func.return %x : i32
"memref.global"() <{sym_name = "v_arena", type = memref<1xi8>, initial_value = dense<0> : tensor<1xi8>, sym_visibility = "private"}> : () -> ()
func.func @v(%i: index) -> i32 {
  %arena = memref.alloc() {tinymlir.arena} : memref<8xi8>
  %0 = memref.alloc() {alignment = 4 : i64} : memref<4xi8>
  %v = memref.alloc() : memref<4xi32>
  %g = memref.get_global @v_arena : memref<1xi8>
  %r = memref.reinterpret_cast %g to offset: [0], sizes: [1, 1], strides: [1, 1] : memref<1xi8> to memref<1x1xi8>
  %c = "memref.cast"(%v) : (memref<4xi32>) -> memref<2x2xi32>
  %c0 = arith.constant 0 : index
  %y = memref.load %r[%c0, %c0] : memref<1x1xi8>
  %x = memref.load %c[%i, %i] : memref<2x2xi32>
  func.return %x : i32
}

// -----

// Linear indices fold the constant terms: in 2x3x4x5, [i, 1, j, 2] is i*60 + j*5 + 22,
// [1, 2, 1, 2] is 107, [1, i, j, j] is i*20 + j*5 + j + 60 and [1, 1, 1, i] is i + 85.
// CHECK-LABEL: func.func @linear
// CHECK-NEXT:      %0 = mcuc.get_global @buf : !emitc.array<120xi8>
// CHECK-NEXT:      %buf = mcuc.cast %0 : !emitc.array<120xi8> to !emitc.ptr<i8>
// CHECK-NEXT:      %c1 = arith.constant 1 : index
// CHECK-NEXT:      %c2 = arith.constant 2 : index
// CHECK-NEXT:      %1 = mcuc.constant 60 : index
// CHECK-NEXT:      %2 = mcuc.mul %i, %1 : (index, index) -> index
// CHECK-NEXT:      %3 = mcuc.constant 5 : index
// CHECK-NEXT:      %4 = mcuc.mul %j, %3 : (index, index) -> index
// CHECK-NEXT:      %5 = mcuc.add %2, %4 : (index, index) -> index
// CHECK-NEXT:      %6 = mcuc.constant 22 : index
// CHECK-NEXT:      %7 = mcuc.add %5, %6 : (index, index) -> index
// CHECK-NEXT:      %8 = mcuc.subscript %buf[%7] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      %a = mcuc.load %8 : !emitc.lvalue<i8>
// CHECK-NEXT:      %9 = mcuc.constant 107 : index
// CHECK-NEXT:      %10 = mcuc.subscript %buf[%9] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      %b = mcuc.load %10 : !emitc.lvalue<i8>
// CHECK-NEXT:      %11 = mcuc.constant 20 : index
// CHECK-NEXT:      %12 = mcuc.mul %i, %11 : (index, index) -> index
// CHECK-NEXT:      %13 = mcuc.constant 5 : index
// CHECK-NEXT:      %14 = mcuc.mul %j, %13 : (index, index) -> index
// CHECK-NEXT:      %15 = mcuc.add %12, %14 : (index, index) -> index
// CHECK-NEXT:      %16 = mcuc.add %15, %j : (index, index) -> index
// CHECK-NEXT:      %17 = mcuc.constant 60 : index
// CHECK-NEXT:      %18 = mcuc.add %16, %17 : (index, index) -> index
// CHECK-NEXT:      %19 = mcuc.subscript %buf[%18] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      %c = mcuc.load %19 : !emitc.lvalue<i8>
// CHECK-NEXT:      %20 = mcuc.constant 85 : index
// CHECK-NEXT:      %21 = mcuc.add %i, %20 : (index, index) -> index
// CHECK-NEXT:      %22 = mcuc.subscript %buf[%21] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      %d = mcuc.load %22 : !emitc.lvalue<i8>
// CHECK-NEXT:      func.return %a : i8
func.func @linear(%i: index, %j: index) -> i8 {
  %buf = memref.alloc() : memref<120xi8>
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %t = memref.reinterpret_cast %buf to offset: [0], sizes: [2, 3, 4, 5], strides: [60, 20, 5, 1] : memref<120xi8> to memref<2x3x4x5xi8>
  %a = memref.load %t[%i, %c1, %j, %c2] : memref<2x3x4x5xi8>
  %b = memref.load %t[%c1, %c2, %c1, %c2] : memref<2x3x4x5xi8>
  %c = memref.load %t[%c1, %i, %j, %j] : memref<2x3x4x5xi8>
  %d = memref.load %t[%c1, %c1, %c1, %i] : memref<2x3x4x5xi8>
  func.return %a : i8
}

// -----

// Memref arguments are used as pointers through unrealized casts: const for the model's
// inputs (tinymlir.role = "input"), mutable otherwise (outputs, arguments without a role).
// CHECK-LABEL: func.func @io(
// CHECK-NEXT:      %in_1 = builtin.unrealized_conversion_cast %in : memref<2x3xi8> to !emitc.ptr<!mcuc.const<i8>>
// CHECK-NEXT:      %out_1 = builtin.unrealized_conversion_cast %out : memref<3x2xi8> to !emitc.ptr<i8>
// CHECK-NEXT:      %c1 = arith.constant 1 : index
// CHECK-NEXT:      %0 = mcuc.constant 3 : index
// CHECK-NEXT:      %1 = mcuc.mul %i, %0 : (index, index) -> index
// CHECK-NEXT:      %2 = mcuc.constant 1 : index
// CHECK-NEXT:      %3 = mcuc.add %1, %2 : (index, index) -> index
// CHECK-NEXT:      %4 = mcuc.subscript %in_1[%3] : (!emitc.ptr<!mcuc.const<i8>>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      %x = mcuc.load %4 : !emitc.lvalue<i8>
// CHECK-NEXT:      %5 = mcuc.constant 2 : index
// CHECK-NEXT:      %6 = mcuc.add %i, %5 : (index, index) -> index
// CHECK-NEXT:      %7 = mcuc.subscript %out_1[%6] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      mcuc.assign %x to %7 : !emitc.lvalue<i8>
// CHECK-NEXT:      func.return
// CHECK-LABEL: func.func @no_role(
// CHECK-NEXT:      %buf_1 = builtin.unrealized_conversion_cast %buf : memref<4xi32> to !emitc.ptr<i32>
// CHECK-NEXT:      %0 = mcuc.subscript %buf_1[%i] : (!emitc.ptr<i32>, index) -> !emitc.lvalue<i32>
// CHECK-NEXT:      %v = mcuc.load %0 : !emitc.lvalue<i32>
// CHECK-NEXT:      func.return %v : i32
func.func @io(%in: memref<2x3xi8> {tinymlir.role = "input"}, %i: index, %out: memref<3x2xi8> {tinymlir.role = "output"}) {
  %c1 = arith.constant 1 : index
  %x = memref.load %in[%i, %c1] : memref<2x3xi8>
  memref.store %x, %out[%c1, %i] : memref<3x2xi8>
  func.return
}
func.func @no_role(%buf: memref<4xi32>, %i: index) -> i32 {
  %v = memref.load %buf[%i] : memref<4xi32>
  func.return %v : i32
}

// -----

// Layers: the stores marked tinymlir.layer_index put the layer's description (when it has
// one) before the top-level op holding its first store and a TINYMLIR_LAYER_HOOK(index,
// data, size) call after the one holding its last store; the macro's empty default is
// defined once, at the top of the module. An array buffer is passed as a pointer.
// CHECK-LABEL: builtin.module
// CHECK-NEXT:    mcuc.verbatim "#ifndef TINYMLIR_LAYER_HOOK\0A#define TINYMLIR_LAYER_HOOK(index, data, size) ((void)0)\0A#endif"
// CHECK-NEXT:    mcuc.global static @acc : !emitc.array<2xi32> = dense<0>
// CHECK-NEXT:    mcuc.global static @layers_arena : !emitc.array<8xi8>
// CHECK:         func.func @layers
// CHECK:           mcuc.comment "a: conv2d 1x2 -> 2x3"
// CHECK-NEXT:      scf.for %i = %c0 to %c2 step %c1 {
// CHECK-NEXT:        scf.for %j = %c0 to %c3 step %c1 {
// CHECK:               mcuc.assign %x to %{{.*}} : !emitc.lvalue<i8>
// CHECK-NEXT:        }
// CHECK-NEXT:      }
// CHECK-NEXT:      %[[L0:.*]] = mcuc.constant 0 : i32
// CHECK-NEXT:      %[[S0:.*]] = mcuc.constant 6 : i32
// CHECK-NEXT:      mcuc.call_opaque "TINYMLIR_LAYER_HOOK"(%[[L0]], %arena, %[[S0]]) : (i32, !emitc.ptr<i8>, i32) -> ()
// CHECK-NEXT:      scf.for %k = %c0 to %c2 step %c1 {
// CHECK:             mcuc.assign %y to %{{.*}} : !emitc.lvalue<i32>
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.for %k_1 = %c0 to %c2 step %c1 {
// CHECK:             mcuc.assign %y_1 to %{{.*}} : !emitc.lvalue<i32>
// CHECK-NEXT:      }
// CHECK-NEXT:      %[[C1:.*]] = mcuc.cast %acc : !emitc.array<2xi32> to !emitc.ptr<i32>
// CHECK-NEXT:      %[[L1:.*]] = mcuc.constant 1 : i32
// CHECK-NEXT:      %[[S1:.*]] = mcuc.constant 2 : i32
// CHECK-NEXT:      mcuc.call_opaque "TINYMLIR_LAYER_HOOK"(%[[L1]], %[[C1]], %[[S1]]) : (i32, !emitc.ptr<i32>, i32) -> ()
// CHECK-NEXT:      mcuc.comment "c: copy"
// CHECK-NEXT:      scf.for %m = %c0 to %c2 step %c1 {
// CHECK:             mcuc.assign %z to %{{.*}} : !emitc.lvalue<i8>
// CHECK-NEXT:      }
// CHECK-NEXT:      %[[L2:.*]] = mcuc.constant 2 : i32
// CHECK-NEXT:      %[[S2:.*]] = mcuc.constant 2 : i32
// CHECK-NEXT:      mcuc.call_opaque "TINYMLIR_LAYER_HOOK"(%[[L2]], %out_1, %[[S2]]) : (i32, !emitc.ptr<i8>, i32) -> ()
// CHECK-NEXT:      func.return
"memref.global"() <{sym_name = "acc", type = memref<2xi32>, initial_value = dense<0> : tensor<2xi32>, sym_visibility = "private"}> : () -> ()
func.func @layers(%in: memref<2xi8> {tinymlir.role = "input"}, %out: memref<2xi8> {tinymlir.role = "output"}) {
  %arena = memref.alloc() {tinymlir.arena} : memref<8xi8>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %a = memref.view %arena[%c0][] : memref<8xi8> to memref<2x3xi8>
  %acc = memref.get_global @acc : memref<2xi32>
  scf.for %i = %c0 to %c2 step %c1 {
    scf.for %j = %c0 to %c3 step %c1 {
      %x = memref.load %in[%i] : memref<2xi8>
      memref.store %x, %a[%i, %j] {tinymlir.layer_index = 0 : i64, tinymlir.layer_doc = "a: conv2d 1x2 -> 2x3"} : memref<2x3xi8>
    }
  }
  scf.for %k = %c0 to %c2 step %c1 {
    %y = arith.constant 0 : i32
    memref.store %y, %acc[%k] {tinymlir.layer_index = 1 : i64} : memref<2xi32>
  }
  scf.for %k = %c0 to %c2 step %c1 {
    %y = arith.constant 1 : i32
    memref.store %y, %acc[%k] {tinymlir.layer_index = 1 : i64} : memref<2xi32>
  }
  scf.for %m = %c0 to %c2 step %c1 {
    %z = memref.load %a[%m, %m] : memref<2x3xi8>
    memref.store %z, %out[%m] {tinymlir.layer_index = 2 : i64, tinymlir.layer_doc = "c: copy"} : memref<2xi8>
  }
  func.return
}
