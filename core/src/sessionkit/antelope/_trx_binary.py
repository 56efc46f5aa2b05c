"""Reading the packed transaction format: sized bytes, counted lists bounded by the bytes left,
and ``transaction_end``, which checks a packed transaction's framing without building it.

Every count is checked against the fewest bytes its items can take before any item is read:
a count that the remaining bytes cannot hold is a ``DecodeError`` at once, so a few bytes can
never promise millions of items. The minimum sizes are the module constants below.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Final, TypeVar

from sessionkit.antelope._prim_varint import read_varuint32
from sessionkit.errors import DecodeError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "HEADER",
    "MIN_ACTION",
    "MIN_BYTES_ITEM",
    "MIN_EXTENSION",
    "MIN_PERMISSION_LEVEL",
    "MIN_SIGNATURE",
    "read_list",
    "read_sized",
    "transaction_end",
]

_T = TypeVar("_T")

#: Fewest bytes of one item: an action (account, name, no authorization, no data), a permission
#: level (two names), a transaction extension (uint16 type, empty data), a signature (type byte
#: and 65 bytes) and one ``bytes`` of a ``bytes[]`` (its length prefix).
MIN_ACTION: Final = 18
MIN_PERMISSION_LEVEL: Final = 16
MIN_EXTENSION: Final = 3
MIN_SIGNATURE: Final = 66
MIN_BYTES_ITEM: Final = 1

#: expiration (uint32), ref_block_num (uint16), ref_block_prefix (uint32).
HEADER: Final = struct.Struct("<IHI")


def _read_count(data: bytes | memoryview, pos: int, min_size: int, what: str) -> tuple[int, int]:
    """A varuint32 item count at ``pos``, refused if the bytes left cannot hold that many."""
    count, pos = read_varuint32(data, pos)
    if count * min_size > len(data) - pos:
        raise _too_many(count, len(data) - pos, what)
    return count, pos


def _too_many(count: int, left: int, what: str) -> DecodeError:
    return DecodeError(f"{count} {what} announced, but the {left} bytes left cannot hold them")


def read_list(
    data: bytes | memoryview,
    pos: int,
    read: Callable[[bytes | memoryview, int], tuple[_T, int]],
    min_size: int,
    what: str,
) -> tuple[list[_T], int]:
    """A bounded count at ``pos`` (as ``_read_count``), then that many items read by ``read``."""
    count, pos = read_varuint32(data, pos)  # _read_count, inlined: once per list on hot paths
    if count * min_size > len(data) - pos:
        raise _too_many(count, len(data) - pos, what)
    items = []
    for _ in range(count):
        item, pos = read(data, pos)
        items.append(item)
    return items, pos


def read_sized(data: bytes | memoryview, pos: int, what: str) -> tuple[bytes, int]:
    """The varuint32-length-prefixed bytes at ``pos`` and the position after them."""
    length, start = read_varuint32(data, pos)
    end = start + length
    if end > len(data):
        raise DecodeError(f"truncated {what}")
    return bytes(data[start:end]), end


def transaction_end(data: bytes) -> int:
    """Where the packed transaction at the start of ``data`` ends.

    Checks exactly what ``Transaction.from_abi`` checks (every field of a transaction is valid
    for any bits, so only its framing can be wrong) but builds nothing: the id of a transaction
    of 400,000 actions costs a walk over its bytes, not 400,000 objects.
    """
    if len(data) < HEADER.size + 1:
        raise DecodeError("truncated transaction header")
    _, pos = read_varuint32(data, HEADER.size)  # max_net_usage_words
    if pos >= len(data):
        raise DecodeError("truncated transaction header")
    _, pos = read_varuint32(data, pos + 1)  # after max_cpu_usage_ms: delay_sec
    for what in ("context-free actions", "actions"):
        count, pos = _read_count(data, pos, MIN_ACTION, what)
        pos = _actions_end(data, pos, count)
    count, pos = _read_count(data, pos, MIN_EXTENSION, "transaction extensions")
    for _ in range(count):
        if len(data) - pos < 2:
            raise DecodeError("truncated transaction extension")
        length, pos = read_varuint32(data, pos + 2)
        pos += length
        if pos > len(data):
            raise DecodeError("truncated transaction extension data")
    return pos


def _actions_end(data: bytes, pos: int, count: int) -> int:
    """Where ``count`` actions starting at ``pos`` end.

    The loop reads one-byte counts and lengths (every real one is below 128) in place, without
    a call: it runs once per action, and a hostile transaction has hundreds of thousands.
    """
    end = len(data)
    for _ in range(count):
        pos += 16  # account and name
        if pos >= end:
            raise DecodeError("truncated action")
        authorizations = data[pos]
        if authorizations < 0x80:
            pos += 1
        else:
            authorizations, pos = _read_count(data, pos, MIN_PERMISSION_LEVEL, "authorizations")
        pos += 16 * authorizations
        if pos >= end:
            raise DecodeError("truncated action")
        size = data[pos]
        if size < 0x80:
            pos += 1 + size
        else:
            size, pos = read_varuint32(data, pos)
            pos += size
        if pos > end:
            raise DecodeError("truncated action data")
    return pos
