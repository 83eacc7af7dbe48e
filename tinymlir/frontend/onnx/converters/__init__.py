"""The op converters, one module per op family. Importing this package imports every module
in it, which registers its ops (`@converter`): a new op is a new module here."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
