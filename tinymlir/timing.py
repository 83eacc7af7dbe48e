"""Where a compile spends its time: `tinymlir-opt --timings=FILE` records each phase
(set-up, loading the onnx package, import, every pass, every verification, printing, the
flash-size build, the memory report) and `tinymlir-bench --compile-time` reads it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

#: Kinds of phase, in the order a compile meets them.
KINDS = ("set-up", "onnx-package", "import", "pass", "verify", "print", "size-build", "report")


@dataclass
class PhaseTimer:
    """Wall-clock seconds per phase, in the order they ran."""

    phases: list[dict] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def add(self, kind: str, name: str, seconds: float, waiting: bool = False) -> None:
        """`waiting`: the wait for work started in an earlier phase (not counted again)."""
        assert kind in KINDS, kind
        self.phases.append({"kind": kind, "name": name, "seconds": seconds, "waiting": waiting})

    @contextmanager
    def phase(self, kind: str, name: str = "", waiting: bool = False) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(kind, name or kind, time.perf_counter() - start, waiting)

    def totals(self) -> dict[str, float]:
        """Seconds per kind (every kind present, 0.0 when it did not run)."""
        sums = dict.fromkeys(KINDS, 0.0)
        for p in self.phases:
            sums[p["kind"]] += p["seconds"]
        return sums

    def report(self) -> dict:
        return {
            "in_process_seconds": time.perf_counter() - self.started,
            "totals": self.totals(),
            "verifications": sum(p["kind"] == "verify" and not p["waiting"] for p in self.phases),
            "phases": self.phases,
        }

    def write(self, destination: str) -> None:
        """`destination` "-": a table on stderr; else a JSON file."""
        report = self.report()
        if destination != "-":
            with open(destination, "w") as f:
                json.dump(report, f, indent=1)
                f.write("\n")
            return
        import sys

        lines = [f"{p['seconds']:8.3f} s  {p['kind']:<12} {p['name']}" for p in self.phases]
        lines.append(f"{report['in_process_seconds']:8.3f} s  in process (start-up not included)")
        print("\n".join(lines), file=sys.stderr)
