// Regression (fixed): a reinterpret_cast to a strided layout with an offset was taken as the same
// pointer, and loads through it used the row-major index of the shape: %r[1, 1] below read
// a[3] where the layout says a[4 + 1*2 + 1] = a[7], silently. The layout is now honoured.

// RUN: tinymlir-opt %s -p convert-memref-to-mcuc | filecheck %s

// CHECK:      %a = mcuc.cast %{{.*}} : !emitc.array<8xi8> to !emitc.ptr<i8>
// CHECK-NEXT: %[[I:.*]] = mcuc.constant 7 : index
// CHECK-NEXT: mcuc.subscript %a[%[[I]]] : (!emitc.ptr<i8>, index) -> !emitc.lvalue<i8>

func.func @strided(%y: memref<4xi8> {tinymlir.role = "output"}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = memref.alloc() : memref<8xi8>
  %r = memref.reinterpret_cast %a to offset: [4], sizes: [2, 2], strides: [2, 1] : memref<8xi8> to memref<2x2xi8, strided<[2, 1], offset: 4>>
  %v = memref.load %r[%c1, %c1] : memref<2x2xi8, strided<[2, 1], offset: 4>>
  memref.store %v, %y[%c0] : memref<4xi8>
  func.return
}
