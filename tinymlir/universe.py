"""Registers tinymlir's dialects and passes with xDSL (the `xdsl.universe` entry point),
so that plain `xdsl-opt` sees them too."""

from xdsl.universe import Universe

from tinymlir.passes import get_all_passes


def _qnn():
    from tinymlir.dialects.qnn import QNN

    return QNN


def _fxp():
    from tinymlir.dialects.fxp import FXP

    return FXP


def _mcuc():
    from tinymlir.dialects.mcuc import MCUC

    return MCUC


def _qk():
    from tinymlir.dialects.kernel import QK

    return QK


def _tile():
    from tinymlir.dialects.tile import TILE

    return TILE


def _patch():
    from tinymlir.dialects.patch import PATCH

    return PATCH


def _accel():
    from tinymlir.dialects.accel import ACCEL

    return ACCEL


def _c_target():
    from tinymlir.backend.c_printer import CTarget

    return CTarget


TINYMLIR_UNIVERSE = Universe(
    all_dialects={"qnn": _qnn, "fxp": _fxp, "mcuc": _mcuc, "qk": _qk, "tile": _tile, "patch": _patch, "accel": _accel},
    all_passes=get_all_passes(),
    all_targets={"c": _c_target},
)
