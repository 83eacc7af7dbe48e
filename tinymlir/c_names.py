"""C identifiers from arbitrary names (model file stems, layer names)."""

import re

from tinymlir.dialects.mcuc import is_c_identifier


def c_identifier(text: str, prefix: str = "v_") -> str:
    """`text` as a usable C identifier: characters C does not allow become '_', leading
    underscores go, and a name C or tinymlir reserves (keywords, `INT8_...`, `TINYMLIR_...`,
    a leading digit) gets `prefix`."""
    ascii_text = text.encode("ascii", "replace").decode().replace("?", "_")
    name = re.sub(r"[^A-Za-z0-9_]", "_", ascii_text).lstrip("_") or prefix.rstrip("_")
    return name if is_c_identifier(name) else prefix + name
