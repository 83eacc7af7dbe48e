"""Named pass pipelines: the one place that says what `--pipeline=NAME` runs."""

PIPELINES: dict[str, tuple[str, str]] = {
    # name: (pass pipeline, what it is for)
    "mcu": (
        "canonicalize,cse",
        "ONNX import, verification and qnn canonicalisation (grows into the full MCU flow)",
    ),
}


def describe() -> str:
    return "; ".join(f"{name}: {doc} [{spec}]" for name, (spec, doc) in PIPELINES.items())
