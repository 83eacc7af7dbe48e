// The accel dialect: accel.run, the unit of the module's target that computes the qk kernel
// of its body, on buffers in the unit's memories (memref memory spaces named after the
// target's levels). Data moves with xDSL's memref.dma_start/wait and the unit is configured
// with xDSL's accfg (setup, launch, await); accel adds neither. Round trip, pretty and generic.
// RUN: tinymlir-opt %s --target-desc=diana-digital | filecheck %s
// RUN: tinymlir-opt %s --target-desc=diana-digital --print-op-generic | tinymlir-opt | filecheck %s

// CHECK-LABEL: func.func @conv_on_l1
// CHECK:         %x1 = memref.alloc() : memref<1x4x4x4xi8, "l1_act">
// CHECK:         "memref.dma_start"(%x, %c0, %c0, %c0, %c0, %x1, %c0, %c0, %c0, %c0, %n, %tag, %c0)
// CHECK:         "memref.dma_wait"(%tag, %c0, %n)
// CHECK:         %state = accfg.setup "digital" to ("k" = %k : i32) : !accfg.state<"digital">
// CHECK:         accel.run "digital" {
// CHECK-NEXT:      qk.conv2d ins(%x1, %w, %b : memref<1x4x4x4xi8, "l1_act">, memref<4x3x3x4xi8, "l1_w">, memref<4xi32, "l1_w">) outs(%y1 : memref<1x4x4x4xi8, "l1_act">)
// CHECK-NEXT:    }
// CHECK:         accel.run "digital" {
// CHECK-NEXT:      qk.add ins(%y1, %x1 : memref<1x4x4x4xi8, "l1_act">, memref<1x4x4x4xi8, "l1_act">) outs(%y1 : memref<1x4x4x4xi8, "l1_act">)
// CHECK-NEXT:    }
// CHECK:         %token = "accfg.launch"(%state)
// CHECK:         "accfg.await"(%token)
func.func @conv_on_l1(%x: memref<1x4x4x4xi8>, %w: memref<4x3x3x4xi8, "l1_w">, %b: memref<4xi32, "l1_w">, %tag: memref<1xi32>) {
  %c0 = arith.constant 0 : index
  %n = arith.constant 64 : index
  %x1 = memref.alloc() : memref<1x4x4x4xi8, "l1_act">
  %y1 = memref.alloc() : memref<1x4x4x4xi8, "l1_act">
  "memref.dma_start"(%x, %c0, %c0, %c0, %c0, %x1, %c0, %c0, %c0, %c0, %n, %tag, %c0) {operandSegmentSizes = array<i32: 1, 4, 1, 4, 1, 1, 1>} : (memref<1x4x4x4xi8>, index, index, index, index, memref<1x4x4x4xi8, "l1_act">, index, index, index, index, index, memref<1xi32>, index) -> ()
  "memref.dma_wait"(%tag, %c0, %n) : (memref<1xi32>, index, index) -> ()
  %k = arith.constant 4 : i32
  %state = accfg.setup "digital" to ("k" = %k : i32) : !accfg.state<"digital">
  accel.run "digital" {
    qk.conv2d ins(%x1, %w, %b : memref<1x4x4x4xi8, "l1_act">, memref<4x3x3x4xi8, "l1_w">, memref<4xi32, "l1_w">) outs(%y1 : memref<1x4x4x4xi8, "l1_act">) {layer = 0 : i64, layer_name = "c", input_types = [!qnn.qtensor<1x4x4x4xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x4xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = 1717986944 : i32, shift = -1 : i32}
  }
  accel.run "digital" {
    qk.add ins(%y1, %x1 : memref<1x4x4x4xi8, "l1_act">, memref<1x4x4x4xi8, "l1_act">) outs(%y1 : memref<1x4x4x4xi8, "l1_act">) {layer = 1 : i64, layer_name = "s", input_types = [!qnn.qtensor<1x4x4x4xi8, 0.25:0>, !qnn.qtensor<1x4x4x4xi8, 0.5:0>], output_type = !qnn.qtensor<1x4x4x4xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<onnx>}
  }
  %token = "accfg.launch"(%state) <{param_names = [], accelerator = "digital"}> : (!accfg.state<"digital">) -> !accfg.token<"digital">
  "accfg.await"(%token) : (!accfg.token<"digital">) -> ()
  func.return
}
