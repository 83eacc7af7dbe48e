// Statements: for loops (`++i` for a unit step, index as int32_t, any integer
// type), nested loops, sibling loops reusing a name, if/else and if without
// else, local variables (initialised, uninitialised, arrays; `(void)` for a
// variable that is only written), comments and verbatim text in bodies.
// A value used in a nested region is bound to a const local before it.

// RUN: tinymlir-opt %s -p mcuc-drop-dead-values,mcuc-form-expressions -t c | filecheck %s

// CHECK-LABEL: void loops(int32_t *out, int32_t n, bool flag) {
// CHECK-NEXT:      int32_t buf[4][4];
// CHECK-NEXT:      int32_t last;
// CHECK-NEXT:      (void)last;
// CHECK-NEXT:      for (int32_t i = 0; i < 4; ++i) {
// CHECK-NEXT:          /* row i */
// CHECK-NEXT:          for (int32_t j = 0; j < n; j += 2) {
// CHECK-NEXT:              const int32_t v = i * j;
// CHECK-NEXT:              buf[i][j] = v;
// CHECK-NEXT:              last = v;
// CHECK-NEXT:          }
// CHECK-NEXT:      }
// CHECK-NEXT:      for (int32_t i = 0; i < 4; ++i) {
// CHECK-NEXT:          const int32_t v = buf[i][0];
// CHECK-NEXT:          if (flag) {
// CHECK-NEXT:              out[i] = v;
// CHECK-NEXT:          } else {
// CHECK-NEXT:              /* keep */
// CHECK-NEXT:              out[i] = 0;
// CHECK-NEXT:          }
// CHECK-NEXT:      }
// CHECK-NEXT:      for (int8_t k = -3; k < 10; k += 3) {
// CHECK-NEXT:          if (k >= -3) {
// CHECK-NEXT:              tick();
// CHECK-NEXT:          }
// CHECK-NEXT:      }
// CHECK-NEXT:  }

// A padded window: the bounds check folds into the if, the accumulation into
// a compound assignment.
// CHECK-LABEL: int32_t pad(const int8_t *in, int32_t h, int32_t x) {
// CHECK-NEXT:      int32_t acc = 0;
// CHECK-NEXT:      for (int32_t k = 0; k < 3; ++k) {
// CHECK-NEXT:          const int32_t row = x + k - 1;
// CHECK-NEXT:          if (row >= 0 && row < h) {
// CHECK-NEXT:              acc += (int32_t)in[row];
// CHECK-NEXT:          }
// CHECK-NEXT:      }
// CHECK-NEXT:      return acc;
// CHECK-NEXT:  }

mcuc.func @loops(%out: !emitc.ptr<i32>, %n: index, %flag: i1) {
  %c0 = mcuc.constant 0 : index
  %c1 = mcuc.constant 1 : index
  %c2 = mcuc.constant 2 : index
  %c4 = mcuc.constant 4 : index
  %z = mcuc.constant 0 : i32
  %buf = mcuc.variable : !emitc.array<4x4xi32>
  %last = mcuc.variable : !emitc.lvalue<i32>
  mcuc.for %i = %c0 to %c4 step %c1 {
    mcuc.comment "row i"
    mcuc.for %j = %c0 to %n step %c2 {
      %e = mcuc.subscript %buf[%i, %j] : (!emitc.array<4x4xi32>, index, index) -> !emitc.lvalue<i32>
      %ij = mcuc.mul %i, %j : (index, index) -> index
      %v = mcuc.cast %ij : index to i32
      mcuc.assign %v to %e : !emitc.lvalue<i32>
      mcuc.assign %v to %last : !emitc.lvalue<i32>
    }
  }
  mcuc.for %i = %c0 to %c4 step %c1 {
    %e = mcuc.subscript %buf[%i, %c0] : (!emitc.array<4x4xi32>, index, index) -> !emitc.lvalue<i32>
    %v = mcuc.load %e : !emitc.lvalue<i32>
    %o = mcuc.subscript %out[%i] : (!emitc.ptr<i32>, index) -> !emitc.lvalue<i32>
    mcuc.if %flag {
      mcuc.assign %v to %o : !emitc.lvalue<i32>
    } else {
      mcuc.verbatim "/* keep */"
      mcuc.assign %z to %o : !emitc.lvalue<i32>
    }
  }
  %ub = mcuc.constant 10 : i8
  %lb = mcuc.constant -3 : i8
  %st = mcuc.constant 3 : i8
  mcuc.for %k = %lb to %ub step %st : i8 {
    %pos = mcuc.cmp ge, %k, %lb : (i8, i8) -> i1
    mcuc.if %pos {
      mcuc.call_opaque "tick"() : () -> ()
    }
  }
  mcuc.return
}

mcuc.func @pad(%in: !emitc.ptr<!mcuc.const<i8>>, %h: i32, %x: i32) -> i32 {
  %c0 = mcuc.constant 0 : i32
  %c1 = mcuc.constant 1 : i32
  %c3 = mcuc.constant 3 : i32
  %acc = mcuc.variable init %c0 : !emitc.lvalue<i32>
  mcuc.for %k = %c0 to %c3 step %c1 : i32 {
    %r = mcuc.add %x, %k : (i32, i32) -> i32
    %row = mcuc.sub %r, %c1 : (i32, i32) -> i32
    %ge = mcuc.cmp ge, %row, %c0 : (i32, i32) -> i1
    %lt = mcuc.cmp lt, %row, %h : (i32, i32) -> i1
    %inside = mcuc.logical_and %ge, %lt : i1, i1
    mcuc.if %inside {
      %e = mcuc.subscript %in[%row] : (!emitc.ptr<!mcuc.const<i8>>, i32) -> !emitc.lvalue<i8>
      %v = mcuc.load %e : !emitc.lvalue<i8>
      %w = mcuc.cast %v : i8 to i32
      %a = mcuc.load %acc : !emitc.lvalue<i32>
      %s = mcuc.add %a, %w : (i32, i32) -> i32
      mcuc.assign %s to %acc : !emitc.lvalue<i32>
    }
  }
  %res = mcuc.load %acc : !emitc.lvalue<i32>
  mcuc.return %res : i32
}
