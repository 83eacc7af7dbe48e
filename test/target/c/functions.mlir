// Functions: prototypes (declarations without body, and forward declarations
// of functions called above their definition), definitions with doc comments,
// static linkage, void(void), `(void)` for unused parameters, calls kept as
// statements when their result is unused, and no `return;` at the end of a
// void function.

// RUN: tinymlir-opt %s -p mcuc-drop-dead-values,mcuc-form-expressions -t c | filecheck %s

// CHECK:      #include <stddef.h>
// CHECK-NEXT: #include <stdint.h>
// CHECK-EMPTY:
// CHECK-NEXT: /* from the kernel library */
// CHECK-NEXT: int32_t arm_dot_s8(const int8_t *, const int8_t *, int32_t);
// CHECK-NEXT: void tick(void);
// CHECK-NEXT: static int32_t helper(int32_t);
// CHECK-EMPTY:
// CHECK-NEXT: /*
// CHECK-NEXT:  * Runs the model.
// CHECK-NEXT:  * input: 1x4 int8, output: 1x2 int8
// CHECK-NEXT:  */
// CHECK-NEXT: int32_t model_run(const int8_t *input, int8_t *output, int32_t scratch[4][4]) {
// CHECK-NEXT:     (void)scratch;
// CHECK-NEXT:     const int32_t h = helper(arm_dot_s8(input, input, 4));
// CHECK-NEXT:     tick();
// CHECK-NEXT:     memset(output, 0, sizeof(int8_t) * 2);
// CHECK-NEXT:     helper(h);
// CHECK-NEXT:     return h;
// CHECK-NEXT: }
// CHECK-EMPTY:
// CHECK-NEXT: static int32_t helper(int32_t x) {
// CHECK-NEXT:     return x + 1;
// CHECK-NEXT: }
// CHECK-EMPTY:
// CHECK-NEXT: static void nothing(int32_t a, float b) {
// CHECK-NEXT:     (void)a;
// CHECK-NEXT:     (void)b;
// CHECK-NEXT: }
// CHECK-NOT:  {{.}}

mcuc.func @arm_dot_s8(!emitc.ptr<!mcuc.const<i8>>, !emitc.ptr<!mcuc.const<i8>>, i32) -> i32 attributes {comment = "from the kernel library"}
mcuc.func @tick()

mcuc.func @model_run(%input: !emitc.ptr<!mcuc.const<i8>>, %output: !emitc.ptr<i8>, %scratch: !emitc.array<4x4xi32>) -> i32 attributes {comment = "Runs the model.\ninput: 1x4 int8, output: 1x2 int8"} {
  %c4 = mcuc.constant 4 : i32
  %c0 = mcuc.constant 0 : i32
  %d = mcuc.call @arm_dot_s8(%input, %input, %c4) : (!emitc.ptr<!mcuc.const<i8>>, !emitc.ptr<!mcuc.const<i8>>, i32) -> i32
  %h = mcuc.call @helper(%d) : (i32) -> i32
  mcuc.call @tick() : () -> ()
  %sz = mcuc.literal "sizeof(int8_t) * 2" : !emitc.size_t
  mcuc.call_opaque "memset"(%output, %c0, %sz) : (!emitc.ptr<i8>, i32, !emitc.size_t) -> ()
  %unused = mcuc.call @helper(%h) : (i32) -> i32
  mcuc.return %h : i32
}

mcuc.func static @helper(%x: i32) -> i32 {
  %c1 = mcuc.constant 1 : i32
  %r = mcuc.add %x, %c1 : (i32, i32) -> i32
  mcuc.return %r : i32
}

mcuc.func static @nothing(%a: i32, %b: f32) {
  mcuc.return
}
