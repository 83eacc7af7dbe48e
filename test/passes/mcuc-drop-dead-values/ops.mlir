// mcuc-drop-dead-values erases unused values without effects (operators,
// casts, constants, subscripts, loads), transitively; calls, assignments,
// variables and control flow stay, even when their results are unused.

// RUN: tinymlir-opt %s -p mcuc-drop-dead-values | filecheck %s
// RUN: tinymlir-opt %s -t 'c{banner=false}' | filecheck %s --check-prefix=UNDROPPED

// CHECK-LABEL:  mcuc.func @dead(
// CHECK-SAME:       %a: i32, %p: !emitc.ptr<i32>) -> i32 {
// CHECK-NEXT:     %v = mcuc.variable init %a : !emitc.lvalue<i32>
// CHECK-NEXT:     %r = mcuc.call_opaque "f"(%a) : (i32) -> i32
// CHECK-NEXT:     %c0 = mcuc.constant 0 : i32
// CHECK-NEXT:     %step = mcuc.constant 2 : i32
// CHECK-NEXT:     mcuc.for %i = %c0 to %a step %step : i32 {
// CHECK-NEXT:     }
// CHECK-NEXT:     mcuc.return %a : i32
// CHECK-NEXT:   }
// Without the pass the printer prints every value, and an unused one as (void).
// UNDROPPED-LABEL: int32_t dead(int32_t a, int32_t *p) {
// UNDROPPED:           const int32_t s = x + y;
// UNDROPPED-NEXT:      (void)(s * s);
// UNDROPPED-NEXT:      (void)(a + a);
// UNDROPPED-NEXT:      f(a);
// UNDROPPED-NEXT:      for (int32_t i = 0; i < a; i += 2) {
// UNDROPPED-NEXT:          (void)(int8_t)i;
// UNDROPPED-NEXT:      }
mcuc.func @dead(%a: i32, %p: !emitc.ptr<i32>) -> i32 {
  %v = mcuc.variable init %a : !emitc.lvalue<i32>
  %x = mcuc.load %v : !emitc.lvalue<i32>
  %c1 = mcuc.constant 1 : i32
  %e = mcuc.subscript %p[%c1] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  %y = mcuc.load %e : !emitc.lvalue<i32>
  %s = mcuc.add %x, %y : (i32, i32) -> i32
  %t = mcuc.mul %s, %s : (i32, i32) -> i32
  %u = mcuc.add %a, %a : (i32, i32) -> i32
  %r = mcuc.call_opaque "f"(%a) : (i32) -> i32
  %c0 = mcuc.constant 0 : i32
  %step = mcuc.constant 2 : i32
  mcuc.for %i = %c0 to %a step %step : i32 {
    %b = mcuc.cast %i : i32 to i8
  }
  mcuc.return %a : i32
}
