// convert-scf-to-mcuc converts scf.for and scf.if only: other scf ops are refused by name.
// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics -p convert-scf-to-mcuc | filecheck %s
// RUN: not tinymlir-opt %s --split-input-file -p convert-scf-to-mcuc 2>&1 | filecheck %s --check-prefix=EXIT

// CHECK: convert-scf-to-mcuc: scf.while is not supported
// EXIT: tinymlir-opt: error: convert-scf-to-mcuc: scf.while is not supported
// EXIT-NOT: Traceback
func.func @while(%n: i32) -> i32 {
  %c1 = arith.constant 1 : i32
  %r = scf.while (%x = %n) : (i32) -> i32 {
    %c = arith.cmpi sgt, %x, %c1 : i32
    scf.condition(%c) %x : i32
  } do {
  ^bb0(%y: i32):
    %z = arith.subi %y, %c1 : i32
    scf.yield %z : i32
  }
  func.return %r : i32
}

// -----

// CHECK: convert-scf-to-mcuc: scf.parallel is not supported
func.func @parallel(%n: index, %p: !emitc.ptr<i32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  "scf.parallel"(%c0, %n, %c1) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> ({
  ^bb0(%i: index):
    "scf.reduce"() : () -> ()
  }) : (index, index, index) -> ()
  func.return
}

// -----

// CHECK: convert-scf-to-mcuc: scf.execute_region is not supported
func.func @region(%x: i32) -> i32 {
  %r = "scf.execute_region"() ({
    scf.yield %x : i32
  }) : () -> i32
  func.return %r : i32
}

// -----

// A refused op nested in a convertible loop is found too.
// CHECK: convert-scf-to-mcuc: scf.index_switch is not supported
func.func @switch_in_loop(%n: index, %x: i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %r = scf.index_switch %i -> i32
    case 0 {
      scf.yield %x : i32
    }
    default {
      scf.yield %x : i32
    }
  }
  func.return
}
