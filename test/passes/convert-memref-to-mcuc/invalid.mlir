// What convert-memref-to-mcuc refuses, each with a message naming the op or global.
// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics -p convert-memref-to-mcuc | filecheck %s
// RUN: not tinymlir-opt %s --split-input-file -p convert-memref-to-mcuc 2>&1 | filecheck %s --check-prefix=EXIT

// CHECK: convert-memref-to-mcuc: memref.alloc: only static buffers are supported
// EXIT: tinymlir-opt: error: convert-memref-to-mcuc: memref.alloc: only static buffers are supported
// EXIT-NOT: Traceback
func.func @dynamic_alloc(%n: index) {
  %a = memref.alloc(%n) : memref<?xi8>
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: memref.view: view offsets must be constants
func.func @runtime_offset(%off: index) {
  %arena = memref.alloc() {tinymlir.arena} : memref<16xi8>
  %v = memref.view %arena[%off][] : memref<16xi8> to memref<4xi8>
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: memref.view: dynamic view sizes are not supported
func.func @dynamic_view(%n: index) {
  %arena = memref.alloc() {tinymlir.arena} : memref<16xi8>
  %c0 = arith.constant 0 : index
  %v = memref.view %arena[%c0][%n] : memref<16xi8> to memref<?xi8>
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: memref.view: only byte views are supported
func.func @word_view() {
  %arena = memref.alloc() {tinymlir.arena} : memref<16xi8>
  %c0 = arith.constant 0 : index
  %v = memref.view %arena[%c0][] : memref<16xi8> to memref<4xi32>
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: global @f: only integer and f32 arrays are supported
"memref.global"() <{sym_name = "f", type = memref<2xf64>, initial_value = dense<[1.0, 2.0]> : tensor<2xf64>, sym_visibility = "private", constant}> : () -> ()

// -----

// CHECK: convert-memref-to-mcuc: global @u: uninitialised globals are not supported
"memref.global"() <{sym_name = "u", type = memref<2xi8>, initial_value, sym_visibility = "private"}> : () -> ()

// -----

// A subview at a dynamic offset is a pointer of its own (subview.mlir); views of it are not
// supported.
// CHECK: convert-memref-to-mcuc: memref.subview: a view of a subview at a dynamic offset is not supported
func.func @view_of_dynamic_subview(%x: memref<4x6xi8>, %i: index) {
  %t = memref.subview %x[%i, 0] [2, 6] [1, 1] : memref<4x6xi8> to memref<2x6xi8, strided<[6, 1], offset: ?>>
  %u = memref.subview %t[0, 1] [2, 3] [1, 1] : memref<2x6xi8, strided<[6, 1], offset: ?>> to memref<2x3xi8, strided<[6, 1], offset: ?>>
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: memref.subview: dynamic sizes; only static offsets, sizes and strides are supported
func.func @dynamic_subview_size(%x: memref<4x6xi8>, %n: index) {
  %t = memref.subview %x[0, 0] [%n, 3] [1, 1] : memref<4x6xi8> to memref<?x3xi8, strided<[6, 1]>>
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: memref.subview: dynamic strides; only static offsets, sizes and strides are supported
func.func @dynamic_subview_stride(%x: memref<4x6xi8>, %s: index) {
  %t = memref.subview %x[0, 0] [2, 3] [1, %s] : memref<4x6xi8> to memref<2x3xi8, strided<[6, ?]>>
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: memref.subview: dimension 1 (offset 4, size 3, stride 1) is out of bounds of 6
func.func @out_of_bounds(%x: memref<4x6xi8>) {
  %t = memref.subview %x[0, 4] [2, 3] [1, 1] : memref<4x6xi8> to memref<2x3xi8, strided<[6, 1], offset: 4>>
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: memref.subview: result layout strided<[6, 1], offset: 0> is not the subview's strided<[6, 1], offset: 8>
func.func @wrong_result_layout(%x: memref<4x6xi8>) {
  %t = memref.subview %x[1, 2] [2, 3] [1, 1] : memref<4x6xi8> to memref<2x3xi8, strided<[6, 1]>>
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: memref.reinterpret_cast: dynamic offsets, sizes or strides; only static ones are supported
func.func @dynamic_reinterpret(%x: memref<8xi8>, %o: index) {
  %r = memref.reinterpret_cast %x to offset: [%o], sizes: [2, 2], strides: [2, 1] : memref<8xi8> to memref<2x2xi8, strided<[2, 1], offset: ?>>
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: memref.load: the layout of memref<4xi8, strided<[?], offset: ?>> is not static; only static layouts are supported
func.func @dynamic_layout(%x: memref<4xi8, strided<[?], offset: ?>>, %i: index) -> i8 {
  %v = memref.load %x[%i] : memref<4xi8, strided<[?], offset: ?>>
  func.return %v : i8
}

// -----

// CHECK: convert-memref-to-mcuc: memref.copy: the layout of memref<4xi8, strided<[?]>> is not static; only static layouts are supported
func.func @dynamic_copy(%a: memref<4xi8, strided<[?]>>, %b: memref<4xi8>) {
  "memref.copy"(%a, %b) : (memref<4xi8, strided<[?]>>, memref<4xi8>) -> ()
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: memref.alloc: only identity layouts are supported for allocations, got memref<4xi8, strided<[2]>>
func.func @strided_alloc() {
  %a = memref.alloc() : memref<4xi8, strided<[2]>>
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: memref.dealloc: is not supported by convert-memref-to-mcuc
func.func @dealloc() {
  %a = memref.alloc() : memref<4xi8>
  memref.dealloc %a : memref<4xi8>
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: memref.load: operates on a buffer this pass cannot convert
func.func private @make() -> memref<4xi8>
func.func @returned_buffer(%i: index) -> i8 {
  %a = func.call @make() : () -> memref<4xi8>
  %v = memref.load %a[%i] : memref<4xi8>
  func.return %v : i8
}

// -----

// A window of some columns is not contiguous: it has no flat view.
// CHECK: convert-memref-to-mcuc: memref.collapse_shape: dimensions [0, 1] of memref<2x3xi8, strided<[6, 1], offset: 1>> are not contiguous (stride 6, not 3)
func.func @collapse_of_columns(%x: memref<4x6xi8>) {
  %t = memref.subview %x[0, 1] [2, 3] [1, 1] : memref<4x6xi8> to memref<2x3xi8, strided<[6, 1], offset: 1>>
  %f = memref.collapse_shape %t [[0, 1]] : memref<2x3xi8, strided<[6, 1], offset: 1>> into memref<6xi8, strided<[1], offset: 1>>
  func.return
}

// -----

// The flat view of a band at a dynamic offset has a dynamic offset too.
// CHECK: convert-memref-to-mcuc: memref.collapse_shape: the offset of memref<12xi8> is static but its source's is dynamic
func.func @collapse_dropping_the_offset(%x: memref<4x6xi8>, %i: index) {
  %t = memref.subview %x[%i, 0] [2, 6] [1, 1] : memref<4x6xi8> to memref<2x6xi8, strided<[6, 1], offset: ?>>
  %f = memref.collapse_shape %t [[0, 1]] : memref<2x6xi8, strided<[6, 1], offset: ?>> into memref<12xi8>
  func.return
}

// -----

// CHECK: convert-memref-to-mcuc: memref.collapse_shape: the layout of memref<12xi8> is not the collapsed strided<[1], offset: 6>
func.func @collapse_losing_the_offset(%x: memref<4x6xi8>) {
  %t = memref.subview %x[1, 0] [2, 6] [1, 1] : memref<4x6xi8> to memref<2x6xi8, strided<[6, 1], offset: 6>>
  %f = memref.collapse_shape %t [[0, 1]] : memref<2x6xi8, strided<[6, 1], offset: 6>> into memref<12xi8>
  func.return
}
