// Regression (fixed): a reinterpret_cast (reshape) of a constant global casts the const array to a
// mutable pointer, which the verifier rejects: "mcuc.cast: the array is const; cast it to
// a pointer to !mcuc.const<i8>". Expected: a `const int8_t *` view of the weights.

// RUN: tinymlir-opt %s -p convert-memref-to-mcuc | filecheck %s

// CHECK:      %w = mcuc.get_global @w : !emitc.array<2x3xi8>
// CHECK-NEXT: %[[P:.*]] = mcuc.cast %w : !emitc.array<2x3xi8> to !emitc.ptr<!mcuc.const<i8>>
// CHECK:      mcuc.subscript %[[P]][%i] : (!emitc.ptr<!mcuc.const<i8>>, index) -> !emitc.lvalue<i8>
"memref.global"() <{sym_name = "w", type = memref<2x3xi8>, initial_value = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>, sym_visibility = "private", constant}> : () -> ()
func.func @flat(%i: index) -> i8 {
  %w = memref.get_global @w : memref<2x3xi8>
  %f = memref.reinterpret_cast %w to offset: [0], sizes: [6], strides: [1] : memref<2x3xi8> to memref<6xi8>
  %v = memref.load %f[%i] : memref<6xi8>
  func.return %v : i8
}
