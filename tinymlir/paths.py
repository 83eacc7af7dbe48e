"""Where a checkout keeps what the tools and tests read: the repository, the shared models.

These paths hold in a source checkout (the package installed editable, as `make` does): the
MLPerf Tiny models sit next to the repository in `../shared/models`, with `<model>.io.npz`
beside each (inputs and TFLite Micro's outputs).
"""

from __future__ import annotations

from pathlib import Path

#: The repository (the folder holding tinymlir/, passes/, tools/, test/).
REPO_ROOT = Path(__file__).resolve().parents[1]
#: The shared MLPerf Tiny models.
SHARED_MODELS_DIR = REPO_ROOT.parent / "shared" / "models"
#: Their names, the order the tools report them in.
MLPERF_MODELS = ("kws_dscnn", "ic_resnet8", "vww_mobilenet", "ad_toycar")
