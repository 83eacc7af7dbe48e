// The numerics mode: `#qnn.numerics<tflm|onnx>` on the builtin.module under the key
// `qnn.numerics` (dialects/qnn.py). It round-trips in the custom and the generic form;
// a module without it is tflm (nothing is added); --numerics=tflm|onnx on .mlir input
// replaces the module's value and says so on stderr.

// RUN: tinymlir-opt %s --split-input-file | tinymlir-opt --split-input-file | filecheck %s
// RUN: tinymlir-opt %s --split-input-file --print-op-generic | tinymlir-opt --split-input-file | filecheck %s
// RUN: tinymlir-opt %s --split-input-file --numerics=tflm 2>&1 | filecheck %s --check-prefix=OVERRIDE
// RUN: tinymlir-opt %s --split-input-file --numerics=auto 2>&1 | filecheck %s --check-prefix=AUTO

// CHECK:      builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
// CHECK-NEXT:   func.func @f
// OVERRIDE:   tinymlir-opt: numerics: tflm (requested)
// OVERRIDE:   builtin.module attributes {qnn.numerics = #qnn.numerics<tflm>} {
// AUTO-NOT:   numerics:
// AUTO:       builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
builtin.module attributes {qnn.numerics = #qnn.numerics<onnx>} {
  func.func @f() {
    func.return
  }
}

// -----

// CHECK:      builtin.module attributes {qnn.numerics = #qnn.numerics<tflm>} {
// CHECK-NEXT:   func.func @g
// OVERRIDE:   builtin.module attributes {qnn.numerics = #qnn.numerics<tflm>} {
// AUTO:       builtin.module attributes {qnn.numerics = #qnn.numerics<tflm>} {
builtin.module attributes {qnn.numerics = #qnn.numerics<tflm>} {
  func.func @g() {
    func.return
  }
}

// -----

// CHECK:      builtin.module {
// CHECK-NEXT:   func.func @h
// OVERRIDE:   builtin.module attributes {qnn.numerics = #qnn.numerics<tflm>} {
// AUTO:       builtin.module {
// AUTO-NEXT:    func.func @h
func.func @h() {
  func.return
}
