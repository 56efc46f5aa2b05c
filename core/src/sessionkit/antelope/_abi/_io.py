"""Low-level pieces every ABI coder shares: the coder shape, varuint32 and error paths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from sessionkit.errors import DecodeError, EncodeError

Encoder = Callable[[Any, bytearray], None]
"""Append the binary form of a JSON-like value to the buffer."""

Decoder = Callable[[bytes, int], tuple[Any, int]]
"""Read one value at a position; return its JSON form and the position after it."""


class Coder(NamedTuple):
    """The compiled encoder and decoder of one ABI type."""

    encode: Encoder
    decode: Decoder


_MAX_VARUINT32 = 0xFFFF_FFFF
_SINGLE_BYTES = tuple(bytes((i,)) for i in range(128))


def varuint32_bytes(value: int) -> bytes:
    """LEB128 bytes of ``0 <= value < 2**32`` (the caller checks the range)."""
    if value < 0x80:
        return _SINGLE_BYTES[value]
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def read_varuint32(data: bytes, pos: int) -> tuple[int, int]:
    """Read one minimally encoded varuint32 at ``pos``.

    Over-long, over-sized or truncated encodings raise ``DecodeError``, so a decoded value
    always encodes back to the same bytes.
    """
    try:
        byte = data[pos]
    except IndexError:
        raise DecodeError("unexpected end of data: a varuint32 is missing") from None
    if byte < 0x80:
        return byte, pos + 1
    value = byte & 0x7F
    shift = 7
    end = len(data)
    while True:
        pos += 1
        if pos >= end:
            raise DecodeError("unexpected end of data inside a varuint32")
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            break
        shift += 7
        if shift >= 35:
            raise DecodeError("varuint32 longer than 5 bytes")
    if byte == 0:
        raise DecodeError("varuint32 is not minimally encoded (it ends with a zero byte)")
    if value > _MAX_VARUINT32:
        raise DecodeError(f"varuint32 out of range: {value} does not fit in 32 bits")
    return value, pos + 1


def read_exact(data: bytes, pos: int, size: int) -> bytes:
    """The ``size`` bytes at ``pos``; ``DecodeError`` when the data is shorter."""
    end = pos + size
    if end > len(data):
        raise DecodeError(f"unexpected end of data: {size} bytes needed, {len(data) - pos} left")
    return data[pos:end]


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
