// A memref's memory space (an integer or string attribute naming a memory level) becomes a comment
// on its C array; the array is not moved to a section (that is the target's linker script's choice).
// RUN: tinymlir-opt %s -p convert-memref-to-mcuc | filecheck %s
// RUN: tinymlir-opt %s -p convert-memref-to-mcuc,convert-scf-to-mcuc,convert-arith-to-mcuc,convert-func-to-mcuc,reconcile-unrealized-casts -t c | filecheck %s --check-prefix=C

// CHECK-DAG: mcuc.global static const @w : !emitc.array<4xi8> = dense<[1, 2, 3, 4]> {comment = "memory space: flash"}
// CHECK-DAG: mcuc.global static @fast : !emitc.array<16xi8> {comment = "memory space: 1"}
// CHECK-DAG: mcuc.global static @l2_arena : !emitc.array<64xi8> {alignment = 4 : i64, comment = "activation arena (offsets planned by plan-arena); memory space: L2"}
// C-DAG: /* memory space: flash */
// C-DAG: /* memory space: 1 */
// C-DAG: /* activation arena (offsets planned by plan-arena); memory space: L2 */
"memref.global"() <{sym_name = "w", type = memref<4xi8, "flash">, initial_value = dense<[1, 2, 3, 4]> : tensor<4xi8>, sym_visibility = "private", constant}> : () -> ()
func.func @l2(%i: index) -> i8 {
  %w = memref.get_global @w : memref<4xi8, "flash">
  %fast = memref.alloc() : memref<16xi8, 1>
  %arena = memref.alloc() {alignment = 4 : i64, tinymlir.arena} : memref<64xi8, "L2">
  %v = memref.load %w[%i] : memref<4xi8, "flash">
  memref.store %v, %fast[%i] : memref<16xi8, 1>
  func.return %v : i8
}
