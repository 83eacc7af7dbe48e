// Regression (fixed): a function declaration (no body) should become an mcuc prototype, but
// convert-func-to-mcuc builds it with mcuc.FuncOp(name, type), whose default region is an
// empty block, and verification fails with "Operation mcuc.func contains empty block in
// single-block region that expects at least a terminator" (mcuc.FuncOp.declaration, or an
// empty Region, gives the prototype).

// RUN: tinymlir-opt %s -p convert-func-to-mcuc | filecheck %s

// CHECK-LABEL: builtin.module
// CHECK-NEXT:    mcuc.func @ext(i32) -> i32
// CHECK-NEXT:    mcuc.func @tick()
// CHECK-NEXT:    mcuc.func static @use(%x: i32) -> i32 {
// CHECK-NEXT:      mcuc.call @tick() : () -> ()
// CHECK-NEXT:      %y = mcuc.call @ext(%x) : (i32) -> i32
// CHECK-NEXT:      mcuc.return %y : i32
// CHECK-NEXT:    }
func.func private @ext(i32) -> i32
func.func private @tick()
func.func @use(%x: i32) -> i32 {
  func.call @tick() : () -> ()
  %y = func.call @ext(%x) : (i32) -> i32
  func.return %y : i32
}
