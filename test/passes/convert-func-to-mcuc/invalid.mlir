// What convert-func-to-mcuc refuses: C functions return one value, and only the entry
// function (the library's interface) takes buffers.
// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics -p convert-func-to-mcuc | filecheck %s
// RUN: not tinymlir-opt %s --split-input-file -p convert-func-to-mcuc 2>&1 | filecheck %s --check-prefix=EXIT

// CHECK: convert-func-to-mcuc: @pair returns 2 values; C returns one
// EXIT: tinymlir-opt: error: convert-func-to-mcuc: @pair returns 2 values; C returns one
// EXIT-NOT: Traceback
func.func @pair(%x: i32) -> (i32, i32) {
  func.return %x, %x : i32, i32
}

// -----

// CHECK: convert-func-to-mcuc: @decl_pair returns 2 values; C returns one
func.func private @decl_pair() -> (i8, i8)

// -----

// CHECK: convert-func-to-mcuc: @helper: memref arguments are only supported on the entry function
func.func @helper(%buf: memref<4xi8>, %i: index) -> i8 {
  %v = memref.load %buf[%i] : memref<4xi8>
  func.return %v : i8
}

// -----

// CHECK: convert-func-to-mcuc: @extern_kernel: memref arguments are only supported on the entry function
func.func private @extern_kernel(memref<4xi8>)
