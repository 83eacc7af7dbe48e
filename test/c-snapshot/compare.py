"""Compares two snapshot.sh directories: the models' .c/.h and the tests' C, by test."""

import json
import sys
from pathlib import Path

before, after = Path(sys.argv[1]), Path(sys.argv[2])
same = True
for c in sorted(before.glob("*/*.[ch]")):
    other = after / c.relative_to(before)
    if not other.exists() or other.read_bytes() != c.read_bytes():
        print("differs:", c.relative_to(before))
        same = False
a = json.loads((before / "pytest.json").read_text())
b = json.loads((after / "pytest.json").read_text())


def unparametrised(test: str) -> str:
    """A test that gained a folded/one-statement-per-value parameter, by its old id."""
    return test.replace("[folded-", "[").replace("[folded]", "")


b = {unparametrised(t): c for t, c in b.items() if "one-statement-per-value" not in t}
for test in sorted(set(a) | set(b)):
    if a.get(test) != b.get(test):
        print("differs:", test)
        same = False
models = len(list(before.glob("*/stdout.txt")))
print("identical" if same else "DIFFERENT", f"({len(a)} tests, {models} models)")
sys.exit(0 if same else 1)
