"""Registers tinymlir's dialects and passes with xDSL (the `xdsl.universe` entry point),
so that plain `xdsl-opt` sees them too."""

from xdsl.universe import Universe

from tinymlir.passes import get_all_passes


def _qnn():
    from tinymlir.dialects.qnn import QNN

    return QNN


TINYMLIR_UNIVERSE = Universe(all_dialects={"qnn": _qnn}, all_passes=get_all_passes())
