// Regression (fixed): dynamic memrefs are refused by name only for memref.alloc. A dynamic function
// argument goes through, and its linear index multiplies by the dynamic-extent sentinel:
// the error comes later, from the verifier, as "mcuc.constant: index constants are
// int32_t, -9223372036854775807 does not fit in [-2147483648, 2147483647]" (and a 1-D
// memref<?xi8> argument is accepted). Expected: a refusal that names the buffer as dynamic.
//

// RUN: not tinymlir-opt %s -p convert-memref-to-mcuc 2>&1 | filecheck %s
// CHECK: tinymlir-opt: error: convert-memref-to-mcuc: {{.*}}static

func.func @dynamic(%y: memref<4x?xi8> {tinymlir.role = "output"}, %v: i8) {
  %c1 = arith.constant 1 : index
  memref.store %v, %y[%c1, %c1] : memref<4x?xi8>
  func.return
}
