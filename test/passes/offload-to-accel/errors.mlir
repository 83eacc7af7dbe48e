// offload-to-accel refuses what it cannot partition: a target without an accelerator, an
// accelerator the target does not have, and kernel ops already in patch-schedule's row bands
// (a CPU schedule: the partition comes first).
// RUN: tinymlir-opt %s --verify-diagnostics -p 'convert-qnn-to-kernel,offload-to-accel' | filecheck %s --check-prefix=M4
// RUN: tinymlir-opt %s --verify-diagnostics --target-desc=diana-digital -p 'convert-qnn-to-kernel,offload-to-accel{unit=analog}' | filecheck %s --check-prefix=UNIT
// RUN: tinymlir-opt %s --verify-diagnostics --target-desc=diana-digital -p 'convert-qnn-to-kernel,patch-schedule,offload-to-accel' | filecheck %s --check-prefix=BANDS

// M4: offload-to-accel: target 'cortex-m4' has no accelerator (e.g. --target-desc=diana-digital)
// UNIT: offload-to-accel: target 'diana-digital' has no accelerator 'analog' (accelerators: digital)
// BANDS: offload-to-accel: @chain has patch stages; run offload-to-accel before patch-schedule
func.func @chain(%x: !qnn.qtensor<1x16x16x4xi8, 0.5:0>) -> !qnn.qtensor<1x16x16x4xi8, 0.25:0> {
  %w = qnn.constant dense<1> : tensor<4x3x3x4xi8> -> !qnn.qtensor<4x3x3x4xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<4xi32>
  %a = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x16x4xi8, 0.5:0>, !qnn.qtensor<4x3x3x4xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x16x16x4xi8, 0.5:0>
  %y = qnn.conv2d %a, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x16x16x4xi8, 0.5:0>, !qnn.qtensor<4x3x3x4xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x16x16x4xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x16x16x4xi8, 0.25:0>
}
