// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics -p plan-arena | filecheck %s
// RUN: not tinymlir-opt %s -p 'plan-arena{alignment=3}' 2>&1 | filecheck %s --check-prefix=OPTION

// OPTION: tinymlir-opt: error: plan-arena: alignment must be a power of two, got 3

// CHECK: plan-arena: buffer 'a' has a dynamic shape
func.func @dynamic(%n: index) {
  %a = memref.alloc(%n) : memref<?xi8>
  func.return
}
