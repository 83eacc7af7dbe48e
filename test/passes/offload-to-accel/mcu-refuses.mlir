// --pipeline=mcu for a target with an accelerator is refused (exit 1, one line): lowering
// offloaded layers (L1 tiling, DMA, accfg, the HAL) is not built yet, and C for the CPU
// alone would silently ignore the accelerator.
// RUN: not tinymlir-opt %s --pipeline=mcu --target-desc=diana-digital -o %t/ 2>&1 | filecheck %s
// RUN: not tinymlir-opt %s --pipeline=mcu --target-desc=diana-digital-shift -o %t/ 2>&1 | filecheck %s --check-prefix=SHIFT
// RUN: tinymlir-opt %s --pipeline=mcu --target-desc=cortex-m4 -o %t/ 2>&1 | filecheck %s --check-prefix=CPU

// CHECK: tinymlir-opt: error: convert-kernel-to-loops: target 'diana-digital' has an accelerator (digital), and lowering offloaded layers (L1 tiling, DMA, accfg configuration, the accel_* HAL) is not built yet; compile for the CPU with --target-desc=cortex-m4, or see the partition with -p 'canonicalize,cse,qnn-schedule,convert-qnn-to-kernel,offload-to-accel{report=true}'
// SHIFT: tinymlir-opt: error: convert-kernel-to-loops: target 'diana-digital-shift' has an accelerator (digital)
// CPU-NOT: error
func.func @conv(%x: !qnn.qtensor<1x4x4x4xi8, 0.5:0>) -> !qnn.qtensor<1x4x4x4xi8, 0.25:0> {
  %w = qnn.constant dense<1> : tensor<4x3x3x4xi8> -> !qnn.qtensor<4x3x3x4xi8, 0.1:0>
  %b = arith.constant dense<0> : tensor<4xi32>
  %y = qnn.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] groups 1 : !qnn.qtensor<1x4x4x4xi8, 0.5:0>, !qnn.qtensor<4x3x3x4xi8, 0.1:0>, tensor<4xi32> -> !qnn.qtensor<1x4x4x4xi8, 0.25:0>
  func.return %y : !qnn.qtensor<1x4x4x4xi8, 0.25:0>
}
