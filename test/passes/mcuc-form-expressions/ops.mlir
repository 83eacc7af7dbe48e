// What mcuc-form-expressions folds: a single-use C operator, cast, load or call
// moves into an mcuc.expression just before its user, together with the folded
// tree under it; constants and subscripts stay outside (printed at each use).
// The C lines show what the printer then writes.

// RUN: tinymlir-opt %s --split-input-file -p mcuc-form-expressions | filecheck %s
// RUN: tinymlir-opt %s --split-input-file -p mcuc-form-expressions -t 'c{banner=false}' | filecheck %s --check-prefix=C

// A read-modify-write tree becomes one expression (printed `acc += b * b`); a
// subscript's pure index and a load through the subscript fold too.
// CHECK-LABEL:  mcuc.func @folds(
// CHECK-NEXT:     %acc = mcuc.variable init %a : !emitc.lvalue<i32>
// CHECK-NEXT:     %s = mcuc.expression : i32 {
// CHECK-NEXT:       %x = mcuc.load %acc : !emitc.lvalue<i32>
// CHECK-NEXT:       %m = mcuc.mul %b, %b : (i32, i32) -> i32
// CHECK-NEXT:       %{{.*}} = mcuc.add %x, %m : (i32, i32) -> i32
// CHECK-NEXT:       mcuc.yield %{{.*}} : i32
// CHECK-NEXT:     }
// CHECK-NEXT:     mcuc.assign %s to %acc : !emitc.lvalue<i32>
// CHECK-NEXT:     %c1 = mcuc.constant 1 : i32
// CHECK-NEXT:     %t = mcuc.expression : i32 {
// CHECK-NEXT:       %{{.*}} = mcuc.add %a, %c1 : (i32, i32) -> i32
// CHECK-NEXT:       mcuc.yield
// CHECK-NEXT:     }
// CHECK-NEXT:     %e = mcuc.subscript %p[%t] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
// CHECK-NEXT:     %v = mcuc.expression : i32 {
// CHECK-NEXT:       %{{.*}} = mcuc.load %e : !emitc.lvalue<i32>
// CHECK-NEXT:       mcuc.yield
// CHECK-NEXT:     }
// CHECK-NEXT:     mcuc.return %v : i32
// C-LABEL: int32_t folds(int32_t a, int32_t b, int32_t *p) {
// C-NEXT:      int32_t acc = a;
// C-NEXT:      acc += b * b;
// C-NEXT:      return p[a + 1];
// C-NEXT:  }
mcuc.func @folds(%a: i32, %b: i32, %p: !emitc.ptr<i32>) -> i32 {
  %acc = mcuc.variable init %a : !emitc.lvalue<i32>
  %x = mcuc.load %acc : !emitc.lvalue<i32>
  %m = mcuc.mul %b, %b : (i32, i32) -> i32
  %s = mcuc.add %x, %m : (i32, i32) -> i32
  mcuc.assign %s to %acc : !emitc.lvalue<i32>
  %c1 = mcuc.constant 1 : i32
  %t = mcuc.add %a, %c1 : (i32, i32) -> i32
  %e = mcuc.subscript %p[%t] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  %v = mcuc.load %e : !emitc.lvalue<i32>
  mcuc.return %v : i32
}

// -----

// Casts and calls fold; a read moves across statements that write nothing; a
// loop's lower bound (evaluated once) takes a read, and loop bodies are formed too.
// CHECK-LABEL:  mcuc.func @calls_and_loops(
// CHECK-NEXT:     %n = mcuc.variable init %a : !emitc.lvalue<i32>
// CHECK-NEXT:     %c1 = mcuc.constant 1 : i32
// CHECK-NEXT:     mcuc.comment "between"
// CHECK-NEXT:     %lo = mcuc.expression : i32 {
// CHECK-NEXT:       %x = mcuc.load %n : !emitc.lvalue<i32>
// CHECK-NEXT:       %{{.*}} = mcuc.call_opaque "f"(%x) : (i32) -> i32
// CHECK-NEXT:       mcuc.yield
// CHECK-NEXT:     }
// CHECK-NEXT:     mcuc.for %i = %lo to %a step %c1 : i32 {
// CHECK-NEXT:       %{{.*}} = mcuc.expression : i8 {
// CHECK-NEXT:         %{{.*}} = mcuc.cast %i : i32 to i8
// CHECK-NEXT:         mcuc.yield
// CHECK-NEXT:       }
// CHECK-NEXT:       mcuc.call_opaque "g"(%{{.*}}) : (i8) -> ()
// CHECK-NEXT:     }
// C-LABEL: void calls_and_loops(int32_t a) {
// C-NEXT:      int32_t n = a;
// C-NEXT:      /* between */
// C-NEXT:      for (int32_t i = f(n); i < a; ++i) {
// C-NEXT:          g((int8_t)i);
// C-NEXT:      }
// C-NEXT:  }
mcuc.func @calls_and_loops(%a: i32) {
  %n = mcuc.variable init %a : !emitc.lvalue<i32>
  %c1 = mcuc.constant 1 : i32
  %x = mcuc.load %n : !emitc.lvalue<i32>
  %lo = mcuc.call_opaque "f"(%x) : (i32) -> i32
  mcuc.comment "between"
  mcuc.for %i = %lo to %a step %c1 : i32 {
    %b = mcuc.cast %i : i32 to i8
    mcuc.call_opaque "g"(%b) : (i8) -> ()
  }
  mcuc.return
}

// -----

// The pass runs once: a function that already holds expressions is left alone.
// CHECK-LABEL:  mcuc.func @formed(
// CHECK-NEXT:     %s = mcuc.add %a, %a : (i32, i32) -> i32
// CHECK-NEXT:     %e = mcuc.expression : i32 {
mcuc.func @formed(%a: i32) -> i32 {
  %s = mcuc.add %a, %a : (i32, i32) -> i32
  %e = mcuc.expression : i32 {
    %t = mcuc.mul %s, %a : (i32, i32) -> i32
    mcuc.yield %t : i32
  }
  mcuc.return %e : i32
}
