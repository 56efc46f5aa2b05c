"""What an error message may show of a value it received: ``shown(value)``.

Every parser that echoes its input goes through ``shown``, so that a private key given where
something else was expected (a name, an asset, a checksum...) never reaches a message, a log or
a traceback. It hides anything that looks like a private key (``PVT_...``, and any run of 48 or
more base58 characters starting with ``5``, ``K`` or ``L``, as every WIF key does, even
mistyped), never shows the content of bytes (32 raw bytes may be a key), shortens long text and
big containers, and never raises: an integer past Python's 4,300-digit limit or an object whose
``repr`` fails is described instead of printed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from itertools import islice
from typing import Any

__all__ = ["HIDDEN", "redact", "shown"]

HIDDEN = "<redacted>"

_BASE58 = "1-9A-HJ-NP-Za-km-z"
_PRIVATE_KEY = re.compile(rf"PVT_\w*|[5KL][{_BASE58}]{{47,}}")
_MAX_TEXT = 80
_MAX_SHOWN = 300
_MAX_ITEMS = 6
_MAX_DEPTH = 3
_MAX_INT_BITS = 64


def redact(text: str) -> str:
    """``text`` with every private-key-looking part replaced by ``<redacted>``."""
    return _PRIVATE_KEY.sub(HIDDEN, text)


def shown(value: object) -> str:
    """A short, secret-free ``repr``-like rendering of ``value`` for an error message."""
    try:
        text = _render(value, _MAX_DEPTH)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return _shorten(redact(text))


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "..."


def _render(value: object, depth: int) -> str:
    if isinstance(value, str):
        text = redact(value)
        if len(text) <= _MAX_TEXT:
            return repr(text)
        return f"{text[:_MAX_TEXT]!r}... ({len(value)} characters)"
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{type(value).__name__} of length {len(value)}>"
    if isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            return f"<{'negative ' if value < 0 else ''}integer of {value.bit_length()} bits>"
        return repr(value)
    if isinstance(value, Mapping | list | tuple | set | frozenset):
        return _render_container(value, depth)
    return repr(value)


def _render_container(value: Collection[Any], depth: int) -> str:
    kind = type(value).__name__
    if depth <= 0:
        return f"<{kind} of {len(value)} items>"
    if isinstance(value, Mapping):
        parts = [
            f"{_render(key, depth - 1)}: {_render(item, depth - 1)}"
            for key, item in _first(value.items())
        ]
        opening, closing = "{", "}"
    else:
        parts = [_render(item, depth - 1) for item in _first(value)]
        opening, closing = (
            ("(", ",)" if len(value) == 1 else ")") if isinstance(value, tuple) else ("[", "]")
        )
    if len(value) > _MAX_ITEMS:
        parts.append(f"... {len(value) - _MAX_ITEMS} more")
    return opening + ", ".join(parts) + closing


def _first(items: Iterable[Any]) -> list[Any]:
    return list(islice(items, _MAX_ITEMS))
