// mcuc.load_words (4 consecutive int32 in one LDMIA) round-trips in the custom and the
// generic form on an !emitc.lvalue<i32> (at the loop level on a memref<..xi32>:
// test/passes/convert-memref-to-mcuc/load-words.mlir); it prints as one tinymlir_load_w32x4 of mcuc.DSP_HELPERS
// (inline-asm LDMIA into r0-r3 under TINYMLIR_ARM_DSP; elsewhere the
// pointer itself, each word loaded at its use) and its results as tinymlir_word(v, j).

// RUN: tinymlir-opt %s | tinymlir-opt | filecheck %s --check-prefix=ROUND
// RUN: tinymlir-opt %s --print-op-generic | tinymlir-opt | filecheck %s --check-prefix=ROUND
// RUN: tinymlir-opt %s -p mcuc-drop-dead-values,mcuc-form-expressions -t c | filecheck %s

// ROUND:      %w0, %w1, %w2, %w3 = mcuc.load_words %e : !emitc.lvalue<i32> -> i32, i32, i32, i32

// CHECK:      /* the 4 int32 at p (word aligned)
// CHECK:      #ifdef TINYMLIR_ARM_DSP
// CHECK-NEXT: typedef struct { int32_t w[4]; } tinymlir_w32x4;
// CHECK-NEXT: #define tinymlir_word(v, j) ((v).w[j])
// CHECK-NEXT: static inline tinymlir_w32x4 tinymlir_load_w32x4(const int32_t *p)
// CHECK:          register int32_t w0 __asm__("r0"), w1 __asm__("r1"), w2 __asm__("r2"), w3 __asm__("r3");
// CHECK-NEXT:     __asm__("ldmia %4, {%0, %1, %2, %3}" : "=r"(w0), "=r"(w1), "=r"(w2), "=r"(w3)
// CHECK:      #else
// CHECK-NEXT: typedef const int32_t *tinymlir_w32x4;
// CHECK-NEXT: #define tinymlir_word(v, j) ((v)[j])
// CHECK-LABEL: int32_t sum(const int32_t *x) {
// CHECK-NEXT:      const tinymlir_w32x4 w0 = tinymlir_load_w32x4(&x[4]);
// CHECK-NEXT:      return tinymlir_word(w0, 0) + tinymlir_word(w0, 1) + tinymlir_word(w0, 2) + tinymlir_word(w0, 3);
// CHECK-NEXT:  }
mcuc.func @sum(%x: !emitc.ptr<!mcuc.const<i32>>) -> i32 {
  %c4 = mcuc.constant 4 : index
  %e = mcuc.subscript %x[%c4] : (!emitc.ptr<!mcuc.const<i32>>, index) -> !emitc.lvalue<i32>
  %w0, %w1, %w2, %w3 = mcuc.load_words %e : !emitc.lvalue<i32> -> i32, i32, i32, i32
  %a = mcuc.add %w0, %w1 : (i32, i32) -> i32
  %b = mcuc.add %a, %w2 : (i32, i32) -> i32
  %c = mcuc.add %b, %w3 : (i32, i32) -> i32
  mcuc.return %c : i32
}
