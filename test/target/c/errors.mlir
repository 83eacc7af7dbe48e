// The C target prints modules of mcuc ops only: anything else is reported as
// one error line naming the first foreign op, with exit status 1.

// RUN: not tinymlir-opt %s -t c 2>&1 | filecheck %s
// CHECK: tinymlir-opt: error: c target: cannot print 'func.func': the module must contain only mcuc ops (lower it to mcuc first)
// CHECK-NOT: Traceback

mcuc.include <"stdint.h">
func.func @not_lowered(%a: i32) -> i32 {
  func.return %a : i32
}
