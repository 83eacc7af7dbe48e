// The generic lowerings (on cortex-m4f; cortex-m4's own are in cortex-m4.mlir).
// convert-kernel-to-loops in the onnx numerics mode (#qnn.numerics<onnx> on the module):
// the output stages are onnxruntime's float32 arithmetic as standard f32 ops
// (arith.sitofp/mulf/addf/divf/maximumf/minimumf, math.roundeven, arith.fptosi), one op
// per rounding, in the order of tinymlir/onnx_numerics.py. The clamp is in float, on the
// integer bounds minus the output zero point, before rounding; the zero point is added
// back as an integer. No fxp op appears. The mode survives the pass.
// RUN: tinymlir-opt %s --target-desc=cortex-m4f --split-input-file -p 'convert-qnn-to-kernel,kernel-in-place,convert-kernel-to-loops,canonicalize,cse' | filecheck %s
// RUN: tinymlir-opt %s --target-desc=cortex-m4f --split-input-file -p 'convert-qnn-to-kernel,kernel-in-place,convert-kernel-to-loops,canonicalize,cse' | filecheck %s --check-prefix=NOFXP
// NOFXP-NOT: fxp.

// Per-channel convolution: S_c = f32(f32(0.5 * 0.1) / 0.25) = 0.2 and
// f32(f32(0.5 * 0.3) / 0.25) = 0.6 in an f32 table; the fused clamp [0, 127] minus the
// zero point 3 is [-3, 124]; y = rint(clampf(f32(acc) * S_c)) + 3.
// CHECK:       builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>{{.*}}} {
// CHECK:       "memref.global"() <{sym_name = "y_scale", type = memref<2xf32>, initial_value = dense<[2.000000e-01, 6.000000e-01]> : tensor<2xf32>
// CHECK-LABEL: func.func @conv_per_channel
// CHECK-DAG:     %[[LO:.*]] = arith.constant -3.000000e+00 : f32
// CHECK-DAG:     %[[HI:.*]] = arith.constant 1.240000e+02 : f32
// CHECK-DAG:     %[[ZP:.*]] = arith.constant 3 : i32
// CHECK:         %[[ACC:.*]] = scf.for {{.*}} -> (i32)
// CHECK:         %[[S:.*]] = memref.load %y_scale[%{{.*}}] : memref<2xf32>
// CHECK-NEXT:    %[[F:.*]] = arith.sitofp %[[ACC]] : i32 to f32
// CHECK-NEXT:    %[[P:.*]] = arith.mulf %[[F]], %[[S]] : f32
// CHECK-NEXT:    %[[C1:.*]] = arith.maximumf %[[P]], %[[LO]] : f32
// CHECK-NEXT:    %[[C2:.*]] = arith.minimumf %[[C1]], %[[HI]] : f32
// CHECK-NEXT:    %[[R:.*]] = math.roundeven %[[C2]] : f32
// CHECK-NEXT:    %[[I:.*]] = arith.fptosi %[[R]] : f32 to i32
// CHECK-NEXT:    %[[Y:.*]] = arith.addi %[[I]], %[[ZP]] : i32
// CHECK-NEXT:    arith.trunci %[[Y]] : i32 to i8
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @conv_per_channel(%x: !qnn.qtensor<1x3x3x2xi8, 0.5:-1>) -> !qnn.qtensor<1x3x3x2xi8, 0.25:3> {
    %w = qnn.constant dense<[[[[1, 2]]], [[[3, 4]]]]> : tensor<2x1x1x2xi8> -> !qnn.qtensor<2x1x1x2xi8, axis 0 {0.1:0, 0.3:0}>
    %b = arith.constant dense<[-8, 58]> : tensor<2xi32>
    %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] groups 1 clamp [0, 127] : !qnn.qtensor<1x3x3x2xi8, 0.5:-1>, !qnn.qtensor<2x1x1x2xi8, axis 0 {0.1:0, 0.3:0}>, tensor<2xi32> -> !qnn.qtensor<1x3x3x2xi8, 0.25:3>
    func.return %y : !qnn.qtensor<1x3x3x2xi8, 0.25:3>
  }
}

// -----

// Fully connected, per-tensor weights: one scalar S = f32(f32(0.5 * 0.1) / 0.25) = 0.2,
// no table; zero point 0 adds nothing.
// CHECK-LABEL: func.func @dense
// CHECK-NOT:     memref.get_global @y_scale
// CHECK-DAG:     %[[S:.*]] = arith.constant 2.000000e-01 : f32
// CHECK:         %[[ACC:.*]] = scf.for {{.*}} -> (i32)
// CHECK:         %[[F:.*]] = arith.sitofp %[[ACC]] : i32 to f32
// CHECK-NEXT:    %[[P:.*]] = arith.mulf %[[F]], %[[S]] : f32
// CHECK:         %[[C1:.*]] = arith.maximumf %[[P]], %{{.*}} : f32
// CHECK:         %[[C2:.*]] = arith.minimumf %[[C1]], %{{.*}} : f32
// CHECK-NEXT:    %[[R:.*]] = math.roundeven %[[C2]] : f32
// CHECK-NEXT:    %[[I:.*]] = arith.fptosi %[[R]] : f32 to i32
// CHECK-NEXT:    arith.trunci %[[I]] : i32 to i8
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @dense(%x: !qnn.qtensor<1x2xi8, 0.5:-2>) -> !qnn.qtensor<1x1xi8, 0.25:0> {
    %w = qnn.constant dense<[[1, 2]]> : tensor<1x2xi8> -> !qnn.qtensor<1x2xi8, 0.1:0>
    %b = arith.constant dense<0> : tensor<1xi32>
    %y = qnn.dense %x, %w, %b : !qnn.qtensor<1x2xi8, 0.5:-2>, !qnn.qtensor<1x2xi8, 0.1:0>, tensor<1xi32> -> !qnn.qtensor<1x1xi8, 0.25:0>
    func.return %y : !qnn.qtensor<1x1xi8, 0.25:0>
  }
}

// -----

// Add with broadcasting: two dequantisations (x - zx, sitofp, mulf), one addf, one divf by
// the output scale, then the float clamp [-128 - 2, 127 - 2] and rounding.
// CHECK-LABEL: func.func @add_broadcast
// CHECK-DAG:     %[[ZA:.*]] = arith.constant -1 : i32
// CHECK-DAG:     %[[SA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG:     %[[SB:.*]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG:     %[[SY:.*]] = arith.constant 7.500000e-01 : f32
// CHECK-DAG:     %[[LO:.*]] = arith.constant -1.300000e+02 : f32
// CHECK-DAG:     %[[HI:.*]] = arith.constant 1.250000e+02 : f32
// CHECK:         %[[A:.*]] = arith.extsi
// CHECK:         %[[B:.*]] = arith.extsi
// CHECK-NEXT:    %[[AC:.*]] = arith.subi %[[A]], %[[ZA]] : i32
// CHECK-NEXT:    %[[AF:.*]] = arith.sitofp %[[AC]] : i32 to f32
// CHECK-NEXT:    %[[AR:.*]] = arith.mulf %[[AF]], %[[SA]] : f32
// CHECK-NEXT:    %[[BF:.*]] = arith.sitofp %[[B]] : i32 to f32
// CHECK-NEXT:    %[[BR:.*]] = arith.mulf %[[BF]], %[[SB]] : f32
// CHECK-NEXT:    %[[SUM:.*]] = arith.addf %[[AR]], %[[BR]] : f32
// CHECK-NEXT:    %[[Q:.*]] = arith.divf %[[SUM]], %[[SY]] : f32
// CHECK-NEXT:    %[[C1:.*]] = arith.maximumf %[[Q]], %[[LO]] : f32
// CHECK-NEXT:    arith.minimumf %[[C1]], %[[HI]] : f32
// CHECK-NEXT:    math.roundeven
// CHECK-NEXT:    arith.fptosi
// CHECK-NEXT:    arith.addi
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @add_broadcast(%a: !qnn.qtensor<1x2x2x3xi8, 0.5:-1>, %b: !qnn.qtensor<3xi8, 0.25:0>) -> !qnn.qtensor<1x2x2x3xi8, 0.75:2> {
    %y = qnn.add %a, %b : !qnn.qtensor<1x2x2x3xi8, 0.5:-1>, !qnn.qtensor<3xi8, 0.25:0> -> !qnn.qtensor<1x2x2x3xi8, 0.75:2>
    func.return %y : !qnn.qtensor<1x2x2x3xi8, 0.75:2>
  }
}

// -----

// Requantize int8 -> uint8: (f32(x + 7) * 0.25) / 0.1, clamped to [0 - 128, 255 - 128].
// CHECK-LABEL: func.func @requantize
// CHECK:         arith.subi
// CHECK-NEXT:    arith.sitofp
// CHECK-NEXT:    arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK-NEXT:    arith.divf %{{.*}}, %{{.*}} : f32
// CHECK-NEXT:    arith.maximumf
// CHECK-NEXT:    arith.minimumf
// CHECK-NEXT:    math.roundeven
// CHECK-NEXT:    arith.fptosi
// CHECK-NEXT:    arith.addi
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @requantize(%x: !qnn.qtensor<2x3xi8, 0.25:-7>) -> !qnn.qtensor<2x3xui8, 0.1:128> {
    %y = qnn.requantize %x : !qnn.qtensor<2x3xi8, 0.25:-7> -> !qnn.qtensor<2x3xui8, 0.1:128>
    func.return %y : !qnn.qtensor<2x3xui8, 0.1:128>
  }
}

// -----

// Padded average pooling: the same clamped window bounds as tflm mode, an f32 sum carried
// through both window loops (t = t + f32(x - zx) * sx, tap by tap in row-major order),
// then (t / f32(count)) / sy with count the number of valid taps.
// CHECK-LABEL: func.func @avg_pool_padded
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[SX:.*]] = arith.constant 5.000000e-01 : f32
// CHECK:         %[[T:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[T0:.*]] = %[[ZERO]]) -> (f32) {
// CHECK-NEXT:      %[[TW:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[T1:.*]] = %[[T0]]) -> (f32) {
// CHECK:             arith.subi
// CHECK-NEXT:        %[[XF:.*]] = arith.sitofp %{{.*}} : i32 to f32
// CHECK-NEXT:        %[[TERM:.*]] = arith.mulf %[[XF]], %[[SX]] : f32
// CHECK-NEXT:        %[[NEXT:.*]] = arith.addf %[[T1]], %[[TERM]] : f32
// CHECK-NEXT:        scf.yield %[[NEXT]] : f32
// CHECK:         %[[COUNT:.*]] = arith.index_cast %{{.*}} : index to i32
// CHECK-NEXT:    %[[CF:.*]] = arith.sitofp %[[COUNT]] : i32 to f32
// CHECK-NEXT:    %[[MEAN:.*]] = arith.divf %[[T]], %[[CF]] : f32
// CHECK-NEXT:    arith.divf %[[MEAN]], %[[SX]] : f32
// CHECK-NEXT:    arith.maximumf
// CHECK-NEXT:    arith.minimumf
// CHECK-NEXT:    math.roundeven
// CHECK-NEXT:    arith.fptosi
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @avg_pool_padded(%x: !qnn.qtensor<1x4x4x1xi8, 0.5:3>) -> !qnn.qtensor<1x4x4x1xi8, 0.5:3> {
    %y = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] : !qnn.qtensor<1x4x4x1xi8, 0.5:3> -> !qnn.qtensor<1x4x4x1xi8, 0.5:3>
    func.return %y : !qnn.qtensor<1x4x4x1xi8, 0.5:3>
  }
}

// -----

// Softmax: the integer row maximum, then E[max - x] from a 256-entry f32 table
// (E[k] = f32(exp(-0.5 k)): E[0] = 1.0 = 0x3F800000), summed in order into an f32
// iter_arg, then E / sum / (1/256) clamped to [0, 255] and rounded, + (-128).
// CHECK:       "memref.global"() <{sym_name = "y_exp", type = memref<256xf32>, initial_value = dense<"0x0000803F98451B3F{{.*}}"> : tensor<256xf32>
// CHECK-LABEL: func.func @softmax
// CHECK:         %[[MAX:.*]] = scf.for {{.*}} -> (i32)
// CHECK:         %[[SUM:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[S0:.*]] = %{{.*}}) -> (f32) {
// CHECK:           %[[D:.*]] = arith.subi %[[MAX]], %{{.*}} : i32
// CHECK-NEXT:      %[[K:.*]] = arith.index_cast %[[D]] : i32 to index
// CHECK-NEXT:      %[[E:.*]] = memref.load %y_exp[%[[K]]] : memref<256xf32>
// CHECK-NEXT:      %[[S1:.*]] = arith.addf %[[S0]], %[[E]] : f32
// CHECK-NEXT:      scf.yield %[[S1]] : f32
// CHECK:         scf.for
// CHECK:           %[[E2:.*]] = memref.load %y_exp
// CHECK-NEXT:      %[[Q1:.*]] = arith.divf %[[E2]], %[[SUM]] : f32
// CHECK-NEXT:      arith.divf %[[Q1]], %{{.*}} : f32
// CHECK-NEXT:      arith.maximumf
// CHECK-NEXT:      arith.minimumf
// CHECK-NEXT:      math.roundeven
// CHECK-NEXT:      arith.fptosi
// CHECK-NEXT:      arith.addi
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @softmax(%x: !qnn.qtensor<1x4xi8, 0.5:0>) -> !qnn.qtensor<1x4xi8, 0.00390625:-128> {
    %y = qnn.softmax %x beta 1.0 : !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<1x4xi8, 0.00390625:-128>
    func.return %y : !qnn.qtensor<1x4xi8, 0.00390625:-128>
  }
}

// -----

// Data movement is the same in both modes: max pooling stays integer.
// CHECK-LABEL: func.func @max_pool(
// CHECK-SAME:    {{.*}}) {
// CHECK-NOT:     : f32
// CHECK:         arith.maxsi %{{.*}}, %{{.*}} : i32
// CHECK-NOT:     : f32
// CHECK:         func.return
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @max_pool(%x: !qnn.qtensor<1x4x4x1xi8, 0.5:3>) -> !qnn.qtensor<1x2x2x1xi8, 0.5:3> {
    %y = qnn.max_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] : !qnn.qtensor<1x4x4x1xi8, 0.5:3> -> !qnn.qtensor<1x2x2x1xi8, 0.5:3>
    func.return %y : !qnn.qtensor<1x2x2x1xi8, 0.5:3>
  }
}

// -----

// Average pooling, onnx_form mlas_columns (MLAS's vector kernel): the column loop outside,
// each column summed over its valid rows into its own f32 iter_arg, then added to the total.
// CHECK-LABEL: func.func @avg_pool_columns
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[T:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[T0:.*]] = %[[ZERO]]) -> (f32) {
// CHECK-NEXT:      %[[COL:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[C0:.*]] = %[[ZERO]]) -> (f32) {
// CHECK:             %[[TERM:.*]] = arith.mulf
// CHECK-NEXT:        %[[C1:.*]] = arith.addf %[[C0]], %[[TERM]] : f32
// CHECK-NEXT:        scf.yield %[[C1]] : f32
// CHECK:           %[[T1:.*]] = arith.addf %[[T0]], %[[COL]] : f32
// CHECK-NEXT:      scf.yield %[[T1]] : f32
// CHECK:         arith.divf %[[T]], %{{.*}} : f32
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @avg_pool_columns(%x: !qnn.qtensor<1x4x4x1xi8, 0.5:3>) -> !qnn.qtensor<1x4x4x1xi8, 0.25:1> {
    %y = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] onnx_form <mlas_columns> : !qnn.qtensor<1x4x4x1xi8, 0.5:3> -> !qnn.qtensor<1x4x4x1xi8, 0.25:1>
    func.return %y : !qnn.qtensor<1x4x4x1xi8, 0.25:1>
  }
}

// -----

// onnx_form mlas_lanes4 (MLAS's global kernel) over 9 taps: 4 f32 iter_args, tap 4q + l into
// lane l (row h = t / 3, column t - 3h), then (l0 + l2) + (l1 + l3), then the tail tap (2, 2),
// then / f32(9).
// CHECK-LABEL: func.func @avg_pool_lanes
// CHECK:         %[[L0:.*]], %[[L1:.*]], %[[L2:.*]], %[[L3:.*]] = scf.for {{.*}} -> (f32, f32, f32, f32) {
// CHECK:           arith.divui
// CHECK:           scf.yield %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : f32, f32, f32, f32
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[A:.*]] = arith.addf %[[L0]], %[[L2]] : f32
// CHECK-NEXT:    %[[B:.*]] = arith.addf %[[L1]], %[[L3]] : f32
// CHECK-NEXT:    %[[S:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT:    memref.load %x[%{{.*}}, %[[TWO:.*]], %[[TWO]], %{{.*}}]
// CHECK:         %[[TAIL:.*]] = arith.mulf
// CHECK-NEXT:    %[[TOTAL:.*]] = arith.addf %[[S]], %[[TAIL]] : f32
// CHECK-NEXT:    %[[N:.*]] = arith.constant 9 : i32
// CHECK-NEXT:    %[[NF:.*]] = arith.sitofp %[[N]] : i32 to f32
// CHECK-NEXT:    arith.divf %[[TOTAL]], %[[NF]] : f32
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @avg_pool_lanes(%x: !qnn.qtensor<1x3x3x1xi8, 0.5:3>) -> !qnn.qtensor<1x1x1x1xi8, 0.25:1> {
    %y = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] onnx_form <mlas_lanes4> : !qnn.qtensor<1x3x3x1xi8, 0.5:3> -> !qnn.qtensor<1x1x1x1xi8, 0.25:1>
    func.return %y : !qnn.qtensor<1x1x1x1xi8, 0.25:1>
  }
}

// -----

// onnx_form integer_sum (QLinearGlobalAveragePool): an exact i32 sum, minus zx * N = 27, then
// f32(acc) * f32(0.5 / f32(0.25 * 9)) = 0.222222224, clamped and rounded as conv's stage.
// CHECK-LABEL: func.func @avg_pool_integer_sum
// CHECK:         %[[ACC:.*]] = scf.for {{.*}} -> (i32) {
// CHECK:         %[[ZN:.*]] = arith.constant 27 : i32
// CHECK-NEXT:    %[[C:.*]] = arith.subi %[[ACC]], %[[ZN]] : i32
// CHECK-NEXT:    %[[SCALE:.*]] = arith.constant 0.222222224 : f32
// CHECK-NEXT:    %[[CF:.*]] = arith.sitofp %[[C]] : i32 to f32
// CHECK-NEXT:    arith.mulf %[[CF]], %[[SCALE]] : f32
// CHECK-NEXT:    arith.constant -1.290000e+02 : f32
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @avg_pool_integer_sum(%x: !qnn.qtensor<1x3x3x1xi8, 0.5:3>) -> !qnn.qtensor<1x1x1x1xi8, 0.25:1> {
    %y = qnn.avg_pool2d %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] onnx_form <integer_sum> : !qnn.qtensor<1x3x3x1xi8, 0.5:3> -> !qnn.qtensor<1x1x1x1xi8, 0.25:1>
    func.return %y : !qnn.qtensor<1x1x1x1xi8, 0.25:1>
  }
}

// -----

// onnx_form zero_point_in_float (QLinearAveragePool): the sequential sum, then
// (t / f32(count)) / sy + f32(zy), clamped to the full range [-128, 127], rounded: no
// integer zero point added afterwards.
// CHECK-LABEL: func.func @avg_pool_zero_point_in_float
// CHECK-DAG:     %[[SY:.*]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG:     %[[ZY:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG:     %[[LO:.*]] = arith.constant -1.280000e+02 : f32
// CHECK-DAG:     %[[HI:.*]] = arith.constant 1.270000e+02 : f32
// CHECK:         %[[MEAN:.*]] = arith.divf
// CHECK-NEXT:    %[[Q:.*]] = arith.divf %[[MEAN]], %[[SY]] : f32
// CHECK-NEXT:    %[[V:.*]] = arith.addf %[[Q]], %[[ZY]] : f32
// CHECK-NEXT:    %[[V1:.*]] = arith.maximumf %[[V]], %[[LO]] : f32
// CHECK-NEXT:    %[[V2:.*]] = arith.minimumf %[[V1]], %[[HI]] : f32
// CHECK-NEXT:    %[[R:.*]] = math.roundeven %[[V2]] : f32
// CHECK-NEXT:    %[[I:.*]] = arith.fptosi %[[R]] : f32 to i32
// CHECK-NEXT:    arith.trunci %[[I]] : i32 to i8
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @avg_pool_zero_point_in_float(%x: !qnn.qtensor<1x4x4x1xi8, 0.5:3>) -> !qnn.qtensor<1x2x2x1xi8, 0.25:1> {
    %y = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] onnx_form <zero_point_in_float> : !qnn.qtensor<1x4x4x1xi8, 0.5:3> -> !qnn.qtensor<1x2x2x1xi8, 0.25:1>
    func.return %y : !qnn.qtensor<1x2x2x1xi8, 0.25:1>
  }
}

// -----

// Softmax in onnx numerics to other output parameters than TFLite's 1/256 (here 1/255):
// the same table and sum, divided by sy = 0.00392156886, clamped to [0, 255] (zero point -128).
// CHECK-LABEL: func.func @softmax_any_output
// CHECK:         %[[Q:.*]] = arith.divf %{{.*}}, %{{.*}} : f32
// CHECK-NEXT:    %[[Q2:.*]] = arith.divf %[[Q]], %[[SY:.*]] : f32
// CHECK-NEXT:    arith.maximumf %[[Q2]], %{{.*}} : f32
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @softmax_any_output(%x: !qnn.qtensor<1x4xi8, 0.5:0>) -> !qnn.qtensor<1x4xi8, 0.003921569:-128> {
    %y = qnn.softmax %x beta 1.0 : !qnn.qtensor<1x4xi8, 0.5:0> -> !qnn.qtensor<1x4xi8, 0.003921569:-128>
    func.return %y : !qnn.qtensor<1x4xi8, 0.003921569:-128>
  }
}
