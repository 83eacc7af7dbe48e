// A foreign op nested in an mcuc.func is found too (the first in walk order).

// RUN: not tinymlir-opt %s -t c 2>&1 | filecheck %s
// CHECK: tinymlir-opt: error: c target: cannot print 'arith.constant': the module must contain only mcuc ops (lower it to mcuc first)

mcuc.func @f() -> i32 {
  %c = arith.constant 1 : i32
  mcuc.return %c : i32
}
