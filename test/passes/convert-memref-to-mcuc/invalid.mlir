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

// CHECK: convert-memref-to-mcuc: memref.copy: is not supported by convert-memref-to-mcuc
func.func @copy(%a: memref<4xi8>, %b: memref<4xi8>) {
  "memref.copy"(%a, %b) : (memref<4xi8>, memref<4xi8>) -> ()
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
