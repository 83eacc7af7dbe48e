"""Loop lowerings of the `qk` kernel ops, one RewritePattern per (op, target).

A lowering is a `KernelLowering` subclass in any module of this package, registered with
`@lowering(qk.SomeOp)` (any target) or `@lowering(qk.SomeOp, target="cortex-m4")` (preferred
on that target, tinymlir/target.py's name). Every module of the package is imported here,
so adding a lowering for one op and one target is adding one file, e.g.
`conv_1x1_cortex_m4.py`:

    @lowering(qk.Conv2DOp, target="cortex-m4")
    class LowerPointwiseConvCortexM4(KernelLowering):
        def lower(self, k, op): ...

convert-kernel-to-loops looks the pattern up with `lowering_for(op, target)`.
"""

from __future__ import annotations

import importlib
import pkgutil

from tinymlir.passes.kernel_to_loops.registry import (
    GENERIC,
    KernelLowering,
    lowering,
    lowering_for,
    registered,
)

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")

__all__ = ["GENERIC", "KernelLowering", "lowering", "lowering_for", "registered"]
