// Every qk op and the #qk.port attribute print and parse back unchanged (custom and
// generic syntax).
// RUN: tinymlir-opt %s --split-input-file | filecheck %s
// RUN: tinymlir-opt %s --split-input-file | tinymlir-opt --split-input-file | filecheck %s
// RUN: tinymlir-opt %s --split-input-file --print-op-generic | tinymlir-opt --split-input-file | filecheck %s

// CHECK-LABEL: func.func @kernels
// CHECK-SAME:    qk.ports = [#qk.port<"input", "x", !qnn.qtensor<1x4x4x2xi8, 0.5:0>>, #qk.port<"output", "y", !qnn.qtensor<1x4x4x2xi8, 0.5:0>>]
func.func @kernels(%x: memref<1x4x4x2xi8>, %y: memref<1x4x4x2xi8>, %w: memref<2x3x3x2xi8>, %dw: memref<2x3x3x1xi16>, %b: memref<2xi32>,
                   %m: memref<2xi32>, %s: memref<2xi8>, %sc: memref<2xf32>, %v: memref<1x8xi8>, %dwt: memref<3x8xi8>, %db: memref<3xi32>,
                   %d: memref<1x3xi8>, %p: memref<1x2x2x2xi8>, %pm: memref<5xi32>, %ps: memref<5xi32>, %t: memref<1x2x4x4xi8>,
                   %c: memref<1x4x4x4xi8>, %e: memref<256xf32>, %row: memref<1x2xi8>) attributes {qk.ports = [#qk.port<"input", "x", !qnn.qtensor<1x4x4x2xi8, 0.5:0>>, #qk.port<"output", "y", !qnn.qtensor<1x4x4x2xi8, 0.5:0>>]} {
  // CHECK: qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "conv", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1717986944 : i32, shift = -3 : i32, in_place = "rows"}
  qk.conv2d ins(%x, %w, %b : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>) outs(%y : memref<1x4x4x2xi8>) {layer = 0 : i64, layer_name = "conv", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1717986944 : i32, shift = -3 : i32, in_place = "rows"}
  // CHECK: qk.conv2d ins(%x, %dw, %b, %m, %s : memref<1x4x4x2xi8>, memref<2x3x3x1xi16>, memref<2xi32>, memref<2xi32>, memref<2xi8>) outs(%y : memref<1x4x4x2xi8>) {{.*}}groups = 2 : i64, in_place = "channel"}
  qk.conv2d ins(%x, %dw, %b, %m, %s : memref<1x4x4x2xi8>, memref<2x3x3x1xi16>, memref<2xi32>, memref<2xi32>, memref<2xi8>) outs(%y : memref<1x4x4x2xi8>) {layer = 1 : i64, layer_name = "dw", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 2 : i64, in_place = "channel"}
  // CHECK: qk.conv2d ins(%x, %w, %b, %sc : {{.*}}) outs(%y : memref<1x4x4x2xi8>) {{.*}}numerics = #qnn.numerics<onnx>
  qk.conv2d ins(%x, %w, %b, %sc : memref<1x4x4x2xi8>, memref<2x3x3x2xi8>, memref<2xi32>, memref<2xf32>) outs(%y : memref<1x4x4x2xi8>) {layer = 2 : i64, layer_name = "conv_onnx", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<onnx>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64}
  // CHECK: qk.dense ins(%v, %dwt, %db : memref<1x8xi8>, memref<3x8xi8>, memref<3xi32>) outs(%d : memref<1x3xi8>) {{.*}}scale = 1.250000e-01 : f32}
  qk.dense ins(%v, %dwt, %db : memref<1x8xi8>, memref<3x8xi8>, memref<3xi32>) outs(%d : memref<1x3xi8>) {layer = 3 : i64, layer_name = "fc", input_types = [!qnn.qtensor<1x8xi8, 0.5:0>], output_type = !qnn.qtensor<1x3xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<onnx>, scale = 0.125 : f32}
  // CHECK: qk.add ins(%x, %y : memref<1x4x4x2xi8>, memref<1x4x4x2xi8>) outs(%y : memref<1x4x4x2xi8>) {{.*}}params = array<i64: 20, 0, 1073741824, 0, 0, 1073741824, 0, 1073741824, -19>, in_place = "elementwise"}
  qk.add ins(%x, %y : memref<1x4x4x2xi8>, memref<1x4x4x2xi8>) outs(%y : memref<1x4x4x2xi8>) {layer = 4 : i64, layer_name = "sum", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, params = array<i64: 20, 0, 1073741824, 0, 0, 1073741824, 0, 1073741824, -19>, in_place = "elementwise"}
  // CHECK: qk.requantize ins(%x : memref<1x4x4x2xi8>) outs(%y : memref<1x4x4x2xi8>) {{.*}}multiplier = 1073741824 : i32, shift = 2 : i32}
  qk.requantize ins(%x : memref<1x4x4x2xi8>) outs(%y : memref<1x4x4x2xi8>) {layer = 5 : i64, layer_name = "rq", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, multiplier = 1073741824 : i32, shift = 2 : i32}
  // CHECK: qk.avg_pool2d ins(%x, %pm, %ps : memref<1x4x4x2xi8>, memref<5xi32>, memref<5xi32>) outs(%p : memref<1x2x2x2xi8>)
  qk.avg_pool2d ins(%x, %pm, %ps : memref<1x4x4x2xi8>, memref<5xi32>, memref<5xi32>) outs(%p : memref<1x2x2x2xi8>) {layer = 6 : i64, layer_name = "avg", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x2x2xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>}
  // CHECK: qk.avg_pool2d ins(%x : memref<1x4x4x2xi8>) outs(%p : memref<1x2x2x2xi8>) {{.*}}onnx_form = #qnn.pool_form<mlas_columns>}
  qk.avg_pool2d ins(%x : memref<1x4x4x2xi8>) outs(%p : memref<1x2x2x2xi8>) {layer = 7 : i64, layer_name = "avg_onnx", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x2x2xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<onnx>, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, onnx_form = #qnn.pool_form<mlas_columns>}
  // CHECK: qk.max_pool2d ins(%x : memref<1x4x4x2xi8>) outs(%p : memref<1x2x2x2xi8>)
  qk.max_pool2d ins(%x : memref<1x4x4x2xi8>) outs(%p : memref<1x2x2x2xi8>) {layer = 8 : i64, layer_name = "max", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x2x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>}
  // CHECK: qk.pad ins(%p : memref<1x2x2x2xi8>) outs(%x : memref<1x4x4x2xi8>) {{.*}}pads = array<i64: 0, 1, 1, 0, 0, 1, 1, 0>}
  qk.pad ins(%p : memref<1x2x2x2xi8>) outs(%x : memref<1x4x4x2xi8>) {layer = 9 : i64, layer_name = "pad", input_types = [!qnn.qtensor<1x2x2x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, pads = array<i64: 0, 1, 1, 0, 0, 1, 1, 0>}
  // CHECK: qk.transpose ins(%x : memref<1x4x4x2xi8>) outs(%t : memref<1x2x4x4xi8>) {{.*}}perm = array<i64: 0, 3, 1, 2>}
  qk.transpose ins(%x : memref<1x4x4x2xi8>) outs(%t : memref<1x2x4x4xi8>) {layer = 10 : i64, layer_name = "nchw", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x4xi8, 0.5:0>, clamp = array<i64: -128, 127>, perm = array<i64: 0, 3, 1, 2>}
  // CHECK: qk.concat ins(%x, %y : memref<1x4x4x2xi8>, memref<1x4x4x2xi8>) outs(%c : memref<1x4x4x4xi8>) {{.*}}axis = 3 : i64}
  qk.concat ins(%x, %y : memref<1x4x4x2xi8>, memref<1x4x4x2xi8>) outs(%c : memref<1x4x4x4xi8>) {layer = 11 : i64, layer_name = "cat", input_types = [!qnn.qtensor<1x4x4x2xi8, 0.5:0>, !qnn.qtensor<1x4x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x4xi8, 0.5:0>, clamp = array<i64: -128, 127>, axis = 3 : i64}
  // CHECK: qk.softmax ins(%row : memref<1x2xi8>) outs(%row : memref<1x2xi8>) {{.*}}params = array<i64: 1717986944, 23, -3968>}
  qk.softmax ins(%row : memref<1x2xi8>) outs(%row : memref<1x2xi8>) {layer = 12 : i64, layer_name = "probs", input_types = [!qnn.qtensor<1x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2xi8, 0.00390625:-128>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, params = array<i64: 1717986944, 23, -3968>}
  // CHECK: qk.softmax ins(%row, %e : memref<1x2xi8>, memref<256xf32>) outs(%row : memref<1x2xi8>) {{.*}}numerics = #qnn.numerics<onnx>}
  qk.softmax ins(%row, %e : memref<1x2xi8>, memref<256xf32>) outs(%row : memref<1x2xi8>) {layer = 13 : i64, layer_name = "probs_onnx", input_types = [!qnn.qtensor<1x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2xi8, 0.00390625:-128>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<onnx>}
  func.return
}

// -----

// Operands are any buffers of the right shape: a strided subview of a larger buffer, a
// buffer in another memory space.
// CHECK-LABEL: func.func @views
// CHECK:         qk.requantize ins(%tile : memref<1x4xi8, strided<[16, 2]>>) outs(%fast : memref<1x4xi8, 1 : i32>)
func.func @views(%x: memref<2x16xi8>, %fast: memref<1x4xi8, 1 : i32>) {
  %tile = memref.subview %x[0, 0] [1, 4] [1, 2] : memref<2x16xi8> to memref<1x4xi8, strided<[16, 2]>>
  qk.requantize ins(%tile : memref<1x4xi8, strided<[16, 2]>>) outs(%fast : memref<1x4xi8, 1 : i32>) {layer = 0 : i64, layer_name = "rq", input_types = [!qnn.qtensor<1x4xi8, 0.5:0>], output_type = !qnn.qtensor<1x4xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, multiplier = 1073741824 : i32, shift = 2 : i32}
  func.return
}

