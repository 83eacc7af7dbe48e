// memref.subview keeps its source's base pointer; loads and stores through it index with the
// layout's linear index offset + i0*s0 + i1*s1 (constant terms folded).
// RUN: tinymlir-opt %s --split-input-file -p convert-memref-to-mcuc | filecheck %s

// A 2x3 tile at (1, 2) of a 4x6 input: x[(i*6 + j) + 8].
// CHECK-LABEL: func.func @tile
// CHECK:      %[[X:.*]] = builtin.unrealized_conversion_cast %x : memref<4x6xi8> to !emitc.ptr<!mcuc.const<i8>>
// CHECK-NOT:  memref.subview
// CHECK:      %[[S:.*]] = mcuc.constant 6 : index
// CHECK-NEXT: %[[M:.*]] = mcuc.mul %i, %[[S]] : (index, index) -> index
// CHECK-NEXT: %[[A:.*]] = mcuc.add %[[M]], %j : (index, index) -> index
// CHECK-NEXT: %[[O:.*]] = mcuc.constant 8 : index
// CHECK-NEXT: %[[L:.*]] = mcuc.add %[[A]], %[[O]] : (index, index) -> index
// CHECK-NEXT: mcuc.subscript %[[X]][%[[L]]] : (!emitc.ptr<!mcuc.const<i8>>, index) -> !emitc.lvalue<i8>
func.func @tile(%x: memref<4x6xi8> {tinymlir.role = "input"}, %y: memref<2x3xi8> {tinymlir.role = "output"}, %i: index, %j: index) {
  %t = memref.subview %x[1, 2] [2, 3] [1, 1] : memref<4x6xi8> to memref<2x3xi8, strided<[6, 1], offset: 8>>
  %v = memref.load %t[%i, %j] : memref<2x3xi8, strided<[6, 1], offset: 8>>
  memref.store %v, %y[%i, %j] : memref<2x3xi8>
  func.return
}

// -----

// Rank-reducing, with a step: row 2, columns 1, 3, 5 of x: x[i*2 + 13].
// CHECK-LABEL: func.func @rank_reducing
// CHECK:      %[[S:.*]] = mcuc.constant 2 : index
// CHECK-NEXT: %[[M:.*]] = mcuc.mul %i, %[[S]] : (index, index) -> index
// CHECK-NEXT: %[[O:.*]] = mcuc.constant 13 : index
// CHECK-NEXT: %[[L:.*]] = mcuc.add %[[M]], %[[O]] : (index, index) -> index
// CHECK-NEXT: mcuc.subscript %x_1[%[[L]]]
func.func @rank_reducing(%x: memref<4x6xi8>, %i: index) -> i8 {
  %row = memref.subview %x[2, 1] [1, 3] [1, 2] : memref<4x6xi8> to memref<3xi8, strided<[2], offset: 13>>
  %v = memref.load %row[%i] : memref<3xi8, strided<[2], offset: 13>>
  func.return %v : i8
}

// -----

// A subview of a subview composes offsets and strides; constant indices fold completely:
// element (1, 1) of the 2x2 tile at (1, 1) of the 3x3 tile at (1, 2) of x is x[(1+1+1)*6 + (2+1+1)] = x[22].
// CHECK-LABEL: func.func @nested
// CHECK:      %[[O:.*]] = mcuc.constant 22 : index
// CHECK-NEXT: mcuc.subscript %x_1[%[[O]]]
func.func @nested(%x: memref<4x6xi8>) -> i8 {
  %c1 = arith.constant 1 : index
  %t = memref.subview %x[1, 2] [3, 3] [1, 1] : memref<4x6xi8> to memref<3x3xi8, strided<[6, 1], offset: 8>>
  %u = memref.subview %t[1, 1] [2, 2] [1, 1] : memref<3x3xi8, strided<[6, 1], offset: 8>> to memref<2x2xi8, strided<[6, 1], offset: 15>>
  %v = memref.load %u[%c1, %c1] : memref<2x2xi8, strided<[6, 1], offset: 15>>
  func.return %v : i8
}

// -----

// A subview of constant weights reads through a const pointer to the array.
// CHECK-LABEL: func.func @weights
// CHECK:      %w = mcuc.get_global @w : !emitc.array<2x3xi8>
// CHECK-NEXT: %[[P:.*]] = mcuc.cast %w : !emitc.array<2x3xi8> to !emitc.ptr<!mcuc.const<i8>>
// CHECK:      %[[O:.*]] = mcuc.constant 4 : index
// CHECK-NEXT: %[[L:.*]] = mcuc.add %i, %[[O]] : (index, index) -> index
// CHECK-NEXT: mcuc.subscript %[[P]][%[[L]]] : (!emitc.ptr<!mcuc.const<i8>>, index) -> !emitc.lvalue<i8>
"memref.global"() <{sym_name = "w", type = memref<2x3xi8>, initial_value = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>, sym_visibility = "private", constant}> : () -> ()
func.func @weights(%i: index) -> i8 {
  %w = memref.get_global @w : memref<2x3xi8>
  %row = memref.subview %w[1, 1] [1, 2] [1, 1] : memref<2x3xi8> to memref<2xi8, strided<[1], offset: 4>>
  %v = memref.load %row[%i] : memref<2xi8, strided<[1], offset: 4>>
  func.return %v : i8
}

// -----

// A subview of an arena view: the view is `arena + 8`, the subview's offset is relative to it.
// CHECK-LABEL: func.func @in_arena
// CHECK:      %[[S:.*]] = mcuc.constant 8 : index
// CHECK-NEXT: %v = mcuc.add %{{.*}}, %[[S]] : (!emitc.ptr<i8>, index) -> !emitc.ptr<i8>
// CHECK:      %[[O:.*]] = mcuc.constant 5 : index
// CHECK-NEXT: mcuc.subscript %v[%[[O]]]
func.func @in_arena() -> i8 {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %arena = memref.alloc() {tinymlir.arena} : memref<32xi8>
  %v = memref.view %arena[%c8][] : memref<32xi8> to memref<4x4xi8>
  %t = memref.subview %v[1, 1] [2, 2] [1, 1] : memref<4x4xi8> to memref<2x2xi8, strided<[4, 1], offset: 5>>
  %x = memref.load %t[%c0, %c0] : memref<2x2xi8, strided<[4, 1], offset: 5>>
  func.return %x : i8
}

// -----

// A store through a subview, and a memory_space_cast, which is the same pointer.
// CHECK-LABEL: func.func @store
// CHECK-NOT:  memref.
// CHECK:      %[[O:.*]] = mcuc.constant 7 : index
// CHECK-NEXT: %[[L:.*]] = mcuc.add %i, %[[O]] : (index, index) -> index
// CHECK-NEXT: %[[E:.*]] = mcuc.subscript %y_1[%[[L]]] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT: mcuc.assign %v to %[[E]]
func.func @store(%y: memref<4x6xi8, 1> {tinymlir.role = "output"}, %i: index, %v: i8) {
  %z = "memref.memory_space_cast"(%y) : (memref<4x6xi8, 1>) -> memref<4x6xi8>
  %t = memref.subview %z[1, 1] [1, 4] [1, 1] : memref<4x6xi8> to memref<4xi8, strided<[1], offset: 7>>
  memref.store %v, %t[%i] : memref<4xi8, strided<[1], offset: 7>>
  func.return
}

// -----

// At a dynamic offset (patch-schedule's band loops): the subview is a pointer of its own, the
// source's advanced by the offset i*6 + 2 at run time; loads index it from 0 with the
// source's strides: t[j*6 + k].
// CHECK-LABEL: func.func @dynamic_offset
// CHECK:      %[[X:.*]] = builtin.unrealized_conversion_cast %x
// CHECK-NEXT: %[[S:.*]] = mcuc.constant 6 : index
// CHECK-NEXT: %[[M:.*]] = mcuc.mul %i, %[[S]] : (index, index) -> index
// CHECK-NEXT: %[[O:.*]] = mcuc.constant 2 : index
// CHECK-NEXT: %[[L:.*]] = mcuc.add %[[M]], %[[O]] : (index, index) -> index
// CHECK-NEXT: %t = mcuc.add %[[X]], %[[L]] : (!emitc.ptr<i8>, index) -> !emitc.ptr<i8>
// CHECK-NEXT: %[[S2:.*]] = mcuc.constant 6 : index
// CHECK-NEXT: %[[M2:.*]] = mcuc.mul %j, %[[S2]] : (index, index) -> index
// CHECK-NEXT: %[[L2:.*]] = mcuc.add %[[M2]], %k : (index, index) -> index
// CHECK-NEXT: mcuc.subscript %t[%[[L2]]] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>
func.func @dynamic_offset(%x: memref<4x6xi8>, %i: index, %j: index, %k: index) -> i8 {
  %t = memref.subview %x[%i, 2] [2, 3] [1, 1] : memref<4x6xi8> to memref<2x3xi8, strided<[6, 1], offset: ?>>
  %v = memref.load %t[%j, %k] : memref<2x3xi8, strided<[6, 1], offset: ?>>
  func.return %v : i8
}
