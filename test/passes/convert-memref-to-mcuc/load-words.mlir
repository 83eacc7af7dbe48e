// mcuc.load_words on a memref (the loop level: the indices of its first word) becomes
// mcuc.load_words on that element's lvalue, its 4 results replacing the old ones.

// RUN: tinymlir-opt %s -p convert-memref-to-mcuc | filecheck %s
// RUN: tinymlir-opt %s | tinymlir-opt | filecheck %s --check-prefix=ROUND

// ROUND:        %w0, %w1, %w2, %w3 = mcuc.load_words %buf[%i, %c4] : memref<3x8xi32> -> i32, i32, i32, i32

// CHECK-LABEL:  func.func @row
// CHECK:        %[[E:.*]] = mcuc.subscript %{{.*}}[%{{.*}}] : (!emitc.ptr<!mcuc.const<i32>>, index) -> !emitc.lvalue<i32>
// CHECK-NEXT:   %w0, %w1, %w2, %w3 = mcuc.load_words %[[E]] : !emitc.lvalue<i32> -> i32, i32, i32, i32
// CHECK-NEXT:   %d = arith.subi %w3, %w0 : i32
func.func @row(%buf: memref<3x8xi32> {tinymlir.role = "input"}, %y: memref<1xi32> {tinymlir.role = "output"}, %i: index) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %w0, %w1, %w2, %w3 = mcuc.load_words %buf[%i, %c4] : memref<3x8xi32> -> i32, i32, i32, i32
  %d = arith.subi %w3, %w0 : i32
  memref.store %d, %y[%c0] : memref<1xi32>
  func.return
}
