// --target-desc=NAME|FILE records the target on the module as its dlti.target_system_spec
// (replacing the module's own); without it nothing is added. --fpu is --target-desc=cortex-m4f.

// RUN: tinymlir-opt %s | filecheck %s --check-prefix=NONE
// RUN: tinymlir-opt %s --target-desc=cortex-m4 | filecheck %s --check-prefix=M4
// RUN: tinymlir-opt %s --target-desc=cortex-m4f | filecheck %s --check-prefix=M4F
// RUN: tinymlir-opt %s --target-desc=%S/Inputs/accelerated.toml | filecheck %s --check-prefix=FILE
// RUN: tinymlir-opt %s --target-desc=%S/Inputs/accelerated.toml | tinymlir-opt --target-desc=cortex-m4 | filecheck %s --check-prefix=M4
// RUN: tinymlir-opt %s --target-desc=%S/Inputs/align16.toml -p plan-arena | filecheck %s --check-prefix=ALIGN16
// RUN: tinymlir-opt %s --target-desc=%S/Inputs/align16.toml -p 'plan-arena{alignment=32}' | filecheck %s --check-prefix=ALIGN32

// NONE:     builtin.module {
// NONE-NOT: dlti

// M4:      builtin.module attributes {dlti.target_system_spec = #dlti.target_system_spec<"target" = #dlti.target_device_spec<"name" = "cortex-m4", "display_name" = "Cortex-M4", {{.*}} "alignment" = 4 : i64, "index_bitwidth" = 32 : i64>
// M4-SAME: "cpu" = #dlti.target_device_spec<"name" = "cortex-m4", "isa_features" = ["thumb2", "dsp"], "fpu" = false, "macs_per_cycle" = 2 : i64>
// M4-SAME: "c" = #dlti.target_device_spec<"compiler" = "arm-none-eabi-gcc", "flags" = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft"]>>} {

// M4F:      "name" = "cortex-m4f"
// M4F-SAME: "fpu" = true
// M4F-SAME: "flags" = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]

// FILE:      "name" = "test-npu"
// FILE-SAME: "dma" = #dlti.target_device_spec<"dma0" = #dlti.map<"dimensions" = 2 : i64, "setup_cycles" = 40 : i64, "bytes_per_cycle" = 4.000000e+00 : f64, "mode" = "async", "source" = "flash", "destination" = "npu_l1">>
// FILE-SAME: "accelerator" = #dlti.target_device_spec<"npu" = #dlti.map<"ops" = ["qnn.conv2d", "qnn.depthwise_conv2d"], "shape_constraints" = #dlti.map<"channel_multiple" = 8 : i64, "max_kernel" = 7 : i64>, "macs_per_cycle" = 64 : i64, "local_memory" = "npu_l1", "requantisation" = "per-channel">>

// ALIGN16: memref.alloc() {alignment = 16 : i64, tinymlir.arena} : memref<32xi8>
// ALIGN32: memref.alloc() {alignment = 32 : i64, tinymlir.arena} : memref<64xi8>

func.func @layers(%in: memref<4xi8>, %out: memref<4xi8>) {
  %i = arith.constant 0 : index
  %a = memref.alloc() : memref<5xi8>
  %b = memref.alloc() : memref<5xi8>
  %v = memref.load %in[%i] : memref<4xi8>
  memref.store %v, %a[%i] : memref<5xi8>
  memref.store %v, %b[%i] : memref<5xi8>
  %x = memref.load %b[%i] : memref<5xi8>
  %w = memref.load %a[%i] : memref<5xi8>
  memref.store %x, %out[%i] : memref<4xi8>
  func.return
}
