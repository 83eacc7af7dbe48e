// Importer errors: one line naming what is wrong, exit status 1, no traceback.

// RUN: not tinymlir-opt %S/Inputs/unsupported_op.onnx 2>&1 | filecheck %s --check-prefix=UNKNOWN-OP
// UNKNOWN-OP: tinymlir-opt: error: node 'sin1' (Sin): unsupported op; tinymlir supports Add, AveragePool,

// RUN: not tinymlir-opt %S/Inputs/float_model.onnx 2>&1 | filecheck %s --check-prefix=FLOAT
// FLOAT: tinymlir-opt: error: node 'conv1' (Conv): input 'input' is an unquantised float tensor; tinymlir needs int8 QDQ or QOperator models

// RUN: not tinymlir-opt %S/Inputs/dynamic_shape.onnx 2>&1 | filecheck %s --check-prefix=DYNAMIC
// DYNAMIC: tinymlir-opt: error: graph input 'input' has a dynamic dimension 'N'; tinymlir needs static shapes

// RUN: not tinymlir-opt %S/Inputs/corrupt_bytes.onnx 2>&1 | filecheck %s --check-prefix=CORRUPT
// CORRUPT: tinymlir-opt: error: corrupt or truncated ONNX file

// RUN: not tinymlir-opt %S/Inputs/truncated_file.onnx 2>&1 | filecheck %s --check-prefix=TRUNCATED
// TRUNCATED: tinymlir-opt: error: corrupt or truncated ONNX file

// RUN: not tinymlir-opt %S/Inputs/missing_initializer.onnx 2>&1 | filecheck %s --check-prefix=MISSING
// MISSING: tinymlir-opt: error: node 'conv1_w_dq' (DequantizeLinear): input 'conv1_w' is not produced by any node, graph input or initializer (missing initializer?)

// RUN: not tinymlir-opt %S/Inputs/opset_12.onnx 2>&1 | filecheck %s --check-prefix=OPSET
// OPSET: tinymlir-opt: error: opset 12 is older than 13, the oldest tinymlir supports

// RUN: not tinymlir-opt %S/Inputs/int16_activations.onnx 2>&1 | filecheck %s --check-prefix=INT16
// INT16: tinymlir-opt: error: graph input 'input' has element type int16; tinymlir supports int8, uint8 and float32

// RUN: not tinymlir-opt %S/Inputs/empty_graph.onnx 2>&1 | filecheck %s --check-prefix=EMPTY
// EMPTY: tinymlir-opt: error: the graph has no nodes
