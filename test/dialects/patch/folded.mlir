// The folded stream form (patch-schedule's apply_stream with over_rows): a 3x3/s2
// convolution of the stage input, a 3x3 depthwise, a 1x1 convolution and a 3x3/s2
// depthwise in one band loop over 7 bands (band 0 warms the line buffers up), its
// borders in `patch.guard`s. The line buffers are set to their zero points first; the
// depthwise and the 1x1 convolution run one op in every band, reading the buffers' pad
// rows (pads 0 top and bottom) and computing their steady 2 rows, the one outside the
// map reset right after (band 0: row -1, band 6: row 12); the first convolution keeps a
// bottom variant and fills its rows past the map in band 6.
// RUN: tinymlir-opt %s | tinymlir-opt | filecheck %s
// RUN: tinymlir-opt %s --print-op-generic | tinymlir-opt | filecheck %s

// CHECK:      patch.stage "stream" grid [7, 1] writes %y_out
// CHECK:        patch.fill %a_stream with -5 : memref<1x5x4x4xi8>
// CHECK:        patch.fill %d_stream with 2 : memref<1x3x4x4xi8>
// CHECK:        patch.fill %p_stream with -1 : memref<1x3x4x8xi8>
// CHECK:        patch.band_loop %band in bands 0 to 7 {
// CHECK:          patch.guard %band in bands 0 to 5 {
// CHECK:            qk.conv2d ins({{.*}} : memref<1x5x8x2xi8, {{.*}}) outs({{.*}} : memref<1x2x4x4xi8, {{.*}}) {layer = 0 : i64, layer_name = "a"
// CHECK:          patch.guard %band in bands 5 to 6 {
// CHECK:            qk.conv2d ins({{.*}} : memref<1x4x8x2xi8, {{.*}} layer_name = "a"
// CHECK:          patch.guard %band in bands 6 to 7 {
// CHECK-NEXT:       memref.subview %a_stream[0, 3, 0, 0] [1, 2, 4, 4]
// CHECK-NEXT:       patch.fill {{.*}} with -5
// CHECK:          qk.conv2d ins({{.*}} : memref<1x4x4x4xi8, {{.*}}) outs({{.*}} : memref<1x2x4x4xi8, {{.*}}) {layer = 1 : i64, layer_name = "d"
// CHECK-SAME:       pads = array<i64: 0, 1, 0, 1>
// CHECK-NEXT:     patch.guard %band in bands 0 to 1 {
// CHECK-NEXT:       memref.subview %d_stream[0, 1, 0, 0] [1, 1, 4, 4]
// CHECK-NEXT:       patch.fill {{.*}} with 2
// CHECK:          patch.guard %band in bands 6 to 7 {
// CHECK-NEXT:       memref.subview %d_stream[0, 2, 0, 0] [1, 1, 4, 4]
// CHECK-NEXT:       patch.fill {{.*}} with 2
// CHECK:          qk.conv2d {{.*}} layer_name = "p"
// CHECK:          patch.guard %band in bands 1 to 7 {
// CHECK:            qk.conv2d ins(%p_stream, {{.*}} layer_name = "y"
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
