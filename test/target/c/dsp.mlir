// The DSP ops (mcuc.smlad, sxtb16, sxtab16, smmulr, load_s8x4) print as calls of the
// static inline helpers of mcuc.DSP_HELPERS, written once before the first function
// (SMLAD / SXTB16 / SXTAB16 / SMMULR / an unaligned LDR under __ARM_FEATURE_DSP, the same
// arithmetic in portable C99 elsewhere), and nest inside expressions like other calls.

// RUN: tinymlir-opt %s -p mcuc-drop-dead-values,mcuc-form-expressions -t c | filecheck %s
// RUN: tinymlir-opt %s | tinymlir-opt | filecheck %s --check-prefix=ROUND

// CHECK:      #if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(TINYMLIR_PORTABLE_DSP)
// CHECK-NEXT: #define TINYMLIR_ARM_DSP 1
// CHECK:      static inline int32_t tinymlir_smlad(int32_t a, int32_t b, int32_t acc)
// CHECK:      __asm__("smlad %0, %1, %2, %3" : "=r"(acc) : "r"(a), "r"(b), "r"(acc));
// CHECK:      static inline int32_t tinymlir_load_s8x4(const int8_t *p)
// CHECK-LABEL: int32_t dot(const int8_t *x, int32_t w, int32_t acc) {
// CHECK-NEXT:      const int32_t word = tinymlir_load_s8x4(&x[4]);
// CHECK-NEXT:      return tinymlir_smmulr(tinymlir_smlad(tinymlir_sxtb16_ror8(word), tinymlir_sxtab16_ror8(65537, w), tinymlir_smlad(tinymlir_sxtb16(word), tinymlir_sxtab16(65537, w), acc)), 1073741824);
// CHECK-NEXT:  }

// ROUND:       %word = mcuc.load_s8x4 %e : !emitc.lvalue<i8>
// ROUND-NEXT:  %lo = mcuc.sxtb16 %word
// ROUND-NEXT:  %hi = mcuc.sxtb16 %word ror 8
// ROUND:       %whi = mcuc.sxtab16 %one, %w ror 8
// ROUND:       %b = mcuc.smlad %hi, %whi, %a
// ROUND-NEXT:  %r = mcuc.smmulr %b, %half

mcuc.func @dot(%x: !emitc.ptr<!mcuc.const<i8>>, %w: i32, %acc: i32) -> i32 {
  %c4 = mcuc.constant 4 : index
  %one = mcuc.constant 65537 : i32
  %half = mcuc.constant 1073741824 : i32
  %e = mcuc.subscript %x[%c4] : (!emitc.ptr<!mcuc.const<i8>>, index) -> !emitc.lvalue<i8>
  %word = mcuc.load_s8x4 %e : !emitc.lvalue<i8>
  %lo = mcuc.sxtb16 %word
  %hi = mcuc.sxtb16 %word ror 8
  %wlo = mcuc.sxtab16 %one, %w
  %whi = mcuc.sxtab16 %one, %w ror 8
  %a = mcuc.smlad %lo, %wlo, %acc
  %b = mcuc.smlad %hi, %whi, %a
  %r = mcuc.smmulr %b, %half
  mcuc.return %r : i32
}
