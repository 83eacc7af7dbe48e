// Expressions (mcuc-form-expressions decides, -t c prints; the pass's own tests
// are in test/passes/mcuc-form-expressions): single-use expressions fold into their user, parenthesised by
// C precedence and wherever GCC's -Wparentheses asks for it; values used more
// than once (or in a nested region) are bound to const locals; folding never
// moves a memory read across a write, nor a call across another access.

// RUN: tinymlir-opt %s -p mcuc-drop-dead-values,mcuc-form-expressions -t c | filecheck %s

// Arithmetic follows precedence and left associativity; shifts, bitwise and
// logical operators get parentheses around non-trivial operands, except a
// chain of the same bitwise operator; a comparison of comparisons too.
// CHECK-LABEL: void precedence(int32_t *o, int32_t a, int32_t b, int32_t c, bool p, bool q) {
// CHECK-NEXT:      o[0] = (a + b) * c;
// CHECK-NEXT:      o[1] = a * b + c;
// CHECK-NEXT:      o[2] = a - (b - c);
// CHECK-NEXT:      o[3] = a - b - c;
// CHECK-NEXT:      o[4] = a / (b * c);
// CHECK-NEXT:      o[5] = (a + b) << 2;
// CHECK-NEXT:      o[6] = a >> (b & 3);
// CHECK-NEXT:      o[7] = a & b & c;
// CHECK-NEXT:      o[8] = a | (b & c);
// CHECK-NEXT:      o[9] = (int32_t)((a ^ b) == c);
// CHECK-NEXT:      o[10] = ((p && q) || (a < b && b != c) || p ? a : b) + 2;
// CHECK-NEXT:      o[11] = -(a + b) - -a * b;
// CHECK-NEXT:      o[12] = (~a & b) + (int32_t)!(a < b);
// CHECK-NEXT:      o[13] = (int32_t)((a < b) == (b < c));
// CHECK-NEXT:  }

// C computes 8/16-bit arithmetic in int: a folded narrow result is cast back
// to its type unless the context converts anyway (assignment, return, ...).
// `>>` of an 8-bit value always fits and needs no cast.
// CHECK-LABEL: bool narrow(int8_t a, int8_t b, uint8_t u, int8_t *out) {
// CHECK-NEXT:      out[a] = a + b;
// CHECK-NEXT:      return (int8_t)(a - b) < a && (int32_t)(uint8_t)(~u) * (int32_t)a + (int32_t)(u >> u) > 0;
// CHECK-NEXT:  }

// `x = x op y` on the same lvalue is a compound assignment; index expressions
// without memory reads fold into a subscript even when it is used twice.
// CHECK-LABEL: void compound(int32_t *acc, int32_t i, int32_t x) {
// CHECK-NEXT:      acc[i] -= x;
// CHECK-NEXT:      acc[i] <<= 1;
// CHECK-NEXT:      acc[i] = x - acc[i];
// CHECK-NEXT:      acc[i * i] += x;
// CHECK-NEXT:  }

// A load is not moved past the assignment after it; two calls, or a call and
// a load, are not combined in one expression (C leaves their order open); a
// bound that reads memory is evaluated once, before the loop, while a pure
// bound or step folds into the loop header; unused pure values disappear.
// CHECK-LABEL: int32_t ordering(int32_t *p, int32_t n) {
// CHECK-NEXT:      const int32_t old = p[0];
// CHECK-NEXT:      p[0] = 1;
// CHECK-NEXT:      const int32_t f = next();
// CHECK-NEXT:      const int32_t fg = f - next();
// CHECK-NEXT:      const int32_t h = next();
// CHECK-NEXT:      const int32_t nested = abs(h + p[0]);
// CHECK-NEXT:      const int32_t ub = p[0];
// CHECK-NEXT:      for (int32_t i = 0; i < ub; i += 1 + 1) {
// CHECK-NEXT:          p[0] = i;
// CHECK-NEXT:      }
// CHECK-NEXT:      for (int32_t j = 0; j < n * n; ++j) {
// CHECK-NEXT:          tick();
// CHECK-NEXT:      }
// CHECK-NEXT:      return old + 1 + fg + nested;
// CHECK-NEXT:  }

// Literals: INT32_MIN, negative and float constants, bool, INT64_C and `u`
// suffixes; mcuc.literal text is parenthesised unless it is a single token;
// arrays decay to pointers (`&w[0][0]` for 2-D), pointer arithmetic binds
// before subscripting.
// CHECK:       static const int8_t w[2][2] = {{\{\{}}1, 2}, {3, 4}};
// CHECK-EMPTY:
// CHECK-NEXT:  static const int8_t v[4] = {1, 2, 3, 4};
// CHECK-EMPTY:
// CHECK-NEXT:  int64_t literals(float f, const int8_t *p, int32_t i) {
// CHECK-NEXT:      return use(&w[0][0], v, (p + 4)[i]) - -5 > (-2147483647 - 1) && f * 0.5f - -0.33333334f >= 0.0f && true ? INT64_C(5000000000) : INT32_MAX - ((int64_t)sizeof(int)) + (int64_t)4000000000u;
// CHECK-NEXT:  }

mcuc.func @precedence(%o: !emitc.ptr<i32>, %a: i32, %b: i32, %c: i32, %p: i1, %q: i1) {
  %c2 = mcuc.constant 2 : i32
  %c3 = mcuc.constant 3 : i32
  %k0 = mcuc.constant 0 : i32
  %e0_0 = mcuc.add %a, %b : (i32, i32) -> i32
  %r0 = mcuc.mul %e0_0, %c : (i32, i32) -> i32
  %o0 = mcuc.subscript %o[%k0] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r0 to %o0 : !emitc.lvalue<i32>
  %k1 = mcuc.constant 1 : i32
  %e1_0 = mcuc.mul %a, %b : (i32, i32) -> i32
  %r1 = mcuc.add %e1_0, %c : (i32, i32) -> i32
  %o1 = mcuc.subscript %o[%k1] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r1 to %o1 : !emitc.lvalue<i32>
  %k2 = mcuc.constant 2 : i32
  %e2_0 = mcuc.sub %b, %c : (i32, i32) -> i32
  %r2 = mcuc.sub %a, %e2_0 : (i32, i32) -> i32
  %o2 = mcuc.subscript %o[%k2] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r2 to %o2 : !emitc.lvalue<i32>
  %k3 = mcuc.constant 3 : i32
  %e3_0 = mcuc.sub %a, %b : (i32, i32) -> i32
  %r3 = mcuc.sub %e3_0, %c : (i32, i32) -> i32
  %o3 = mcuc.subscript %o[%k3] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r3 to %o3 : !emitc.lvalue<i32>
  %k4 = mcuc.constant 4 : i32
  %e4_0 = mcuc.mul %b, %c : (i32, i32) -> i32
  %r4 = mcuc.div %a, %e4_0 : (i32, i32) -> i32
  %o4 = mcuc.subscript %o[%k4] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r4 to %o4 : !emitc.lvalue<i32>
  %k5 = mcuc.constant 5 : i32
  %e5_0 = mcuc.add %a, %b : (i32, i32) -> i32
  %r5 = mcuc.shl %e5_0, %c2 : (i32, i32) -> i32
  %o5 = mcuc.subscript %o[%k5] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r5 to %o5 : !emitc.lvalue<i32>
  %k6 = mcuc.constant 6 : i32
  %e6_0 = mcuc.bitwise_and %b, %c3 : (i32, i32) -> i32
  %r6 = mcuc.shr %a, %e6_0 : (i32, i32) -> i32
  %o6 = mcuc.subscript %o[%k6] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r6 to %o6 : !emitc.lvalue<i32>
  %k7 = mcuc.constant 7 : i32
  %e7_0 = mcuc.bitwise_and %a, %b : (i32, i32) -> i32
  %r7 = mcuc.bitwise_and %e7_0, %c : (i32, i32) -> i32
  %o7 = mcuc.subscript %o[%k7] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r7 to %o7 : !emitc.lvalue<i32>
  %k8 = mcuc.constant 8 : i32
  %e8_0 = mcuc.bitwise_and %b, %c : (i32, i32) -> i32
  %r8 = mcuc.bitwise_or %a, %e8_0 : (i32, i32) -> i32
  %o8 = mcuc.subscript %o[%k8] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r8 to %o8 : !emitc.lvalue<i32>
  %k9 = mcuc.constant 9 : i32
  %e9_0 = mcuc.bitwise_xor %a, %b : (i32, i32) -> i32
  %e9_1 = mcuc.cmp eq, %e9_0, %c : (i32, i32) -> i1
  %r9 = mcuc.cast %e9_1 : i1 to i32
  %o9 = mcuc.subscript %o[%k9] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r9 to %o9 : !emitc.lvalue<i32>
  %k10 = mcuc.constant 10 : i32
  %e10_0 = mcuc.cmp lt, %a, %b : (i32, i32) -> i1
  %e10_1 = mcuc.cmp ne, %b, %c : (i32, i32) -> i1
  %e10_2 = mcuc.logical_and %e10_0, %e10_1 : i1, i1
  %e10_3 = mcuc.logical_and %p, %q : i1, i1
  %e10_4 = mcuc.logical_or %e10_3, %e10_2 : i1, i1
  %e10_5 = mcuc.logical_or %e10_4, %p : i1, i1
  %e10_6 = mcuc.conditional %e10_5, %a, %b : i32
  %r10 = mcuc.add %e10_6, %c2 : (i32, i32) -> i32
  %o10 = mcuc.subscript %o[%k10] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r10 to %o10 : !emitc.lvalue<i32>
  %k11 = mcuc.constant 11 : i32
  %e11_0 = mcuc.add %a, %b : (i32, i32) -> i32
  %e11_1 = mcuc.unary_minus %e11_0 : (i32) -> i32
  %e11_2 = mcuc.unary_minus %a : (i32) -> i32
  %e11_3 = mcuc.mul %e11_2, %b : (i32, i32) -> i32
  %r11 = mcuc.sub %e11_1, %e11_3 : (i32, i32) -> i32
  %o11 = mcuc.subscript %o[%k11] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r11 to %o11 : !emitc.lvalue<i32>
  %k12 = mcuc.constant 12 : i32
  %e12_0 = mcuc.bitwise_not %a : (i32) -> i32
  %e12_1 = mcuc.bitwise_and %e12_0, %b : (i32, i32) -> i32
  %e12_2 = mcuc.cmp lt, %a, %b : (i32, i32) -> i1
  %e12_3 = mcuc.logical_not %e12_2 : i1
  %e12_4 = mcuc.cast %e12_3 : i1 to i32
  %r12 = mcuc.add %e12_1, %e12_4 : (i32, i32) -> i32
  %o12 = mcuc.subscript %o[%k12] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r12 to %o12 : !emitc.lvalue<i32>
  %k13 = mcuc.constant 13 : i32
  %e13_0 = mcuc.cmp lt, %a, %b : (i32, i32) -> i1
  %e13_1 = mcuc.cmp lt, %b, %c : (i32, i32) -> i1
  %e13_2 = mcuc.cmp eq, %e13_0, %e13_1 : (i1, i1) -> i1
  %r13 = mcuc.cast %e13_2 : i1 to i32
  %o13 = mcuc.subscript %o[%k13] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  mcuc.assign %r13 to %o13 : !emitc.lvalue<i32>
  mcuc.return
}

mcuc.func @narrow(%a: i8, %b: i8, %u: ui8, %out: !emitc.ptr<i8>) -> i1 {
  %s = mcuc.add %a, %b : (i8, i8) -> i8
  %e = mcuc.subscript %out[%a] : (!emitc.ptr<i8>, i8) -> !emitc.lvalue<i8>
  mcuc.assign %s to %e : !emitc.lvalue<i8>
  %d = mcuc.sub %a, %b : (i8, i8) -> i8
  %c = mcuc.cmp lt, %d, %a : (i8, i8) -> i1
  %n = mcuc.bitwise_not %u : (ui8) -> ui8
  %w = mcuc.cast %n : ui8 to i32
  %wide = mcuc.cast %a : i8 to i32
  %m = mcuc.mul %w, %wide : (i32, i32) -> i32
  %h = mcuc.shr %u, %u : (ui8, ui8) -> ui8
  %h2 = mcuc.cast %h : ui8 to i32
  %sum = mcuc.add %m, %h2 : (i32, i32) -> i32
  %z = mcuc.constant 0 : i32
  %pos = mcuc.cmp gt, %sum, %z : (i32, i32) -> i1
  %r = mcuc.logical_and %c, %pos : i1, i1
  mcuc.return %r : i1
}

mcuc.func @compound(%acc: !emitc.ptr<i32>, %i: i32, %x: i32) {
  %c1 = mcuc.constant 1 : i32
  %e = mcuc.subscript %acc[%i] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  %v = mcuc.load %e : !emitc.lvalue<i32>
  %s = mcuc.sub %v, %x : (i32, i32) -> i32
  mcuc.assign %s to %e : !emitc.lvalue<i32>
  %v2 = mcuc.load %e : !emitc.lvalue<i32>
  %s2 = mcuc.shl %v2, %c1 : (i32, i32) -> i32
  mcuc.assign %s2 to %e : !emitc.lvalue<i32>
  %v3 = mcuc.load %e : !emitc.lvalue<i32>
  %s3 = mcuc.sub %x, %v3 : (i32, i32) -> i32
  mcuc.assign %s3 to %e : !emitc.lvalue<i32>
  %k = mcuc.mul %i, %i : (i32, i32) -> i32
  %ek = mcuc.subscript %acc[%k] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  %vk = mcuc.load %ek : !emitc.lvalue<i32>
  %sk = mcuc.add %vk, %x : (i32, i32) -> i32
  mcuc.assign %sk to %ek : !emitc.lvalue<i32>
  mcuc.return
}

mcuc.func @ordering(%p: !emitc.ptr<i32>, %n: i32) -> i32 {
  %c0 = mcuc.constant 0 : i32
  %c1 = mcuc.constant 1 : i32
  %e = mcuc.subscript %p[%c0] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  %old = mcuc.load %e : !emitc.lvalue<i32>
  mcuc.assign %c1 to %e : !emitc.lvalue<i32>
  %a = mcuc.add %old, %c1 : (i32, i32) -> i32
  %f = mcuc.call_opaque "next"() : () -> i32
  %g = mcuc.call_opaque "next"() : () -> i32
  %fg = mcuc.sub %f, %g : (i32, i32) -> i32
  %h = mcuc.call_opaque "next"() : () -> i32
  %cur = mcuc.load %e : !emitc.lvalue<i32>
  %hc = mcuc.add %h, %cur : (i32, i32) -> i32
  %nested = mcuc.call_opaque "abs"(%hc) : (i32) -> i32
  %ub = mcuc.load %e : !emitc.lvalue<i32>
  %step = mcuc.add %c1, %c1 : (i32, i32) -> i32
  %n2 = mcuc.mul %n, %n : (i32, i32) -> i32
  mcuc.for %i = %c0 to %ub step %step : i32 {
    mcuc.assign %i to %e : !emitc.lvalue<i32>
  }
  mcuc.for %j = %c0 to %n2 step %c1 : i32 {
    mcuc.call_opaque "tick"() : () -> ()
  }
  %dead = mcuc.mul %a, %a : (i32, i32) -> i32
  %dead2 = mcuc.load %e : !emitc.lvalue<i32>
  %r0 = mcuc.add %a, %fg : (i32, i32) -> i32
  %r1 = mcuc.add %r0, %nested : (i32, i32) -> i32
  mcuc.return %r1 : i32
}

mcuc.global static const @w : !emitc.array<2x2xi8> = dense<[[1, 2], [3, 4]]>
mcuc.global static const @v : !emitc.array<4xi8> = dense<[1, 2, 3, 4]>
mcuc.func @literals(%f: f32, %p: !emitc.ptr<!mcuc.const<i8>>, %i: i32) -> i64 {
  %w = mcuc.get_global @w : !emitc.array<2x2xi8>
  %wp = mcuc.cast %w : !emitc.array<2x2xi8> to !emitc.ptr<!mcuc.const<i8>>
  %v = mcuc.get_global @v : !emitc.array<4xi8>
  %vp = mcuc.cast %v : !emitc.array<4xi8> to !emitc.ptr<!mcuc.const<i8>>
  %c4 = mcuc.constant 4 : i32
  %q = mcuc.add %p, %c4 : (!emitc.ptr<!mcuc.const<i8>>, i32) -> !emitc.ptr<!mcuc.const<i8>>
  %qe = mcuc.subscript %q[%i] : (!emitc.ptr<!mcuc.const<i8>>, i32) -> !emitc.lvalue<i8>
  %qv = mcuc.load %qe : !emitc.lvalue<i8>
  %r = mcuc.call_opaque "use"(%wp, %vp, %qv) : (!emitc.ptr<!mcuc.const<i8>>, !emitc.ptr<!mcuc.const<i8>>, i8) -> i32
  %min = mcuc.constant -2147483648 : i32
  %neg = mcuc.constant -5 : i32
  %m0 = mcuc.sub %r, %neg : (i32, i32) -> i32
  %m1 = mcuc.cmp gt, %m0, %min : (i32, i32) -> i1
  %half = mcuc.constant 0.5 : f32
  %third = mcuc.constant -0.333333343 : f32
  %ff = mcuc.mul %f, %half : (f32, f32) -> f32
  %fg = mcuc.sub %ff, %third : (f32, f32) -> f32
  %fz = mcuc.constant 0.0 : f32
  %fc = mcuc.cmp ge, %fg, %fz : (f32, f32) -> i1
  %both = mcuc.logical_and %m1, %fc : i1, i1
  %t = mcuc.constant true
  %both2 = mcuc.logical_and %both, %t : i1, i1
  %big = mcuc.constant 5000000000 : i64
  %lit = mcuc.literal "INT32_MAX" : i64
  %expr = mcuc.literal "(int64_t)sizeof(int)" : i64
  %k = mcuc.sub %lit, %expr : (i64, i64) -> i64
  %u = mcuc.constant 4000000000 : ui32
  %uw = mcuc.cast %u : ui32 to i64
  %k2 = mcuc.add %k, %uw : (i64, i64) -> i64
  %pick = mcuc.conditional %both2, %big, %k2 : i64
  mcuc.return %pick : i64
}
