// RUN: tinymlir-opt %s --split-input-file -p arith-emulate-f32 | filecheck %s
// RUN: tinymlir-opt %s --split-input-file -p arith-emulate-f32 | filecheck %s --check-prefix=NOF32
// NOF32-NOT: {{\bf32\b}}

// The conv output stage with a constant scale is one helper specialised for the scale
// (0.25 = 0x3e800000) and the rounded bounds.
// CHECK:       func.func private @tinymlir_f32_output_stage_3e800000_m128_127(%{{.*}}: i32) -> i32 attributes {tinymlir.inline}
// CHECK:         arith.muli %{{.*}}, %{{.*}} : i64
// CHECK-LABEL: func.func @output_stage(%acc: i32) -> i32
// CHECK:         %y = func.call @tinymlir_f32_output_stage_3e800000_m128_127(%acc) : (i32) -> i32
// CHECK-NEXT:    func.return %y : i32
func.func @output_stage(%acc: i32) -> i32 {
  %s = arith.constant 0.25 : f32
  %lo = arith.constant -128.0 : f32
  %hi = arith.constant 127.0 : f32
  %a = arith.sitofp %acc : i32 to f32
  %m = arith.mulf %a, %s : f32
  %mx = arith.maximumf %m, %lo : f32
  %mn = arith.minimumf %mx, %hi : f32
  %r = math.roundeven %mn : f32
  %y = arith.fptosi %r : f32 to i32
  func.return %y : i32
}

// -----

// Each op on its own: constants become bit patterns, negf flips the sign bit, the
// arithmetic calls one helper per operation; select works on the bit patterns.
// CHECK-LABEL: func.func @ops(%x: i32, %y: i32, %i: i8, %c: i1) -> (i32, i32, i1)
// CHECK-NEXT:    %k = arith.constant 1069547520 : i32
// CHECK-NEXT:    %a = func.call @tinymlir_f32_add(%x, %k) : (i32, i32) -> i32
// CHECK-NEXT:    %[[SIGN:.*]] = arith.constant -2147483648 : i32
// CHECK-NEXT:    %[[MINUS_Y:.*]] = arith.xori %y, %[[SIGN]] : i32
// CHECK-NEXT:    %[[S:.*]] = func.call @tinymlir_f32_add(%a, %[[MINUS_Y]]) : (i32, i32) -> i32
// CHECK-NEXT:    %m = func.call @tinymlir_f32_mul(%[[S]], %y) : (i32, i32) -> i32
// CHECK-NEXT:    %d = func.call @tinymlir_f32_div(%m, %x) : (i32, i32) -> i32
// CHECK-NEXT:    %mx = func.call @tinymlir_f32_maximum(%d, %y) : (i32, i32) -> i32
// CHECK-NEXT:    %mn = func.call @tinymlir_f32_minimum(%mx, %x) : (i32, i32) -> i32
// CHECK-NEXT:    %[[SIGN2:.*]] = arith.constant -2147483648 : i32
// CHECK-NEXT:    %[[N:.*]] = arith.xori %mn, %[[SIGN2]] : i32
// CHECK-NEXT:    %r = func.call @tinymlir_f32_roundeven(%[[N]]) : (i32) -> i32
// CHECK-NEXT:    %[[WIDE:.*]] = arith.extsi %i : i8 to i32
// CHECK-NEXT:    %[[F:.*]] = func.call @tinymlir_f32_from_i32(%[[WIDE]]) : (i32) -> i32
// CHECK-NEXT:    %sel = arith.select %c, %r, %[[F]] : i32
// CHECK-NEXT:    %t = func.call @tinymlir_f32_to_i32(%sel) : (i32) -> i32
// cmpf olt: both operands ordered (magnitude <= inf) and their order keys compare.
// CHECK:         func.return %sel, %t, %{{.*}} : i32, i32, i1
func.func @ops(%x: f32, %y: f32, %i: i8, %c: i1) -> (f32, i32, i1) {
  %k = arith.constant 1.5 : f32
  %a = arith.addf %x, %k : f32
  %s = arith.subf %a, %y : f32
  %m = arith.mulf %s, %y : f32
  %d = arith.divf %m, %x : f32
  %mx = arith.maximumf %d, %y : f32
  %mn = arith.minimumf %mx, %x : f32
  %n = arith.negf %mn : f32
  %r = math.roundeven %n : f32
  %f = arith.sitofp %i : i8 to f32
  %sel = arith.select %c, %r, %f : f32
  %t = arith.fptosi %sel : f32 to i32
  %lt = arith.cmpf olt, %x, %y : f32
  func.return %sel, %t, %lt : f32, i32, i1
}

// -----

// Tables, loop-carried sums and their loads are bit patterns (-0.0 is 0x80000000).
// CHECK:       "memref.global"() <{sym_name = "table", type = memref<2xi32>, initial_value = dense<[1069547520, -2147483648]> : tensor<2xi32>, sym_visibility = "private", constant}> : () -> ()
// CHECK-LABEL: func.func @sum(%n: index) -> i32
// CHECK:         %g = memref.get_global @table : memref<2xi32>
// CHECK:         %zero = arith.constant 0 : i32
// CHECK-NEXT:    %total = scf.for %i = %c0 to %n step %c1 iter_args(%t = %zero) -> (i32) {
// CHECK-NEXT:      %e = memref.load %g[%c0] : memref<2xi32>
// CHECK-NEXT:      %t2 = func.call @tinymlir_f32_add(%t, %e) : (i32, i32) -> i32
// CHECK-NEXT:      scf.yield %t2 : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %total : i32
"memref.global"() <{sym_name = "table", type = memref<2xf32>, initial_value = dense<[1.5, -0.0]> : tensor<2xf32>, sym_visibility = "private", constant}> : () -> ()
func.func @sum(%n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %g = memref.get_global @table : memref<2xf32>
  %zero = arith.constant 0.0 : f32
  %total = scf.for %i = %c0 to %n step %c1 iter_args(%t = %zero) -> (f32) {
    %e = memref.load %g[%c0] : memref<2xf32>
    %t2 = arith.addf %t, %e : f32
    scf.yield %t2 : f32
  }
  func.return %total : f32
}

// -----

// Without f32 the pass changes nothing.
// CHECK-LABEL: func.func @integers(%x: i32) -> i32
// CHECK-NEXT:    %y = arith.addi %x, %x : i32
// CHECK-NEXT:    func.return %y : i32
func.func @integers(%x: i32) -> i32 {
  %y = arith.addi %x, %x : i32
  func.return %y : i32
}

// -----

// Bit lengths are one math.ctlz (a CLZ instruction on the Cortex-M4).
// CHECK:       func.func private @tinymlir_f32_round_pack_32(%{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i64) -> i32
// CHECK:         math.ctlz %{{.*}} : i64
// CHECK-LABEL: func.func @from_int(%x: i32) -> i32
func.func @from_int(%x: i32) -> f32 {
  %f = arith.sitofp %x : i32 to f32
  func.return %f : f32
}

// -----

// A constant-scale stage whose band is narrow: thresholds outside it, one multiply inside
// (the multiplier 0.0123 * 2^32 = 52828096 exactly), the exact double-rounding test out of line.
// CHECK:       func.func private @tinymlir_f32_output_stage_3c4985f0_m128_127(%{{.*}}: i32) -> i32
// CHECK:         arith.constant 52828096 : i64
// CHECK:         func.call @tinymlir_f32_output_stage_3c4985f0_m128_127_tie
// CHECK:         arith.constant -10366 : i32
// CHECK:         arith.constant 10285 : i32
// CHECK:       func.func private @tinymlir_f32_output_stage_3c4985f0_m128_127_tie(%{{.*}}: i32) -> i32
// CHECK:         math.ctlz %{{.*}} : i32
func.func @band(%acc: i32) -> i32 {
  %s = arith.constant 0.0123 : f32
  %lo = arith.constant -128.0 : f32
  %hi = arith.constant 127.0 : f32
  %a = arith.sitofp %acc : i32 to f32
  %m = arith.mulf %a, %s : f32
  %mx = arith.maximumf %m, %lo : f32
  %mn = arith.minimumf %mx, %hi : f32
  %r = math.roundeven %mn : f32
  %y = arith.fptosi %r : f32 to i32
  func.return %y : i32
}
