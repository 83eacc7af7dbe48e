// A layer whose result is written tile by tile through subviews is hooked once, after its last
// tile, with the whole buffer the tiles are views of (pointer and byte size of %y, not of a tile).

// RUN: tinymlir-opt %s -p convert-memref-to-mcuc | filecheck %s

// CHECK:      mcuc.comment "y: two tiles"
// CHECK:      mcuc.assign %v to
// CHECK:      mcuc.assign %v to
// CHECK-NEXT: %[[I:.*]] = mcuc.constant 0 : i32
// CHECK-NEXT: %[[N:.*]] = mcuc.constant 8 : i32
// CHECK-NEXT: mcuc.call_opaque "TINYMLIR_LAYER_HOOK"(%[[I]], %y_1, %[[N]])
// CHECK-NOT:  TINYMLIR_LAYER_HOOK
func.func @tiles(%y: memref<2x4xi8> {tinymlir.role = "output"}, %v: i8) {
  %c0 = arith.constant 0 : index
  %left = memref.subview %y[0, 0] [2, 2] [1, 1] : memref<2x4xi8> to memref<2x2xi8, strided<[4, 1]>>
  %right = memref.subview %y[0, 2] [2, 2] [1, 1] : memref<2x4xi8> to memref<2x2xi8, strided<[4, 1], offset: 2>>
  memref.store %v, %left[%c0, %c0] {tinymlir.layer_index = 0 : i64, tinymlir.layer_doc = "y: two tiles"} : memref<2x2xi8, strided<[4, 1]>>
  memref.store %v, %right[%c0, %c0] {tinymlir.layer_index = 0 : i64} : memref<2x2xi8, strided<[4, 1], offset: 2>>
  func.return
}
