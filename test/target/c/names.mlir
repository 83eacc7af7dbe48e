// C names come from the SSA names: sanitised into identifiers, never a C
// keyword or a name C reserves, never shadowing a global, a called function or
// a name used in literal text, and unique among the names visible at that
// point (a sibling scope may reuse a name). Unnamed values are v1, v2, ...

// RUN: tinymlir-opt %s -p mcuc-drop-dead-values,mcuc-form-expressions -t c | filecheck %s

// CHECK:       static int32_t w = 0;
// CHECK-EMPTY:
// CHECK-NEXT:  static int32_t counter = 0;
// CHECK-EMPTY:
// CHECK-NEXT:  int32_t names(int32_t int_, int32_t w_1, int32_t v__x, int32_t v_Y, int32_t vINT8_MAX, int32_t a_b, int32_t for_, int32_t bool_, int32_t int8_t_, int32_t v1) {
// CHECK-NEXT:      const int32_t clamp_s8_1 = int_ + w_1;
// CHECK-NEXT:      const int32_t k = clamp_s8(clamp_s8_1);
// CHECK-NEXT:      const int32_t counter_1 = clamp_s8_1 + v__x + v_Y + vINT8_MAX + a_b + for_ + bool_ + int8_t_ + v1;
// CHECK-NEXT:      int32_t acc = counter_1 + counter_1;
// CHECK-NEXT:      for (int32_t i = 0; i < 4; ++i) {
// CHECK-NEXT:          for (int32_t i_1 = 0; i_1 < 4; ++i_1) {
// CHECK-NEXT:              const int32_t v2 = i * i_1;
// CHECK-NEXT:              acc += v2 * v2;
// CHECK-NEXT:          }
// CHECK-NEXT:      }
// CHECK-NEXT:      for (int32_t i = 0; i < 4; ++i) {
// CHECK-NEXT:          const int32_t v3 = acc;
// CHECK-NEXT:          acc = v3 * v3 + i;
// CHECK-NEXT:      }
// CHECK-NEXT:      const int32_t r = acc;
// CHECK-NEXT:      w = r + w + counter;
// CHECK-NEXT:      return r + k;
// CHECK-NEXT:  }

mcuc.global static @w : i32 = 0
mcuc.global static @counter : i32 = 0

mcuc.func @names(%int: i32, %w: i32, %__x: i32, %_Y: i32, %INT8_MAX: i32, %a.b: i32, %for: i32, %bool: i32, %int8_t: i32, %v1: i32) -> i32 {
  %c0 = mcuc.constant 0 : i32
  %c1 = mcuc.constant 1 : i32
  %c4 = mcuc.constant 4 : i32
  %clamp_s8 = mcuc.add %int, %w : (i32, i32) -> i32
  %k = mcuc.call_opaque "clamp_s8"(%clamp_s8) : (i32) -> i32
  %1 = mcuc.add %clamp_s8, %__x : (i32, i32) -> i32
  %2 = mcuc.add %1, %_Y : (i32, i32) -> i32
  %3 = mcuc.add %2, %INT8_MAX : (i32, i32) -> i32
  %4 = mcuc.add %3, %a.b : (i32, i32) -> i32
  %5 = mcuc.add %4, %for : (i32, i32) -> i32
  %6 = mcuc.add %5, %bool : (i32, i32) -> i32
  %7 = mcuc.add %6, %int8_t : (i32, i32) -> i32
  %counter = mcuc.add %7, %v1 : (i32, i32) -> i32
  %twice = mcuc.add %counter, %counter : (i32, i32) -> i32
  %acc = mcuc.variable init %twice : !emitc.lvalue<i32>
  mcuc.for %i = %c0 to %c4 step %c1 : i32 {
    mcuc.for %i_1 = %c0 to %c4 step %c1 : i32 {
      %v = mcuc.load %acc : !emitc.lvalue<i32>
      %8 = mcuc.mul %i, %i_1 : (i32, i32) -> i32
      %9 = mcuc.mul %8, %8 : (i32, i32) -> i32
      %q = mcuc.add %v, %9 : (i32, i32) -> i32
      mcuc.assign %q to %acc : !emitc.lvalue<i32>
    }
  }
  mcuc.for %i = %c0 to %c4 step %c1 : i32 {
    %10 = mcuc.load %acc : !emitc.lvalue<i32>
    %sq = mcuc.mul %10, %10 : (i32, i32) -> i32
    %x = mcuc.add %sq, %i : (i32, i32) -> i32
    mcuc.assign %x to %acc : !emitc.lvalue<i32>
  }
  %r = mcuc.load %acc : !emitc.lvalue<i32>
  %g = mcuc.get_global @w : !emitc.lvalue<i32>
  %gv = mcuc.load %g : !emitc.lvalue<i32>
  %r2 = mcuc.add %r, %gv : (i32, i32) -> i32
  %m = mcuc.literal "counter" : i32
  %r3 = mcuc.add %r2, %m : (i32, i32) -> i32
  mcuc.assign %r3 to %g : !emitc.lvalue<i32>
  %r4 = mcuc.add %r, %k : (i32, i32) -> i32
  mcuc.return %r4 : i32
}
