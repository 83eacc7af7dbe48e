// What arith-emulate-f32 refuses, naming the op: f32 ops it does not implement (without
// an FPU), f32 inside other types, conversions wider than i32, and (with an FPU) math
// ops that would need libm. (--verify-diagnostics also prints the IR around the op: the
// checks are anchored at the start of the line, where each case's message begins.)
// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics -p arith-emulate-f32 | filecheck %s
// RUN: not tinymlir-opt %s --split-input-file -p arith-emulate-f32 2>&1 | filecheck %s --check-prefix=EXIT
// RUN: not tinymlir-opt %s --split-input-file -p 'arith-emulate-f32{hard-float=true}' 2>&1 | filecheck %s --check-prefix=HARD

// CHECK: {{^}}arith-emulate-f32: math.exp on f32 is not supported
// EXIT: tinymlir-opt: error: arith-emulate-f32: math.exp on f32 is not supported
// EXIT-NOT: Traceback
// HARD: tinymlir-opt: error: arith-emulate-f32: math.exp is not supported (it would need libm)
// HARD-NOT: Traceback
func.func @exp(%x: f32) -> f32 {
  %y = math.exp %x : f32
  func.return %y : f32
}

// -----

// CHECK: {{^}}arith-emulate-f32: arith.uitofp on f32 is not supported
func.func @uitofp(%x: i32) -> f32 {
  %y = arith.uitofp %x : i32 to f32
  func.return %y : f32
}

// -----

// CHECK: {{^}}arith-emulate-f32: arith.sitofp from i64 is not supported (at most i32)
func.func @sitofp_i64(%x: i64) -> f32 {
  %y = arith.sitofp %x : i64 to f32
  func.return %y : f32
}

// -----

// CHECK: {{^}}arith-emulate-f32: arith.fptosi to i8 is not supported (i32 only)
func.func @fptosi_i8(%x: f32) -> i8 {
  %y = arith.fptosi %x : f32 to i8
  func.return %y : i8
}

// -----

// CHECK: {{^}}arith-emulate-f32: func.func on vector<4xf32> is not supported (f32 scalars and memrefs of f32 only)
func.func @vector(%x: vector<4xf32>) -> vector<4xf32> {
  %y = arith.addf %x, %x : vector<4xf32>
  func.return %y : vector<4xf32>
}

// -----

// CHECK: {{^}}arith-emulate-f32: arith.extf on f32 is not supported
func.func @extf(%x: f32) -> f64 {
  %y = arith.extf %x : f32 to f64
  func.return %y : f64
}
