// RUN: tinymlir-opt %s --split-input-file -p convert-arith-to-mcuc | filecheck %s
// RUN: tinymlir-opt %s --split-input-file -p convert-arith-to-mcuc | filecheck %s --check-prefix=NOARITH
// NOARITH-NOT: arith.

// Integer, index and i1 constants keep their value and type.
// CHECK-LABEL: func.func @constants
// CHECK-NEXT:    %a = mcuc.constant -7 : i32
// CHECK-NEXT:    %b = mcuc.constant 42 : index
// CHECK-NEXT:    %t = mcuc.constant true
// CHECK-NEXT:    %f = mcuc.constant false
// CHECK-NEXT:    %l = mcuc.constant 4294967296 : i64
// CHECK-NEXT:    %m = mcuc.constant -128 : i8
// CHECK-NEXT:    func.return %a, %b, %t, %f, %l, %m : i32, index, i1, i1, i64, i8
func.func @constants() -> (i32, index, i1, i1, i64, i8) {
  %a = arith.constant -7 : i32
  %b = arith.constant 42 : index
  %t = arith.constant true
  %f = arith.constant false
  %l = arith.constant 4294967296 : i64
  %m = arith.constant -128 : i8
  func.return %a, %b, %t, %f, %l, %m : i32, index, i1, i1, i64, i8
}

// -----

// Arithmetic and bitwise ops are the C operators on the same type; the unsigned division
// and remainder are the same operators (their operands are non-negative index values).
// CHECK-LABEL: func.func @binary
// CHECK-NEXT:    %add = mcuc.add %x, %y : (i32, i32) -> i32
// CHECK-NEXT:    %sub = mcuc.sub %add, %y : (i32, i32) -> i32
// CHECK-NEXT:    %mul = mcuc.mul %sub, %x : (i32, i32) -> i32
// CHECK-NEXT:    %div = mcuc.div %mul, %y : (i32, i32) -> i32
// CHECK-NEXT:    %udiv = mcuc.div %i, %j : (index, index) -> index
// CHECK-NEXT:    %rem = mcuc.rem %div, %y : (i32, i32) -> i32
// CHECK-NEXT:    %urem = mcuc.rem %udiv, %j : (index, index) -> index
// CHECK-NEXT:    %shl = mcuc.shl %rem, %x : (i32, i32) -> i32
// CHECK-NEXT:    %shr = mcuc.shr %shl, %y : (i32, i32) -> i32
// CHECK-NEXT:    %and = mcuc.bitwise_and %shr, %x : (i32, i32) -> i32
// CHECK-NEXT:    %or = mcuc.bitwise_or %and, %y : (i32, i32) -> i32
// CHECK-NEXT:    %xor = mcuc.bitwise_xor %or, %x : (i32, i32) -> i32
// CHECK-NEXT:    func.return %xor : i32
func.func @binary(%x: i32, %y: i32, %i: index, %j: index) -> i32 {
  %add = arith.addi %x, %y : i32
  %sub = arith.subi %add, %y : i32
  %mul = arith.muli %sub, %x : i32
  %div = arith.divsi %mul, %y : i32
  %udiv = arith.divui %i, %j : index
  %rem = arith.remsi %div, %y : i32
  %urem = arith.remui %udiv, %j : index
  %shl = arith.shli %rem, %x : i32
  %shr = arith.shrsi %shl, %y : i32
  %and = arith.andi %shr, %x : i32
  %or = arith.ori %and, %y : i32
  %xor = arith.xori %or, %x : i32
  func.return %xor : i32
}

// -----

// On i1, and / or are the logical && / || (xor stays bitwise).
// CHECK-LABEL: func.func @logic
// CHECK-NEXT:    %and = mcuc.logical_and %a, %b : i1, i1
// CHECK-NEXT:    %or = mcuc.logical_or %and, %c : i1, i1
// CHECK-NEXT:    %xor = mcuc.bitwise_xor %or, %a : (i1, i1) -> i1
// CHECK-NEXT:    func.return %xor : i1
func.func @logic(%a: i1, %b: i1, %c: i1) -> i1 {
  %and = arith.andi %a, %b : i1
  %or = arith.ori %and, %c : i1
  %xor = arith.xori %or, %a : i1
  func.return %xor : i1
}

// -----

// Signed and equality comparisons.
// CHECK-LABEL: func.func @compare
// CHECK-NEXT:    %eq = mcuc.cmp eq, %x, %y : (i32, i32) -> i1
// CHECK-NEXT:    %ne = mcuc.cmp ne, %x, %y : (i32, i32) -> i1
// CHECK-NEXT:    %lt = mcuc.cmp lt, %x, %y : (i32, i32) -> i1
// CHECK-NEXT:    %le = mcuc.cmp le, %x, %y : (i32, i32) -> i1
// CHECK-NEXT:    %gt = mcuc.cmp gt, %x, %y : (i32, i32) -> i1
// CHECK-NEXT:    %ge = mcuc.cmp ge, %x, %y : (i32, i32) -> i1
// CHECK-NEXT:    func.return %eq, %ne, %lt, %le, %gt, %ge : i1, i1, i1, i1, i1, i1
func.func @compare(%x: i32, %y: i32) -> (i1, i1, i1, i1, i1, i1) {
  %eq = arith.cmpi eq, %x, %y : i32
  %ne = arith.cmpi ne, %x, %y : i32
  %lt = arith.cmpi slt, %x, %y : i32
  %le = arith.cmpi sle, %x, %y : i32
  %gt = arith.cmpi sgt, %x, %y : i32
  %ge = arith.cmpi sge, %x, %y : i32
  func.return %eq, %ne, %lt, %le, %gt, %ge : i1, i1, i1, i1, i1, i1
}

// -----

// select is `c ? a : b`; max / min are a comparison and a conditional (`a > b ? a : b`).
// CHECK-LABEL: func.func @choose
// CHECK-NEXT:    %sel = mcuc.conditional %c, %x, %y : i32
// CHECK-NEXT:    %max = mcuc.cmp gt, %x, %y : (i32, i32) -> i1
// CHECK-NEXT:    %max_1 = mcuc.conditional %max, %x, %y : i32
// CHECK-NEXT:    %min = mcuc.cmp lt, %x, %y : (i32, i32) -> i1
// CHECK-NEXT:    %min_1 = mcuc.conditional %min, %x, %y : i32
// CHECK-NEXT:    %imax = mcuc.cmp gt, %i, %j : (index, index) -> i1
// CHECK-NEXT:    %imax_1 = mcuc.conditional %imax, %i, %j : index
// CHECK-NEXT:    func.return %sel, %max_1, %min_1, %imax_1 : i32, i32, i32, index
func.func @choose(%c: i1, %x: i32, %y: i32, %i: index, %j: index) -> (i32, i32, i32, index) {
  %sel = arith.select %c, %x, %y : i32
  %max = arith.maxsi %x, %y : i32
  %min = arith.minsi %x, %y : i32
  %imax = arith.maxsi %i, %j : index
  func.return %sel, %max, %min, %imax : i32, i32, i32, index
}

// -----

// Extensions, truncations and index casts are C casts; extui goes through the unsigned
// type of the source width (a uint8 held in an i8 widens to 0..255), except from i1.
// CHECK-LABEL: func.func @casts
// CHECK-NEXT:    %s = mcuc.cast %b : i8 to i32
// CHECK-NEXT:    %t = mcuc.cast %w : i32 to i8
// CHECK-NEXT:    %u = mcuc.cast %b : i8 to ui8
// CHECK-NEXT:    %u_1 = mcuc.cast %u : ui8 to i32
// CHECK-NEXT:    %ix = mcuc.cast %w : i32 to index
// CHECK-NEXT:    %xi = mcuc.cast %i : index to i32
// CHECK-NEXT:    %wide = mcuc.cast %w : i32 to ui32
// CHECK-NEXT:    %wide_1 = mcuc.cast %wide : ui32 to i64
// CHECK-NEXT:    %bit = mcuc.cast %c : i1 to i32
// CHECK-NEXT:    func.return %s, %t, %u_1, %ix, %xi, %wide_1, %bit : i32, i8, i32, index, i32, i64, i32
func.func @casts(%b: i8, %w: i32, %i: index, %c: i1) -> (i32, i8, i32, index, i32, i64, i32) {
  %s = arith.extsi %b : i8 to i32
  %t = arith.trunci %w : i32 to i8
  %u = arith.extui %b : i8 to i32
  %ix = arith.index_cast %w : i32 to index
  %xi = arith.index_cast %i : index to i32
  %wide = arith.extui %w : i32 to i64
  %bit = arith.extui %c : i1 to i32
  func.return %s, %t, %u, %ix, %xi, %wide, %bit : i32, i8, i32, index, i32, i64, i32
}

// -----

// f32 (hard-float): C float operators, casts for the conversions, `?:` for max/min;
// unordered comparisons other than une are the negated ordered one.
// CHECK-LABEL: func.func @floats
// CHECK-NEXT:    %k = mcuc.constant 1.500000e+00 : f32
// CHECK-NEXT:    %a = mcuc.add %x, %k : (f32, f32) -> f32
// CHECK-NEXT:    %s = mcuc.sub %a, %x : (f32, f32) -> f32
// CHECK-NEXT:    %m = mcuc.mul %s, %x : (f32, f32) -> f32
// CHECK-NEXT:    %d = mcuc.div %m, %x : (f32, f32) -> f32
// CHECK-NEXT:    %n = mcuc.unary_minus %d : (f32) -> f32
// CHECK-NEXT:    %[[GT:.*]] = mcuc.cmp gt, %n, %x : (f32, f32) -> i1
// CHECK-NEXT:    %[[MX:.*]] = mcuc.conditional %[[GT]], %n, %x : f32
// CHECK-NEXT:    %[[LT:.*]] = mcuc.cmp lt, %[[MX]], %k : (f32, f32) -> i1
// CHECK-NEXT:    %[[MN:.*]] = mcuc.conditional %[[LT]], %[[MX]], %k : f32
// CHECK-NEXT:    %f = mcuc.cast %i : i32 to f32
// CHECK-NEXT:    %t = mcuc.cast %[[MN]] : f32 to i32
// CHECK-NEXT:    %ne = mcuc.cmp ne, %x, %f : (f32, f32) -> i1
// CHECK-NEXT:    %[[GE:.*]] = mcuc.cmp ge, %x, %f : (f32, f32) -> i1
// CHECK-NEXT:    %[[ULT:.*]] = mcuc.logical_not %[[GE]] : i1
// CHECK-NEXT:    func.return %t, %ne, %[[ULT]] : i32, i1, i1
func.func @floats(%x: f32, %i: i32) -> (i32, i1, i1) {
  %k = arith.constant 1.5 : f32
  %a = arith.addf %x, %k : f32
  %s = arith.subf %a, %x : f32
  %m = arith.mulf %s, %x : f32
  %d = arith.divf %m, %x : f32
  %n = arith.negf %d : f32
  %mx = arith.maximumf %n, %x : f32
  %mn = arith.minimumf %mx, %k : f32
  %f = arith.sitofp %i : i32 to f32
  %t = arith.fptosi %mn : f32 to i32
  %ne = arith.cmpf une, %x, %f : f32
  %ult = arith.cmpf ult, %x, %f : f32
  func.return %t, %ne, %ult : i32, i1, i1
}

// -----

// math.ctlz calls the width's helper, defined once (a guarded __builtin_clz) at the top.
// CHECK:       mcuc.verbatim "static inline int32_t tinymlir_clz_u32(uint32_t v)
// CHECK-SAME:    __builtin_clz
// CHECK-NEXT:  mcuc.verbatim "static inline int32_t tinymlir_clz32(int32_t x)
// CHECK-NEXT:  mcuc.verbatim "static inline int64_t tinymlir_clz64(int64_t x)
// CHECK-LABEL: func.func @clz
// CHECK-NEXT:    %n = mcuc.call_opaque "tinymlir_clz32"(%x) : (i32) -> i32
// CHECK-NEXT:    %m = mcuc.call_opaque "tinymlir_clz64"(%y) : (i64) -> i64
// CHECK-NEXT:    %k = mcuc.call_opaque "tinymlir_clz32"(%n) : (i32) -> i32
// CHECK-NEXT:    func.return %k, %m : i32, i64
func.func @clz(%x: i32, %y: i64) -> (i32, i64) {
  %n = math.ctlz %x : i32
  %m = math.ctlz %y : i64
  %k = math.ctlz %n : i32
  func.return %k, %m : i32, i64
}
