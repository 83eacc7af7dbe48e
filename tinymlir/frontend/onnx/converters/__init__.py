"""The op converters, one module per op family. Importing this package imports every module
in it, which registers its ops: a new op is a new module here, e.g.

    @converter("Sin", inputs=(1, 1))
    def convert_sin(imp: OnnxImporter, node): ...

`convert(imp, node)` reads its operands with `imp.get` / `imp.float_input` / `imp.attr`, emits
`qnn` ops with `imp.emit` and binds its outputs with `imp.set` (or leaves a `Pending` for its
QuantizeLinear, with a `@materializer` for its kind). Errors are `raise imp.error(...)`."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
