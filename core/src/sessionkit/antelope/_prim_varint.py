"""The ``varuint32`` length prefix of the Antelope binary format (LEB128, at most 5 bytes)."""

from __future__ import annotations

from sessionkit.errors import DecodeError

_MAX_VARUINT32 = 0xFFFFFFFF


def encode_varuint32(value: int) -> bytes:
    """``value`` (0 <= value < 2**32) as LEB128 bytes; the caller checks the range."""
    if value < 0x80:
        return bytes((value,))
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def read_varuint32(data: bytes | memoryview, pos: int) -> tuple[int, int]:
    """Read one minimal ``varuint32`` at ``pos``; return it and the position after it.

    Over-long, over-sized (>= 2**32) or truncated encodings raise ``DecodeError``, so that
    decoding and encoding again always gives the same bytes.
    """
    value = 0
    shift = 0
    end = len(data)
    while True:
        if pos >= end:
            raise DecodeError("truncated varuint32: the data ends inside a length prefix")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
        if shift >= 35:
            raise DecodeError("varuint32 longer than 5 bytes")
    if value > _MAX_VARUINT32:
        raise DecodeError(f"varuint32 out of range: {value} does not fit in 32 bits")
    if byte == 0 and shift:
        raise DecodeError("varuint32 is not minimally encoded (trailing zero byte)")
    return value, pos
