// Round trip of every mcuc op and of the !mcuc.const type, in the custom and
// in the generic form. Types are xDSL's emitc types (!emitc.array, !emitc.ptr,
// !emitc.lvalue, !emitc.opaque, !emitc.size_t) and builtin scalars.

// RUN: tinymlir-opt %s | tinymlir-opt | filecheck %s
// RUN: tinymlir-opt %s --print-op-generic | tinymlir-opt | filecheck %s

//===----------------------------------------------------------------------===//
// Module level: include, verbatim, comment, global
//===----------------------------------------------------------------------===//

// CHECK:      builtin.module {
// CHECK-NEXT:   mcuc.include <"stdint.h">
// CHECK-NEXT:   mcuc.include "model.h"
// CHECK-NEXT:   mcuc.verbatim "#define TILE 4"
// CHECK-NEXT:   mcuc.comment "layer 1: conv2d 1x49x10x1 -> 1x25x5x64, 640000 MACs"
mcuc.include <"stdint.h">
mcuc.include "model.h"
mcuc.verbatim "#define TILE 4"
mcuc.comment "layer 1: conv2d 1x49x10x1 -> 1x25x5x64, 640000 MACs"

// Globals: storage and const specifiers, the initial value printed without its
// (implied) type, and alignment/section/comment in the attribute dictionary.
// CHECK-NEXT:   mcuc.global static const @w : !emitc.array<2x3xi8> = dense<[[1, -2, 3], [-128, 127, 0]]> {alignment = 16 : i64, section = ".rodata.weights", comment = "conv1 weights"}
// CHECK-NEXT:   mcuc.global static const @splat : !emitc.array<4xi32> = dense<7>
// CHECK-NEXT:   mcuc.global const @big : !emitc.array<128xui8> = dense<"0x{{[0-9A-F]+}}">
// CHECK-NEXT:   mcuc.global @scalar : i32 = -3
// CHECK-NEXT:   mcuc.global static @scale : f32 = 5.000000e-01
// CHECK-NEXT:   mcuc.global @uninit : !emitc.array<8xi16>
// CHECK-NEXT:   mcuc.global extern const @ext : !emitc.array<4xi8>
// CHECK-NEXT:   mcuc.global @opaque : !emitc.opaque<"char"> = #emitc.opaque<"CHAR_MIN">
mcuc.global static const @w : !emitc.array<2x3xi8> = dense<[[1, -2, 3], [-128, 127, 0]]> {alignment = 16 : i64, section = ".rodata.weights", comment = "conv1 weights"}
mcuc.global static const @splat : !emitc.array<4xi32> = dense<7>
mcuc.global const @big : !emitc.array<128xui8> = dense<"0x000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F">
mcuc.global @scalar : i32 = -3
mcuc.global static @scale : f32 = 0.5
mcuc.global @uninit : !emitc.array<8xi16>
mcuc.global extern const @ext : !emitc.array<4xi8>
mcuc.global @opaque : !emitc.opaque<"char"> = #emitc.opaque<"CHAR_MIN">

//===----------------------------------------------------------------------===//
// Functions, calls and returns
//===----------------------------------------------------------------------===//

// A declaration (prototype) and a static definition with a doc comment.
// CHECK-NEXT:   mcuc.func @ext_kernel(!emitc.ptr<!mcuc.const<i8>>, i32) -> i32
// CHECK-NEXT:   mcuc.func static @helper(%x: i32) -> i32 attributes {comment = "doubles x"} {
// CHECK-NEXT:     %0 = mcuc.add %x, %x : (i32, i32) -> i32
// CHECK-NEXT:     mcuc.return %0 : i32
// CHECK-NEXT:   }
mcuc.func @ext_kernel(!emitc.ptr<!mcuc.const<i8>>, i32) -> i32
mcuc.func static @helper(%x: i32) -> i32 attributes {comment = "doubles x"} {
  %0 = mcuc.add %x, %x : (i32, i32) -> i32
  mcuc.return %0 : i32
}

// CHECK-LABEL:  mcuc.func @calls(
// CHECK-SAME:       %in: !emitc.ptr<!mcuc.const<i8>>, %out: !emitc.ptr<i8>, %n: !emitc.size_t) {
// CHECK-NEXT:     %c = mcuc.constant 3 : i32
// CHECK-NEXT:     %0 = mcuc.call @helper(%c) : (i32) -> i32
// CHECK-NEXT:     %1 = mcuc.call @ext_kernel(%in, %0) : (!emitc.ptr<!mcuc.const<i8>>, i32) -> i32
// CHECK-NEXT:     mcuc.call_opaque "memset"(%out, %1, %n) : (!emitc.ptr<i8>, i32, !emitc.size_t) -> ()
// CHECK-NEXT:     %2 = mcuc.call_opaque "abs"(%1) : (i32) -> i32
// CHECK-NEXT:     mcuc.return
// CHECK-NEXT:   }
mcuc.func @calls(%in: !emitc.ptr<!mcuc.const<i8>>, %out: !emitc.ptr<i8>, %n: !emitc.size_t) {
  %c = mcuc.constant 3 : i32
  %0 = mcuc.call @helper(%c) : (i32) -> i32
  %1 = mcuc.call @ext_kernel(%in, %0) : (!emitc.ptr<!mcuc.const<i8>>, i32) -> i32
  mcuc.call_opaque "memset"(%out, %1, %n) : (!emitc.ptr<i8>, i32, !emitc.size_t) -> ()
  %2 = mcuc.call_opaque "abs"(%1) : (i32) -> i32
  mcuc.return
}

//===----------------------------------------------------------------------===//
// Variables, globals, subscripts, loads and assignments
//===----------------------------------------------------------------------===//

// CHECK-LABEL:  mcuc.func @memory(
// CHECK-SAME:       %p: !emitc.ptr<i32>, %i: i32, %j: index) -> i32 {
// CHECK-NEXT:     %c0 = mcuc.constant 0 : i32
// CHECK-NEXT:     %acc = mcuc.variable init %c0 : !emitc.lvalue<i32>
// CHECK-NEXT:     %tmp = mcuc.variable : !emitc.lvalue<i32>
// CHECK-NEXT:     %buf = mcuc.variable : !emitc.array<4x4xi32>
// CHECK-NEXT:     %w = mcuc.get_global @w : !emitc.array<2x3xi8>
// CHECK-NEXT:     %s = mcuc.get_global @scalar : !emitc.lvalue<i32>
// CHECK-NEXT:     %e = mcuc.subscript %w[%i, %j] : (!emitc.array<2x3xi8>, i32, index) -> !emitc.lvalue<i8>
// CHECK-NEXT:     %v = mcuc.load %e : !emitc.lvalue<i8>
// CHECK-NEXT:     %pe = mcuc.subscript %p[%i] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
// CHECK-NEXT:     %be = mcuc.subscript %buf[%i, %i] : (!emitc.array<4x4xi32>, i32, i32) -> !emitc.lvalue<i32>
// CHECK-NEXT:     %sv = mcuc.load %s : !emitc.lvalue<i32>
// CHECK-NEXT:     mcuc.assign %sv to %pe : !emitc.lvalue<i32>
// CHECK-NEXT:     mcuc.assign %sv to %be : !emitc.lvalue<i32>
// CHECK-NEXT:     mcuc.assign %sv to %tmp : !emitc.lvalue<i32>
// CHECK-NEXT:     %a = mcuc.load %acc : !emitc.lvalue<i32>
// CHECK-NEXT:     mcuc.return %a : i32
// CHECK-NEXT:   }
mcuc.func @memory(%p: !emitc.ptr<i32>, %i: i32, %j: index) -> i32 {
  %c0 = mcuc.constant 0 : i32
  %acc = mcuc.variable init %c0 : !emitc.lvalue<i32>
  %tmp = mcuc.variable : !emitc.lvalue<i32>
  %buf = mcuc.variable : !emitc.array<4x4xi32>
  %w = mcuc.get_global @w : !emitc.array<2x3xi8>
  %s = mcuc.get_global @scalar : !emitc.lvalue<i32>
  %e = mcuc.subscript %w[%i, %j] : (!emitc.array<2x3xi8>, i32, index) -> !emitc.lvalue<i8>
  %v = mcuc.load %e : !emitc.lvalue<i8>
  %pe = mcuc.subscript %p[%i] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  %be = mcuc.subscript %buf[%i, %i] : (!emitc.array<4x4xi32>, i32, i32) -> !emitc.lvalue<i32>
  %sv = mcuc.load %s : !emitc.lvalue<i32>
  mcuc.assign %sv to %pe : !emitc.lvalue<i32>
  mcuc.assign %sv to %be : !emitc.lvalue<i32>
  mcuc.assign %sv to %tmp : !emitc.lvalue<i32>
  %a = mcuc.load %acc : !emitc.lvalue<i32>
  mcuc.return %a : i32
}

//===----------------------------------------------------------------------===//
// Constants, literals and expressions
//===----------------------------------------------------------------------===//

// CHECK-LABEL:  mcuc.func @expressions(
// CHECK-SAME:       %a: i32, %b: i32, %u: ui8, %f: f32, %q: !emitc.ptr<i32>) {
// CHECK-NEXT:     %c = mcuc.constant -7 : i32
// CHECK-NEXT:     %t = mcuc.constant true
// CHECK-NEXT:     %big = mcuc.constant 9000000000 : i64
// CHECK-NEXT:     %uc = mcuc.constant 255 : ui8
// CHECK-NEXT:     %half = mcuc.constant 5.000000e-01 : f32
// CHECK-NEXT:     %ix = mcuc.constant 4 : index
// CHECK-NEXT:     %lit = mcuc.literal "INT8_MIN" : i32
// CHECK-NEXT:     %0 = mcuc.add %a, %b : (i32, i32) -> i32
// CHECK-NEXT:     %1 = mcuc.sub %a, %b : (i32, i32) -> i32
// CHECK-NEXT:     %2 = mcuc.mul %a, %b : (i32, i32) -> i32
// CHECK-NEXT:     %3 = mcuc.div %a, %b : (i32, i32) -> i32
// CHECK-NEXT:     %4 = mcuc.rem %a, %b : (i32, i32) -> i32
// CHECK-NEXT:     %5 = mcuc.bitwise_and %a, %b : (i32, i32) -> i32
// CHECK-NEXT:     %6 = mcuc.bitwise_or %a, %b : (i32, i32) -> i32
// CHECK-NEXT:     %7 = mcuc.bitwise_xor %a, %b : (i32, i32) -> i32
// CHECK-NEXT:     %8 = mcuc.shl %a, %b : (i32, i32) -> i32
// CHECK-NEXT:     %9 = mcuc.shr %u, %a : (ui8, i32) -> ui8
// CHECK-NEXT:     %10 = mcuc.unary_minus %f : (f32) -> f32
// CHECK-NEXT:     %11 = mcuc.bitwise_not %u : (ui8) -> ui8
// CHECK-NEXT:     %12 = mcuc.cmp eq, %a, %b : (i32, i32) -> i1
// CHECK-NEXT:     %13 = mcuc.cmp ne, %a, %b : (i32, i32) -> i1
// CHECK-NEXT:     %14 = mcuc.cmp lt, %a, %b : (i32, i32) -> i1
// CHECK-NEXT:     %15 = mcuc.cmp le, %a, %b : (i32, i32) -> i1
// CHECK-NEXT:     %16 = mcuc.cmp gt, %a, %b : (i32, i32) -> i1
// CHECK-NEXT:     %17 = mcuc.cmp ge, %f, %half : (f32, f32) -> i1
// CHECK-NEXT:     %18 = mcuc.logical_and %12, %t : i1, i1
// CHECK-NEXT:     %19 = mcuc.logical_or %18, %13 : i1, i1
// CHECK-NEXT:     %20 = mcuc.logical_not %a : i32
// CHECK-NEXT:     %21 = mcuc.conditional %19, %a, %c : i32
// CHECK-NEXT:     %22 = mcuc.cast %u : ui8 to i32
// CHECK-NEXT:     %23 = mcuc.cast %f : f32 to i64
// CHECK-NEXT:     %24 = mcuc.add %q, %a : (!emitc.ptr<i32>, i32) -> !emitc.ptr<i32>
// CHECK-NEXT:     %25 = mcuc.sub %24, %q : (!emitc.ptr<i32>, !emitc.ptr<i32>) -> !emitc.ptrdiff_t
// CHECK-NEXT:     %26 = mcuc.cast %q : !emitc.ptr<i32> to !emitc.ptr<!mcuc.const<i32>>
// CHECK-NEXT:     %27 = mcuc.cast %q : !emitc.ptr<i32> to !emitc.ptr<!emitc.opaque<"void">>
// CHECK-NEXT:     mcuc.return
// CHECK-NEXT:   }
mcuc.func @expressions(%a: i32, %b: i32, %u: ui8, %f: f32, %q: !emitc.ptr<i32>) {
  %c = mcuc.constant -7 : i32
  %t = mcuc.constant true
  %big = mcuc.constant 9000000000 : i64
  %uc = mcuc.constant 255 : ui8
  %half = mcuc.constant 0.5 : f32
  %ix = mcuc.constant 4 : index
  %lit = mcuc.literal "INT8_MIN" : i32
  %0 = mcuc.add %a, %b : (i32, i32) -> i32
  %1 = mcuc.sub %a, %b : (i32, i32) -> i32
  %2 = mcuc.mul %a, %b : (i32, i32) -> i32
  %3 = mcuc.div %a, %b : (i32, i32) -> i32
  %4 = mcuc.rem %a, %b : (i32, i32) -> i32
  %5 = mcuc.bitwise_and %a, %b : (i32, i32) -> i32
  %6 = mcuc.bitwise_or %a, %b : (i32, i32) -> i32
  %7 = mcuc.bitwise_xor %a, %b : (i32, i32) -> i32
  %8 = mcuc.shl %a, %b : (i32, i32) -> i32
  %9 = mcuc.shr %u, %a : (ui8, i32) -> ui8
  %10 = mcuc.unary_minus %f : (f32) -> f32
  %11 = mcuc.bitwise_not %u : (ui8) -> ui8
  %12 = mcuc.cmp eq, %a, %b : (i32, i32) -> i1
  %13 = mcuc.cmp ne, %a, %b : (i32, i32) -> i1
  %14 = mcuc.cmp lt, %a, %b : (i32, i32) -> i1
  %15 = mcuc.cmp le, %a, %b : (i32, i32) -> i1
  %16 = mcuc.cmp gt, %a, %b : (i32, i32) -> i1
  %17 = mcuc.cmp ge, %f, %half : (f32, f32) -> i1
  %18 = mcuc.logical_and %12, %t : i1, i1
  %19 = mcuc.logical_or %18, %13 : i1, i1
  %20 = mcuc.logical_not %a : i32
  %21 = mcuc.conditional %19, %a, %c : i32
  %22 = mcuc.cast %u : ui8 to i32
  %23 = mcuc.cast %f : f32 to i64
  %24 = mcuc.add %q, %a : (!emitc.ptr<i32>, i32) -> !emitc.ptr<i32>
  %25 = mcuc.sub %24, %q : (!emitc.ptr<i32>, !emitc.ptr<i32>) -> !emitc.ptrdiff_t
  %26 = mcuc.cast %q : !emitc.ptr<i32> to !emitc.ptr<!mcuc.const<i32>>
  %27 = mcuc.cast %q : !emitc.ptr<i32> to !emitc.ptr<!emitc.opaque<"void">>
  mcuc.return
}

//===----------------------------------------------------------------------===//
// Control flow: for (index and typed), if with and without else, yield
//===----------------------------------------------------------------------===//

// The regions' mcuc.yield is implicit in the custom form.
// CHECK-LABEL:  mcuc.func @control(
// CHECK-SAME:       %n: i32, %m: index, %c: i1) {
// CHECK-NEXT:     %c0 = mcuc.constant 0 : i32
// CHECK-NEXT:     %c2 = mcuc.constant 2 : i32
// CHECK-NEXT:     %i0 = mcuc.constant 0 : index
// CHECK-NEXT:     %i1 = mcuc.constant 1 : index
// CHECK-NEXT:     mcuc.for %i = %c0 to %n step %c2 : i32 {
// CHECK-NEXT:       mcuc.for %j = %i0 to %m step %i1 {
// CHECK-NEXT:         mcuc.comment "body"
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:     mcuc.if %c {
// CHECK-NEXT:       mcuc.verbatim "__NOP();"
// CHECK-NEXT:     } else {
// CHECK-NEXT:       mcuc.comment "else"
// CHECK-NEXT:     }
// CHECK-NEXT:     mcuc.if %c {
// CHECK-NEXT:     }
// CHECK-NEXT:     mcuc.return
// CHECK-NEXT:   }
mcuc.func @control(%n: i32, %m: index, %c: i1) {
  %c0 = mcuc.constant 0 : i32
  %c2 = mcuc.constant 2 : i32
  %i0 = mcuc.constant 0 : index
  %i1 = mcuc.constant 1 : index
  mcuc.for %i = %c0 to %n step %c2 : i32 {
    mcuc.for %j = %i0 to %m step %i1 {
      mcuc.comment "body"
      mcuc.yield
    }
  }
  mcuc.if %c {
    mcuc.verbatim "__NOP();"
  } else {
    mcuc.comment "else"
  }
  mcuc.if %c {
  }
  mcuc.return
}

//===----------------------------------------------------------------------===//
// mcuc.expression: a tree printed inside its only user (mcuc.yield of the value)
//===----------------------------------------------------------------------===//

// CHECK-LABEL:  mcuc.func @expression(
// CHECK-SAME:       %a: i32, %b: i32, %p: !emitc.ptr<i32>) -> i32 {
// CHECK-NEXT:     %acc = mcuc.variable init %a : !emitc.lvalue<i32>
// CHECK-NEXT:     %sum = mcuc.expression : i32 {
// CHECK-NEXT:       %x = mcuc.load %acc : !emitc.lvalue<i32>
// CHECK-NEXT:       %m = mcuc.mul %b, %b : (i32, i32) -> i32
// CHECK-NEXT:       %s = mcuc.add %x, %m : (i32, i32) -> i32
// CHECK-NEXT:       mcuc.yield %s : i32
// CHECK-NEXT:     }
// CHECK-NEXT:     mcuc.assign %sum to %acc : !emitc.lvalue<i32>
// CHECK-NEXT:     %i = mcuc.expression : i32 {
// CHECK-NEXT:       %t = mcuc.add %a, %b : (i32, i32) -> i32
// CHECK-NEXT:       mcuc.yield %t : i32
// CHECK-NEXT:     }
// CHECK-NEXT:     %e = mcuc.subscript %p[%i] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
// CHECK-NEXT:     %r = mcuc.expression : i32 {
// CHECK-NEXT:       %v = mcuc.load %e : !emitc.lvalue<i32>
// CHECK-NEXT:       mcuc.yield %v : i32
// CHECK-NEXT:     }
// CHECK-NEXT:     mcuc.return %r : i32
// CHECK-NEXT:   }
mcuc.func @expression(%a: i32, %b: i32, %p: !emitc.ptr<i32>) -> i32 {
  %acc = mcuc.variable init %a : !emitc.lvalue<i32>
  %sum = mcuc.expression : i32 {
    %x = mcuc.load %acc : !emitc.lvalue<i32>
    %m = mcuc.mul %b, %b : (i32, i32) -> i32
    %s = mcuc.add %x, %m : (i32, i32) -> i32
    mcuc.yield %s : i32
  }
  mcuc.assign %sum to %acc : !emitc.lvalue<i32>
  %i = mcuc.expression : i32 {
    %t = mcuc.add %a, %b : (i32, i32) -> i32
    mcuc.yield %t : i32
  }
  %e = mcuc.subscript %p[%i] : (!emitc.ptr<i32>, i32) -> !emitc.lvalue<i32>
  %r = mcuc.expression : i32 {
    %v = mcuc.load %e : !emitc.lvalue<i32>
    mcuc.yield %v : i32
  }
  mcuc.return %r : i32
}
// CHECK-NEXT: }
