// RUN: tinymlir-opt %s --target-desc=cortex-m4 --split-input-file -p 'convert-qnn-to-kernel,kernel-in-place,convert-kernel-to-loops,canonicalize,cse' | filecheck %s

// cortex-m4 conv2d with Cin = 2 (not a multiple of 4): SMLAD over a padded copy
// (cortex_m4_padded.py), 2 output channels per tile; the short requantiser: SMMULR
// (the accumulator bound allows 2 * acc), the rounding shift with the addend table (zero
// point folded in) and the exponents (-shift) replacing the shift table, no fxp call. The
// copy is a mirrored ring of 2 x kh = 2 rows of 3 x 4
// bytes (fewer than the 3 rows of the input): each row enters its slot p mod 1 and the
// mirror, as the input or (outside it) the zero point.
// CHECK:       "memref.global"() <{sym_name = "y_requant_addend", type = memref<2xi32>
// CHECK:       "memref.global"() <{sym_name = "y_requant_exponent", type = memref<2xi8>
// CHECK-NOT:     y_shift
// CHECK-LABEL: func.func @conv_1x1
// CHECK:         %y_padded = memref.alloc() {alignment = 4 : i64} : memref<24xi8>
// CHECK:         scf.for
// CHECK:           scf.if
// CHECK:         mcuc.load_s8x4 %y_padded
// CHECK:         memref.load %y_requant_addend
// CHECK:         mcuc.smmulr
// CHECK:         arith.shrsi %{{.*}}, %{{.*}} : i32
// CHECK-NOT:     fxp.multiply_by_quantized_multiplier
// CHECK:         func.return
func.func @conv_1x1(%x: !qnn.qtensor<1x3x3x2xi8, 0.5:-1>) -> !qnn.qtensor<1x3x3x2xi8, 0.25:3> {
  %w = qnn.constant dense<[[[[1, 2]]], [[[3, 4]]]]> : tensor<2x1x1x2xi8> -> !qnn.qtensor<2x1x1x2xi8, axis 0 {0.1:0, 0.2:0}>
  %b = arith.constant dense<[-8, 58]> : tensor<2xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:-1>, !qnn.qtensor<2x1x1x2xi8, axis 0 {0.1:0, 0.2:0}>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.25:3>
  func.return %y : !qnn.qtensor<1x3x3x2xi8, 0.25:3>
}

// -----

// Per-channel shifts -2 and 0: the short form with a sign-mask table (-1 where the
// channel rounds, 0 for shift 0, whose (t + (t >> 31) + 0) >> 0 would not be t).
// CHECK:       "memref.global"() <{sym_name = "y_requant_sign_mask", type = memref<2xi8>, {{.*}}dense<[-1, 0]>
// CHECK-LABEL: func.func @conv_1x1
// CHECK:         mcuc.smlad
// CHECK:         memref.load %y_requant_sign_mask
// CHECK:         arith.andi
// CHECK-NOT:     fxp.multiply_by_quantized_multiplier
// CHECK:         func.return
func.func @conv_1x1(%x: !qnn.qtensor<1x3x3x2xi8, 0.5:-1>) -> !qnn.qtensor<1x3x3x2xi8, 0.25:3> {
  %w = qnn.constant dense<[[[[1, 2]]], [[[3, 4]]]]> : tensor<2x1x1x2xi8> -> !qnn.qtensor<2x1x1x2xi8, axis 0 {0.1:0, 0.3:0}>
  %b = arith.constant dense<[-8, 58]> : tensor<2xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:-1>, !qnn.qtensor<2x1x1x2xi8, axis 0 {0.1:0, 0.3:0}>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.25:3>
  func.return %y : !qnn.qtensor<1x3x3x2xi8, 0.25:3>
}

// -----

// Per-channel shifts -2 and +1: no short form has per-channel left shifts, so the
// generic stage (fxp) is kept, still in channel tiles.
// CHECK-LABEL: func.func @conv_left_shift
// CHECK-NOT:     requant_addend
// CHECK:         mcuc.smlad
// CHECK:         fxp.multiply_by_quantized_multiplier
func.func @conv_left_shift(%x: !qnn.qtensor<1x3x3x2xi8, 0.5:-1>) -> !qnn.qtensor<1x3x3x2xi8, 0.25:3> {
  %w = qnn.constant dense<[[[[1, 2]]], [[[3, 4]]]]> : tensor<2x1x1x2xi8> -> !qnn.qtensor<2x1x1x2xi8, axis 0 {0.1:0, 0.6:0}>
  %b = arith.constant dense<[-8, 58]> : tensor<2xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:-1>, !qnn.qtensor<2x1x1x2xi8, axis 0 {0.1:0, 0.6:0}>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.25:3>
  func.return %y : !qnn.qtensor<1x3x3x2xi8, 0.25:3>
}

// -----

// An odd Cout is not tiled (one accumulator per output), but still gets the short
// requantiser; per-tensor constants are immediates (no tables).
// CHECK-LABEL: func.func @conv_odd_cout
// CHECK-NOT:     iter_args({{.*}}, {{.*}}) -> (i32, i32)
// CHECK-NOT:     fxp.multiply_by_quantized_multiplier
// CHECK:         mcuc.smmulr
// CHECK:         func.return
func.func @conv_odd_cout(%x: !qnn.qtensor<1x3x3x2xi8, 0.5:-1>) -> !qnn.qtensor<1x3x3x1xi8, 0.25:3> {
  %w = qnn.constant dense<[[[[1, 2]]]]> : tensor<1x1x1x2xi8> -> !qnn.qtensor<1x1x1x2xi8, 0.1:0>
  %b = arith.constant dense<[-8]> : tensor<1xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:-1>, !qnn.qtensor<1x1x1x2xi8, 0.1:0>, tensor<1xi32> -> !qnn.qtensor<1x3x3x1xi8, 0.25:3>
  func.return %y : !qnn.qtensor<1x3x3x1xi8, 0.25:3>
}
