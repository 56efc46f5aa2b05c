"""Lazy re-exports: a package names its public objects but imports their modules on first use.

A package's ``__init__`` writes::

    __getattr__, __dir__ = lazy_exports(__name__, {"Name": "_name", ...}, __all__)

where each name maps to the submodule (relative to the package, no leading dot) defining it.
Keep an ``if TYPE_CHECKING:`` block importing the same names (type checkers do not run
``__getattr__``) and a literal ``__all__`` (linters read it).
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping


def lazy_exports(
    package: str, exports: Mapping[str, str], public: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return the module-level ``__getattr__`` and ``__dir__`` for ``package``.

    ``__getattr__`` imports ``package.<exports[name]>`` and stores the value in the package's
    globals, so later lookups skip it; unknown names raise ``AttributeError`` as usual.
    """
    names = sorted(public)

    def module_getattr(name: str) -> Any:
        submodule = exports.get(name)
        if submodule is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{submodule}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def module_dir() -> list[str]:
        return list(names)

    return module_getattr, module_dir
