// RUN: tinymlir-opt %s -p convert-fxp-to-arith | filecheck %s
// RUN: tinymlir-opt %s -p convert-fxp-to-arith | filecheck %s --check-prefix=DECL

// Each primitive becomes a call to a private `tinymlir.inline` helper written in arith,
// created once per module however often it is used.
// DECL-DAG: func.func private @tinymlir_saturating_rounding_doubling_high_mul(%{{.*}}: i32, %{{.*}}: i32) -> i32 attributes {tinymlir.inline}
// DECL-DAG: func.func private @tinymlir_rounding_divide_by_pot(%{{.*}}: i32, %{{.*}}: i32) -> i32 attributes {tinymlir.inline}
// DECL-DAG: func.func private @tinymlir_multiply_by_quantized_multiplier(%{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32) -> i32 attributes {tinymlir.inline}
// DECL-DAG: func.func private @tinymlir_exp_on_negative_values_5(%{{.*}}: i32) -> i32 attributes {tinymlir.inline}
// DECL-DAG: func.func private @tinymlir_count_leading_zeros(%{{.*}}: i32) -> i32
// DECL-DAG: func.func private @tinymlir_one_over_one_plus_x_for_x_in_0_1(%{{.*}}: i32) -> i32

// The doubling high multiply: a 64-bit product, the nudge, truncating division by 2^31,
// saturation of INT32_MIN * INT32_MIN.
// CHECK-LABEL: func.func private @tinymlir_saturating_rounding_doubling_high_mul
// CHECK:         arith.extsi %{{.*}} : i32 to i64
// CHECK:         arith.muli %{{.*}}, %{{.*}} : i64
// CHECK:         arith.constant 2147483648 : i64
// CHECK:         arith.divsi %{{.*}}, %{{.*}} : i64
// CHECK:         arith.constant 2147483647 : i32
// CHECK:         arith.select

// CHECK-LABEL: func.func @kernel
// CHECK-NOT:     fxp.
// CHECK:         %[[M:.*]] = func.call @tinymlir_multiply_by_quantized_multiplier(%{{.*}}, %{{.*}}, %{{.*}}) : (i32, i32, i32) -> i32
// CHECK:         func.call @tinymlir_multiply_by_quantized_multiplier
// CHECK:         func.call @tinymlir_exp_on_negative_values_5(%[[M]])
// CHECK:         func.call @tinymlir_count_leading_zeros
// CHECK:         arith.subi %{{.*}}, %{{.*}} : i32
// CHECK:         func.call @tinymlir_one_over_one_plus_x_for_x_in_0_1
func.func @kernel(%x: i32, %m: i32, %s: i32) -> (i32, i32, i32, i32) {
  %a = fxp.multiply_by_quantized_multiplier %x, %m, %s : i32
  %b = fxp.multiply_by_quantized_multiplier %a, %m, %s : i32
  %e = fxp.exp_on_negative_values %a integer_bits 5 : i32
  %r, %n = fxp.get_reciprocal %b integer_bits 12 : i32, i32
  func.return %b, %e, %r, %n : i32, i32, i32, i32
}
