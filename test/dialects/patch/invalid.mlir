// Verifier of the patch dialect: one case per rule, in the order of dialects/patch.py.
// The CHECK lines match xDSL's annotation of the failing op or attribute.
// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics | filecheck %s

// A stage's form is recompute or stream.
// CHECK: patch.stage: form must be one of recompute, stream, got 'tiles'
func.func @stage_0(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "tiles" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// The grid is [row bands, column bands].
// CHECK: patch.stage: grid must be [row bands, column bands] >= 1, got [2]
func.func @stage_1(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// One band per grid cell.
// CHECK: patch.stage: a grid of 3x1 needs 3 bands, the table has 2
func.func @stage_2(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [3, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// One tile per layer in each band.
// CHECK: patch.stage: band 1 has 1 tiles for 2 layers
func.func @stage_3(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// Every layer of the table has a kernel op in the stage.
// CHECK: patch.stage: layer 'z' of the table is not in the stage
func.func @stage_4(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"z", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// The layer's input maps are its data operands'.
// CHECK: patch.stage: layer 'a' reads 1 maps, the table 2
func.func @stage_5(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4], [4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// A convolution's layer has its map-level pads.
// CHECK: patch.stage: layer 'a' is a convolution: its pads are [top, left, bottom, right]
func.func @stage_6(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads []>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// What a layer reads of another lies in what that one computed in the band: band 1 computes
// rows 1-2 of 'a' (its shapes agree), but 'y' reads rows 2-3 of it.
// CHECK: patch.stage: band 1 of layer 'y' reads 2:4 x 0:4 of layer 'a', which the band did not compute
func.func @stage_7(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<1:3 x 0:4 reads [0:4 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 0, 0, 0] [1, 4, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x4x4x1xi8, strided<[16, 4, 1, 1]>>
      qk.conv2d ins(%x1, %w, %b : memref<1x4x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x4x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// The last layer's tiles partition the stitched output: no row computed twice.
// CHECK: patch.stage: the tiles of layer 'y' overlap or reach outside the stitched output (4x4): each element must be computed once
func.func @stage_8(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<1:4 x 0:4 reads [1:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// The stream form computes every row of an intermediate once.
// CHECK: patch.stage: the tiles of layer 'a' overlap or reach outside its map (4x4): each element must be computed once
func.func @stage_9(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "stream" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:3 x 0:4 reads [0:4 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// A window is the layer's input_window of its tile, clipped to the map.
// CHECK: patch.stage: band 1 of layer 'a': tile 2:4 x 0:4 reads [1:4 x 0:4], the table says [2:4 x 0:4]
func.func @stage_10(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// The pads are the part of the receptive field clipping cut off.
// CHECK: patch.stage: band 1 of layer 'a': pads [0, 1, 0, 1], the clipped-off part is [0, 1, 1, 1]
func.func @stage_11(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// A tile with nothing to compute reads nothing.
// CHECK: patch.stage: band 2 of layer 'a' computes nothing but reads windows
func.func @stage_12(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [3, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<4:4 x 0:4 reads [1:4 x 0:4] pads []>, #patch.tile<4:4 x 0:4 reads [] pads []>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// The stitched output has the last layer's map.
// CHECK: patch.stage: the stitched output is [2, 4] rows x cols, the last layer's map [4, 4]
func.func @stage_13(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>, %z: memref<1x2x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %z : memref<1x2x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// A layer's pads are four values or none.
// CHECK: patch.layer 'a': pads are [top, left, bottom, right] or []
func.func @stage_14(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// A tile's boxes are rows x columns.
// CHECK: patch.tile: pads are [top, left, bottom, right] or []
func.func @stage_15(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// A band loop's bands are [first, end).
// CHECK: patch.band_loop: bands must be [first, end) with 0 <= first < end, got [2, 1]
func.func @stage_16(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 2 to 1 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// A band loop runs bands of its stage.
// CHECK: patch.band_loop: bands [1, 3] beyond the stage's 2 bands
func.func @stage_17(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 3 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// Each op has its band's tile and windows.
// CHECK: patch.stage: band 0 of layer 'a': the op computes 2x4 rows x cols from 3x4, the table's tile and windows are 1x4 from 2x4
func.func @ops_0(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:1 x 0:4 reads [0:2 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<1:4 x 0:4 reads [0:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// Every layer run in the stage is in its table.
// CHECK: patch.stage: layer 'q' runs in the stage but is not in its table
func.func @ops_1(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "q", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// The ops run the bands in order.
// CHECK: patch.stage: the ops of layer 'a' do not run its bands in order (band 0)
func.func @ops_2(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [2, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 0 to 1 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// Every band of every layer is computed.
// CHECK: patch.stage: band 2 of layer 'a' is computed by no op
func.func @ops_3(%x: memref<1x4x4x1xi8>, %w: memref<2x3x3x1xi8>, %b: memref<2xi32>, %pw: memref<1x1x1x2xi8>, %b1: memref<1xi32>, %y: memref<1x4x4x1xi8>) {
  patch.stage "recompute" grid [3, 1] writes %y : memref<1x4x4x1xi8> layers [#patch.layer<"a", map [4, 4] reads [[4, 4]] pads [1, 1, 1, 1]>, #patch.layer<"y", map [4, 4] reads [[4, 4]] pads [0, 0, 0, 0]>] bands [[#patch.tile<0:2 x 0:4 reads [0:3 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:2 x 0:4 reads [0:2 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<2:4 x 0:4 reads [2:4 x 0:4] pads [0, 0, 0, 0]>], [#patch.tile<2:4 x 0:4 reads [1:4 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<4:4 x 0:4 reads [] pads []>]] {
    %a_band0 = memref.alloc() : memref<1x2x4x2xi8>
    %x0 = memref.subview %x[0, 0, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%x0, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1]>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band0 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %y0 = memref.subview %y[0, 0, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>
    qk.conv2d ins(%a_band0, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y0 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1]>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    %a_band1 = memref.alloc() : memref<1x2x4x2xi8>
    patch.band_loop %band in bands 1 to 2 {
      %x1 = memref.subview %x[0, 1, 0, 0] [1, 3, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>
      qk.conv2d ins(%x1, %w, %b : memref<1x3x4x1xi8, strided<[16, 4, 1, 1], offset: 4>>, memref<2x3x3x1xi8>, memref<2xi32>) outs(%a_band1 : memref<1x2x4x2xi8>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x3x4x1xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x2xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
      %y1 = memref.subview %y[0, 2, 0, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x4x4x1xi8> to memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>
      qk.conv2d ins(%a_band1, %pw, %b1 : memref<1x2x4x2xi8>, memref<1x1x1x2xi8>, memref<1xi32>) outs(%y1 : memref<1x2x4x1xi8, strided<[16, 4, 1, 1], offset: 8>>) {layer = 1 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x2x4x2xi8, 0.5:0>], output_type = !qnn.qtensor<1x2x4x1xi8, 0.5:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1073741824 : i32, shift = 0 : i32}
    }
  }
  func.return
}

// -----

// A band loop is directly inside a patch.stage.
// CHECK: patch.band_loop: must be directly inside a patch.stage
func.func @outside() {
  patch.band_loop %band in bands 0 to 2 {
  }
  func.return
}

// -----

// A border band may compute rows outside its map only when a fill resets them in the band (folded stream form).
// CHECK: patch.stage: band 0 of layer 'd' computes 1 rows beyond its tile, which only a border band writing a line buffer of the stage may, resetting them to the zero point 2 right after
builtin.module attributes {qnn.numerics = #qnn.numerics<tflm>} {
  "memref.global"() <{sym_name = "a_weight", type = memref<4x3x3x2xi8>, initial_value = dense<[[[[3, 1], [1, 3], [1, 2]], [[2, -2], [-3, -1], [-2, 3]], [[3, -3], [0, 2], [-3, 2]]], [[[-3, 0], [2, -1], [-1, -2]], [[2, -2], [3, 0], [0, 0]], [[1, 0], [0, 3], [2, 2]]], [[[1, 1], [-1, 3], [0, -2]], [[2, -2], [3, 1], [-3, -3]], [[0, -3], [-3, 0], [3, 0]]], [[[2, 3], [2, 1], [0, 0]], [[-2, 0], [-1, -2], [3, -3]], [[-3, -2], [3, 1], [3, -2]]]]> : tensor<4x3x3x2xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "a_bias", type = memref<4xi32>, initial_value = dense<[5, -7, 11, 0]> : tensor<4xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "d_weight", type = memref<4x3x3x1xi8>, initial_value = dense<[[[[2], [-1], [0]], [[-3], [1], [2]], [[1], [-2], [0]]], [[[-2], [3], [3]], [[-2], [0], [3]], [[2], [1], [1]]], [[[-3], [2], [0]], [[-3], [-2], [0]], [[2], [0], [1]]], [[[3], [1], [-1]], [[1], [1], [-3]], [[-3], [1], [-1]]]]> : tensor<4x3x3x1xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "d_bias", type = memref<4xi32>, initial_value = dense<[5, -7, 11, 0]> : tensor<4xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "p_weight", type = memref<8x1x1x4xi8>, initial_value = dense<[[[[1, -1, -2, -2]]], [[[-1, 2, -1, -1]]], [[[1, 3, -1, 1]]], [[[0, 1, 0, 1]]], [[[0, 1, 3, -2]]], [[[0, 0, -1, -2]]], [[[-3, -1, 2, -3]]], [[[-1, 3, 3, -2]]]]> : tensor<8x1x1x4xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "p_bias", type = memref<8xi32>, initial_value = dense<[11, 1, -6, -4, 5, 2, 11, 0]> : tensor<8xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "y_weight", type = memref<8x3x3x1xi8>, initial_value = dense<[[[[-3], [1], [-3]], [[-1], [0], [3]], [[-3], [1], [0]]], [[[-3], [2], [2]], [[0], [3], [1]], [[3], [3], [0]]], [[[-2], [-2], [0]], [[-2], [2], [3]], [[-2], [0], [-3]]], [[[-2], [-1], [3]], [[3], [1], [1]], [[0], [-3], [-1]]], [[[3], [-1], [-2]], [[-2], [1], [-3]], [[3], [3], [0]]], [[[0], [2], [0]], [[0], [-1], [0]], [[2], [-3], [-3]]], [[[2], [-1], [2]], [[-3], [3], [-3]], [[-1], [3], [-3]]], [[[1], [2], [-1]], [[-3], [0], [0]], [[3], [1], [-1]]]]> : tensor<8x3x3x1xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "y_bias", type = memref<8xi32>, initial_value = dense<[3, -1, 2, 0, 9, -4, 1, 6]> : tensor<8xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  func.func @v1(%x: memref<1x24x8x2xi8>, %y_out: memref<1x6x2x8xi8>) attributes {qk.ports = [#qk.port<"input", "x", !qnn.qtensor<1x24x8x2xi8, 0.5:3>>, #qk.port<"output", "y", !qnn.qtensor<1x6x2x8xi8, 0.25:0>>]} {
    %a_weight = memref.get_global @a_weight : memref<4x3x3x2xi8>
    %a_bias = memref.get_global @a_bias : memref<4xi32>
    %d_weight = memref.get_global @d_weight : memref<4x3x3x1xi8>
    %d_bias = memref.get_global @d_bias : memref<4xi32>
    %p_weight = memref.get_global @p_weight : memref<8x1x1x4xi8>
    %p_bias = memref.get_global @p_bias : memref<8xi32>
    %y_weight = memref.get_global @y_weight : memref<8x3x3x1xi8>
    %y_bias = memref.get_global @y_bias : memref<8xi32>
    patch.stage "stream" grid [7, 1] writes %y_out : memref<1x6x2x8xi8> layers [#patch.layer<"a", map [12, 4] reads [[24, 8]] pads [0, 0, 1, 1]>, #patch.layer<"d", map [12, 4] reads [[12, 4]] pads [1, 1, 1, 1]>, #patch.layer<"p", map [12, 4] reads [[12, 4]] pads [0, 0, 0, 0]>, #patch.layer<"y", map [6, 2] reads [[12, 4]] pads [0, 0, 1, 1]>] bands [[#patch.tile<0:2 x 0:4 reads [0:5 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<0:1 x 0:4 reads [0:2 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:1 x 0:4 reads [0:1 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<0:0 x 0:2 reads [] pads []>], [#patch.tile<2:4 x 0:4 reads [4:9 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<1:3 x 0:4 reads [0:4 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<1:3 x 0:4 reads [1:3 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<0:1 x 0:2 reads [0:3 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<4:6 x 0:4 reads [8:13 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<3:5 x 0:4 reads [2:6 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<3:5 x 0:4 reads [3:5 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<1:2 x 0:2 reads [2:5 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<6:8 x 0:4 reads [12:17 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<5:7 x 0:4 reads [4:8 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<5:7 x 0:4 reads [5:7 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<2:3 x 0:2 reads [4:7 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<8:10 x 0:4 reads [16:21 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<7:9 x 0:4 reads [6:10 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<7:9 x 0:4 reads [7:9 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<3:4 x 0:2 reads [6:9 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<10:12 x 0:4 reads [20:24 x 0:8] pads [0, 0, 1, 1]>, #patch.tile<9:11 x 0:4 reads [8:12 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<9:11 x 0:4 reads [9:11 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<4:5 x 0:2 reads [8:11 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<0:0 x 0:4 reads [] pads []>, #patch.tile<11:12 x 0:4 reads [10:12 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<11:12 x 0:4 reads [11:12 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<5:6 x 0:2 reads [10:12 x 0:4] pads [0, 0, 1, 1]>]] {
      %a_stream = memref.alloc() {alignment = 4 : i64} : memref<1x5x4x4xi8>
      patch.fill %a_stream with -5 : memref<1x5x4x4xi8>
      %d_stream = memref.alloc() {alignment = 4 : i64} : memref<1x3x4x4xi8>
      patch.fill %d_stream with 2 : memref<1x3x4x4xi8>
      %p_stream = memref.alloc() {alignment = 4 : i64} : memref<1x3x4x8xi8>
      patch.fill %p_stream with -1 : memref<1x3x4x8xi8>
      patch.band_loop %band in bands 0 to 7 {
        %0 = memref.subview %a_stream[0, 2, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 32>>
        %1 = memref.subview %a_stream[0, 0, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1]>>
        "memref.copy"(%0, %1) : (memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 32>>, memref<1x1x4x4xi8, strided<[80, 16, 4, 1]>>) -> ()
        %2 = memref.subview %a_stream[0, 3, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
        %3 = memref.subview %a_stream[0, 1, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 16>>
        "memref.copy"(%2, %3) : (memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>, memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 16>>) -> ()
        %4 = memref.subview %a_stream[0, 4, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 64>>
        %5 = memref.subview %a_stream[0, 2, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 32>>
        "memref.copy"(%4, %5) : (memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 64>>, memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 32>>) -> ()
        %6 = memref.subview %d_stream[0, 2, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 32>>
        %7 = memref.subview %d_stream[0, 0, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x1x4x4xi8, strided<[48, 16, 4, 1]>>
        "memref.copy"(%6, %7) : (memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 32>>, memref<1x1x4x4xi8, strided<[48, 16, 4, 1]>>) -> ()
        %8 = memref.subview %p_stream[0, 2, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 64>>
        %9 = memref.subview %p_stream[0, 0, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x1x4x8xi8, strided<[96, 32, 8, 1]>>
        "memref.copy"(%8, %9) : (memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 64>>, memref<1x1x4x8xi8, strided<[96, 32, 8, 1]>>) -> ()
        patch.guard %band in bands 0 to 5 {
          %10 = arith.constant 4 : index
          %11 = arith.muli %band, %10 : index
          %12 = arith.constant 0 : index
          %13 = arith.addi %11, %12 : index
          %14 = memref.subview %x[0, %13, 0, 0] [1, 5, 8, 2] [1, 1, 1, 1] : memref<1x24x8x2xi8> to memref<1x5x8x2xi8, strided<[384, 16, 2, 1], offset: ?>>
          %15 = memref.subview %a_stream[0, 3, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
          qk.conv2d ins(%14, %a_weight, %a_bias : memref<1x5x8x2xi8, strided<[384, 16, 2, 1], offset: ?>>, memref<4x3x3x2xi8>, memref<4xi32>) outs(%15 : memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x5x8x2xi8, 0.5:3>], output_type = !qnn.qtensor<1x2x4x4xi8, 0.3:-5>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1431655730 : i32, shift = -2 : i32}
        }
        patch.guard %band in bands 5 to 6 {
          %16 = memref.subview %x[0, 20, 0, 0] [1, 4, 8, 2] [1, 1, 1, 1] : memref<1x24x8x2xi8> to memref<1x4x8x2xi8, strided<[384, 16, 2, 1], offset: 320>>
          %17 = memref.subview %a_stream[0, 3, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
          qk.conv2d ins(%16, %a_weight, %a_bias : memref<1x4x8x2xi8, strided<[384, 16, 2, 1], offset: 320>>, memref<4x3x3x2xi8>, memref<4xi32>) outs(%17 : memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x4x8x2xi8, 0.5:3>], output_type = !qnn.qtensor<1x2x4x4xi8, 0.3:-5>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1431655730 : i32, shift = -2 : i32}
        }
        patch.guard %band in bands 6 to 7 {
          %18 = memref.subview %a_stream[0, 3, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
          patch.fill %18 with -5 : memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
        }
        %19 = memref.subview %a_stream[0, 1, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x4x4x4xi8, strided<[80, 16, 4, 1], offset: 16>>
        %20 = memref.subview %d_stream[0, 1, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x2x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>
        qk.conv2d ins(%19, %d_weight, %d_bias : memref<1x4x4x4xi8, strided<[80, 16, 4, 1], offset: 16>>, memref<4x3x3x1xi8>, memref<4xi32>) outs(%20 : memref<1x2x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>) {layer = 1 : i64, layer_name = "d", input_types = [!qnn.qtensor<1x4x4x4xi8, 0.3:-5>], output_type = !qnn.qtensor<1x2x4x4xi8, 0.4:2>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 4 : i64, multiplier = 1288490240 : i32, shift = -2 : i32}
        patch.guard %band in bands 6 to 7 {
          %22 = memref.subview %d_stream[0, 2, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 32>>
          patch.fill %22 with 2 : memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 32>>
        }
        %23 = memref.subview %d_stream[0, 1, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x2x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>
        %24 = memref.subview %p_stream[0, 1, 0, 0] [1, 2, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x2x4x8xi8, strided<[96, 32, 8, 1], offset: 32>>
        qk.conv2d ins(%23, %p_weight, %p_bias : memref<1x2x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>, memref<8x1x1x4xi8>, memref<8xi32>) outs(%24 : memref<1x2x4x8xi8, strided<[96, 32, 8, 1], offset: 32>>) {layer = 2 : i64, layer_name = "p", input_types = [!qnn.qtensor<1x2x4x4xi8, 0.4:2>], output_type = !qnn.qtensor<1x2x4x8xi8, 0.3:-1>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1145324601 : i32, shift = -1 : i32}
        patch.guard %band in bands 0 to 1 {
          %25 = memref.subview %p_stream[0, 1, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 32>>
          patch.fill %25 with -1 : memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 32>>
        }
        patch.guard %band in bands 6 to 7 {
          %26 = memref.subview %p_stream[0, 2, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 64>>
          patch.fill %26 with -1 : memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 64>>
        }
        patch.guard %band in bands 1 to 7 {
          %27 = arith.constant 1 : index
          %28 = arith.muli %band, %27 : index
          %29 = arith.constant -1 : index
          %30 = arith.addi %28, %29 : index
          %31 = memref.subview %y_out[0, %30, 0, 0] [1, 1, 2, 8] [1, 1, 1, 1] : memref<1x6x2x8xi8> to memref<1x1x2x8xi8, strided<[96, 16, 8, 1], offset: ?>>
          qk.conv2d ins(%p_stream, %y_weight, %y_bias : memref<1x3x4x8xi8>, memref<8x3x3x1xi8>, memref<8xi32>) outs(%31 : memref<1x1x2x8xi8, strided<[96, 16, 8, 1], offset: ?>>) {layer = 3 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x3x4x8xi8, 0.3:-1>], output_type = !qnn.qtensor<1x1x2x8xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 1>, dilations = array<i64: 1, 1>, groups = 8 : i64, multiplier = 2061584415 : i32, shift = -2 : i32}
        }
      }
    }
    func.return
  }
}

// -----

// A convolution reads rows outside its input's map in place of pads only from a line buffer filled with the input's zero point.
// CHECK: patch.stage: band 0 of layer 'd' reads 1 rows outside its input's map in place of pads, but its input is not a line buffer of the stage filled with the zero point -5
builtin.module attributes {qnn.numerics = #qnn.numerics<tflm>} {
  "memref.global"() <{sym_name = "a_weight", type = memref<4x3x3x2xi8>, initial_value = dense<[[[[3, 1], [1, 3], [1, 2]], [[2, -2], [-3, -1], [-2, 3]], [[3, -3], [0, 2], [-3, 2]]], [[[-3, 0], [2, -1], [-1, -2]], [[2, -2], [3, 0], [0, 0]], [[1, 0], [0, 3], [2, 2]]], [[[1, 1], [-1, 3], [0, -2]], [[2, -2], [3, 1], [-3, -3]], [[0, -3], [-3, 0], [3, 0]]], [[[2, 3], [2, 1], [0, 0]], [[-2, 0], [-1, -2], [3, -3]], [[-3, -2], [3, 1], [3, -2]]]]> : tensor<4x3x3x2xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "a_bias", type = memref<4xi32>, initial_value = dense<[5, -7, 11, 0]> : tensor<4xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "d_weight", type = memref<4x3x3x1xi8>, initial_value = dense<[[[[2], [-1], [0]], [[-3], [1], [2]], [[1], [-2], [0]]], [[[-2], [3], [3]], [[-2], [0], [3]], [[2], [1], [1]]], [[[-3], [2], [0]], [[-3], [-2], [0]], [[2], [0], [1]]], [[[3], [1], [-1]], [[1], [1], [-3]], [[-3], [1], [-1]]]]> : tensor<4x3x3x1xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "d_bias", type = memref<4xi32>, initial_value = dense<[5, -7, 11, 0]> : tensor<4xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "p_weight", type = memref<8x1x1x4xi8>, initial_value = dense<[[[[1, -1, -2, -2]]], [[[-1, 2, -1, -1]]], [[[1, 3, -1, 1]]], [[[0, 1, 0, 1]]], [[[0, 1, 3, -2]]], [[[0, 0, -1, -2]]], [[[-3, -1, 2, -3]]], [[[-1, 3, 3, -2]]]]> : tensor<8x1x1x4xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "p_bias", type = memref<8xi32>, initial_value = dense<[11, 1, -6, -4, 5, 2, 11, 0]> : tensor<8xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "y_weight", type = memref<8x3x3x1xi8>, initial_value = dense<[[[[-3], [1], [-3]], [[-1], [0], [3]], [[-3], [1], [0]]], [[[-3], [2], [2]], [[0], [3], [1]], [[3], [3], [0]]], [[[-2], [-2], [0]], [[-2], [2], [3]], [[-2], [0], [-3]]], [[[-2], [-1], [3]], [[3], [1], [1]], [[0], [-3], [-1]]], [[[3], [-1], [-2]], [[-2], [1], [-3]], [[3], [3], [0]]], [[[0], [2], [0]], [[0], [-1], [0]], [[2], [-3], [-3]]], [[[2], [-1], [2]], [[-3], [3], [-3]], [[-1], [3], [-3]]], [[[1], [2], [-1]], [[-3], [0], [0]], [[3], [1], [-1]]]]> : tensor<8x3x3x1xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "y_bias", type = memref<8xi32>, initial_value = dense<[3, -1, 2, 0, 9, -4, 1, 6]> : tensor<8xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  func.func @v1(%x: memref<1x24x8x2xi8>, %y_out: memref<1x6x2x8xi8>) attributes {qk.ports = [#qk.port<"input", "x", !qnn.qtensor<1x24x8x2xi8, 0.5:3>>, #qk.port<"output", "y", !qnn.qtensor<1x6x2x8xi8, 0.25:0>>]} {
    %a_weight = memref.get_global @a_weight : memref<4x3x3x2xi8>
    %a_bias = memref.get_global @a_bias : memref<4xi32>
    %d_weight = memref.get_global @d_weight : memref<4x3x3x1xi8>
    %d_bias = memref.get_global @d_bias : memref<4xi32>
    %p_weight = memref.get_global @p_weight : memref<8x1x1x4xi8>
    %p_bias = memref.get_global @p_bias : memref<8xi32>
    %y_weight = memref.get_global @y_weight : memref<8x3x3x1xi8>
    %y_bias = memref.get_global @y_bias : memref<8xi32>
    patch.stage "stream" grid [7, 1] writes %y_out : memref<1x6x2x8xi8> layers [#patch.layer<"a", map [12, 4] reads [[24, 8]] pads [0, 0, 1, 1]>, #patch.layer<"d", map [12, 4] reads [[12, 4]] pads [1, 1, 1, 1]>, #patch.layer<"p", map [12, 4] reads [[12, 4]] pads [0, 0, 0, 0]>, #patch.layer<"y", map [6, 2] reads [[12, 4]] pads [0, 0, 1, 1]>] bands [[#patch.tile<0:2 x 0:4 reads [0:5 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<0:1 x 0:4 reads [0:2 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:1 x 0:4 reads [0:1 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<0:0 x 0:2 reads [] pads []>], [#patch.tile<2:4 x 0:4 reads [4:9 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<1:3 x 0:4 reads [0:4 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<1:3 x 0:4 reads [1:3 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<0:1 x 0:2 reads [0:3 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<4:6 x 0:4 reads [8:13 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<3:5 x 0:4 reads [2:6 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<3:5 x 0:4 reads [3:5 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<1:2 x 0:2 reads [2:5 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<6:8 x 0:4 reads [12:17 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<5:7 x 0:4 reads [4:8 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<5:7 x 0:4 reads [5:7 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<2:3 x 0:2 reads [4:7 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<8:10 x 0:4 reads [16:21 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<7:9 x 0:4 reads [6:10 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<7:9 x 0:4 reads [7:9 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<3:4 x 0:2 reads [6:9 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<10:12 x 0:4 reads [20:24 x 0:8] pads [0, 0, 1, 1]>, #patch.tile<9:11 x 0:4 reads [8:12 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<9:11 x 0:4 reads [9:11 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<4:5 x 0:2 reads [8:11 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<0:0 x 0:4 reads [] pads []>, #patch.tile<11:12 x 0:4 reads [10:12 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<11:12 x 0:4 reads [11:12 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<5:6 x 0:2 reads [10:12 x 0:4] pads [0, 0, 1, 1]>]] {
      %a_stream = memref.alloc() {alignment = 4 : i64} : memref<1x5x4x4xi8>
      patch.fill %a_stream with 7 : memref<1x5x4x4xi8>
      %d_stream = memref.alloc() {alignment = 4 : i64} : memref<1x3x4x4xi8>
      patch.fill %d_stream with 2 : memref<1x3x4x4xi8>
      %p_stream = memref.alloc() {alignment = 4 : i64} : memref<1x3x4x8xi8>
      patch.fill %p_stream with -1 : memref<1x3x4x8xi8>
      patch.band_loop %band in bands 0 to 7 {
        %0 = memref.subview %a_stream[0, 2, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 32>>
        %1 = memref.subview %a_stream[0, 0, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1]>>
        "memref.copy"(%0, %1) : (memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 32>>, memref<1x1x4x4xi8, strided<[80, 16, 4, 1]>>) -> ()
        %2 = memref.subview %a_stream[0, 3, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
        %3 = memref.subview %a_stream[0, 1, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 16>>
        "memref.copy"(%2, %3) : (memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>, memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 16>>) -> ()
        %4 = memref.subview %a_stream[0, 4, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 64>>
        %5 = memref.subview %a_stream[0, 2, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 32>>
        "memref.copy"(%4, %5) : (memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 64>>, memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 32>>) -> ()
        %6 = memref.subview %d_stream[0, 2, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 32>>
        %7 = memref.subview %d_stream[0, 0, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x1x4x4xi8, strided<[48, 16, 4, 1]>>
        "memref.copy"(%6, %7) : (memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 32>>, memref<1x1x4x4xi8, strided<[48, 16, 4, 1]>>) -> ()
        %8 = memref.subview %p_stream[0, 2, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 64>>
        %9 = memref.subview %p_stream[0, 0, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x1x4x8xi8, strided<[96, 32, 8, 1]>>
        "memref.copy"(%8, %9) : (memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 64>>, memref<1x1x4x8xi8, strided<[96, 32, 8, 1]>>) -> ()
        patch.guard %band in bands 0 to 5 {
          %10 = arith.constant 4 : index
          %11 = arith.muli %band, %10 : index
          %12 = arith.constant 0 : index
          %13 = arith.addi %11, %12 : index
          %14 = memref.subview %x[0, %13, 0, 0] [1, 5, 8, 2] [1, 1, 1, 1] : memref<1x24x8x2xi8> to memref<1x5x8x2xi8, strided<[384, 16, 2, 1], offset: ?>>
          %15 = memref.subview %a_stream[0, 3, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
          qk.conv2d ins(%14, %a_weight, %a_bias : memref<1x5x8x2xi8, strided<[384, 16, 2, 1], offset: ?>>, memref<4x3x3x2xi8>, memref<4xi32>) outs(%15 : memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x5x8x2xi8, 0.5:3>], output_type = !qnn.qtensor<1x2x4x4xi8, 0.3:-5>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1431655730 : i32, shift = -2 : i32}
        }
        patch.guard %band in bands 5 to 6 {
          %16 = memref.subview %x[0, 20, 0, 0] [1, 4, 8, 2] [1, 1, 1, 1] : memref<1x24x8x2xi8> to memref<1x4x8x2xi8, strided<[384, 16, 2, 1], offset: 320>>
          %17 = memref.subview %a_stream[0, 3, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
          qk.conv2d ins(%16, %a_weight, %a_bias : memref<1x4x8x2xi8, strided<[384, 16, 2, 1], offset: 320>>, memref<4x3x3x2xi8>, memref<4xi32>) outs(%17 : memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x4x8x2xi8, 0.5:3>], output_type = !qnn.qtensor<1x2x4x4xi8, 0.3:-5>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1431655730 : i32, shift = -2 : i32}
        }
        patch.guard %band in bands 6 to 7 {
          %18 = memref.subview %a_stream[0, 3, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
          patch.fill %18 with 7 : memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
        }
        %19 = memref.subview %a_stream[0, 1, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x4x4x4xi8, strided<[80, 16, 4, 1], offset: 16>>
        %20 = memref.subview %d_stream[0, 1, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x2x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>
        qk.conv2d ins(%19, %d_weight, %d_bias : memref<1x4x4x4xi8, strided<[80, 16, 4, 1], offset: 16>>, memref<4x3x3x1xi8>, memref<4xi32>) outs(%20 : memref<1x2x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>) {layer = 1 : i64, layer_name = "d", input_types = [!qnn.qtensor<1x4x4x4xi8, 0.3:-5>], output_type = !qnn.qtensor<1x2x4x4xi8, 0.4:2>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 4 : i64, multiplier = 1288490240 : i32, shift = -2 : i32}
        patch.guard %band in bands 0 to 1 {
          %21 = memref.subview %d_stream[0, 1, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>
          patch.fill %21 with 2 : memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>
        }
        patch.guard %band in bands 6 to 7 {
          %22 = memref.subview %d_stream[0, 2, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 32>>
          patch.fill %22 with 2 : memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 32>>
        }
        %23 = memref.subview %d_stream[0, 1, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x2x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>
        %24 = memref.subview %p_stream[0, 1, 0, 0] [1, 2, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x2x4x8xi8, strided<[96, 32, 8, 1], offset: 32>>
        qk.conv2d ins(%23, %p_weight, %p_bias : memref<1x2x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>, memref<8x1x1x4xi8>, memref<8xi32>) outs(%24 : memref<1x2x4x8xi8, strided<[96, 32, 8, 1], offset: 32>>) {layer = 2 : i64, layer_name = "p", input_types = [!qnn.qtensor<1x2x4x4xi8, 0.4:2>], output_type = !qnn.qtensor<1x2x4x8xi8, 0.3:-1>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1145324601 : i32, shift = -1 : i32}
        patch.guard %band in bands 0 to 1 {
          %25 = memref.subview %p_stream[0, 1, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 32>>
          patch.fill %25 with -1 : memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 32>>
        }
        patch.guard %band in bands 6 to 7 {
          %26 = memref.subview %p_stream[0, 2, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 64>>
          patch.fill %26 with -1 : memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 64>>
        }
        patch.guard %band in bands 1 to 7 {
          %27 = arith.constant 1 : index
          %28 = arith.muli %band, %27 : index
          %29 = arith.constant -1 : index
          %30 = arith.addi %28, %29 : index
          %31 = memref.subview %y_out[0, %30, 0, 0] [1, 1, 2, 8] [1, 1, 1, 1] : memref<1x6x2x8xi8> to memref<1x1x2x8xi8, strided<[96, 16, 8, 1], offset: ?>>
          qk.conv2d ins(%p_stream, %y_weight, %y_bias : memref<1x3x4x8xi8>, memref<8x3x3x1xi8>, memref<8xi32>) outs(%31 : memref<1x1x2x8xi8, strided<[96, 16, 8, 1], offset: ?>>) {layer = 3 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x3x4x8xi8, 0.3:-1>], output_type = !qnn.qtensor<1x1x2x8xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 1>, dilations = array<i64: 1, 1>, groups = 8 : i64, multiplier = 2061584415 : i32, shift = -2 : i32}
        }
      }
    }
    func.return
  }
}

// -----

// A guard's bands lie within its band loop's.
// CHECK: patch.guard: bands must be [first, end) within the loop's [0, 7), got [6, 8]
builtin.module attributes {qnn.numerics = #qnn.numerics<tflm>} {
  "memref.global"() <{sym_name = "a_weight", type = memref<4x3x3x2xi8>, initial_value = dense<[[[[3, 1], [1, 3], [1, 2]], [[2, -2], [-3, -1], [-2, 3]], [[3, -3], [0, 2], [-3, 2]]], [[[-3, 0], [2, -1], [-1, -2]], [[2, -2], [3, 0], [0, 0]], [[1, 0], [0, 3], [2, 2]]], [[[1, 1], [-1, 3], [0, -2]], [[2, -2], [3, 1], [-3, -3]], [[0, -3], [-3, 0], [3, 0]]], [[[2, 3], [2, 1], [0, 0]], [[-2, 0], [-1, -2], [3, -3]], [[-3, -2], [3, 1], [3, -2]]]]> : tensor<4x3x3x2xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "a_bias", type = memref<4xi32>, initial_value = dense<[5, -7, 11, 0]> : tensor<4xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "d_weight", type = memref<4x3x3x1xi8>, initial_value = dense<[[[[2], [-1], [0]], [[-3], [1], [2]], [[1], [-2], [0]]], [[[-2], [3], [3]], [[-2], [0], [3]], [[2], [1], [1]]], [[[-3], [2], [0]], [[-3], [-2], [0]], [[2], [0], [1]]], [[[3], [1], [-1]], [[1], [1], [-3]], [[-3], [1], [-1]]]]> : tensor<4x3x3x1xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "d_bias", type = memref<4xi32>, initial_value = dense<[5, -7, 11, 0]> : tensor<4xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "p_weight", type = memref<8x1x1x4xi8>, initial_value = dense<[[[[1, -1, -2, -2]]], [[[-1, 2, -1, -1]]], [[[1, 3, -1, 1]]], [[[0, 1, 0, 1]]], [[[0, 1, 3, -2]]], [[[0, 0, -1, -2]]], [[[-3, -1, 2, -3]]], [[[-1, 3, 3, -2]]]]> : tensor<8x1x1x4xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "p_bias", type = memref<8xi32>, initial_value = dense<[11, 1, -6, -4, 5, 2, 11, 0]> : tensor<8xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "y_weight", type = memref<8x3x3x1xi8>, initial_value = dense<[[[[-3], [1], [-3]], [[-1], [0], [3]], [[-3], [1], [0]]], [[[-3], [2], [2]], [[0], [3], [1]], [[3], [3], [0]]], [[[-2], [-2], [0]], [[-2], [2], [3]], [[-2], [0], [-3]]], [[[-2], [-1], [3]], [[3], [1], [1]], [[0], [-3], [-1]]], [[[3], [-1], [-2]], [[-2], [1], [-3]], [[3], [3], [0]]], [[[0], [2], [0]], [[0], [-1], [0]], [[2], [-3], [-3]]], [[[2], [-1], [2]], [[-3], [3], [-3]], [[-1], [3], [-3]]], [[[1], [2], [-1]], [[-3], [0], [0]], [[3], [1], [-1]]]]> : tensor<8x3x3x1xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  "memref.global"() <{sym_name = "y_bias", type = memref<8xi32>, initial_value = dense<[3, -1, 2, 0, 9, -4, 1, 6]> : tensor<8xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
  func.func @v1(%x: memref<1x24x8x2xi8>, %y_out: memref<1x6x2x8xi8>) attributes {qk.ports = [#qk.port<"input", "x", !qnn.qtensor<1x24x8x2xi8, 0.5:3>>, #qk.port<"output", "y", !qnn.qtensor<1x6x2x8xi8, 0.25:0>>]} {
    %a_weight = memref.get_global @a_weight : memref<4x3x3x2xi8>
    %a_bias = memref.get_global @a_bias : memref<4xi32>
    %d_weight = memref.get_global @d_weight : memref<4x3x3x1xi8>
    %d_bias = memref.get_global @d_bias : memref<4xi32>
    %p_weight = memref.get_global @p_weight : memref<8x1x1x4xi8>
    %p_bias = memref.get_global @p_bias : memref<8xi32>
    %y_weight = memref.get_global @y_weight : memref<8x3x3x1xi8>
    %y_bias = memref.get_global @y_bias : memref<8xi32>
    patch.stage "stream" grid [7, 1] writes %y_out : memref<1x6x2x8xi8> layers [#patch.layer<"a", map [12, 4] reads [[24, 8]] pads [0, 0, 1, 1]>, #patch.layer<"d", map [12, 4] reads [[12, 4]] pads [1, 1, 1, 1]>, #patch.layer<"p", map [12, 4] reads [[12, 4]] pads [0, 0, 0, 0]>, #patch.layer<"y", map [6, 2] reads [[12, 4]] pads [0, 0, 1, 1]>] bands [[#patch.tile<0:2 x 0:4 reads [0:5 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<0:1 x 0:4 reads [0:2 x 0:4] pads [1, 1, 0, 1]>, #patch.tile<0:1 x 0:4 reads [0:1 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<0:0 x 0:2 reads [] pads []>], [#patch.tile<2:4 x 0:4 reads [4:9 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<1:3 x 0:4 reads [0:4 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<1:3 x 0:4 reads [1:3 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<0:1 x 0:2 reads [0:3 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<4:6 x 0:4 reads [8:13 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<3:5 x 0:4 reads [2:6 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<3:5 x 0:4 reads [3:5 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<1:2 x 0:2 reads [2:5 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<6:8 x 0:4 reads [12:17 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<5:7 x 0:4 reads [4:8 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<5:7 x 0:4 reads [5:7 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<2:3 x 0:2 reads [4:7 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<8:10 x 0:4 reads [16:21 x 0:8] pads [0, 0, 0, 1]>, #patch.tile<7:9 x 0:4 reads [6:10 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<7:9 x 0:4 reads [7:9 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<3:4 x 0:2 reads [6:9 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<10:12 x 0:4 reads [20:24 x 0:8] pads [0, 0, 1, 1]>, #patch.tile<9:11 x 0:4 reads [8:12 x 0:4] pads [0, 1, 0, 1]>, #patch.tile<9:11 x 0:4 reads [9:11 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<4:5 x 0:2 reads [8:11 x 0:4] pads [0, 0, 0, 1]>], [#patch.tile<0:0 x 0:4 reads [] pads []>, #patch.tile<11:12 x 0:4 reads [10:12 x 0:4] pads [0, 1, 1, 1]>, #patch.tile<11:12 x 0:4 reads [11:12 x 0:4] pads [0, 0, 0, 0]>, #patch.tile<5:6 x 0:2 reads [10:12 x 0:4] pads [0, 0, 1, 1]>]] {
      %a_stream = memref.alloc() {alignment = 4 : i64} : memref<1x5x4x4xi8>
      patch.fill %a_stream with -5 : memref<1x5x4x4xi8>
      %d_stream = memref.alloc() {alignment = 4 : i64} : memref<1x3x4x4xi8>
      patch.fill %d_stream with 2 : memref<1x3x4x4xi8>
      %p_stream = memref.alloc() {alignment = 4 : i64} : memref<1x3x4x8xi8>
      patch.fill %p_stream with -1 : memref<1x3x4x8xi8>
      patch.band_loop %band in bands 0 to 7 {
        %0 = memref.subview %a_stream[0, 2, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 32>>
        %1 = memref.subview %a_stream[0, 0, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1]>>
        "memref.copy"(%0, %1) : (memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 32>>, memref<1x1x4x4xi8, strided<[80, 16, 4, 1]>>) -> ()
        %2 = memref.subview %a_stream[0, 3, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
        %3 = memref.subview %a_stream[0, 1, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 16>>
        "memref.copy"(%2, %3) : (memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>, memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 16>>) -> ()
        %4 = memref.subview %a_stream[0, 4, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 64>>
        %5 = memref.subview %a_stream[0, 2, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 32>>
        "memref.copy"(%4, %5) : (memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 64>>, memref<1x1x4x4xi8, strided<[80, 16, 4, 1], offset: 32>>) -> ()
        %6 = memref.subview %d_stream[0, 2, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 32>>
        %7 = memref.subview %d_stream[0, 0, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x1x4x4xi8, strided<[48, 16, 4, 1]>>
        "memref.copy"(%6, %7) : (memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 32>>, memref<1x1x4x4xi8, strided<[48, 16, 4, 1]>>) -> ()
        %8 = memref.subview %p_stream[0, 2, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 64>>
        %9 = memref.subview %p_stream[0, 0, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x1x4x8xi8, strided<[96, 32, 8, 1]>>
        "memref.copy"(%8, %9) : (memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 64>>, memref<1x1x4x8xi8, strided<[96, 32, 8, 1]>>) -> ()
        patch.guard %band in bands 0 to 5 {
          %10 = arith.constant 4 : index
          %11 = arith.muli %band, %10 : index
          %12 = arith.constant 0 : index
          %13 = arith.addi %11, %12 : index
          %14 = memref.subview %x[0, %13, 0, 0] [1, 5, 8, 2] [1, 1, 1, 1] : memref<1x24x8x2xi8> to memref<1x5x8x2xi8, strided<[384, 16, 2, 1], offset: ?>>
          %15 = memref.subview %a_stream[0, 3, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
          qk.conv2d ins(%14, %a_weight, %a_bias : memref<1x5x8x2xi8, strided<[384, 16, 2, 1], offset: ?>>, memref<4x3x3x2xi8>, memref<4xi32>) outs(%15 : memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x5x8x2xi8, 0.5:3>], output_type = !qnn.qtensor<1x2x4x4xi8, 0.3:-5>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1431655730 : i32, shift = -2 : i32}
        }
        patch.guard %band in bands 5 to 6 {
          %16 = memref.subview %x[0, 20, 0, 0] [1, 4, 8, 2] [1, 1, 1, 1] : memref<1x24x8x2xi8> to memref<1x4x8x2xi8, strided<[384, 16, 2, 1], offset: 320>>
          %17 = memref.subview %a_stream[0, 3, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
          qk.conv2d ins(%16, %a_weight, %a_bias : memref<1x4x8x2xi8, strided<[384, 16, 2, 1], offset: 320>>, memref<4x3x3x2xi8>, memref<4xi32>) outs(%17 : memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>) {layer = 0 : i64, layer_name = "a", input_types = [!qnn.qtensor<1x4x8x2xi8, 0.5:3>], output_type = !qnn.qtensor<1x2x4x4xi8, 0.3:-5>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1431655730 : i32, shift = -2 : i32}
        }
        patch.guard %band in bands 6 to 8 {
          %18 = memref.subview %a_stream[0, 3, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
          patch.fill %18 with -5 : memref<1x2x4x4xi8, strided<[80, 16, 4, 1], offset: 48>>
        }
        %19 = memref.subview %a_stream[0, 1, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1] : memref<1x5x4x4xi8> to memref<1x4x4x4xi8, strided<[80, 16, 4, 1], offset: 16>>
        %20 = memref.subview %d_stream[0, 1, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x2x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>
        qk.conv2d ins(%19, %d_weight, %d_bias : memref<1x4x4x4xi8, strided<[80, 16, 4, 1], offset: 16>>, memref<4x3x3x1xi8>, memref<4xi32>) outs(%20 : memref<1x2x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>) {layer = 1 : i64, layer_name = "d", input_types = [!qnn.qtensor<1x4x4x4xi8, 0.3:-5>], output_type = !qnn.qtensor<1x2x4x4xi8, 0.4:2>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 4 : i64, multiplier = 1288490240 : i32, shift = -2 : i32}
        patch.guard %band in bands 0 to 1 {
          %21 = memref.subview %d_stream[0, 1, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>
          patch.fill %21 with 2 : memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>
        }
        patch.guard %band in bands 6 to 7 {
          %22 = memref.subview %d_stream[0, 2, 0, 0] [1, 1, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 32>>
          patch.fill %22 with 2 : memref<1x1x4x4xi8, strided<[48, 16, 4, 1], offset: 32>>
        }
        %23 = memref.subview %d_stream[0, 1, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xi8> to memref<1x2x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>
        %24 = memref.subview %p_stream[0, 1, 0, 0] [1, 2, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x2x4x8xi8, strided<[96, 32, 8, 1], offset: 32>>
        qk.conv2d ins(%23, %p_weight, %p_bias : memref<1x2x4x4xi8, strided<[48, 16, 4, 1], offset: 16>>, memref<8x1x1x4xi8>, memref<8xi32>) outs(%24 : memref<1x2x4x8xi8, strided<[96, 32, 8, 1], offset: 32>>) {layer = 2 : i64, layer_name = "p", input_types = [!qnn.qtensor<1x2x4x4xi8, 0.4:2>], output_type = !qnn.qtensor<1x2x4x8xi8, 0.3:-1>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1145324601 : i32, shift = -1 : i32}
        patch.guard %band in bands 0 to 1 {
          %25 = memref.subview %p_stream[0, 1, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 32>>
          patch.fill %25 with -1 : memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 32>>
        }
        patch.guard %band in bands 6 to 7 {
          %26 = memref.subview %p_stream[0, 2, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 64>>
          patch.fill %26 with -1 : memref<1x1x4x8xi8, strided<[96, 32, 8, 1], offset: 64>>
        }
        patch.guard %band in bands 1 to 7 {
          %27 = arith.constant 1 : index
          %28 = arith.muli %band, %27 : index
          %29 = arith.constant -1 : index
          %30 = arith.addi %28, %29 : index
          %31 = memref.subview %y_out[0, %30, 0, 0] [1, 1, 2, 8] [1, 1, 1, 1] : memref<1x6x2x8xi8> to memref<1x1x2x8xi8, strided<[96, 16, 8, 1], offset: ?>>
          qk.conv2d ins(%p_stream, %y_weight, %y_bias : memref<1x3x4x8xi8>, memref<8x3x3x1xi8>, memref<8xi32>) outs(%31 : memref<1x1x2x8xi8, strided<[96, 16, 8, 1], offset: ?>>) {layer = 3 : i64, layer_name = "y", input_types = [!qnn.qtensor<1x3x4x8xi8, 0.3:-1>], output_type = !qnn.qtensor<1x1x2x8xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 1>, dilations = array<i64: 1, 1>, groups = 8 : i64, multiplier = 2061584415 : i32, shift = -2 : i32}
        }
      }
    }
    func.return
  }
}

// -----

// A guard is directly inside a band loop.
// CHECK: patch.guard: must be directly inside a patch.band_loop
func.func @guard_outside(%band: index) {
  patch.guard %band in bands 0 to 1 {
  }
  func.return
}

// -----

// A fill stores an i8 value.
// CHECK: patch.fill: 300 is not an i8 value
func.func @fill_range(%m: memref<1x2x4x4xi8>) {
  patch.fill %m with 300 : memref<1x2x4x4xi8>
  func.return
}
