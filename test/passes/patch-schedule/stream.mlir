// patch-schedule's stream form: one buffer per intermediate holding the rows a band
// reads; each band first moves the rows it shares with the previous band to the front
// (memref.copy, row by row where they overlap) and then computes only the rows no earlier
// band computed: nothing is recomputed (+0 MACs). The borders run in the band loop too
// (patch.guard), the line buffers holding their pad rows at the zero point.
// RUN: tinymlir-opt %s -p convert-qnn-to-kernel,patch-schedule | filecheck %s
// RUN: tinymlir-opt %s -p "convert-qnn-to-kernel,patch-schedule{stream=false}" | filecheck %s --check-prefix=RECOMPUTE
// RUN: tinymlir-opt %s -p convert-qnn-to-kernel,patch-schedule,kernel-in-place,convert-kernel-to-loops,canonicalize,cse,plan-arena | filecheck %s --check-prefix=ARENA

// A 3x3/s2 convolution, a 3x3 depthwise and a 1x1 convolution in 8 bands of one output
// row, folded into one band loop of 9 bands (band 0 only warms %a up): %a keeps 3 rows
// (the depthwise's window), %dw one, both set to their zero point first. Every band
// drops one row of %a and keeps two; %a computes row b (its top border, row 0, and
// reading rows 2b - 1.. of %x in bands 1-7); in band 8 its row 8 lies past the map and
// its slot is reset to the zero point, which the depthwise reads as its bottom pad. The
// depthwise and the 1x1 convolution run one shape from band 1 on: the depthwise reads
// its top pad row from %a too (pads 0 top and bottom, the table's are the clipped ones).
// CHECK-LABEL: func.func @chain
// CHECK-SAME:    tinymlir.patch_schedule = "bands: a..y (3 layers) in 8 streamed row bands (kept rows), arena 256 B (layer-by-layer 512 B), +0 MACs (0.0 %)"
// CHECK:         patch.stage "stream" grid [9, 1]
// CHECK-SAME:      #patch.layer<"a", map [8, 8] reads {{\[\[}}16, 16{{\]\]}} pads [1, 1, 1, 1]>, #patch.layer<"dw", map [8, 8] reads {{\[\[}}8, 8{{\]\]}} pads [1, 1, 1, 1]>
// CHECK-SAME:      bands {{\[\[}}#patch.tile<0:1 x 0:8 reads [0:2 x 0:16] pads [1, 1, 0, 0]>, #patch.tile<0:0 x 0:8 reads [] pads []>, #patch.tile<0:0 x 0:8 reads [] pads []>],
// CHECK-SAME:             [#patch.tile<1:2 x 0:8 reads [1:4 x 0:16] pads [0, 1, 0, 0]>, #patch.tile<0:1 x 0:8 reads [0:2 x 0:8] pads [1, 1, 0, 1]>, #patch.tile<0:1 x 0:8 reads [0:1 x 0:8] pads [0, 0, 0, 0]>],
// CHECK-SAME:             [#patch.tile<0:0 x 0:8 reads [] pads []>, #patch.tile<7:8 x 0:8 reads [6:8 x 0:8] pads [0, 1, 1, 1]>, #patch.tile<7:8 x 0:8 reads [7:8 x 0:8] pads [0, 0, 0, 0]>{{\]\]}} {
// CHECK:         %a_stream = memref.alloc() {{.*}} : memref<1x3x8x8xi8>
// CHECK-NEXT:    patch.fill %a_stream with 0 : memref<1x3x8x8xi8>
// CHECK-NEXT:    %dw_stream = memref.alloc() {{.*}} : memref<1x1x8x8xi8>
// CHECK-NEXT:    patch.fill %dw_stream with 0 : memref<1x1x8x8xi8>
// CHECK-NEXT:    patch.band_loop %band in bands 0 to 9 {
// CHECK:           %[[FROM1:.*]] = memref.subview %a_stream[0, 1, 0, 0] [1, 1, 8, 8]
// CHECK:           %[[TO0:.*]] = memref.subview %a_stream[0, 0, 0, 0] [1, 1, 8, 8]
// CHECK:           "memref.copy"(%[[FROM1]], %[[TO0]])
// CHECK:           %[[FROM2:.*]] = memref.subview %a_stream[0, 2, 0, 0] [1, 1, 8, 8]
// CHECK:           %[[TO1:.*]] = memref.subview %a_stream[0, 1, 0, 0] [1, 1, 8, 8]
// CHECK:           "memref.copy"(%[[FROM2]], %[[TO1]])
// CHECK:           patch.guard %band in bands 0 to 1 {
// CHECK:             %[[X0:.*]] = memref.subview %x[0, 0, 0, 0] [1, 2, 16, 1] [1, 1, 1, 1]
// CHECK:             %[[A0:.*]] = memref.subview %a_stream[0, 2, 0, 0] [1, 1, 8, 8] [1, 1, 1, 1]
// CHECK:             qk.conv2d ins(%[[X0]], {{.*}}) outs(%[[A0]] : {{.*}}) {{{.*}}pads = array<i64: 1, 1, 0, 1>
// CHECK:           patch.guard %band in bands 1 to 8 {
// CHECK:             %[[TWO:.*]] = arith.constant 2 : index
// CHECK:             %[[SCALED:.*]] = arith.muli %band, %[[TWO]] : index
// CHECK:             %[[MINUS1:.*]] = arith.constant -1 : index
// CHECK:             %[[ROW:.*]] = arith.addi %[[SCALED]], %[[MINUS1]] : index
// CHECK:             %[[X1:.*]] = memref.subview %x[0, %[[ROW]], 0, 0] [1, 3, 16, 1] [1, 1, 1, 1]
// CHECK:             qk.conv2d ins(%[[X1]], {{.*}}) {{{.*}}pads = array<i64: 0, 1, 0, 1>
// CHECK:           patch.guard %band in bands 8 to 9 {
// CHECK-NEXT:        %[[A8:.*]] = memref.subview %a_stream[0, 2, 0, 0] [1, 1, 8, 8] [1, 1, 1, 1]
// CHECK-NEXT:        patch.fill %[[A8]] with 0
// CHECK:           patch.guard %band in bands 1 to 9 {
// CHECK-NEXT:        qk.conv2d ins(%a_stream, {{.*}}) outs(%dw_stream : memref<1x1x8x8xi8>) {{{.*}}pads = array<i64: 0, 1, 0, 1>
// CHECK:             qk.conv2d ins(%dw_stream, {{.*}}) outs({{.*}}memref<1x1x8x2xi8
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NOT:     qk.
// CHECK:         func.return

// Without the stream form, recomputed halos in 2 bands.
// RECOMPUTE:     tinymlir.patch_schedule = "bands: a..y (3 layers) in 2 row bands, arena 320 B (layer-by-layer 512 B), +1,152 MACs

// After lowering the stream buffers (192 + 64 B) live from their fill to the last band,
// across the band loop; the arena also holds the Cortex-M4 padded input copy of the first
// convolution and the depthwise scratch plane.
// ARENA:         tinymlir.arena_size = 472 : i64
// ARENA-SAME:    {name = "a_stream", offset = {{[0-9]+}} : i64, size = 192 : i64, first = {{[0-9]+}} : i64, last = {{[0-9]+}} : i64}
// ARENA-SAME:    {name = "dw_stream", offset = {{[0-9]+}} : i64, size = 64 : i64, first = {{[0-9]+}} : i64, last = {{[0-9]+}} : i64}
func.func @chain(%x: !qnn.qtensor<1x16x16x1xi8, 0.5:3>) -> !qnn.qtensor<1x8x8x2xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<8x3x3x1xi8> -> !qnn.qtensor<8x3x3x1xi8, 0.1:0>
  %dww = qnn.constant dense<2> : tensor<8x3x3x1xi8> -> !qnn.qtensor<8x3x3x1xi8, 0.1:0>
  %pww = qnn.constant dense<1> : tensor<2x1x1x8xi8> -> !qnn.qtensor<2x1x1x8xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<8xi32>
  %b2 = arith.constant dense<0> : tensor<2xi32>
  %a = qnn.conv2d %x, %w, %b strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x16x1xi8, 0.5:3>, !qnn.qtensor<8x3x3x1xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x8x8x8xi8, 0.5:0>
  %dw = qnn.conv2d %a, %dww, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 8 : !qnn.qtensor<1x8x8x8xi8, 0.5:0>, !qnn.qtensor<8x3x3x1xi8, 0.1:0>, tensor<8xi32> -> !qnn.qtensor<1x8x8x8xi8, 0.5:0>
  %y = qnn.conv2d %dw, %pww, %b2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x8x8x8xi8, 0.5:0>, !qnn.qtensor<2x1x1x8xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x8x8x2xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x8x8x2xi8, 0.5:0>
}
