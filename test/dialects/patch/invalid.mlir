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
