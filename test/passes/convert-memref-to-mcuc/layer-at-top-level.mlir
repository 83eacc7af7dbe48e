// Regression (fixed): a layer whose store is not inside a loop (all its loops folded away) gets its
// comment after the store: the comment is inserted before the top-level op holding the
// store, which for such a store is the memref.store itself, already replaced by the
// mcuc.assign inserted before it. Expected: the comment before the assignment.

// RUN: tinymlir-opt %s -p convert-memref-to-mcuc | filecheck %s

// CHECK:      mcuc.comment "out: scalar"
// CHECK-NEXT: %[[C:.*]] = mcuc.constant 0 : index
// CHECK-NEXT: %[[S:.*]] = mcuc.subscript %out_1[%[[C]]]
// CHECK-NEXT: mcuc.assign %v to %[[S]]
// CHECK-NEXT: %{{.*}} = mcuc.constant 0 : i32
func.func @scalar(%out: memref<1xi8> {tinymlir.role = "output"}, %v: i8) {
  %c0 = arith.constant 0 : index
  memref.store %v, %out[%c0] {tinymlir.layer_index = 0 : i64, tinymlir.layer_doc = "out: scalar"} : memref<1xi8>
  func.return
}
