// RUN: tinymlir-opt %s --split-input-file -p 'plan-arena' | filecheck %s
// RUN: tinymlir-opt %s --split-input-file -p 'plan-arena{alignment=16}' | filecheck %s --check-prefix=ALIGN16

// A chain of layers a -> b -> c (one loop nest each): a and c never live together, so c
// reuses a's bytes; b (live with both) sits beside the larger one. Peak 96 + 64 = 160,
// which is the lower bound.
// CHECK-LABEL: func.func @chain
// CHECK-SAME:    attributes {tinymlir.arena_size = 160 : i64, tinymlir.arena_lower_bound = 160 : i64, tinymlir.arena_plan = {buffers = [{name = "a", offset = 0 : i64, size = 96 : i64, first = 3 : i64, last = 5 : i64}, {name = "b", offset = 96 : i64, size = 64 : i64, first = 5 : i64, last = 7 : i64}, {name = "c", offset = 0 : i64, size = 32 : i64, first = 7 : i64, last = 8 : i64}]
// CHECK:         %arena = memref.alloc() {alignment = 4 : i64, tinymlir.arena} : memref<160xi8>
// CHECK:         %a = memref.view %arena[%{{.*}}][] {tinymlir.arena_offset = 0 : i64} : memref<160xi8> to memref<96xi8>
// CHECK:         %b = memref.view %arena[%{{.*}}][] {tinymlir.arena_offset = 96 : i64} : memref<160xi8> to memref<64xi8>
// CHECK:         %c = memref.view %arena[%{{.*}}][] {tinymlir.arena_offset = 0 : i64} : memref<160xi8> to memref<4x8xi8>
// CHECK-NOT:     memref.alloc()
// ALIGN16-LABEL: func.func @chain
func.func @chain(%in: memref<4xi8>, %out: memref<4xi8>) {
  %i = arith.constant 0 : index
  %one = arith.constant 1 : index
  %a = memref.alloc() : memref<96xi8>
  scf.for %k = %i to %one step %one {
    %v = memref.load %in[%i] : memref<4xi8>
    memref.store %v, %a[%i] : memref<96xi8>
  }
  %b = memref.alloc() : memref<64xi8>
  scf.for %k = %i to %one step %one {
    %va = memref.load %a[%i] : memref<96xi8>
    memref.store %va, %b[%i] : memref<64xi8>
  }
  %c = memref.alloc() : memref<4x8xi8>
  scf.for %k = %i to %one step %one {
    %vb = memref.load %b[%i] : memref<64xi8>
    memref.store %vb, %c[%i, %i] : memref<4x8xi8>
  }
  scf.for %k = %i to %one step %one {
    %vc = memref.load %c[%i, %i] : memref<4x8xi8>
    memref.store %vc, %out[%i] : memref<4xi8>
  }
  func.return
}

// -----

// A buffer read through a view (a reshape) stays live until the view's last use, and
// alignment pads each placement.
// CHECK-LABEL: func.func @view_keeps_alive
// CHECK-SAME:    tinymlir.arena_size = 12 : i64, tinymlir.arena_lower_bound = 10 : i64
// ALIGN16-LABEL: func.func @view_keeps_alive
// ALIGN16-SAME:    tinymlir.arena_size = 32 : i64
func.func @view_keeps_alive(%in: memref<4xi8>, %out: memref<4xi8>) {
  %i = arith.constant 0 : index
  %a = memref.alloc() : memref<2x3xi8>
  %v = memref.load %in[%i] : memref<4xi8>
  memref.store %v, %a[%i, %i] : memref<2x3xi8>
  %flat = memref.reinterpret_cast %a to offset: [0], sizes: [6], strides: [1] : memref<2x3xi8> to memref<6xi8>
  %b = memref.alloc() : memref<4xi8>
  memref.store %v, %b[%i] : memref<4xi8>
  %x = memref.load %flat[%i] : memref<6xi8>
  %y = memref.load %b[%i] : memref<4xi8>
  memref.store %x, %out[%i] : memref<4xi8>
  func.return
}
