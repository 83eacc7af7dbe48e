"""Loop lowerings of the `qk` kernel ops, one RewritePattern per (op, target).

A lowering is a `KernelLowering` subclass in a module of this package, registered with
`@lowering(qk.SomeOp)` (any target) or `@lowering(qk.SomeOp, target="cortex-m4")` (preferred
for that target, tinymlir/target.py's name). Adding a lowering for one op and one target is
one new module here plus its name in `_MODULES`; convert-kernel-to-loops looks the pattern
up with `lowering_for(op, target)`.
"""

from __future__ import annotations

import importlib

from tinymlir.passes.kernel_to_loops.registry import (
    GENERIC,
    KernelLowering,
    lowering,
    lowering_for,
    registered,
)

#: The modules that register lowerings (imported once, in this order).
_MODULES = ("conv", "dense", "elementwise", "pool", "data", "softmax")

for _module in _MODULES:
    importlib.import_module(f"{__name__}.{_module}")

__all__ = ["GENERIC", "KernelLowering", "lowering", "lowering_for", "registered"]
