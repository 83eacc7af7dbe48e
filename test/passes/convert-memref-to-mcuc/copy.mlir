// memref.copy becomes a loop nest of element loads and stores (scf.for, for convert-scf-to-mcuc),
// each side indexed with its own layout: here a 2x3 tile of a 4x6 buffer into a dense 2x3 one.
// RUN: tinymlir-opt %s -p convert-memref-to-mcuc | filecheck %s

// CHECK-LABEL: func.func @copy_tile
// CHECK-NOT:   memref.
// CHECK:       %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT:  %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT:  %[[R:.*]] = arith.constant 2 : index
// CHECK-NEXT:  %[[C:.*]] = arith.constant 3 : index
// CHECK-NEXT:  scf.for %[[I:i0]] = %[[Z]] to %[[R]] step %[[ONE]] {
// CHECK-NEXT:    scf.for %[[J:i1]] = %[[Z]] to %[[C]] step %[[ONE]] {
// CHECK-NEXT:      %[[S6:.*]] = mcuc.constant 6 : index
// CHECK-NEXT:      %[[M:.*]] = mcuc.mul %[[I]], %[[S6]] : (index, index) -> index
// CHECK-NEXT:      %[[A:.*]] = mcuc.add %[[M]], %[[J]] : (index, index) -> index
// CHECK-NEXT:      %[[O:.*]] = mcuc.constant 8 : index
// CHECK-NEXT:      %[[L:.*]] = mcuc.add %[[A]], %[[O]] : (index, index) -> index
// CHECK-NEXT:      %[[E:.*]] = mcuc.subscript %x_1[%[[L]]] : (!emitc.ptr<!mcuc.const<i8>>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      %[[V:.*]] = mcuc.load %[[E]] : !emitc.lvalue<i8>
// CHECK-NEXT:      %[[S3:.*]] = mcuc.constant 3 : index
// CHECK-NEXT:      %[[M2:.*]] = mcuc.mul %[[I]], %[[S3]] : (index, index) -> index
// CHECK-NEXT:      %[[L2:.*]] = mcuc.add %[[M2]], %[[J]] : (index, index) -> index
// CHECK-NEXT:      %[[D:.*]] = mcuc.subscript %y_1[%[[L2]]] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:      mcuc.assign %[[V]] to %[[D]] : !emitc.lvalue<i8>
// CHECK-NEXT:    }
// CHECK-NEXT:  }
func.func @copy_tile(%x: memref<4x6xi8> {tinymlir.role = "input"}, %y: memref<2x3xi8> {tinymlir.role = "output"}) {
  %t = memref.subview %x[1, 2] [2, 3] [1, 1] : memref<4x6xi8> to memref<2x3xi8, strided<[6, 1], offset: 8>>
  "memref.copy"(%t, %y) : (memref<2x3xi8, strided<[6, 1], offset: 8>>, memref<2x3xi8>) -> ()
  func.return
}
