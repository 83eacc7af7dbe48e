"""tinymlir: an MLIR-style TinyML compiler on xDSL (int8 ONNX -> verified qnn IR -> C99)."""

__version__ = "0.1.0"
