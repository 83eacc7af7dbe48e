// memref.collapse_shape (the Cortex-M4 kernels' flat views of a packed buffer) keeps its
// source's pointer: at a static offset the result's layout carries the offset into the
// index; of a subview at a dynamic offset (a band of patch-schedule's band loops) the
// advanced pointer holds it and the flat view is indexed from 0.
// RUN: tinymlir-opt %s --split-input-file -p convert-memref-to-mcuc | filecheck %s

// Rows 1-2 of a 4x3x4 input, flat: x[i + 12].
// CHECK-LABEL: func.func @static_band
// CHECK:      %[[X:.*]] = builtin.unrealized_conversion_cast %x : memref<1x4x3x4xi8> to !emitc.ptr<!mcuc.const<i8>>
// CHECK-NOT:  memref.
// CHECK:      %[[O:.*]] = mcuc.constant 12 : index
// CHECK-NEXT: %[[L:.*]] = mcuc.add %i, %[[O]] : (index, index) -> index
// CHECK-NEXT: mcuc.subscript %[[X]][%[[L]]] : (!emitc.ptr<!mcuc.const<i8>>, index) -> !emitc.lvalue<i8>
func.func @static_band(%x: memref<1x4x3x4xi8> {tinymlir.role = "input"}, %y: memref<1xi8> {tinymlir.role = "output"}, %i: index) {
  %band = memref.subview %x[0, 1, 0, 0] [1, 2, 3, 4] [1, 1, 1, 1] : memref<1x4x3x4xi8> to memref<1x2x3x4xi8, strided<[48, 12, 4, 1], offset: 12>>
  %flat = memref.collapse_shape %band [[0, 1, 2, 3]] : memref<1x2x3x4xi8, strided<[48, 12, 4, 1], offset: 12>> into memref<24xi8, strided<[1], offset: 12>>
  %c0 = arith.constant 0 : index
  %v = memref.load %flat[%i] : memref<24xi8, strided<[1], offset: 12>>
  memref.store %v, %y[%c0] : memref<1xi8>
  func.return
}

// -----

// Band b's 2 rows (b * 2 + 1 on) in a loop: the pointer x + (b*2 + 1) * 12, its flat
// view the same pointer, indexed p[i]; the 4-byte read of the DSP taps likewise.
// CHECK-LABEL: func.func @band_loop
// CHECK:      %[[X:.*]] = builtin.unrealized_conversion_cast %x : memref<1x8x3x4xi8> to !emitc.ptr<!mcuc.const<i8>>
// CHECK:      %[[P:.*]] = mcuc.add %[[X]], %{{.*}} : (!emitc.ptr<!mcuc.const<i8>>, index) -> !emitc.ptr<!mcuc.const<i8>>
// CHECK-NOT:  memref.
// CHECK:      %[[E:.*]] = mcuc.subscript %[[P]][%i] : (!emitc.ptr<!mcuc.const<i8>>, index) -> !emitc.lvalue<i8>
// CHECK-NEXT: mcuc.load_s8x4 %[[E]]
func.func @band_loop(%x: memref<1x8x3x4xi8> {tinymlir.role = "input"}, %y: memref<3xi32> {tinymlir.role = "output"}, %i: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  scf.for %b = %c0 to %c3 step %c1 {
    %r = arith.muli %b, %c2 : index
    %row = arith.addi %r, %c1 : index
    %band = memref.subview %x[0, %row, 0, 0] [1, 2, 3, 4] [1, 1, 1, 1] : memref<1x8x3x4xi8> to memref<1x2x3x4xi8, strided<[96, 12, 4, 1], offset: ?>>
    %flat = memref.collapse_shape %band [[0, 1, 2, 3]] : memref<1x2x3x4xi8, strided<[96, 12, 4, 1], offset: ?>> into memref<24xi8, strided<[1], offset: ?>>
    %w = mcuc.load_s8x4 %flat[%i] : memref<24xi8, strided<[1], offset: ?>>
    memref.store %w, %y[%b] : memref<3xi32>
  }
  func.return
}
