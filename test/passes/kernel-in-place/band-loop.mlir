// kernel-in-place schedules the body of a band loop on its own: there the depthwise %d
// writes over the band buffer of %a, which dies at it in every band (a buffer also used
// outside the body, like the input's subview, is never overwritten).
// RUN: tinymlir-opt %s -p convert-qnn-to-kernel,"patch-schedule{stream=false max_grid=1}",kernel-in-place | filecheck %s

// CHECK-LABEL: func.func @wide
// CHECK:         %a_band1 = memref.alloc() {{.*}} : memref<1x6x8x16xi8>
// CHECK-NEXT:    %d_band1 = memref.reinterpret_cast %a_band1 to offset: [0], sizes: [1, 4, 8, 16], strides: [512, 128, 16, 1] : memref<1x6x8x16xi8> to memref<1x4x8x16xi8>
// CHECK:         patch.band_loop %band in bands 1 to 3
// CHECK:           qk.conv2d ins(%{{.*}}, %a_weight, %a_bias : memref<1x8x8x1xi8, strided<[128, 8, 1, 1], offset: ?>>, {{.*}}) outs(%a_band1 : memref<1x6x8x16xi8>)
// CHECK-NOT:       in_place
// CHECK-SAME:      }
// CHECK-NEXT:      qk.conv2d ins(%a_band1, {{.*}}) outs(%d_band1 : memref<1x4x8x16xi8>) {{{.*}}in_place = "channel"}
// CHECK:         }
func.func @wide(%x: !qnn.qtensor<1x16x8x1xi8, 0.5:3>) -> !qnn.qtensor<1x16x8x1xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<16x3x3x1xi8> -> !qnn.qtensor<16x3x3x1xi8, 0.1:0>
  %dww = qnn.constant dense<1> : tensor<16x3x3x1xi8> -> !qnn.qtensor<16x3x3x1xi8, 0.1:0>
  %pw = qnn.constant dense<1> : tensor<1x1x1x16xi8> -> !qnn.qtensor<1x1x1x16xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<16xi32>
  %b1 = arith.constant dense<0> : tensor<1xi32>
  %a = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x8x1xi8, 0.5:3>, !qnn.qtensor<16x3x3x1xi8, 0.1:0>, tensor<16xi32> -> !qnn.qtensor<1x16x8x16xi8, 0.5:0>
  %d = qnn.conv2d %a, %dww, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 16 : !qnn.qtensor<1x16x8x16xi8, 0.5:0>, !qnn.qtensor<16x3x3x1xi8, 0.1:0>, tensor<16xi32> -> !qnn.qtensor<1x16x8x16xi8, 0.5:0>
  %y = qnn.conv2d %d, %pw, %b1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x8x16xi8, 0.5:0>, !qnn.qtensor<1x1x1x16xi8, 0.1:0>, tensor<1xi32> -> !qnn.qtensor<1x16x8x1xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x16x8x1xi8, 0.5:0>
}
