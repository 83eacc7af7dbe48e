// A module carrying a target description (tinymlir/target.py) as its
// dlti.target_system_spec: it prints back unchanged, in custom and generic form,
// and the passes that read it (plan-arena: the alignment) see it.

// RUN: tinymlir-opt %s | filecheck %s
// RUN: tinymlir-opt %s --print-op-generic | tinymlir-opt | filecheck %s
// RUN: tinymlir-opt %s -p plan-arena | filecheck %s --check-prefix=ARENA

// CHECK:      builtin.module attributes {dlti.target_system_spec = #dlti.target_system_spec<"target" = #dlti.target_device_spec<"name" = "tiny-npu", "display_name" = "Tiny NPU", "description" = "a round-trip test", "alignment" = 8 : i64, "index_bitwidth" = 32 : i64>,
// CHECK-SAME: "budgets" = #dlti.target_device_spec<"ram" = 65536 : i64>,
// CHECK-SAME: "placement" = #dlti.target_device_spec<"weights" = "flash", "activations" = "sram", "arena" = "sram">,
// CHECK-SAME: "memory" = #dlti.target_device_spec<"flash" = #dlti.map<"capacity" = 262144 : i64, "access_cost_per_byte" = 5.000000e-01 : f64, "bandwidth" = 2.000000e+00 : f64, "latency" = 5 : i64, "writable" = false>, "sram" = #dlti.map<"capacity" = 65536 : i64, "access_cost_per_byte" = 2.500000e-01 : f64, "bandwidth" = 4.000000e+00 : f64, "latency" = 1 : i64, "writable" = true>>,
// CHECK-SAME: "dma" = #dlti.target_device_spec<"dma0" = #dlti.map<"dimensions" = 2 : i64, "setup_cycles" = 40 : i64, "bytes_per_cycle" = 4.000000e+00 : f64, "mode" = "blocking", "source" = "flash", "destination" = "sram">>,
// CHECK-SAME: "cpu" = #dlti.target_device_spec<"name" = "cortex-m4", "isa_features" = ["thumb2", "dsp"], "fpu" = false, "macs_per_cycle" = 2 : i64>,
// CHECK-SAME: "accelerator" = #dlti.target_device_spec<"npu" = #dlti.map<"ops" = ["qnn.conv2d"], "shape_constraints" = #dlti.map<"channel_multiple" = 8 : i64>, "macs_per_cycle" = 32 : i64, "local_memory" = "sram", "requantisation" = "none">>,
// CHECK-SAME: "c" = #dlti.target_device_spec<"compiler" = "arm-none-eabi-gcc", "flags" = ["-mcpu=cortex-m4", "-mthumb"]>>} {
// CHECK-NEXT:   func.func @layers

// ARENA: memref.alloc() {alignment = 8 : i64, tinymlir.arena} : memref<16xi8>

builtin.module attributes {dlti.target_system_spec = #dlti.target_system_spec<
  "target" = #dlti.target_device_spec<"name" = "tiny-npu", "display_name" = "Tiny NPU",
      "description" = "a round-trip test", "alignment" = 8 : i64, "index_bitwidth" = 32 : i64>,
  "budgets" = #dlti.target_device_spec<"ram" = 65536 : i64>,
  "placement" = #dlti.target_device_spec<"weights" = "flash", "activations" = "sram", "arena" = "sram">,
  "memory" = #dlti.target_device_spec<
      "flash" = #dlti.map<"capacity" = 262144 : i64, "access_cost_per_byte" = 0.5 : f64,
                          "bandwidth" = 2.0 : f64, "latency" = 5 : i64, "writable" = false>,
      "sram" = #dlti.map<"capacity" = 65536 : i64, "access_cost_per_byte" = 0.25 : f64,
                         "bandwidth" = 4.0 : f64, "latency" = 1 : i64, "writable" = true>>,
  "dma" = #dlti.target_device_spec<"dma0" = #dlti.map<"dimensions" = 2 : i64,
      "setup_cycles" = 40 : i64, "bytes_per_cycle" = 4.0 : f64, "mode" = "blocking",
      "source" = "flash", "destination" = "sram">>,
  "cpu" = #dlti.target_device_spec<"name" = "cortex-m4", "isa_features" = ["thumb2", "dsp"],
      "fpu" = false, "macs_per_cycle" = 2 : i64>,
  "accelerator" = #dlti.target_device_spec<"npu" = #dlti.map<"ops" = ["qnn.conv2d"],
      "shape_constraints" = #dlti.map<"channel_multiple" = 8 : i64>, "macs_per_cycle" = 32 : i64,
      "local_memory" = "sram", "requantisation" = "none">>,
  "c" = #dlti.target_device_spec<"compiler" = "arm-none-eabi-gcc", "flags" = ["-mcpu=cortex-m4", "-mthumb"]>>} {
  // Two 5-byte buffers live together: 8-byte alignment puts the second at 8.
  func.func @layers(%in: memref<4xi8>, %out: memref<4xi8>) {
    %i = arith.constant 0 : index
    %a = memref.alloc() : memref<5xi8>
    %b = memref.alloc() : memref<5xi8>
    %v = memref.load %in[%i] : memref<4xi8>
    memref.store %v, %a[%i] : memref<5xi8>
    memref.store %v, %b[%i] : memref<5xi8>
    %w = memref.load %a[%i] : memref<5xi8>
    %x = memref.load %b[%i] : memref<5xi8>
    memref.store %x, %out[%i] : memref<4xi8>
    func.return
  }
}
