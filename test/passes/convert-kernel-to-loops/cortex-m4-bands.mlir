// patch-schedule's row bands keep the Cortex-M4 SMLAD taps: a band of the input, a subview
// at a dynamic offset in the band loop (strides of the whole map, not the band's identity
// ones), is still packed row-major, so the 3x3 convolution reads it through a flat view
// (memref.collapse_shape, which keeps the band's offset) with SMLAD, as layer by layer.
// RUN: tinymlir-opt %s --target-desc=cortex-m4 -p 'convert-qnn-to-kernel,patch-schedule{stream=false max_grid=1},kernel-in-place,convert-kernel-to-loops,canonicalize,cse' | filecheck %s
// RUN: tinymlir-opt %s --target-desc=cortex-m4 --pipeline=mcu -t c | filecheck %s --check-prefix=C

// CHECK-LABEL: func.func @banded
// CHECK-SAME:    tinymlir.patch_schedule = "bands: a..y (2 layers) in 8 row bands
// CHECK:         patch.band_loop %band in bands 1 to 7
// CHECK:           %[[X:.*]] = memref.subview %x[0, %{{.*}}, 0, 0] [1, 4, 8, 4] [1, 1, 1, 1] : memref<1x16x8x4xi8> to memref<1x4x8x4xi8, strided<[512, 32, 4, 1], offset: ?>>
// CHECK-NEXT:      %[[FLAT:.*]] = memref.collapse_shape %[[X]] {{\[\[}}0 : i64, 1 : i64, 2 : i64, 3 : i64]] : memref<1x4x8x4xi8, strided<[512, 32, 4, 1], offset: ?>> into memref<128xi8, strided<[1], offset: ?>>
// CHECK-NOT:       patch.band_loop
// CHECK:           mcuc.load_s8x4 %[[FLAT]][%{{.*}}] : memref<128xi8, strided<[1], offset: ?>>
// CHECK-NOT:       patch.band_loop
// CHECK:           mcuc.smlad

// In C (--pipeline=mcu picks the folded stream form here: all 16 bands in the loop, the
// border bands' variants behind guards) the band's flat view is the input pointer advanced by the band's rows.
// C:           for (int32_t band = 0; band < 16; ++band) {
// C:             const int8_t *const [[P:v[0-9]+]] = x + ({{.*}}) * 32;
// C:             tinymlir_load_s8x4(&[[P]][
// C:             tinymlir_smlad(
func.func @banded(%x: !qnn.qtensor<1x16x8x4xi8, 0.5:3>) -> !qnn.qtensor<1x16x8x4xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<16x3x3x4xi8> -> !qnn.qtensor<16x3x3x4xi8, 0.1:0>
  %pw = qnn.constant dense<1> : tensor<4x1x1x16xi8> -> !qnn.qtensor<4x1x1x16xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<16xi32>
  %b4 = arith.constant dense<0> : tensor<4xi32>
  %a = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x8x4xi8, 0.5:3>, !qnn.qtensor<16x3x3x4xi8, 0.1:0>, tensor<16xi32> -> !qnn.qtensor<1x16x8x16xi8, 0.5:0>
  %y = qnn.conv2d %a, %pw, %b4 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x8x16xi8, 0.5:0>, !qnn.qtensor<4x1x1x16xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x16x8x4xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x16x8x4xi8, 0.5:0>
}
