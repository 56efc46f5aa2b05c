"""SessionKit for Python: log in with an Antelope wallet and sign transactions.

The public surface is re-exported here; everything in a module whose name starts with an
underscore is private. Heavy subpackages (``antelope``, ``chain``, ``esr``) load on first use so
that ``import sessionkit`` stays cheap.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from sessionkit import errors

try:
    __version__ = version("sessionkit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without metadata
    __version__ = "0.0.0"

__all__ = ["__version__", "errors"]
