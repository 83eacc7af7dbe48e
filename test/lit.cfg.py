# ruff: noqa: F821  (lit injects `config`)
# lit configuration: FileCheck tests of tinymlir-opt, mirroring dialects/, passes/ and frontend/.
import os
import sys

import lit.formats

config.name = "tinymlir"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.excludes = ["lit.cfg.py", "Inputs", "python"]
# Use the tools of the interpreter running lit (the project's venv), activated or not.
config.environment["PATH"] = os.pathsep.join(
    [os.path.dirname(sys.executable), config.environment.get("PATH", os.environ.get("PATH", ""))]
)
# Verify the IR after every pass, also inside named pipelines (tinymlir.pipelines.VERIFY_EACH_ENV).
config.environment["TINYMLIR_VERIFY_EACH"] = "1"
models = os.path.normpath(os.path.join(config.test_source_root, "..", "..", "shared", "models"))
config.substitutions.append(("%models", models))
if os.path.isdir(models):
    config.available_features.add("shared-models")
