"""Low-level pieces every ABI coder shares: the coder shape, exact reads and error paths."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from sessionkit.errors import DecodeError, EncodeError

if TYPE_CHECKING:
    from ._limits import Work

Encoder = Callable[[Any, bytearray, "Work", int], None]
"""Append the binary form of a JSON-like value at a nesting level to the buffer, charging the
work counter."""

Decoder = Callable[[bytes, int, "Work", int], tuple[Any, int]]
"""Read one value at a position and nesting level, charging the work counter; return its JSON
form and the position after it."""


class Coder(NamedTuple):
    """The compiled encoder and decoder of one ABI type."""

    encode: Encoder
    decode: Decoder


def read_exact(data: bytes, pos: int, size: int) -> bytes:
    """The ``size`` bytes at ``pos``; ``DecodeError`` when the data is shorter."""
    end = pos + size
    if end > len(data):
        raise DecodeError(f"unexpected end of data: {size} bytes needed, {len(data) - pos} left")
    return data[pos:end]


def brief(value: object, width: int = 40) -> str:
    """A short ``repr`` of a value for an error message, whatever the value.

    Integers beyond Python's 4,300-digit conversion limit, and objects whose ``repr`` fails,
    are described instead of shown.
    """
    if isinstance(value, int) and value.bit_length() > 128:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    try:
        text = repr(value)
    except Exception:
        return f"a {type(value).__name__}"
    return text if len(text) <= width else text[: width - 3] + "..."


_E = TypeVar("_E", EncodeError, DecodeError)


def located(error: _E, segment: str) -> _E:
    """Record that ``error`` happened inside ``segment`` (``".field"`` or ``"[index]"``)."""
    error.__dict__.setdefault("abi_path", []).append(segment)
    return error


def finish(error: _E, type_name: str) -> _E:
    """Rewrite the message of a coder error to name the type and the path to the bad value."""
    path = "".join(reversed(error.__dict__.pop("abi_path", [])))
    error.args = (f"{type_name}{path}: {error}",)
    return error
