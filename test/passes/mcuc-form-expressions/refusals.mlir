// What mcuc-form-expressions does not fold, each case with the C that results:
// a value with several uses, a read across a write, a value used in a nested
// region, a read in a loop's bound (C re-evaluates it), a read in a subscript's
// index, and a call beside another memory access (C leaves their order open).

// RUN: tinymlir-opt %s --split-input-file -p mcuc-form-expressions | filecheck %s
// RUN: tinymlir-opt %s --split-input-file -p mcuc-form-expressions -t 'c{banner=false}' | filecheck %s --check-prefix=C

// CHECK-LABEL:  mcuc.func @refusals(
// CHECK-NEXT:     %n = mcuc.variable init %a : !emitc.lvalue<i32>
// CHECK-NEXT:     %acc = mcuc.variable init %a : !emitc.lvalue<i32>
// CHECK-NEXT:     %twice = mcuc.add %a, %a : (i32, i32) -> i32
// CHECK-NEXT:     %sq = mcuc.expression : i32 {
// CHECK-NEXT:       mcuc.mul %twice, %twice
// CHECK:          %old = mcuc.load %acc : !emitc.lvalue<i32>
// CHECK-NEXT:     mcuc.assign %a to %acc : !emitc.lvalue<i32>
// CHECK-NEXT:     %r = mcuc.expression : i32 {
// CHECK-NEXT:       mcuc.add %old, %a
// CHECK:          %inner = mcuc.mul %a, %a : (i32, i32) -> i32
// CHECK-NEXT:     mcuc.if %c {
// CHECK-NEXT:       mcuc.assign %inner to %acc : !emitc.lvalue<i32>
// CHECK-NEXT:     }
// CHECK:          %bound = mcuc.load %n : !emitc.lvalue<i32>
// CHECK-NEXT:     mcuc.for %i = %c0 to %bound step %c1 : i32 {
// CHECK:          %k = mcuc.expression : i32 {
// CHECK-NEXT:       mcuc.load %n
// CHECK-NEXT:       mcuc.yield
// CHECK-NEXT:     }
// CHECK-NEXT:     %idx = mcuc.add %k, %c1 : (i32, i32) -> i32
// CHECK-NEXT:     %e = mcuc.subscript %p[%idx] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
// CHECK-NEXT:     %f = mcuc.call_opaque "f"() : () -> i32
// CHECK-NEXT:     %sum = mcuc.expression : i32 {
// CHECK-NEXT:       %g = mcuc.load %n : !emitc.lvalue<i32>
// CHECK-NEXT:       mcuc.add %f, %g
// C-LABEL: int32_t refusals(int32_t a, int32_t *p, bool c) {
// C-NEXT:      int32_t n = a;
// C-NEXT:      int32_t acc = a;
// C-NEXT:      const int32_t twice = a + a;
// C-NEXT:      acc = twice * twice;
// C-NEXT:      const int32_t old = acc;
// C-NEXT:      acc = a;
// C-NEXT:      n = old + a;
// C-NEXT:      const int32_t inner = a * a;
// C-NEXT:      if (c) {
// C-NEXT:          acc = inner;
// C-NEXT:      }
// C-NEXT:      const int32_t bound = n;
// C-NEXT:      for (int32_t i = 0; i < bound; ++i) {
// C-NEXT:          n = i;
// C-NEXT:      }
// C-NEXT:      const int32_t idx = n + 1;
// C-NEXT:      const int32_t f_1 = f();
// C-NEXT:      p[idx] = f_1 + n;
// C-NEXT:      return acc;
// C-NEXT:  }
mcuc.func @refusals(%a: i32, %p: !emitc.ptr<i32>, %c: i1) -> i32 {
  %n = mcuc.variable init %a : !emitc.lvalue<i32>
  %acc = mcuc.variable init %a : !emitc.lvalue<i32>
  // two uses
  %twice = mcuc.add %a, %a : (i32, i32) -> i32
  %sq = mcuc.mul %twice, %twice : (i32, i32) -> i32
  mcuc.assign %sq to %acc : !emitc.lvalue<i32>
  // a write between the read and its user
  %old = mcuc.load %acc : !emitc.lvalue<i32>
  mcuc.assign %a to %acc : !emitc.lvalue<i32>
  %r = mcuc.add %old, %a : (i32, i32) -> i32
  mcuc.assign %r to %n : !emitc.lvalue<i32>
  // used in a nested region
  %inner = mcuc.mul %a, %a : (i32, i32) -> i32
  mcuc.if %c {
    mcuc.assign %inner to %acc : !emitc.lvalue<i32>
  }
  // a read in a loop's upper bound
  %c0 = mcuc.constant 0 : i32
  %c1 = mcuc.constant 1 : i32
  %bound = mcuc.load %n : !emitc.lvalue<i32>
  mcuc.for %i = %c0 to %bound step %c1 : i32 {
    mcuc.assign %i to %n : !emitc.lvalue<i32>
  }
  // a read in a subscript's index (the load still folds into the add)
  %k = mcuc.load %n : !emitc.lvalue<i32>
  %idx = mcuc.add %k, %c1 : (i32, i32) -> i32
  %e = mcuc.subscript %p[%idx] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  // a call beside a read
  %f = mcuc.call_opaque "f"() : () -> i32
  %g = mcuc.load %n : !emitc.lvalue<i32>
  %sum = mcuc.add %f, %g : (i32, i32) -> i32
  mcuc.assign %sum to %e : !emitc.lvalue<i32>
  %y = mcuc.load %acc : !emitc.lvalue<i32>
  mcuc.return %y : i32
}

// -----

// A call is not moved across another memory access, nor a read across a call;
// the last call moves, as nothing lies between it and its user.
// C-LABEL: int32_t call_order(int32_t *p) {
// C-NEXT:      const int32_t first = f();
// C-NEXT:      const int32_t x = p[0];
// C-NEXT:      return first + x + g();
// C-NEXT:  }
mcuc.func @call_order(%p: !emitc.ptr<i32>) -> i32 {
  %c0 = mcuc.constant 0 : i32
  %first = mcuc.call_opaque "f"() : () -> i32
  %e = mcuc.subscript %p[%c0] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  %x = mcuc.load %e : !emitc.lvalue<i32>
  %y = mcuc.call_opaque "g"() : () -> i32
  %s = mcuc.add %first, %x : (i32, i32) -> i32
  %t = mcuc.add %s, %y : (i32, i32) -> i32
  mcuc.return %t : i32
}
