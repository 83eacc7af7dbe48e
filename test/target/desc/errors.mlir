// A bad target description is refused with one line naming the file, the key and the
// reason (exit status 1, no traceback); so is a bad dlti.target_system_spec in the IR.

// RUN: not tinymlir-opt %s --target-desc=cortex-m9 2>&1 | filecheck %s --check-prefix=NAME
// RUN: not tinymlir-opt %s --target-desc=%S/Inputs/missing.toml 2>&1 | filecheck %s --check-prefix=UNREADABLE
// RUN: not tinymlir-opt %s --target-desc=%S/Inputs/syntax-error.toml 2>&1 | filecheck %s --check-prefix=SYNTAX
// RUN: not tinymlir-opt %s --target-desc=%S/Inputs/unknown-key.toml 2>&1 | filecheck %s --check-prefix=UNKNOWN
// RUN: not tinymlir-opt %s --target-desc=%S/Inputs/negative-alignment.toml 2>&1 | filecheck %s --check-prefix=NEGATIVE
// RUN: not tinymlir-opt %s --pipeline=mcu --fpu --target-desc=cortex-m4 2>&1 | filecheck %s --check-prefix=FPU
// RUN: not tinymlir-opt %s -p plan-arena 2>&1 | filecheck %s --check-prefix=IR

// NAME:       tinymlir-opt: error: unknown target 'cortex-m9'; shipped: cortex-m4, cortex-m4-speed, cortex-m4-tcm16k, cortex-m4f, diana-digital, diana-digital-shift (or give the path of a .toml description)
// UNREADABLE: tinymlir-opt: error: {{.*}}Inputs/missing.toml: cannot read the target description: No such file or directory
// SYNTAX:     tinymlir-opt: error: {{.*}}Inputs/syntax-error.toml: TOML syntax error: Expected ']' at the end of a table declaration (at line 1, column 8)
// UNKNOWN:    tinymlir-opt: error: {{.*}}Inputs/unknown-key.toml: target.colour: unknown key (expected: alignment, description, display_name, index_bitwidth, name)
// NEGATIVE:   tinymlir-opt: error: {{.*}}Inputs/negative-alignment.toml: target.alignment: expected a positive integer, got -4
// FPU:        tinymlir-opt: error: --fpu is --target-desc=cortex-m4f, but --target-desc=cortex-m4 has no FPU ([cpu] fpu = false); give one of them
// IR:         tinymlir-opt: error: the module's dlti.target_system_spec: target.alignment: expected a power of two, got 3
// CHECK-NOT:  Traceback

builtin.module attributes {dlti.target_system_spec = #dlti.target_system_spec<
  "target" = #dlti.target_device_spec<"name" = "bad", "display_name" = "Bad",
      "description" = "alignment 3", "alignment" = 3 : i64, "index_bitwidth" = 32 : i64>>} {
  func.func @f() {
    func.return
  }
}
