// Each kernel becomes its loop nest; the stores into its output carry the layer's index
// and its description (the C comment); the ports become the argument attributes of the
// C interface; a copy into an output argument is an element-by-element nest.
// RUN: tinymlir-opt %s -p convert-kernel-to-loops | filecheck %s

// CHECK-LABEL: func.func @layers
// CHECK-SAME:    (%x: memref<1x8xi8> {tinymlir.role = "input", tinymlir.name = "x", tinymlir.shape = array<i64: 1, 8>, tinymlir.scale = 5.000000e-01 : f32, tinymlir.zero_point = 0 : i32, tinymlir.storage = "int8"},
// CHECK-SAME:     %y_out: memref<1x3xi8> {tinymlir.role = "output", tinymlir.name = "y", {{.*}}tinymlir.storage = "uint8"}
// CHECK-NOT:     qk.ports
// CHECK:         memref.store %{{.*}}, %a[%{{.*}}] {tinymlir.layer_index = 0 : i64, tinymlir.layer_doc = "fc: dense 1x8 -> 1x3, 24 MACs"} : memref<1x3xi8>
// CHECK:         memref.store %{{.*}}, %y_out[%{{.*}}, %{{.*}}] : memref<1x3xi8>
// CHECK-NOT:     qk.
func.func @layers(%x: memref<1x8xi8>, %y_out: memref<1x3xi8>) attributes {qk.ports = [#qk.port<"input", "x", !qnn.qtensor<1x8xi8, 0.5:0>>, #qk.port<"output", "y", !qnn.qtensor<1x3xui8, 0.25:128>>]} {
  %w = memref.get_global @w : memref<3x8xi8>
  %b = memref.get_global @b : memref<3xi32>
  %a = memref.alloc() {alignment = 4 : i64} : memref<1x3xi8>
  qk.dense ins(%x, %w, %b : memref<1x8xi8>, memref<3x8xi8>, memref<3xi32>) outs(%a : memref<1x3xi8>) {layer = 0 : i64, layer_name = "fc", input_types = [!qnn.qtensor<1x8xi8, 0.5:0>], output_type = !qnn.qtensor<1x3xi8, 0.25:0>, clamp = array<i64: -128, 127>, numerics = #qnn.numerics<tflm>, multiplier = 1073741824 : i32, shift = 1 : i32}
  "memref.copy"(%a, %y_out) : (memref<1x3xi8>, memref<1x3xi8>) -> ()
  func.return
}
"memref.global"() <{sym_name = "w", type = memref<3x8xi8>, initial_value = dense<1> : tensor<3x8xi8>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
"memref.global"() <{sym_name = "b", type = memref<3xi32>, initial_value = dense<0> : tensor<3xi32>, sym_visibility = "private", constant, alignment = 4 : i64}> : () -> ()
