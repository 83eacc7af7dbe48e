// RUN: tinymlir-opt %s --target-desc=cortex-m4-speed --split-input-file -p 'convert-qnn-to-kernel,kernel-in-place,convert-kernel-to-loops,canonicalize,cse' | filecheck %s

// cortex-m4 1x1 convolution (cortex_m4_dsp.py): the int8 weights packed at compile time
// ([Cout/2][K/4][2] quads) and widened into 16-bit lanes within the flash budget
// ([..][2]: (w0, w2) and (w1, w3); channel 0's 1, -2, 3, -4 are 0x00030001 = 196609 and
// 0xFFFCFFFE = -196610), the original weight array gone; 2 x 2 tiles (two consecutive
// pixels in row-major order, two channels; here one channel pair, its loop folded)
// whose K loop (2 quads) reads one word per pixel (load_s8x4, both from one flat view of
// the stride-1 input, Cin apart), widens it once with sxtb16 / sxtb16 ror 8, and does 8
// smlad.
// CHECK-NOT:   sym_name = "y_weight"
// CHECK:       "memref.global"() <{sym_name = "y_packed", type = memref<1x2x2x2xi32>, initial_value = dense<{{\[\[\[\[}}196609, -196610]
// CHECK-LABEL: func.func @pointwise
// CHECK:         %[[FLAT:[0-9]+]] = memref.collapse_shape %x {{\[\[}}0 : i64, 1 : i64, 2 : i64, 3 : i64]] : memref<1x2x3x8xi8> into memref<48xi8>
// CHECK:         scf.for %[[T:[0-9]+]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[P0:[0-9]+]] = arith.muli %[[T]], %{{.*}} : index
// CHECK:           %[[B0:[0-9]+]] = arith.muli %[[P0]], %{{.*}} : index
// CHECK-NEXT:      %[[B1:[0-9]+]] = arith.addi %[[B0]], %{{.*}} : index
// CHECK:           scf.for %[[Q:[0-9]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (i32, i32, i32, i32) {
// CHECK-NEXT:        %[[K:[0-9]+]] = arith.muli %[[Q]], %{{.*}} : index
// CHECK-NEXT:        %[[I0:[0-9]+]] = arith.addi %[[B0]], %[[K]] : index
// CHECK-NEXT:        %[[X0:[0-9]+]] = mcuc.load_s8x4 %[[FLAT]][%[[I0]]] : memref<48xi8>
// CHECK-NEXT:        %[[X0E:[0-9]+]] = mcuc.sxtb16 %[[X0]]
// CHECK-NEXT:        %[[X0O:[0-9]+]] = mcuc.sxtb16 %[[X0]] ror 8
// CHECK-NEXT:        %[[I1:[0-9]+]] = arith.addi %[[B1]], %[[K]] : index
// CHECK-NEXT:        %[[X1:[0-9]+]] = mcuc.load_s8x4 %[[FLAT]][%[[I1]]] : memref<48xi8>
// CHECK-NEXT:        %[[X1E:[0-9]+]] = mcuc.sxtb16 %[[X1]]
// CHECK-NEXT:        %[[X1O:[0-9]+]] = mcuc.sxtb16 %[[X1]] ror 8
// CHECK-NEXT:        %[[WE:[0-9]+]] = memref.load %y_packed[%{{.*}}, %[[Q]], %{{.*}}, %{{.*}}] : memref<1x2x2x2xi32>
// CHECK-NEXT:        %[[WO:[0-9]+]] = memref.load %y_packed[%{{.*}}, %[[Q]], %{{.*}}, %{{.*}}] : memref<1x2x2x2xi32>
// CHECK-NEXT:        %[[A:[0-9]+]] = mcuc.smlad %[[X0E]], %[[WE]], %{{.*}}
// CHECK-NEXT:        %{{.*}} = mcuc.smlad %[[X0O]], %[[WO]], %[[A]]
// CHECK-NEXT:        %[[B:[0-9]+]] = mcuc.smlad %[[X1E]], %[[WE]], %{{.*}}
// CHECK-NEXT:        %{{.*}} = mcuc.smlad %[[X1O]], %[[WO]], %[[B]]
// CHECK-COUNT-4:       mcuc.smlad
// CHECK:               scf.yield
// CHECK-NOT:     fxp.multiply_by_quantized_multiplier
// CHECK:         func.return
func.func @pointwise(%x: !qnn.qtensor<1x2x3x8xi8, 0.5:-1>) -> !qnn.qtensor<1x2x3x2xi8, 0.25:3> {
  %w = qnn.constant dense<[[[[1, -2, 3, -4, 4, 3, 2, 1]]], [[[5, 6, -7, 127, -2, -2, -2, -2]]]]> : tensor<2x1x1x8xi8> -> !qnn.qtensor<2x1x1x8xi8, 0.1:0>
  %b = arith.constant dense<[-8, 58]> : tensor<2xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x2x3x8xi8, 0.5:-1>, !qnn.qtensor<2x1x1x8xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x2x3x2xi8, 0.25:3>
  func.return %y : !qnn.qtensor<1x2x3x2xi8, 0.25:3>
}

// -----

// Dense: each weight is used once, so the weights are widened at compile time into
// 16-bit lanes ([units/4][K/4][4][2]: (w0, w2) and (w1, w3) per quad; 1, 3 is 0x00030001 =
// 196609, -2, -4 is 0xFFFCFFFE = -196610), the loop widens only the input word.
// CHECK:       "memref.global"() <{sym_name = "y_packed", type = memref<1x1x4x2xi32>, initial_value = dense<{{\[\[\[\[}}196609, -196610]
// CHECK-LABEL: func.func @dense
// CHECK:         %[[X:[0-9]+]] = mcuc.load_s8x4 %x[%{{.*}}, %{{.*}}] : memref<1x4xi8>
// CHECK-NEXT:    %[[XE:[0-9]+]] = mcuc.sxtb16 %[[X]]
// CHECK-NEXT:    %[[XO:[0-9]+]] = mcuc.sxtb16 %[[X]] ror 8
// CHECK-NEXT:    %[[W:[0-9]+]] = memref.load %y_packed[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<1x1x4x2xi32>
// CHECK-NEXT:    %[[W1:[0-9]+]] = memref.load %y_packed[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<1x1x4x2xi32>
// CHECK-NEXT:    %[[A:[0-9]+]] = mcuc.smlad %[[XE]], %[[W]], %{{.*}}
// CHECK-NEXT:    %{{.*}} = mcuc.smlad %[[XO]], %[[W1]], %[[A]]
// CHECK-COUNT-6: mcuc.smlad
// CHECK-NOT:     mcuc.sxtb16
// CHECK:         func.return
func.func @dense(%x: !qnn.qtensor<1x4xi8, 0.5:-1>) -> !qnn.qtensor<1x4xi8, 0.25:3> {
  %w = qnn.constant dense<[[1, -2, 3, -4], [5, 6, -7, 127], [0, 1, 0, 1], [-128, 2, 3, 4]]> : tensor<4x4xi8> -> !qnn.qtensor<4x4xi8, 0.1:0>
  %b = arith.constant dense<[-8, 58, 1, 2]> : tensor<4xi32>
  %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x4xi8, 0.5:-1>, !qnn.qtensor<4x4xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x4xi8, 0.25:3>
  func.return %y : !qnn.qtensor<1x4xi8, 0.25:3>
}

// -----

// uint8 activations (SXTB16 sign-extends) keep the plain-C channel tiles.
// CHECK-LABEL: func.func @unsigned_input
// CHECK-NOT:     mcuc.smlad
// CHECK:         func.return
func.func @unsigned_input(%x: !qnn.qtensor<1x2x2x4xui8, 0.5:128>) -> !qnn.qtensor<1x2x2x2xui8, 0.25:3> {
  %w = qnn.constant dense<[[[[1, -2, 3, -4]]], [[[5, 6, -7, 127]]]]> : tensor<2x1x1x4xi8> -> !qnn.qtensor<2x1x1x4xi8, 0.1:0>
  %b = arith.constant dense<[-8, 58]> : tensor<2xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x2x2x4xui8, 0.5:128>, !qnn.qtensor<2x1x1x4xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x2x2x2xui8, 0.25:3>
  func.return %y : !qnn.qtensor<1x2x2x2xui8, 0.25:3>
}

// -----

// A padded convolution (any kernel size) goes kernel row by kernel row, skipping the
// padding taps as TFLM does, through one-pixel tiles of cortex_m4_conv.py: the valid
// taps of a row are one run of quads over a flat view of the input ((we - ws) * Cin/4
// quads), SMLAD on each; the input zero point (-1) is subtracted in the widening
// (sxtab16 with +1 in both lanes, 0x00010001); the weights are widened at compile time
// ([Cout/2][taps * Cin/4][2][2]).
// CHECK:       "memref.global"() <{sym_name = "y_packed", type = memref<1x1x2x2xi32>
// CHECK-LABEL: func.func @padded
// CHECK:         %[[OFFSET:[0-9]+]] = arith.constant 65537 : i32
// CHECK:         %[[FLAT:[0-9]+]] = memref.collapse_shape %x {{\[\[}}0 : i64, 1 : i64, 2 : i64, 3 : i64]] : memref<1x2x2x4xi8> into memref<16xi8>
// CHECK:         scf.for
// CHECK:           scf.for {{.*}} -> (i32, i32) {
// CHECK:               %[[X:[0-9]+]] = mcuc.load_s8x4 %[[FLAT]][%{{.*}}] : memref<16xi8>
// CHECK-NEXT:          %[[XE:[0-9]+]] = mcuc.sxtab16 %[[OFFSET]], %[[X]]
// CHECK-NEXT:          %[[XO:[0-9]+]] = mcuc.sxtab16 %[[OFFSET]], %[[X]] ror 8
// CHECK-NEXT:          %[[W:[0-9]+]] = memref.load %y_packed
// CHECK-NEXT:          %[[W1:[0-9]+]] = memref.load %y_packed
// CHECK-NEXT:          %[[A:[0-9]+]] = mcuc.smlad %[[XE]], %[[W]], %{{.*}}
// CHECK-NEXT:          %{{.*}} = mcuc.smlad %[[XO]], %[[W1]], %[[A]]
// CHECK:         func.return
func.func @padded(%x: !qnn.qtensor<1x2x2x4xi8, 0.5:-1>) -> !qnn.qtensor<1x4x4x2xi8, 0.25:3> {
  %w = qnn.constant dense<[[[[1, -2, 3, -4]]], [[[5, 6, -7, 127]]]]> : tensor<2x1x1x4xi8> -> !qnn.qtensor<2x1x1x4xi8, 0.1:0>
  %b = arith.constant dense<[-8, 58]> : tensor<2xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x2x2x4xi8, 0.5:-1>, !qnn.qtensor<2x1x1x4xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xi8, 0.25:3>
  func.return %y : !qnn.qtensor<1x4x4x2xi8, 0.25:3>
}
