// What convert-arith-to-mcuc refuses: floats other than f32 (no double on the target),
// unsigned comparisons (C would compare the signed types), and any other op.
// (--verify-diagnostics also prints the IR around the op: the checks are anchored at the
// start of the line, where each case's message begins.)
// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics -p convert-arith-to-mcuc | filecheck %s
// RUN: not tinymlir-opt %s --split-input-file -p convert-arith-to-mcuc 2>&1 | filecheck %s --check-prefix=EXIT

// CHECK: {{^}}convert-arith-to-mcuc: arith.constant is not supported (f32 is the only float type)
// EXIT: tinymlir-opt: error: convert-arith-to-mcuc: arith.constant is not supported (f32 is the only float type)
// EXIT-NOT: Traceback
func.func @double_constant() -> f64 {
  %f = arith.constant 1.5 : f64
  func.return %f : f64
}

// -----

// CHECK: {{^}}convert-arith-to-mcuc: arith.constant of dense<0> : tensor<4xi32> is not supported (integer and f32 constants only)
func.func @tensor_constant() -> tensor<4xi32> {
  %t = arith.constant dense<0> : tensor<4xi32>
  func.return %t : tensor<4xi32>
}

// -----

// CHECK: {{^}}convert-arith-to-mcuc: unsigned comparisons are not supported
func.func @ult(%x: i32, %y: i32) -> i1 {
  %c = arith.cmpi ult, %x, %y : i32
  func.return %c : i1
}

// -----

// CHECK: {{^}}convert-arith-to-mcuc: unsigned comparisons are not supported
func.func @uge(%x: index, %y: index) -> i1 {
  %c = arith.cmpi uge, %x, %y : index
  func.return %c : i1
}

// -----

// CHECK: {{^}}convert-arith-to-mcuc: arith.addf is not supported (f32 is the only float type)
func.func @addf(%x: f64) -> f64 {
  %y = arith.addf %x, %x : f64
  func.return %y : f64
}

// -----

// CHECK: {{^}}convert-arith-to-mcuc: arith.extf is not supported (f32 is the only float type)
func.func @extf(%x: f32) -> f64 {
  %y = arith.extf %x : f32 to f64
  func.return %y : f64
}

// -----

// CHECK: {{^}}convert-arith-to-mcuc: arith.cmpf one is not supported
func.func @cmpf_one(%x: f32) -> i1 {
  %y = arith.cmpf one, %x, %x : f32
  func.return %y : i1
}

// -----

// CHECK: {{^}}convert-arith-to-mcuc: arith.uitofp is not supported (integer and f32 arithmetic only)
func.func @uitofp(%x: i32) -> f32 {
  %y = arith.uitofp %x : i32 to f32
  func.return %y : f32
}

// -----

// CHECK: {{^}}convert-arith-to-mcuc: arith.shrui is not supported (integer and f32 arithmetic only)
func.func @shrui(%x: i32, %y: i32) -> i32 {
  %z = arith.shrui %x, %y : i32
  func.return %z : i32
}

// -----

// CHECK: {{^}}convert-arith-to-mcuc: arith.maxui is not supported (integer and f32 arithmetic only)
func.func @maxui(%x: i32, %y: i32) -> i32 {
  %z = arith.maxui %x, %y : i32
  func.return %z : i32
}

// -----

// An op nested in a region is found too.
// CHECK: {{^}}convert-arith-to-mcuc: arith.ceildivsi is not supported (integer and f32 arithmetic only)
func.func @nested(%n: index, %x: i32, %p: !emitc.ptr<i32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %z = arith.ceildivsi %x, %x : i32
    %l = mcuc.subscript %p[%i] : (!emitc.ptr<i32>, index) -> !emitc.lvalue<i32>
    mcuc.assign %z to %l : !emitc.lvalue<i32>
  }
  func.return
}

// -----

// CHECK: {{^}}convert-arith-to-mcuc: math.ctlz on i16 is not supported (i32 and i64 only)
func.func @clz16(%x: i16) -> i16 {
  %n = math.ctlz %x : i16
  func.return %n : i16
}
