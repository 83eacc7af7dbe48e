// A buffer allocated inside a region (here a loop body, as a tile or a patch would be)
// lives within the step of its top-level op and is placed in the arena like the others;
// its view is made where it was allocated.
// RUN: tinymlir-opt %s -p plan-arena | filecheck %s

// CHECK-LABEL: func.func @nested
// CHECK-SAME:    tinymlir.arena_size = 8 : i64
// CHECK:         %arena = memref.alloc() {alignment = 4 : i64, tinymlir.arena} : memref<8xi8>
// CHECK:         %a = memref.view %arena[%{{.*}}][] {tinymlir.arena_offset = 0 : i64} : memref<8xi8> to memref<4xi8>
// CHECK:         scf.for
// CHECK-NEXT:      %{{.*}} = arith.constant 4 : index
// CHECK-NEXT:      %tile = memref.view %arena[%{{.*}}][] {tinymlir.arena_offset = 4 : i64} : memref<8xi8> to memref<2xi8>
func.func @nested(%out: memref<4xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v = arith.constant 1 : i8
  %a = memref.alloc() {alignment = 4 : i64} : memref<4xi8>
  memref.store %v, %a[%c0] : memref<4xi8>
  scf.for %i = %c0 to %c1 step %c1 {
    %tile = memref.alloc() {alignment = 4 : i64} : memref<2xi8>
    %x = memref.load %a[%i] : memref<4xi8>
    memref.store %x, %tile[%c0] : memref<2xi8>
    %y = memref.load %tile[%c0] : memref<2xi8>
    memref.store %y, %out[%i] : memref<4xi8>
  }
  func.return
}
