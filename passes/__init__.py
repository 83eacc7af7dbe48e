"""tinymlir's passes, one `ModulePass` a file; registered lazily by name."""

from collections.abc import Callable

from xdsl.passes import ModulePass


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Pass name -> factory, imported only when the pass is used."""
    return {}
