// RUN: tinymlir-opt %s -p 'arith-emulate-f32{hard-float=true}' | filecheck %s

// With an FPU only roundeven changes: the 2^23 magic number, through -x for negative
// values so that -0.3 rounds to -0; zero, NaN and |x| >= 2^23 are returned as they are.
// CHECK-LABEL: func.func @stage(%acc: i32) -> i32
// CHECK-NEXT:    %s = arith.constant 2.500000e-01 : f32
// CHECK-NEXT:    %lo = arith.constant -1.280000e+02 : f32
// CHECK-NEXT:    %hi = arith.constant 1.270000e+02 : f32
// CHECK-NEXT:    %a = arith.sitofp %acc : i32 to f32
// CHECK-NEXT:    %m = arith.mulf %a, %s : f32
// CHECK-NEXT:    %mx = arith.maximumf %m, %lo : f32
// CHECK-NEXT:    %mn = arith.minimumf %mx, %hi : f32
// CHECK-NEXT:    %[[MAGIC:.*]] = arith.constant 0x4B000000 : f32
// CHECK-NEXT:    %[[MINUS:.*]] = arith.constant 0xCB000000 : f32
// CHECK-NEXT:    %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:    %[[GT0:.*]] = arith.cmpf ogt, %mn, %[[ZERO]] : f32
// CHECK-NEXT:    %[[LTM:.*]] = arith.cmpf olt, %mn, %[[MAGIC]] : f32
// CHECK-NEXT:    %[[POS:.*]] = arith.andi %[[GT0]], %[[LTM]] : i1
// CHECK-NEXT:    %[[LT0:.*]] = arith.cmpf olt, %mn, %[[ZERO]] : f32
// CHECK-NEXT:    %[[GTM:.*]] = arith.cmpf ogt, %mn, %[[MINUS]] : f32
// CHECK-NEXT:    %[[NEG:.*]] = arith.andi %[[LT0]], %[[GTM]] : i1
// CHECK-NEXT:    %[[ADD:.*]] = arith.addf %mn, %[[MAGIC]] : f32
// CHECK-NEXT:    %[[UP:.*]] = arith.subf %[[ADD]], %[[MAGIC]] : f32
// CHECK-NEXT:    %[[NX:.*]] = arith.negf %mn : f32
// CHECK-NEXT:    %[[ADD2:.*]] = arith.addf %[[NX]], %[[MAGIC]] : f32
// CHECK-NEXT:    %[[SUB2:.*]] = arith.subf %[[ADD2]], %[[MAGIC]] : f32
// CHECK-NEXT:    %[[DOWN:.*]] = arith.negf %[[SUB2]] : f32
// CHECK-NEXT:    %[[S1:.*]] = arith.select %[[NEG]], %[[DOWN]], %mn : f32
// CHECK-NEXT:    %[[R:.*]] = arith.select %[[POS]], %[[UP]], %[[S1]] : f32
// CHECK-NEXT:    %y = arith.fptosi %[[R]] : f32 to i32
// CHECK-NEXT:    func.return %y : i32
func.func @stage(%acc: i32) -> i32 {
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
