"""SessionKit for Python: log in with an Antelope wallet and sign transactions.

The public surface is re-exported here; everything in a module whose name starts with an
underscore is private. Heavy subpackages (``antelope``, ``chain``, ``esr``) load on first use so
that ``import sessionkit`` stays cheap.
"""

from __future__ import annotations

from typing import Any

from sessionkit import errors

__all__ = ["__version__", "errors"]


def __getattr__(name: str) -> Any:
    # importlib.metadata costs ~25 ms to import: read the version only when someone asks.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("sessionkit")
        except PackageNotFoundError:  # pragma: no cover - a source tree without metadata
            value = "0.0.0"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
