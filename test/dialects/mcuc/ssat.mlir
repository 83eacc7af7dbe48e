// mcuc.ssat (Arm's SSAT: saturate an i32 to a signed bit width) round-trips in the custom
// and the generic form, and prints as a call of the static inline tinymlir_ssat8 of
// mcuc.DSP_HELPERS (ACLE's __ssat, one SSAT #8, under __ARM_FEATURE_SAT; the same clamp
// in portable C elsewhere), nesting inside expressions like the other DSP helpers.

// RUN: tinymlir-opt %s | tinymlir-opt | filecheck %s --check-prefix=ROUND
// RUN: tinymlir-opt %s --print-op-generic | tinymlir-opt | filecheck %s --check-prefix=ROUND
// RUN: tinymlir-opt %s -p mcuc-drop-dead-values,mcuc-form-expressions -t c | filecheck %s

// ROUND:      %s = mcuc.ssat %y, 8
// ROUND-NEXT: %m = mcuc.ssat %s, 8

// CHECK:      #if defined(__ARM_FEATURE_SAT) && !defined(TINYMLIR_PORTABLE_DSP)
// CHECK-NEXT: #include <arm_acle.h>
// CHECK-NEXT: #define TINYMLIR_ARM_SAT 1
// CHECK-NEXT: #endif
// CHECK:      static inline int32_t tinymlir_ssat8(int32_t x)
// CHECK-NEXT: {
// CHECK-NEXT: #ifdef TINYMLIR_ARM_SAT
// CHECK-NEXT:     return __ssat(x, 8);
// CHECK-NEXT: #else
// CHECK-NEXT:     return x < -128 ? -128 : x > 127 ? 127 : x;
// CHECK-NEXT: #endif
// CHECK-NEXT: }
// CHECK-LABEL: int8_t clamp(int32_t x) {
// CHECK-NEXT:      return (int8_t)tinymlir_ssat8(tinymlir_ssat8(x + 3));
// CHECK-NEXT:  }

mcuc.func @clamp(%x: i32) -> i8 {
  %c3 = mcuc.constant 3 : i32
  %y = mcuc.add %x, %c3 : (i32, i32) -> i32
  %s = mcuc.ssat %y, 8
  %m = mcuc.ssat %s, 8
  %r = mcuc.cast %m : i32 to i8
  mcuc.return %r : i8
}
