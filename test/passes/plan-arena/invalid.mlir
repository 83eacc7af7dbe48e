// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics -p plan-arena | filecheck %s
// RUN: not tinymlir-opt %s -p 'plan-arena{alignment=3}' 2>&1 | filecheck %s --check-prefix=OPTION

// OPTION: tinymlir-opt: error: plan-arena: alignment must be a power of two, got 3

// CHECK: plan-arena: allocations inside loops are not supported
func.func @nested(%out: memref<4xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c1 step %c1 {
    %a = memref.alloc() : memref<4xi8>
  }
  func.return
}

// -----

// CHECK: plan-arena: buffer 'a' has a dynamic shape
func.func @dynamic(%n: index) {
  %a = memref.alloc(%n) : memref<?xi8>
  func.return
}
