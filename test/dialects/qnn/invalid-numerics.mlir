// `#qnn.numerics<...>` only takes tflm or onnx: anything else is a parse error at the
// value, one line (tinymlir-opt: error: <file>:<line>:<col>: ...), exit status 1.
// A bad --numerics value is refused the same way.

// RUN: not tinymlir-opt %s 2>&1 | filecheck %s
// RUN: not tinymlir-opt %s --numerics=fp16 2>&1 | filecheck %s --check-prefix=FLAG

// CHECK: tinymlir-opt: error: {{.*}}invalid-numerics.mlir:10:57: Expected `tflm`, or `onnx`.
// FLAG:  tinymlir-opt: error: unknown --numerics 'fp16'; expected auto, tflm or onnx
builtin.module attributes {qnn.numerics = #qnn.numerics<fp16>} {
}
