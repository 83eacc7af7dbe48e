// RUN: tinymlir-opt %s --split-input-file -p 'convert-qnn-to-kernel,kernel-in-place,convert-kernel-to-loops' | filecheck %s
// RUN: tinymlir-opt %s --split-input-file -p 'convert-qnn-to-kernel,convert-kernel-to-loops' | filecheck %s --check-prefix=OFF

// A depthwise convolution whose input dies there runs channel by channel through a
// scratch plane and writes over its input (TinyEngine's in-place depthwise; on
// cortex-m4 the plane is the zero-point-padded input channel, 6x6 + 4 spare bytes); the
// 1x1 convolution after it keeps one output row in a ring and writes over its input rows.
// CHECK-LABEL: func.func @separable
// CHECK:         %a = memref.alloc() {alignment = 4 : i64} : memref<1x4x4x2xi8>
// CHECK:         %dw_plane = memref.alloc() {alignment = 4 : i64} : memref<40xi8>
// CHECK:         memref.store %{{.*}}, %dw_plane[
// CHECK:         memref.store %{{.*}}, %a[
// CHECK:         %pw_rows = memref.alloc() {alignment = 4 : i64} : memref<1x4x2xi8>
// CHECK:         memref.store %{{.*}}, %pw_rows[
// CHECK:         memref.store %{{.*}}, %a[
// CHECK-NOT:     memref.alloc() {alignment = 4 : i64} : memref<1x4x4x2xi8>
// OFF-LABEL:   func.func @separable
// OFF-COUNT-3:   memref.alloc() {alignment = 4 : i64} : memref<1x4x4x2xi8>
// OFF-NOT:       _plane
// OFF-NOT:       _rows
// OFF-LABEL:   func.func @residual
func.func @separable(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:0>) -> !qnn.qtensor<1x4x4x2xi8, 0.25:0> {
  %w = qnn.constant dense<1> : tensor<2x1x1x2xi8> -> !qnn.qtensor<2x1x1x2xi8, 0.1:0>
  %dww = qnn.constant dense<1> : tensor<2x3x3x1xi8> -> !qnn.qtensor<2x3x3x1xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<2xi32>
  %a = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<2x1x1x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xi8, 0.5:0>
  %dw = qnn.conv2d %a, %dww, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 2 : !qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x1xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xi8, 0.5:0>
  %pw = qnn.conv2d %dw, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<2x1x1x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xi8, 0.5:0>
  %r = qnn.requantize %pw : !qnn.qtensor<1x4x4x2xi8, 0.5:0> -> !qnn.qtensor<1x4x4x2xi8, 0.25:0>
  func.return %r : !qnn.qtensor<1x4x4x2xi8, 0.25:0>
}

// -----

// A 3x3 convolution with padding 1 keeps two output rows (pad_top + 1) in the ring and
// flushes the last one after the loop. An input that is still needed (here by the add)
// is not overwritten; the add then writes over its dying operand.
// CHECK-LABEL: func.func @residual
// CHECK:         %c = memref.alloc() {alignment = 4 : i64} : memref<1x3x3x2xi8>
// CHECK:         %d = memref.alloc() {alignment = 4 : i64} : memref<1x3x3x2xi8>
// CHECK:         %e_rows = memref.alloc() {alignment = 4 : i64} : memref<2x3x2xi8>
// CHECK:         arith.remui
// CHECK:         scf.if
// CHECK:         memref.store %{{.*}}, %d[
// CHECK-NOT:     memref.alloc()
// CHECK:         memref.store %{{.*}}, %y_out[
func.func @residual(%x: !qnn.qtensor<1x3x3x2xi8, 0.5:0>) -> !qnn.qtensor<1x3x3x2xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<2x3x3x2xi8> -> !qnn.qtensor<2x3x3x2xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<2xi32>
  %c = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.5:0>
  %d = qnn.conv2d %c, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.5:0>
  %e = qnn.conv2d %d, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.5:0>
  %y = qnn.add %c, %e : !qnn.qtensor<1x3x3x2xi8, 0.5:0>, !qnn.qtensor<1x3x3x2xi8, 0.5:0> -> !qnn.qtensor<1x3x3x2xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x3x3x2xi8, 0.5:0>
}
