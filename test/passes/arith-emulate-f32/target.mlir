// Without the hard-float option the pass does what the module's target description says
// (tinymlir/target.py, [cpu] fpu): cortex-m4f keeps f32 native, cortex-m4 (also the default,
// for a module without a target) emulates it; an explicit option wins over the target.

// RUN: tinymlir-opt %s --target-desc=cortex-m4f -p arith-emulate-f32 | filecheck %s --check-prefix=FPU
// RUN: tinymlir-opt %s --target-desc=cortex-m4 -p arith-emulate-f32 | filecheck %s --check-prefix=SOFT
// RUN: tinymlir-opt %s -p arith-emulate-f32 | filecheck %s --check-prefix=SOFT
// RUN: tinymlir-opt %s --target-desc=cortex-m4f -p 'arith-emulate-f32{hard-float=false}' | filecheck %s --check-prefix=SOFT

// FPU-LABEL: func.func @scale(%acc: i32) -> f32
// FPU-NEXT:    %s = arith.constant 2.500000e-01 : f32
// FPU-NEXT:    %a = arith.sitofp %acc : i32 to f32
// FPU-NEXT:    %m = arith.mulf %a, %s : f32

// SOFT-NOT:   {{\bf32\b}}
// SOFT-LABEL: func.func @scale(%acc: i32) -> i32
// SOFT-NOT:   {{\bf32\b}}
func.func @scale(%acc: i32) -> f32 {
  %s = arith.constant 0.25 : f32
  %a = arith.sitofp %acc : i32 to f32
  %m = arith.mulf %a, %s : f32
  func.return %m : f32
}
