"""Shows onnxruntime's host-dependent QLinearConv, and that the exact oracle is not.

    python test/python/ort_non_vnni_demo.py                         # native: VNNI if the CPU has it
    valgrind --tool=none python test/python/ort_non_vnni_demo.py    # valgrind emulates no AVX-512 /
                                                                    # VNNI: ORT takes its AVX2 path

Runs the old test graph qop_qlinearconv_uint8 (onnx_graphs.py: u8 activations, s8 per-channel
weights) on 3 random inputs in onnxruntime and in ort_oracle.ExactOracle, and prints how many
outputs differ and by how much. On AVX2 without VNNI onnxruntime's u8s8 kernel saturates int16
pair sums (vpmaddubsw): ~20 LSB off. The oracle is numpy integer arithmetic: the same everywhere.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import onnx_graphs as G  # noqa: E402
import ort_oracle as O  # noqa: E402


def main() -> None:
    model = G.VALID_GRAPHS["qop_qlinearconv_uint8"]()
    oracle = O.ExactOracle(model)
    session = O.ort_session(model)
    for seed in range(3):
        x = G.random_inputs(model, seed)
        ours = oracle.run(x)[0]
        theirs = session.run(None, {"input": x[0]})[0]
        n, d = O.lsb(ours, theirs)
        digest = int(np.abs(ours.astype(np.int64)).sum())
        print(f"seed {seed}: onnxruntime vs exact oracle: {n} of {ours.size} outputs differ, max {d} LSB "
              f"(oracle checksum {digest})")


if __name__ == "__main__":
    main()
