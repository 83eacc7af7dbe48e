// RUN: tinymlir-opt %s --split-input-file -p convert-scf-to-mcuc | filecheck %s
// RUN: tinymlir-opt %s --split-input-file -p convert-scf-to-mcuc | filecheck %s --check-prefix=NOSCF
// NOSCF-NOT: scf.

// A loop without iter_args is a C for loop around the same body.
// CHECK-LABEL: func.func @plain
// CHECK-NEXT:    %c0 = arith.constant 0 : index
// CHECK-NEXT:    %c1 = arith.constant 1 : index
// CHECK-NEXT:    mcuc.for %i = %c0 to %n step %c1 {
// CHECK-NEXT:      %s = mcuc.subscript %p[%i] : (!emitc.ptr<i32>, index) -> !emitc.lvalue<i32>
// CHECK-NEXT:      %z = arith.constant 0 : i32
// CHECK-NEXT:      mcuc.assign %z to %s : !emitc.lvalue<i32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return

func.func @plain(%n: index, %p: !emitc.ptr<i32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %s = mcuc.subscript %p[%i] : (!emitc.ptr<i32>, index) -> !emitc.lvalue<i32>
    %z = arith.constant 0 : i32
    mcuc.assign %z to %s : !emitc.lvalue<i32>
  }
  func.return
}

// -----

// A loop-carried value is a variable initialised before the loop, read at the top of the
// body, assigned at its end (the yield) and read after the loop for the result.
// CHECK-LABEL: func.func @sum
// CHECK-NEXT:    %c0 = arith.constant 0 : index
// CHECK-NEXT:    %c2 = arith.constant 2 : index
// CHECK-NEXT:    %acc = mcuc.variable init %init : !emitc.lvalue<i32>
// CHECK-NEXT:    mcuc.for %i = %c0 to %n step %c2 {
// CHECK-NEXT:      %a = mcuc.load %acc : !emitc.lvalue<i32>
// CHECK-NEXT:      %x = arith.index_cast %i : index to i32
// CHECK-NEXT:      %next = arith.addi %a, %x : i32
// CHECK-NEXT:      mcuc.assign %next to %acc : !emitc.lvalue<i32>
// CHECK-NEXT:    }
// CHECK-NEXT:    %acc_1 = mcuc.load %acc : !emitc.lvalue<i32>
// CHECK-NEXT:    %r = arith.muli %acc_1, %acc_1 : i32
// CHECK-NEXT:    func.return %r : i32
func.func @sum(%n: index, %init: i32) -> i32 {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %acc = scf.for %i = %c0 to %n step %c2 iter_args(%a = %init) -> (i32) {
    %x = arith.index_cast %i : index to i32
    %next = arith.addi %a, %x : i32
    scf.yield %next : i32
  }
  %r = arith.muli %acc, %acc : i32
  func.return %r : i32
}

// -----

// Nested loops: the inner loop's variables (one per iter_arg, of any type) are declared
// in the outer body, initialised from the outer loop's current value; an unused result
// is still read after the loop.
// CHECK-LABEL: func.func @nested
// CHECK-NEXT:    %c0 = arith.constant 0 : index
// CHECK-NEXT:    %c1 = arith.constant 1 : index
// CHECK-NEXT:    %c3 = arith.constant 3 : index
// CHECK-NEXT:    %outer = mcuc.variable init %bias : !emitc.lvalue<i32>
// CHECK-NEXT:    mcuc.for %i = %c0 to %c3 step %c1 {
// CHECK-NEXT:      %a = mcuc.load %outer : !emitc.lvalue<i32>
// CHECK-NEXT:      %inner = mcuc.variable init %a : !emitc.lvalue<i32>
// CHECK-NEXT:      %inner_1 = mcuc.variable init %c0 : !emitc.lvalue<index>
// CHECK-NEXT:      mcuc.for %j = %i to %c3 step %c1 {
// CHECK-NEXT:        %b = mcuc.load %inner : !emitc.lvalue<i32>
// CHECK-NEXT:        %cnt = mcuc.load %inner_1 : !emitc.lvalue<index>
// CHECK-NEXT:        %x = arith.index_cast %j : index to i32
// CHECK-NEXT:        %s = arith.addi %b, %x : i32
// CHECK-NEXT:        %n = arith.addi %cnt, %c1 : index
// CHECK-NEXT:        mcuc.assign %s to %inner : !emitc.lvalue<i32>
// CHECK-NEXT:        mcuc.assign %n to %inner_1 : !emitc.lvalue<index>
// CHECK-NEXT:      }
// CHECK-NEXT:      %inner_2 = mcuc.load %inner : !emitc.lvalue<i32>
// CHECK-NEXT:      %inner_3 = mcuc.load %inner_1 : !emitc.lvalue<index>
// CHECK-NEXT:      mcuc.assign %inner_2 to %outer : !emitc.lvalue<i32>
// CHECK-NEXT:    }
// CHECK-NEXT:    %outer_1 = mcuc.load %outer : !emitc.lvalue<i32>
// CHECK-NEXT:    func.return %outer_1 : i32
func.func @nested(%bias: i32) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %outer = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %bias) -> (i32) {
    %inner:2 = scf.for %j = %i to %c3 step %c1 iter_args(%b = %a, %cnt = %c0) -> (i32, index) {
      %x = arith.index_cast %j : index to i32
      %s = arith.addi %b, %x : i32
      %n = arith.addi %cnt, %c1 : index
      scf.yield %s, %n : i32, index
    }
    scf.yield %inner#0 : i32
  }
  func.return %outer : i32
}

// -----

// An if with results assigns an uninitialised variable in each branch; an if without else
// stays without else. (An explicitly empty else is left unchecked: the pass means to drop
// it but keeps an else holding only mcuc.yield, which the C printer omits.)
// CHECK-LABEL: func.func @ifs
// CHECK-NEXT:    %r = mcuc.variable : !emitc.lvalue<i32>
// CHECK-NEXT:    mcuc.if %c {
// CHECK-NEXT:      %s = arith.addi %x, %y : i32
// CHECK-NEXT:      mcuc.assign %s to %r : !emitc.lvalue<i32>
// CHECK-NEXT:    } else {
// CHECK-NEXT:      mcuc.assign %y to %r : !emitc.lvalue<i32>
// CHECK-NEXT:    }
// CHECK-NEXT:    %r_1 = mcuc.load %r : !emitc.lvalue<i32>
// CHECK-NEXT:    mcuc.if %c {
// CHECK-NEXT:      %c0 = arith.constant 0 : index
// CHECK-NEXT:      %l = mcuc.subscript %p[%c0] : (!emitc.ptr<i32>, index) -> !emitc.lvalue<i32>
// CHECK-NEXT:      mcuc.assign %r_1 to %l : !emitc.lvalue<i32>
// CHECK-NEXT:    }
// CHECK-NEXT:    mcuc.if %c {
// CHECK-NEXT:      %c1 = arith.constant 1 : index
// CHECK-NEXT:      %l_1 = mcuc.subscript %p[%c1] : (!emitc.ptr<i32>, index) -> !emitc.lvalue<i32>
// CHECK-NEXT:      mcuc.assign %x to %l_1 : !emitc.lvalue<i32>
// CHECK-NEXT:    }
// CHECK:         func.return %r_1 : i32
func.func @ifs(%c: i1, %x: i32, %y: i32, %p: !emitc.ptr<i32>) -> i32 {
  %r = scf.if %c -> (i32) {
    %s = arith.addi %x, %y : i32
    scf.yield %s : i32
  } else {
    scf.yield %y : i32
  }
  scf.if %c {
    %c0 = arith.constant 0 : index
    %l = mcuc.subscript %p[%c0] : (!emitc.ptr<i32>, index) -> !emitc.lvalue<i32>
    mcuc.assign %r to %l : !emitc.lvalue<i32>
  }
  scf.if %c {
    %c1 = arith.constant 1 : index
    %l = mcuc.subscript %p[%c1] : (!emitc.ptr<i32>, index) -> !emitc.lvalue<i32>
    mcuc.assign %x to %l : !emitc.lvalue<i32>
  } else {
  }
  func.return %r : i32
}

// -----

// An if inside a loop with integer (i32) bounds: the loop keeps its type.
// CHECK-LABEL: func.func @if_in_for
// CHECK-NEXT:    %c0 = arith.constant 0 : i32
// CHECK-NEXT:    %c1 = arith.constant 1 : i32
// CHECK-NEXT:    %m = mcuc.variable init %x : !emitc.lvalue<i32>
// CHECK-NEXT:    mcuc.for %i = %c0 to %n step %c1 : i32 {
// CHECK-NEXT:      %best = mcuc.load %m : !emitc.lvalue<i32>
// CHECK-NEXT:      %gt = arith.cmpi sgt, %i, %best : i32
// CHECK-NEXT:      %new = mcuc.variable : !emitc.lvalue<i32>
// CHECK-NEXT:      mcuc.if %gt {
// CHECK-NEXT:        mcuc.assign %i to %new : !emitc.lvalue<i32>
// CHECK-NEXT:      } else {
// CHECK-NEXT:        mcuc.assign %best to %new : !emitc.lvalue<i32>
// CHECK-NEXT:      }
// CHECK-NEXT:      %new_1 = mcuc.load %new : !emitc.lvalue<i32>
// CHECK-NEXT:      mcuc.assign %new_1 to %m : !emitc.lvalue<i32>
// CHECK-NEXT:    }
// CHECK-NEXT:    %m_1 = mcuc.load %m : !emitc.lvalue<i32>
// CHECK-NEXT:    func.return %m_1 : i32
func.func @if_in_for(%n: i32, %x: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %m = scf.for %i = %c0 to %n step %c1 iter_args(%best = %x) -> (i32) : i32 {
    %gt = arith.cmpi sgt, %i, %best : i32
    %new = scf.if %gt -> (i32) {
      scf.yield %i : i32
    } else {
      scf.yield %best : i32
    }
    scf.yield %new : i32
  }
  func.return %m : i32
}
