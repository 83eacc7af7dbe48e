// Bands of the same shape (row counts, pads, offsets into the band buffers) run as one band
// loop: a patch.band_loop over the band index whose body holds the stage's kernel ops on
// subviews at row offsets computed from it (band * step + first row), the band buffers
// allocated once before the loop. The border bands (their padding differs) stay unrolled.
// All of it is one patch.stage writing the stitched output, with the band table.
// RUN: tinymlir-opt %s -p "convert-qnn-to-kernel,patch-schedule{stream=false max_grid=1}" | filecheck %s
// RUN: tinymlir-opt %s -p "convert-qnn-to-kernel,patch-schedule{loops=false stream=false max_grid=1}" | filecheck %s --check-prefix=UNROLLED
// RUN: tinymlir-opt %s -p "convert-qnn-to-kernel,patch-schedule{stream=false max_grid=1}",kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena | filecheck %s --check-prefix=ARENA
// RUN: tinymlir-opt %s -p "convert-qnn-to-kernel,patch-schedule{stream=false max_grid=1}",convert-patch-to-scf | filecheck %s --check-prefix=SCF

// A 3x3 convolution to 16 channels and a 1x1 one back to 1: 8 bands of 2 output rows (the
// 1x1 needs no halo, so nothing is recomputed). Band 0 reads input rows 0-2 (row -1 is
// padding), bands 1-6 rows 2b-1 .. 2b+2, band 7 rows 13-15 (row 16 is padding).
// CHECK-LABEL: func.func @wide
// CHECK-SAME:    tinymlir.patch_schedule = "bands: a..y (2 layers) in 8 row bands, arena 256 B (layer-by-layer 2048 B), +0 MACs (0.0 %)"
// CHECK:         patch.stage "recompute" grid [8, 1] writes %y_out : memref<1x16x8x1xi8>
// CHECK-SAME:      layers [#patch.layer<"a", map [16, 8] reads {{\[\[}}16, 8{{\]\]}} pads [1, 1, 1, 1]>, #patch.layer<"y", map [16, 8] reads {{\[\[}}16, 8{{\]\]}} pads [0, 0, 0, 0]>]
// CHECK-SAME:      bands {{\[\[}}#patch.tile<0:2 x 0:8 reads [0:3 x 0:8] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:8 reads [0:2 x 0:8] pads [0, 0, 0, 0]>],
// CHECK-SAME:             [#patch.tile<2:4 x 0:8 reads [1:5 x 0:8] pads [0, 1, 0, 1]>,
// CHECK-SAME:             [#patch.tile<14:16 x 0:8 reads [13:16 x 0:8] pads [0, 1, 1, 1]>, #patch.tile<14:16 x 0:8 reads [14:16 x 0:8] pads [0, 0, 0, 0]>{{\]\]}} {
// CHECK:         %a_band0 = memref.alloc() {{.*}} : memref<1x2x8x16xi8>
// CHECK:         memref.subview %x[0, 0, 0, 0] [1, 3, 8, 1] [1, 1, 1, 1]
// CHECK:         qk.conv2d {{.*}} outs(%a_band0 : memref<1x2x8x16xi8>) {{{.*}}pads = array<i64: 1, 1, 0, 1>
// CHECK:         qk.conv2d ins(%a_band0, {{.*}})
// CHECK:         %a_band1 = memref.alloc() {{.*}} : memref<1x2x8x16xi8>
// CHECK:         patch.band_loop %band in bands 1 to 7 {
// CHECK:           %[[TWO:.*]] = arith.constant 2 : index
// CHECK-NEXT:      %[[SCALED:.*]] = arith.muli %band, %[[TWO]] : index
// CHECK-NEXT:      %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT:      %[[IN_ROW:.*]] = arith.addi %[[SCALED]], %[[ONE]] : index
// CHECK:           %[[OUT_ROW:.*]] = arith.addi
// CHECK:           %[[X:.*]] = memref.subview %x[0, %[[IN_ROW]], 0, 0] [1, 4, 8, 1] [1, 1, 1, 1] : memref<1x16x8x1xi8> to memref<1x4x8x1xi8, strided<[128, 8, 1, 1], offset: ?>>
// CHECK-NEXT:      qk.conv2d ins(%[[X]], {{.*}}) outs(%a_band1 : memref<1x2x8x16xi8>) {{{.*}}pads = array<i64: 0, 1, 0, 1>
// CHECK-NEXT:      %[[Y:.*]] = memref.subview %y_out[0, %[[OUT_ROW]], 0, 0] [1, 2, 8, 1] [1, 1, 1, 1]
// CHECK-NEXT:      qk.conv2d ins(%a_band1, {{.*}}) outs(%[[Y]] : {{.*}})
// CHECK-NEXT:    }
// CHECK:         %a_band7 = memref.alloc() {{.*}} : memref<1x2x8x16xi8>
// CHECK:         memref.subview %x[0, 13, 0, 0] [1, 3, 8, 1] [1, 1, 1, 1]
// CHECK:         qk.conv2d {{.*}} outs(%a_band7 : memref<1x2x8x16xi8>) {{{.*}}pads = array<i64: 0, 1, 1, 1>
// CHECK:         qk.conv2d ins(%a_band7, {{.*}})
// CHECK-NOT:     qk.
// CHECK:         func.return

// UNROLLED-LABEL: func.func @wide
// UNROLLED-NOT:   patch.band_loop
// UNROLLED-COUNT-16: qk.conv2d
// UNROLLED-NOT:   qk.conv2d

// The planner sees the loop's band buffer once, live over the loop: 256 B, plus the 160 B
// zero-point-padded input copy the Cortex-M4 lowering gives a first convolution's band
// (Cin % 4 != 0), which patch-schedule, planning at the kernel level, does not see.
// convert-patch-to-scf: the stage inlined, its band loop an scf.for over bands 1..6.
// SCF-LABEL:     func.func @wide
// SCF-NOT:       patch.
// SCF:           %[[LB:.*]] = arith.constant 0 : index
// SCF-NEXT:      %[[UB:.*]] = arith.constant 6 : index
// SCF-NEXT:      %[[STEP:.*]] = arith.constant 1 : index
// SCF-NEXT:      scf.for %band = %[[LB]] to %[[UB]] step %[[STEP]] {
// SCF:             qk.conv2d
// SCF:             qk.conv2d
// SCF-NEXT:      }
// SCF-NOT:       patch.
// SCF:           func.return

// ARENA-LABEL: func.func @wide
// ARENA-SAME:    tinymlir.arena_size = 416 : i64
func.func @wide(%x: !qnn.qtensor<1x16x8x1xi8, 0.5:3>) -> !qnn.qtensor<1x16x8x1xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<16x3x3x1xi8> -> !qnn.qtensor<16x3x3x1xi8, 0.1:0>
  %pw = qnn.constant dense<1> : tensor<1x1x1x16xi8> -> !qnn.qtensor<1x1x1x16xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<16xi32>
  %b1 = arith.constant dense<0> : tensor<1xi32>
  %a = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x8x1xi8, 0.5:3>, !qnn.qtensor<16x3x3x1xi8, 0.1:0>, tensor<16xi32> -> !qnn.qtensor<1x16x8x16xi8, 0.5:0>
  %y = qnn.conv2d %a, %pw, %b1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x8x16xi8, 0.5:0>, !qnn.qtensor<1x1x1x16xi8, 0.1:0>, tensor<1xi32> -> !qnn.qtensor<1x16x8x1xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x16x8x1xi8, 0.5:0>
}
