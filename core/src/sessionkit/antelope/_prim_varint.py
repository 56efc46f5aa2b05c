"""The ``varuint32`` of the Antelope binary format (LEB128, at most 5 bytes): length prefixes,
array counts and variant indexes. The one implementation the primitives, transactions and the
ABI codec share; both functions sit on the codec's hot paths, hence the single-byte shortcuts."""

from __future__ import annotations

from sessionkit.errors import DecodeError

_MAX_VARUINT32 = 0xFFFF_FFFF
_SINGLE_BYTES = tuple(bytes((i,)) for i in range(128))


def encode_varuint32(value: int) -> bytes:
    """LEB128 bytes of ``0 <= value < 2**32`` (the caller checks the range)."""
    if value < 0x80:
        return _SINGLE_BYTES[value]
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def read_varuint32(data: bytes | memoryview, pos: int) -> tuple[int, int]:
    """Read one minimally encoded varuint32 at ``pos``; return it and the position after it.

    Over-long, over-sized (>= 2**32) or truncated encodings raise ``DecodeError``, so a
    decoded value always encodes back to the same bytes.
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
