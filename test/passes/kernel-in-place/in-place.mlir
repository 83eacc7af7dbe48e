// kernel-in-place records on each qk op that may write over a dying input the schedule
// that makes it safe (`in_place`), and gives it the input's buffer as output.
// RUN: tinymlir-opt %s --split-input-file -p convert-qnn-to-kernel,kernel-in-place | filecheck %s
// RUN: tinymlir-opt %s --split-input-file -p convert-qnn-to-kernel,kernel-in-place,kernel-in-place | filecheck %s

// A depthwise convolution over a dying input: channel by channel; the 1x1 convolution
// after it (stride 1, same shape): row ring; the requantize: element by element. All
// three write into the first convolution's buffer, whose allocation is the only one; the
// last requantize writes into the output argument.
// CHECK-LABEL: func.func @separable
// CHECK:         %a = memref.alloc() {alignment = 4 : i64} : memref<1x4x4x2xi8>
// CHECK-NOT:     memref.alloc
// CHECK:         qk.conv2d ins(%x, {{.*}}) outs(%a : memref<1x4x4x2xi8>) {layer = 0 : i64, {{.*}}shift = -3 : i32}
// CHECK:         qk.conv2d ins(%a, {{.*}}) outs(%a : memref<1x4x4x2xi8>) {layer = 1 : i64, {{.*}}in_place = "channel"}
// CHECK:         qk.conv2d ins(%a, {{.*}}) outs(%a : memref<1x4x4x2xi8>) {layer = 2 : i64, {{.*}}in_place = "rows"}
// CHECK:         qk.requantize ins(%a : memref<1x4x4x2xi8>) outs(%a : memref<1x4x4x2xi8>) {layer = 3 : i64, {{.*}}in_place = "elementwise"}
// CHECK:         qk.requantize ins(%a : memref<1x4x4x2xi8>) outs(%y_out : memref<1x4x4x2xi8>) {layer = 4 : i64, {{[^}]*}}shift = 0 : i32}
func.func @separable(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:0>) -> !qnn.qtensor<1x4x4x2xi8, 0.5:0> {
  %w = qnn.constant dense<1> : tensor<2x1x1x2xi8> -> !qnn.qtensor<2x1x1x2xi8, 0.1:0>
  %dww = qnn.constant dense<1> : tensor<2x3x3x1xi8> -> !qnn.qtensor<2x3x3x1xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<2xi32>
  %a = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<2x1x1x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xi8, 0.5:0>
  %dw = qnn.conv2d %a, %dww, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 2 : !qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x1xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xi8, 0.5:0>
  %pw = qnn.conv2d %dw, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 : !qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<2x1x1x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x4x4x2xi8, 0.5:0>
  %r = qnn.requantize %pw : !qnn.qtensor<1x4x4x2xi8, 0.5:0> -> !qnn.qtensor<1x4x4x2xi8, 0.25:0>
  %y = qnn.requantize %r : !qnn.qtensor<1x4x4x2xi8, 0.25:0> -> !qnn.qtensor<1x4x4x2xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x4x4x2xi8, 0.5:0>
}

// -----

// A stride-2 depthwise convolution writes its smaller output over its input's channels:
// the output buffer is a view of the input's with the output's shape.
// CHECK-LABEL: func.func @strided_depthwise
// CHECK:         %a = memref.alloc() {alignment = 4 : i64} : memref<1x4x4x2xi8>
// CHECK:         %d = memref.reinterpret_cast %a to offset: [0], sizes: [1, 2, 2, 2], strides: [8, 4, 2, 1] : memref<1x4x4x2xi8> to memref<1x2x2x2xi8>
// CHECK:         qk.conv2d ins(%a, {{.*}}) outs(%d : memref<1x2x2x2xi8>) {{.*}}in_place = "channel"}
func.func @strided_depthwise(%x: !qnn.qtensor<1x4x4x2xi8, 0.5:0>) -> !qnn.qtensor<1x2x2x2xi8, 0.5:0> {
  %dww = qnn.constant dense<1> : tensor<2x3x3x1xi8> -> !qnn.qtensor<2x3x3x1xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<2xi32>
  %a = qnn.requantize %x : !qnn.qtensor<1x4x4x2xi8, 0.5:0> -> !qnn.qtensor<1x4x4x2xi8, 0.5:0>
  %d = qnn.conv2d %a, %dww, %b strides [2, 2] pads [1, 1, 0, 0] dilations [1, 1] groups 2 : !qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x1xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x2x2x2xi8, 0.5:0>
  %y = qnn.requantize %d : !qnn.qtensor<1x2x2x2xi8, 0.5:0> -> !qnn.qtensor<1x2x2x2xi8, 0.5:0>
  func.return %y : !qnn.qtensor<1x2x2x2xi8, 0.5:0>
}

// -----

// What it declines. An input that is still read later (the residual %c, read again by
// the add) is not overwritten; the add then writes over its dying operand %e, the
// second one. The caller's input buffer and a result computed into an output argument
// are never reused.
// CHECK-LABEL: func.func @residual
// CHECK:         %c = memref.alloc()
// CHECK:         qk.conv2d ins(%x, {{.*}}) outs(%c : {{.*}}) {layer = 0 : i64, {{[^}]*}}shift = -3 : i32}
// CHECK:         %d = memref.alloc()
// CHECK:         qk.conv2d ins(%c, {{.*}}) outs(%d : {{.*}}) {layer = 1 : i64, {{[^}]*}}shift = -3 : i32}
// CHECK:         qk.conv2d ins(%d, {{.*}}) outs(%d : {{.*}}) {layer = 2 : i64, {{.*}}in_place = "rows"}
// CHECK:         qk.add ins(%c, %d : {{.*}}) outs(%d : {{.*}}) {layer = 3 : i64, {{.*}}in_place = "elementwise"}
// CHECK:         qk.requantize ins(%d : {{.*}}) outs(%y_out : {{.*}}) {layer = 4 : i64, {{[^}]*}}shift = {{-?[0-9]+}} : i32}
func.func @residual(%x: !qnn.qtensor<1x3x3x2xi8, 0.5:0>) -> !qnn.qtensor<1x3x3x2xi8, 0.25:0> {
  %w = qnn.constant dense<1> : tensor<2x3x3x2xi8> -> !qnn.qtensor<2x3x3x2xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<2xi32>
  %c = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.5:0>
  %d = qnn.conv2d %c, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.5:0>
  %e = qnn.conv2d %d, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x3x3x2xi8, 0.5:0>, !qnn.qtensor<2x3x3x2xi8, 0.1:0>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.5:0>
  %s = qnn.add %c, %e : !qnn.qtensor<1x3x3x2xi8, 0.5:0>, !qnn.qtensor<1x3x3x2xi8, 0.5:0> -> !qnn.qtensor<1x3x3x2xi8, 0.5:0>
  %y = qnn.requantize %s : !qnn.qtensor<1x3x3x2xi8, 0.5:0> -> !qnn.qtensor<1x3x3x2xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x3x3x2xi8, 0.25:0>
}

// -----

// An add of a value to itself, a view (a reshaped value) and a value read twice keep
// their own output buffers.
// CHECK-LABEL: func.func @declined
// CHECK-NOT:     in_place
// CHECK:         func.return
func.func @declined(%x: !qnn.qtensor<1x8xi8, 0.5:0>) -> !qnn.qtensor<8xi8, 0.5:0> {
  %a = qnn.requantize %x : !qnn.qtensor<1x8xi8, 0.5:0> -> !qnn.qtensor<1x8xi8, 0.5:0>
  %d = qnn.add %a, %a : !qnn.qtensor<1x8xi8, 0.5:0>, !qnn.qtensor<1x8xi8, 0.5:0> -> !qnn.qtensor<1x8xi8, 0.5:0>
  %f = qnn.reshape %d : !qnn.qtensor<1x8xi8, 0.5:0> -> !qnn.qtensor<8xi8, 0.5:0>
  %g = qnn.requantize %f : !qnn.qtensor<8xi8, 0.5:0> -> !qnn.qtensor<8xi8, 0.5:0>
  %h = qnn.requantize %g : !qnn.qtensor<8xi8, 0.5:0> -> !qnn.qtensor<8xi8, 0.5:0>
  %s = qnn.add %g, %h : !qnn.qtensor<8xi8, 0.5:0>, !qnn.qtensor<8xi8, 0.5:0> -> !qnn.qtensor<8xi8, 0.5:0>
  func.return %s : !qnn.qtensor<8xi8, 0.5:0>
}
