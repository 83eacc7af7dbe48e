// Op verifiers of the mcuc dialect: one case per rule, in the order of
// dialects/mcuc.py. With --verify-diagnostics xDSL prints the message, then the
// module in generic form with the failing op underlined and annotated
// "Operation does not verify: <message>"; the CHECK lines match that annotation.

// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics | filecheck %s

//===----------------------------------------------------------------------===//
// Placement: statements and expressions live in a function (an mcuc.func, or a
// func.func during the conversion to mcuc)
//===----------------------------------------------------------------------===//

// CHECK: Operation does not verify: 'mcuc.variable' must be inside an 'mcuc.func'
builtin.module {
  %v = mcuc.variable : !emitc.lvalue<i32>
}

// -----

//===----------------------------------------------------------------------===//
// mcuc.include, mcuc.verbatim, mcuc.comment
//===----------------------------------------------------------------------===//

// CHECK: Operation does not verify: mcuc.include: 'a>b.h' is not a valid header name (non-empty, without quotes, angle brackets, backslashes or newlines)
mcuc.include "a>b.h"

// -----

// CHECK: Operation does not verify: mcuc.include: '' is not a valid header name
mcuc.include <"">

// -----

// CHECK: Operation does not verify: 'mcuc.include' expects parent op 'builtin.module'
mcuc.func @include_in_func() {
  mcuc.include "x.h"
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.verbatim: text must not be empty
mcuc.verbatim ""

// -----

// CHECK: Operation does not verify: mcuc.verbatim: must be at module level or in an mcuc.func, mcuc.for or mcuc.if
func.func @verbatim_in_func_func() {
  mcuc.verbatim "x"
  func.return
}

// -----

// CHECK: Operation does not verify: mcuc.comment: comment text must not contain '*/'
mcuc.comment "a */ b"

// -----

// CHECK: Operation does not verify: mcuc.comment: must be at module level or in an mcuc.func, mcuc.for or mcuc.if
func.func @comment_in_scf_for(%n: index) {
  scf.for %i = %n to %n step %n {
    mcuc.comment "x"
  }
  func.return
}

// -----

//===----------------------------------------------------------------------===//
// mcuc.global
//===----------------------------------------------------------------------===//

// Symbol names are C identifiers: no keywords ...
// CHECK: Operation does not verify: mcuc.global: symbol '@int' is not a usable C identifier (letters, digits and '_', not a keyword, not reserved)
mcuc.global @int : i32

// -----

// ... no characters C does not allow ...
// CHECK: Operation does not verify: mcuc.global: symbol '@w.0' is not a usable C identifier
mcuc.global @"w.0" : i32

// -----

// ... and nothing reserved for the implementation or tinymlir's macros.
// CHECK: Operation does not verify: mcuc.global: symbol '@__w' is not a usable C identifier
mcuc.global @__w : i32

// -----

// CHECK: Operation does not verify: mcuc.global: symbol '@TINYMLIR_ALIGN' is not a usable C identifier
mcuc.global @TINYMLIR_ALIGN : i32

// -----

// The type must be a C value type (not an lvalue).
// CHECK: Operation does not verify: mcuc.global: the global has type !emitc.lvalue<i32>, which has no C99 equivalent
mcuc.global @lv : !emitc.lvalue<i32>

// -----

// Arrays have positive dimensions.
// CHECK: Operation does not verify: mcuc.global: the global has type !emitc.array<0xi8>, which has no C99 equivalent
mcuc.global @empty : !emitc.array<0xi8>

// -----

// Only integer widths C99 has.
// CHECK: Operation does not verify: mcuc.global: the global has type i4, which has no C99 equivalent
mcuc.global @nibble : i4

// -----

// CHECK: Operation does not verify: mcuc.global: cannot be both extern and static
mcuc.global extern static @es : i32

// -----

// CHECK: Operation does not verify: mcuc.global: an extern global cannot have an initial value
mcuc.global extern @ei : i32 = 1

// -----

// CHECK: Operation does not verify: mcuc.global: a const global needs an initial value
mcuc.global const @cn : !emitc.array<4xi8>

// -----

// CHECK: Operation does not verify: mcuc.global: an array is initialised with dense<...>, got 1 : i32
"mcuc.global"() <{sym_name = "arr_scalar_init", type = !emitc.array<4xi32>, initial_value = 1 : i32}> : () -> ()

// -----

// CHECK: Operation does not verify: mcuc.global: initial value element type i32 does not match the array element type i8
"mcuc.global"() <{sym_name = "elt", type = !emitc.array<2xi8>, initial_value = dense<[1, 2]> : tensor<2xi32>}> : () -> ()

// -----

// CHECK: Operation does not verify: mcuc.global: initial value shape [4] does not match the array shape [2, 2]
"mcuc.global"() <{sym_name = "shp", type = !emitc.array<2x2xi8>, initial_value = dense<[1, 2, 3, 4]> : tensor<4xi8>}> : () -> ()

// -----

// CHECK: Operation does not verify: mcuc.global: initial value 1.000000e+00 : f32 does not match the type i32
"mcuc.global"() <{sym_name = "mismatch", type = i32, initial_value = 1.0 : f32}> : () -> ()

// -----

// CHECK: Operation does not verify: mcuc.global: initial values must be finite
"mcuc.global"() <{sym_name = "nan", type = !emitc.array<2xf32>, initial_value = dense<"0x0000803F0000C07F"> : tensor<2xf32>}> : () -> ()

// -----

// CHECK: Operation does not verify: mcuc.global: float values must be finite, got inf
"mcuc.global"() <{sym_name = "inf", type = f32, initial_value = 0x7F800000 : f32}> : () -> ()

// -----

// CHECK: Operation does not verify: mcuc.global: opaque initial value must not be empty
mcuc.global @op : !emitc.opaque<"char"> = #emitc.opaque<"">

// -----

// CHECK: Operation does not verify: mcuc.global: alignment must be a power of two, got 12
mcuc.global @al : !emitc.array<4xi8> {alignment = 12 : i64}

// -----

// CHECK: Operation does not verify: mcuc.global: section '.data"x' must be non-empty and use only letters, digits and '_.$,'
mcuc.global @sec : i32 {section = ".data\22x"}

// -----

// CHECK: Operation does not verify: mcuc.global: comment text must not contain '*/'
mcuc.global @cm : i32 {comment = "end */"}

// -----

// CHECK: Operation does not verify: 'mcuc.global' expects parent op 'builtin.module'
mcuc.func @global_in_func() {
  mcuc.global @g : i32
  mcuc.return
}

// -----

//===----------------------------------------------------------------------===//
// mcuc.func, mcuc.return
//===----------------------------------------------------------------------===//

// CHECK: Operation does not verify: mcuc.func: symbol '@void' is not a usable C identifier
mcuc.func @void() {
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.func: argument 0 has type !emitc.lvalue<i32>, which has no C99 equivalent
mcuc.func @lvalue_arg(!emitc.lvalue<i32>)

// -----

// CHECK: Operation does not verify: mcuc.func: a C function has at most one result
mcuc.func @two_results() -> (i32, i32)

// -----

// CHECK: Operation does not verify: mcuc.func: the result must be a scalar C type, got !emitc.array<4xi8>
mcuc.func @array_result() -> !emitc.array<4xi8>

// -----

// CHECK: Operation does not verify: mcuc.func: comment text must not contain '*/'
mcuc.func @doc() attributes {comment = "*/"}

// -----

// CHECK: Operation does not verify: mcuc.func: the body must be a single block
mcuc.func @blocks() {
  mcuc.return
^bb1:
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.func: entry block argument types do not match the function type
"mcuc.func"() <{sym_name = "args", function_type = (i32) -> ()}> ({
^bb0(%a: i8):
  mcuc.return
}) : () -> ()

// -----

// Blocks end with a terminator (xDSL's own check, before the op verifiers).
// CHECK: Operation mcuc.comment terminates block in single-block region but is not a terminator
mcuc.func @no_return() {
  mcuc.comment "x"
}

// -----

// CHECK: Operation does not verify: 'mcuc.func' expects parent op 'builtin.module'
mcuc.func @outer() {
  mcuc.func @inner() {
    mcuc.return
  }
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.return: returns (i8) but the function returns (i32)
mcuc.func @return_type(%a: i8) -> i32 {
  mcuc.return %a : i8
}

// -----

// CHECK: Operation does not verify: mcuc.return: returns () but the function returns (i32)
mcuc.func @return_missing() -> i32 {
  mcuc.return
}

// -----

// CHECK: Operation does not verify: 'mcuc.return' expects parent op 'mcuc.func'
mcuc.func @return_in_if(%c: i1) {
  mcuc.if %c {
    mcuc.return
  }
  mcuc.return
}

// -----

//===----------------------------------------------------------------------===//
// mcuc.call, mcuc.call_opaque
//===----------------------------------------------------------------------===//

// CHECK: Operation does not verify: mcuc.call: '@nowhere' is not an mcuc.func of this module
mcuc.func @call_unknown() {
  mcuc.call @nowhere() : () -> ()
  mcuc.return
}

// -----

mcuc.global @g : i32
// CHECK: Operation does not verify: mcuc.call: '@g' is not an mcuc.func of this module
mcuc.func @call_global() {
  mcuc.call @g() : () -> ()
  mcuc.return
}

// -----

mcuc.func @callee(i32) -> i32
// CHECK: Operation does not verify: mcuc.call: call type (i8) -> (i32) does not match the callee type (i32) -> i32
mcuc.func @call_type(%a: i8) {
  %r = mcuc.call @callee(%a) : (i8) -> i32
  mcuc.return
}

// -----

mcuc.func @callee2()
// CHECK: Operation does not verify: mcuc.call: callee must be a flat symbol reference
mcuc.func @call_nested() {
  mcuc.call @callee2::@x() : () -> ()
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.call_opaque: callee 'std::abs' is not a C identifier
mcuc.func @opaque_name(%a: i32) {
  %r = mcuc.call_opaque "std::abs"(%a) : (i32) -> i32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.call_opaque: argument 0 has type !emitc.lvalue<i32>, which has no C99 equivalent
mcuc.func @opaque_lvalue_arg() {
  %v = mcuc.variable : !emitc.lvalue<i32>
  mcuc.call_opaque "f"(%v) : (!emitc.lvalue<i32>) -> ()
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.call_opaque: a C function has at most one result
mcuc.func @opaque_two_results() {
  %r:2 = mcuc.call_opaque "f"() : () -> (i32, i32)
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.call_opaque: the result must be a scalar C type, got !emitc.array<2xi8>
mcuc.func @opaque_array_result() {
  %r = mcuc.call_opaque "f"() : () -> !emitc.array<2xi8>
  mcuc.return
}

// -----

//===----------------------------------------------------------------------===//
// mcuc.variable, mcuc.assign, mcuc.load, mcuc.get_global, mcuc.subscript
//===----------------------------------------------------------------------===//

// CHECK: Operation does not verify: mcuc.variable: initialiser type i8 does not match i32
mcuc.func @variable_init_type(%a: i8) {
  %v = "mcuc.variable"(%a) : (i8) -> !emitc.lvalue<i32>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.variable: an array variable cannot be initialised
mcuc.func @variable_array_init(%a: i8) {
  %v = "mcuc.variable"(%a) : (i8) -> !emitc.array<2xi8>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.variable: result must be an !emitc.lvalue or !emitc.array, got i32
mcuc.func @variable_not_lvalue() {
  %v = mcuc.variable : i32
  mcuc.return
}

// -----

// ssize_t is POSIX, not C99.
// CHECK: Operation does not verify: mcuc.variable: the variable must be a scalar C type, got !emitc.ssize_t
mcuc.func @variable_ssize_t() {
  %v = mcuc.variable : !emitc.lvalue<!emitc.ssize_t>
  mcuc.return
}

// -----

// Assigning through a pointer to const ...
// CHECK: Operation does not verify: mcuc.assign: cannot assign to read-only (const) storage
mcuc.func @assign_const_ptr(%p: !emitc.ptr<!mcuc.const<i8>>, %i: i32, %x: i8) {
  %e = mcuc.subscript %p[%i] : (!emitc.ptr<!mcuc.const<i8>>, i32) -> !emitc.lvalue<i8>
  mcuc.assign %x to %e : !emitc.lvalue<i8>
  mcuc.return
}

// -----

// ... or to a const global.
mcuc.global const @k : !emitc.array<2xi8> = dense<0>
// CHECK: Operation does not verify: mcuc.assign: cannot assign to read-only (const) storage
mcuc.func @assign_const_global(%i: i32, %x: i8) {
  %k = mcuc.get_global @k : !emitc.array<2xi8>
  %e = mcuc.subscript %k[%i] : (!emitc.array<2xi8>, i32) -> !emitc.lvalue<i8>
  mcuc.assign %x to %e : !emitc.lvalue<i8>
  mcuc.return
}

// -----

// The value has the lvalue's type.
// CHECK:      Operation does not verify: operand 'var' at position 1 does not verify:
// CHECK-NEXT: attribute i8 expected from variable 'T', but got i32
mcuc.func @assign_type(%x: i8) {
  %v = mcuc.variable : !emitc.lvalue<i32>
  "mcuc.assign"(%x, %v) : (i8, !emitc.lvalue<i32>) -> ()
  mcuc.return
}

// -----

// The result has the lvalue's value type.
// CHECK:      Operation does not verify: result 'result' at position 0 does not verify:
// CHECK-NEXT: attribute i32 expected from variable 'T', but got i8
mcuc.func @load_type() {
  %v = mcuc.variable : !emitc.lvalue<i32>
  %x = "mcuc.load"(%v) : (!emitc.lvalue<i32>) -> i8
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.get_global: '@nothing' is not an mcuc.global of this module
mcuc.func @get_unknown() {
  %g = mcuc.get_global @nothing : !emitc.lvalue<i32>
  mcuc.return
}

// -----

mcuc.global @arr : !emitc.array<4xi8>
// CHECK: Operation does not verify: mcuc.get_global: result type !emitc.lvalue<i8> does not match the global's !emitc.array<4xi8>
mcuc.func @get_type() {
  %g = mcuc.get_global @arr : !emitc.lvalue<i8>
  mcuc.return
}

// -----

mcuc.global @sc : i32
// CHECK: Operation does not verify: mcuc.get_global: result type i32 does not match the global's !emitc.lvalue<i32>
mcuc.func @get_scalar_type() {
  %g = mcuc.get_global @sc : i32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.subscript: index 0 must be an integer, got f32
mcuc.func @subscript_float_index(%p: !emitc.ptr<i8>, %f: f32) {
  %e = mcuc.subscript %p[%f] : (!emitc.ptr<i8>, f32) -> !emitc.lvalue<i8>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.subscript: !emitc.array<2x3xi8> needs 2 indices, got 1
mcuc.func @subscript_rank(%a: !emitc.array<2x3xi8>, %i: i32) {
  %e = mcuc.subscript %a[%i] : (!emitc.array<2x3xi8>, i32) -> !emitc.lvalue<i8>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.subscript: a pointer takes exactly one index
mcuc.func @subscript_ptr_two(%p: !emitc.ptr<i8>, %i: i32) {
  %e = mcuc.subscript %p[%i, %i] : (!emitc.ptr<i8>, i32, i32) -> !emitc.lvalue<i8>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.subscript: cannot subscript a void pointer
mcuc.func @subscript_void(%p: !emitc.ptr<!emitc.opaque<"void">>, %i: i32) {
  %e = mcuc.subscript %p[%i] : (!emitc.ptr<!emitc.opaque<"void">>, i32) -> !emitc.lvalue<!emitc.opaque<"void">>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.subscript: needs at least one index
mcuc.func @subscript_opaque_none(%o: !emitc.opaque<"buffer_t">) {
  %e = mcuc.subscript %o[] : (!emitc.opaque<"buffer_t">) -> !emitc.lvalue<i8>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.subscript: can only subscript an array, pointer or opaque value, got i32
mcuc.func @subscript_scalar(%a: i32, %i: i32) {
  %e = mcuc.subscript %a[%i] : (i32, i32) -> !emitc.lvalue<i32>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.subscript: result must be !emitc.lvalue<i8>, got !emitc.lvalue<i32>
mcuc.func @subscript_result(%p: !emitc.ptr<!mcuc.const<i8>>, %i: i32) {
  %e = mcuc.subscript %p[%i] : (!emitc.ptr<!mcuc.const<i8>>, i32) -> !emitc.lvalue<i32>
  mcuc.return
}

// -----

//===----------------------------------------------------------------------===//
// mcuc.literal, mcuc.constant
//===----------------------------------------------------------------------===//

// CHECK: Operation does not verify: mcuc.literal: value must not be empty
mcuc.func @literal_empty() {
  %l = mcuc.literal " " : i32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.literal: value must be a single line
mcuc.func @literal_lines() {
  %l = mcuc.literal "a\0Ab" : i32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.literal: the result has type !emitc.lvalue<i32>, which has no C99 equivalent
mcuc.func @literal_lvalue() {
  %l = mcuc.literal "x" : !emitc.lvalue<i32>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.constant: value type i32 does not match result type i8
mcuc.func @constant_type() {
  %c = "mcuc.constant"() <{value = 1 : i32}> : () -> i8
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.constant: unsupported integer type i4
mcuc.func @constant_i4() {
  %c = mcuc.constant 1 : i4
  mcuc.return
}

// -----

// index is int32_t in C.
// CHECK: Operation does not verify: mcuc.constant: index constants are int32_t, 4294967296 does not fit in [-2147483648, 2147483647]
mcuc.func @constant_index_range() {
  %c = mcuc.constant 4294967296 : index
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.constant: unsupported float type f16
mcuc.func @constant_f16() {
  %c = mcuc.constant 1.0 : f16
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.constant: float values must be finite, got inf
mcuc.func @constant_inf() {
  %c = mcuc.constant 0x7F800000 : f32
  mcuc.return
}

// -----

//===----------------------------------------------------------------------===//
// Arithmetic, bitwise, shifts, logical, comparisons
//===----------------------------------------------------------------------===//

// Operand and result types agree (C's implicit conversions are made explicit).
// CHECK: Operation does not verify: mcuc.add: operand and result types must be equal (cast explicitly), got (i32, i8) -> i32
mcuc.func @add_mixed(%a: i32, %b: i8) {
  %r = mcuc.add %a, %b : (i32, i8) -> i32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.mul: operands must be integers or floats, got i1
mcuc.func @mul_bool(%a: i1) {
  %r = mcuc.mul %a, %a : (i1, i1) -> i1
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.rem: operands must be integers, got f32
mcuc.func @rem_float(%a: f32) {
  %r = mcuc.rem %a, %a : (f32, f32) -> f32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.add: at most one operand may be a pointer
mcuc.func @add_two_pointers(%p: !emitc.ptr<i8>) {
  %r = mcuc.add %p, %p : (!emitc.ptr<i8>, !emitc.ptr<i8>) -> !emitc.ptr<i8>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.add: a pointer offset must be an integer, got f32
mcuc.func @add_pointer_float(%p: !emitc.ptr<i8>, %f: f32) {
  %r = mcuc.add %p, %f : (!emitc.ptr<i8>, f32) -> !emitc.ptr<i8>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.add: pointer arithmetic must return !emitc.ptr<i8>, got !emitc.ptr<i32>
mcuc.func @add_pointer_result(%p: !emitc.ptr<i8>, %i: i32) {
  %r = mcuc.add %p, %i : (!emitc.ptr<i8>, i32) -> !emitc.ptr<i32>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.sub: a pointer difference takes two pointers of the same type and returns !emitc.ptrdiff_t
mcuc.func @sub_pointers(%p: !emitc.ptr<i8>) {
  %r = mcuc.sub %p, %p : (!emitc.ptr<i8>, !emitc.ptr<i8>) -> i32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.sub: cannot subtract a pointer from an integer
mcuc.func @sub_int_pointer(%p: !emitc.ptr<i8>, %i: i32) {
  %r = mcuc.sub %i, %p : (i32, !emitc.ptr<i8>) -> !emitc.ptr<i8>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.bitwise_and: operands must be integers or i1, got f32
mcuc.func @and_float(%a: f32) {
  %r = mcuc.bitwise_and %a, %a : (f32, f32) -> f32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.shl: operands must be integers, got i32, i1
mcuc.func @shl_bool(%a: i32, %b: i1) {
  %r = mcuc.shl %a, %b : (i32, i1) -> i32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.shr: result type i32 must be the shifted operand's type i8
mcuc.func @shr_result(%a: i8, %b: i32) {
  %r = mcuc.shr %a, %b : (i8, i32) -> i32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.logical_and: lhs must be a scalar C type, got !emitc.array<2xi8>
mcuc.func @logical_array(%a: !emitc.array<2xi8>, %b: i1) {
  %r = mcuc.logical_and %a, %b : !emitc.array<2xi8>, i1
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.cmp: operand types must be equal (cast explicitly), got i32, ui32
mcuc.func @cmp_signedness(%a: i32, %b: ui32) {
  %r = mcuc.cmp lt, %a, %b : (i32, ui32) -> i1
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.cmp: lhs must be a scalar C type, got !emitc.array<2xi8>
mcuc.func @cmp_array(%a: !emitc.array<2xi8>) {
  %r = mcuc.cmp eq, %a, %a : (!emitc.array<2xi8>, !emitc.array<2xi8>) -> i1
  mcuc.return
}

// -----

//===----------------------------------------------------------------------===//
// Unary operators, conditional, cast
//===----------------------------------------------------------------------===//

// CHECK: Operation does not verify: mcuc.unary_minus: result type i64 must equal operand type i32
mcuc.func @minus_type(%a: i32) {
  %r = mcuc.unary_minus %a : (i32) -> i64
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.unary_minus: operand must be an integer or float, got i1
mcuc.func @minus_bool(%a: i1) {
  %r = mcuc.unary_minus %a : (i1) -> i1
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.bitwise_not: operand must be an integer, got f32
mcuc.func @not_float(%a: f32) {
  %r = mcuc.bitwise_not %a : (f32) -> f32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.logical_not: the operand must be a scalar C type, got !emitc.array<2xi8>
mcuc.func @lnot_array(%a: !emitc.array<2xi8>) {
  %r = mcuc.logical_not %a : !emitc.array<2xi8>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.conditional: the result must be a scalar C type, got !emitc.array<2xi8>
mcuc.func @conditional_array(%c: i1, %a: !emitc.array<2xi8>) {
  %r = mcuc.conditional %c, %a, %a : !emitc.array<2xi8>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.cast: cannot cast i32 to !emitc.ptr<i8>
mcuc.func @cast_int_to_pointer(%a: i32) {
  %r = mcuc.cast %a : i32 to !emitc.ptr<i8>
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.cast: an array of i8 decays to a pointer to i8, not !emitc.ptr<i32>
mcuc.func @cast_array_pointee(%a: !emitc.array<4xi8>) {
  %r = mcuc.cast %a : !emitc.array<4xi8> to !emitc.ptr<i32>
  mcuc.return
}

// -----

mcuc.global static const @cw : !emitc.array<4xi8> = dense<1>
// CHECK: Operation does not verify: mcuc.cast: the array is const; cast it to a pointer to !mcuc.const<i8>
mcuc.func @cast_drops_const() {
  %w = mcuc.get_global @cw : !emitc.array<4xi8>
  %p = mcuc.cast %w : !emitc.array<4xi8> to !emitc.ptr<i8>
  mcuc.return
}

// -----

//===----------------------------------------------------------------------===//
// DSP helpers: mcuc.ssat
//===----------------------------------------------------------------------===//

// Only the widths with a C helper in DSP_HELPERS (tinymlir_ssat8).
// CHECK: Operation does not verify: mcuc.ssat: bits must be one of 8 (those with a C helper), got 16
mcuc.func @ssat_width(%x: i32) -> i32 {
  %r = mcuc.ssat %x, 16
  mcuc.return %r : i32
}

// -----

// CHECK: Operation does not verify: operand 'operand' at position 0 does not verify:
// CHECK-NEXT: Expected attribute i32 but got i16
mcuc.func @ssat_i16(%x: i16) {
  %r = "mcuc.ssat"(%x) <{bits = 8 : i64}> : (i16) -> i32
  mcuc.return
}

// -----

// CHECK: Operation does not verify: result 'result' at position 0 does not verify:
// CHECK-NEXT: Expected attribute i32 but got i8
mcuc.func @ssat_i8_result(%x: i32) {
  %r = "mcuc.ssat"(%x) <{bits = 8 : i64}> : (i32) -> i8
  mcuc.return
}

// -----

//===----------------------------------------------------------------------===//
// mcuc.yield, mcuc.for, mcuc.if
//===----------------------------------------------------------------------===//

// CHECK: Operation does not verify: 'mcuc.yield' expects parent op to be one of 'mcuc.for', 'mcuc.if'
mcuc.func @yield_in_func() {
  mcuc.yield
}

// -----

// CHECK: Operation does not verify: mcuc.for: lower bound, upper bound and step must have one type
mcuc.func @for_types(%a: i32, %b: index) {
  "mcuc.for"(%a, %b, %a) ({
  ^bb0(%i: i32):
    mcuc.yield
  }) : (i32, index, i32) -> ()
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.for: bounds must be integers, got f32
mcuc.func @for_float(%a: f32) {
  mcuc.for %i = %a to %a step %a : f32 {
  }
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.for: the body takes exactly one argument, the induction variable of type i32
mcuc.func @for_args(%a: i32) {
  "mcuc.for"(%a, %a, %a) ({
  ^bb0(%i: i32, %j: i32):
    mcuc.yield
  }) : (i32, i32, i32) -> ()
  mcuc.return
}

// -----

// CHECK: Operation mcuc.comment terminates block in single-block region but is not a terminator
mcuc.func @for_terminator(%a: i32) {
  "mcuc.for"(%a, %a, %a) ({
  ^bb0(%i: i32):
    mcuc.comment "no yield"
  }) : (i32, i32, i32) -> ()
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.if: regions take no arguments
mcuc.func @if_args(%c: i1) {
  "mcuc.if"(%c) ({
  ^bb0(%x: i32):
    mcuc.yield
  }, {
  }) : (i1) -> ()
  mcuc.return
}

// -----

// CHECK: Operation mcuc.comment terminates block in single-block region but is not a terminator
mcuc.func @if_else_terminator(%c: i1) {
  "mcuc.if"(%c) ({
    mcuc.yield
  }, {
    mcuc.comment "no yield"
  }) : (i1) -> ()
  mcuc.return
}

// -----

// !mcuc.const only qualifies a pointee.
// CHECK: Operation does not verify: mcuc.func: argument 0 has type !mcuc.const<i8>, which has no C99 equivalent
mcuc.func @const_not_pointee(!mcuc.const<i8>)

// -----

//===----------------------------------------------------------------------===//
// mcuc.yield and mcuc.expression
//===----------------------------------------------------------------------===//

// CHECK: Operation does not verify: mcuc.for: the body yields no value
mcuc.func @for_yields_value(%n: i32) {
  %c0 = mcuc.constant 0 : i32
  %c1 = mcuc.constant 1 : i32
  mcuc.for %i = %c0 to %n step %c1 : i32 {
    mcuc.yield %i : i32
  }
  mcuc.return
}

// -----

// CHECK: Operation does not verify: mcuc.expression: the body must end with mcuc.yield of a value
mcuc.func @expression_without_value(%a: i32) -> i32 {
  %e = mcuc.expression : i32 {
    %s = mcuc.add %a, %a : (i32, i32) -> i32
    mcuc.yield
  }
  mcuc.return %e : i32
}

// -----

// CHECK: Operation does not verify: mcuc.expression: yields i32, but its result is i8
mcuc.func @expression_type(%a: i32) -> i8 {
  %e = mcuc.expression : i8 {
    %s = mcuc.add %a, %a : (i32, i32) -> i32
    mcuc.yield %s : i32
  }
  mcuc.return %e : i8
}

// -----

// CHECK: Operation does not verify: mcuc.expression: must yield a value computed in its body
mcuc.func @expression_of_outer_value(%a: i32) -> i32 {
  %e = mcuc.expression : i32 {
    mcuc.yield %a : i32
  }
  mcuc.return %e : i32
}

// -----

// Constants are names, printed at each use: they stay outside expressions.
// CHECK: Operation does not verify: mcuc.expression: 'mcuc.constant' is not a C operator, cast, load or call
mcuc.func @expression_of_constant(%a: i32) -> i32 {
  %e = mcuc.expression : i32 {
    %c = mcuc.constant 1 : i32
    %s = mcuc.add %a, %c : (i32, i32) -> i32
    mcuc.yield %s : i32
  }
  mcuc.return %e : i32
}

// -----

// A tree: each value inside is printed once, where it is used.
// CHECK: Operation does not verify: mcuc.expression: the result of 'mcuc.mul' must be used exactly once, inside the expression
mcuc.func @expression_dag(%a: i32) -> i32 {
  %e = mcuc.expression : i32 {
    %m = mcuc.mul %a, %a : (i32, i32) -> i32
    %s = mcuc.add %m, %m : (i32, i32) -> i32
    mcuc.yield %s : i32
  }
  mcuc.return %e : i32
}

// -----

// CHECK: Operation does not verify: mcuc.expression: must have exactly one use (it is printed there), got 2
mcuc.func @expression_two_uses(%a: i32) -> i32 {
  %e = mcuc.expression : i32 {
    %s = mcuc.add %a, %a : (i32, i32) -> i32
    mcuc.yield %s : i32
  }
  %t = mcuc.add %e, %e : (i32, i32) -> i32
  mcuc.return %t : i32
}

// -----

// C evaluates the expression where its user is: not in another block.
// CHECK: Operation does not verify: mcuc.expression: its user must be in the same block
mcuc.func @expression_across_regions(%a: i32, %c: i1) {
  %v = mcuc.variable : !emitc.lvalue<i32>
  %e = mcuc.expression : i32 {
    %s = mcuc.add %a, %a : (i32, i32) -> i32
    mcuc.yield %s : i32
  }
  mcuc.if %c {
    mcuc.assign %e to %v : !emitc.lvalue<i32>
  }
  mcuc.return
}

// -----

// A loop's upper bound is evaluated on every iteration: it may not read memory.
// CHECK: Operation does not verify: mcuc.expression: reads memory, but 'mcuc.for' evaluates it more than once
mcuc.func @expression_loop_bound(%n: !emitc.lvalue<i32>) {
  %c0 = mcuc.constant 0 : i32
  %c1 = mcuc.constant 1 : i32
  %e = mcuc.expression : i32 {
    %x = mcuc.load %n : !emitc.lvalue<i32>
    mcuc.yield %x : i32
  }
  mcuc.for %i = %c0 to %e step %c1 : i32 {
  }
  mcuc.return
}
