// At the kernel level every qk op is one step (its layer), so plan-arena may run before
// convert-kernel-to-loops: the kernels then read and write views of the arena.
// RUN: tinymlir-opt %s -p convert-qnn-to-kernel,plan-arena | filecheck %s

// CHECK-LABEL: func.func @chain
// CHECK-SAME:    tinymlir.arena_size = 16 : i64
// CHECK-SAME:    steps = ["", "a", "", "b", "c", ""]
// CHECK:         %arena = memref.alloc() {alignment = 4 : i64, tinymlir.arena} : memref<16xi8>
// CHECK:         %a = memref.view %arena[%{{.*}}][] {tinymlir.arena_offset = 0 : i64} : memref<16xi8> to memref<8xi8>
// CHECK:         qk.requantize ins(%x : memref<8xi8>) outs(%a : memref<8xi8>)
// CHECK:         %b = memref.view %arena[%{{.*}}][] {tinymlir.arena_offset = 8 : i64} : memref<16xi8> to memref<8xi8>
// CHECK:         qk.requantize ins(%a : memref<8xi8>) outs(%b : memref<8xi8>)
// CHECK:         qk.requantize ins(%b : memref<8xi8>) outs(%c_out : memref<8xi8>)
func.func @chain(%x: !qnn.qtensor<8xi8, 0.5:0>) -> !qnn.qtensor<8xi8, 0.125:0> {
  %a = qnn.requantize %x : !qnn.qtensor<8xi8, 0.5:0> -> !qnn.qtensor<8xi8, 0.25:0>
  %b = qnn.requantize %a : !qnn.qtensor<8xi8, 0.25:0> -> !qnn.qtensor<8xi8, 0.5:0>
  %c = qnn.requantize %b : !qnn.qtensor<8xi8, 0.5:0> -> !qnn.qtensor<8xi8, 0.125:0>
  func.return %c : !qnn.qtensor<8xi8, 0.125:0>
}
