"""Making the fuzzer's inputs (tools/tinymlir_fuzz.py): a seed model, byte-level mutators
(bit flips, interesting bytes, truncation) and the protobuf-level ones
(tinymlir.fuzz_proto_mutators), picked by strategy."""

from __future__ import annotations

import random
import warnings
from dataclasses import dataclass

import numpy as np
import onnx

from tinymlir.fuzz_proto_mutators import PROTO_MUTATORS, PROTO_WEIGHTS, m_crossover

STRATEGIES = ("bitflip", "bytes", "truncate", "proto")
WEIGHTS = {"bitflip": 2, "bytes": 2, "truncate": 1, "proto": 5}


@dataclass
class Seed:
    name: str
    data: bytes
    model: onnx.ModelProto
    weight: int = 1


# --------------------------------------------------------------------------- #
# Byte-level mutators
# --------------------------------------------------------------------------- #


def mutate_bitflip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    buf = bytearray(data)
    n = rng.choice((1, 1, 1, 2, 3, 4, 8, 16))
    positions = []
    for _ in range(n):
        bit = rng.randrange(len(buf) * 8)
        buf[bit // 8] ^= 1 << (bit % 8)
        positions.append(bit)
    return bytes(buf), f"flip bits {positions[:8]}"


INTERESTING_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFF, 0x08, 0x0A, 0x12, 0x1A, 0x22, 0x3A, 0x42)


def _position(rng: random.Random, size: int) -> int:
    # Half the time near the start or the end of the file, where the headers and the
    # graph structure of tf2onnx models live (the middle is mostly raw weight bytes).
    r = rng.random()
    if r < 0.25:
        return rng.randrange(min(size, 512))
    if r < 0.5:
        return size - 1 - rng.randrange(min(size, 4096))
    return rng.randrange(size)


def mutate_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    buf = bytearray(data)
    steps = []
    for _ in range(rng.choice((1, 1, 2, 3, 5))):
        if not buf:
            buf = bytearray(b"\x08")
        pos = _position(rng, len(buf))
        length = rng.choice((1, 1, 2, 4, 8, 16, 64))
        kind = rng.choice(("overwrite", "interesting", "insert", "delete", "duplicate", "zero", "varint"))
        if kind == "overwrite":
            buf[pos : pos + length] = bytes(rng.randrange(256) for _ in range(len(buf[pos : pos + length])))
        elif kind == "interesting":
            buf[pos] = rng.choice(INTERESTING_BYTES)
        elif kind == "insert":
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(length))
        elif kind == "delete":
            del buf[pos : pos + length]
        elif kind == "duplicate":
            src = rng.randrange(len(buf))
            buf[pos:pos] = buf[src : src + length]
        elif kind == "zero":
            buf[pos : pos + length] = bytes(len(buf[pos : pos + length]))
        else:  # a long varint: huge lengths / field numbers
            buf[pos:pos] = bytes([0xFF] * rng.randrange(1, 10)) + b"\x01"
        steps.append(f"{kind}@{pos}")
    return bytes(buf), " ".join(steps)


def mutate_truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    cut = rng.choice((rng.randrange(len(data)), len(data) - 1 - rng.randrange(min(len(data), 256))))
    return data[:cut], f"truncate at {cut} of {len(data)}"


def mutate_proto(seed: Seed, rng: random.Random, donors: list[onnx.ModelProto] | None = None) -> tuple[bytes, str]:
    model = onnx.ModelProto()
    model.CopyFrom(seed.model)
    names = list(PROTO_MUTATORS)
    weights = [PROTO_WEIGHTS.get(n, 1) for n in names]
    steps = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4, 6))):
        for _attempt in range(5):
            name = rng.choices(names, weights)[0]
            if name == "crossover":
                desc = m_crossover(model, rng, donors)
            else:
                desc = PROTO_MUTATORS[name](model, rng)
            if desc is not None:
                steps.append(f"{name}: {desc}")
                break
    return model.SerializeToString(), "; ".join(steps) or "no change"


def make_input(seeds: list[Seed], strategy: str, rng: random.Random) -> tuple[Seed, bytes, str]:
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _make_input(seeds, strategy, rng)


def _make_input(seeds: list[Seed], strategy: str, rng: random.Random) -> tuple[Seed, bytes, str]:
    seed = rng.choices(seeds, [s.weight for s in seeds])[0]
    if strategy == "bitflip":
        data, desc = mutate_bitflip(seed.data, rng)
    elif strategy == "bytes":
        data, desc = mutate_bytes(seed.data, rng)
    elif strategy == "truncate":
        data, desc = mutate_truncate(seed.data, rng)
    else:
        data, desc = mutate_proto(seed, rng, [s.model for s in seeds if len(s.data) < 20_000])
    return seed, data, desc
