"""Oracles for the onnxruntime-quantised test models that do not depend on the host CPU.

The implementation is tinymlir/onnx_oracle.py (tinymlir-run --per-layer uses it too); this module
is the tests' name for it. See that module's docstring for what each oracle computes.
"""

from tinymlir.onnx_oracle import *  # noqa: F403
from tinymlir.onnx_oracle import (  # noqa: F401 - the names the tests use
    ExactOracle,
    average_pool_f32,
    is_qdq,
    layer_tensors,
    lsb,
    mlas_average_pool_f32,
    mlas_global_sum_f32,
    onnx_layer_names,
    ort_session,
    qdq_to_qoperator,
    reference_outputs,
    run_ort,
)
