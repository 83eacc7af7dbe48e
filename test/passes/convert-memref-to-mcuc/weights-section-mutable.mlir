// Regression (fixed): the weights-section option ("linker section for the constant arrays") is
// also put on initialised mutable globals, placing writable data in e.g. a flash-resident
// .rodata section. Expected: only the const arrays get the section.

// RUN: tinymlir-opt %s -p 'convert-memref-to-mcuc{weights-section=".rodata.w"}' | filecheck %s

// CHECK:     mcuc.global static const @w : !emitc.array<2xi8> = dense<[1, 2]> {section = ".rodata.w"}
// CHECK-NOT: section
// CHECK:     mcuc.global static @state : !emitc.array<2xi8> = dense<0>
// CHECK-NOT: section
"memref.global"() <{sym_name = "w", type = memref<2xi8>, initial_value = dense<[1, 2]> : tensor<2xi8>, sym_visibility = "private", constant}> : () -> ()
"memref.global"() <{sym_name = "state", type = memref<2xi8>, initial_value = dense<0> : tensor<2xi8>, sym_visibility = "private"}> : () -> ()
