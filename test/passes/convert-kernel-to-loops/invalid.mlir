// What convert-kernel-to-loops refuses, each with a one-line message.
// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics -p convert-kernel-to-loops | filecheck %s

// The ports must describe the function's arguments, one each.
// CHECK: convert-kernel-to-loops: @ports: qk.ports: 1 ports for 2 arguments
func.func @ports(%x: memref<4xi8>, %y: memref<4xi8>) attributes {qk.ports = [#qk.port<"input", "x", !qnn.qtensor<4xi8, 0.5:0>>]} {
  func.return
}

// -----

// ... with the arguments' shapes ...
// CHECK: convert-kernel-to-loops: @port_shape: qk.ports: port 'x' does not match its argument's shape
func.func @port_shape(%x: memref<4xi8>) attributes {qk.ports = [#qk.port<"input", "x", !qnn.qtensor<8xi8, 0.5:0>>]} {
  func.return
}

// -----

// ... inputs first.
// CHECK: convert-kernel-to-loops: @port_order: qk.ports: inputs must come before outputs
func.func @port_order(%y: memref<4xi8>, %x: memref<4xi8>) attributes {qk.ports = [#qk.port<"output", "y", !qnn.qtensor<4xi8, 0.5:0>>, #qk.port<"input", "x", !qnn.qtensor<4xi8, 0.5:0>>]} {
  func.return
}

// -----

// A kernel is a layer of the function: one nested in a region (but a patch.stage and its
// band loops) is not lowered.
// CHECK: convert-kernel-to-loops: qk.requantize 'r' must be at the top level of a function, in a patch.stage or in a band loop
func.func @nested(%x: memref<4xi8>, %y: memref<4xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c1 step %c1 {
    qk.requantize ins(%x : memref<4xi8>) outs(%y : memref<4xi8>) {layer = 0 : i64, layer_name = "r", input_types = [!qnn.qtensor<4xi8, 0.5:0>], output_type = !qnn.qtensor<4xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, multiplier = 1073741824 : i32, shift = 2 : i32}
  }
  func.return
}
