"""TAPoS (transaction as proof of stake): the header fields that tie a transaction to a chain.

``ref_block_num`` is the low 16 bits of a recent block's number and ``ref_block_prefix`` the
little-endian uint32 at bytes 8..12 of that block's id; the node rejects a transaction whose
reference block it does not have. ``expiration`` is the head block time plus a lifetime.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from sessionkit.antelope import Checksum256, TimePoint, TimePointSec
from sessionkit.errors import InvalidChecksum, InvalidTime, InvalidValue

BlockId = Checksum256 | str | bytes


class TransactionHeader(msgspec.Struct, frozen=True, kw_only=True):
    """The TAPoS fields of a transaction header."""

    expiration: TimePointSec
    ref_block_num: int
    ref_block_prefix: int

    def to_dict(self) -> dict[str, Any]:
        """The fields as keyword arguments for ``Transaction(...)``."""
        return {
            "expiration": self.expiration,
            "ref_block_num": self.ref_block_num,
            "ref_block_prefix": self.ref_block_prefix,
        }


def _id_bytes(block_id: BlockId) -> bytes:
    if isinstance(block_id, Checksum256):
        return bytes(block_id)
    if isinstance(block_id, bytes):
        raw = block_id
    elif not isinstance(block_id, str):
        raise InvalidChecksum(
            f"a block id is a Checksum256, 32 bytes or 64 hex characters, not "
            f"{type(block_id).__name__}"
        )
    else:
        try:
            raw = bytes.fromhex(block_id)
        except ValueError:
            raise InvalidChecksum(
                f"a block id is 64 hex characters, got {block_id[:80]!r}"
            ) from None
    if len(raw) != 32:
        raise InvalidChecksum(f"a block id is 32 bytes, got {len(raw)}")
    return raw


def block_num_from_id(block_id: BlockId) -> int:
    """The block number a block id starts with (its first 4 bytes, big-endian)."""
    return int.from_bytes(_id_bytes(block_id)[:4], "big")


def ref_block_num(block: BlockId | int) -> int:
    """The low 16 bits of a block number, given the number or the block's id."""
    if isinstance(block, bool):
        raise InvalidValue("ref_block_num takes a block number or a block id, not a bool")
    if isinstance(block, int):
        if not 0 <= block < 2**32:
            raise InvalidValue(f"a block number is from 0 to 2**32 - 1, not {block}")
        return block & 0xFFFF
    if not isinstance(block, Checksum256 | str | bytes):
        raise InvalidValue(
            f"ref_block_num takes a block number (int) or a block id, not {type(block).__name__}"
        )
    return block_num_from_id(block) & 0xFFFF


def ref_block_prefix(block_id: BlockId) -> int:
    """The little-endian uint32 at bytes 8..12 of a block id."""
    return int.from_bytes(_id_bytes(block_id)[8:12], "little")


def expiration(head_block_time: TimePoint | datetime | str, expire_seconds: int) -> TimePointSec:
    """``head_block_time + expire_seconds``, rounded to the nearest second as WharfKit does."""
    if isinstance(expire_seconds, bool) or not isinstance(expire_seconds, int):
        raise InvalidValue(
            f"expire_seconds is a whole number of seconds, not {type(expire_seconds).__name__}"
        )
    if isinstance(head_block_time, str):
        head = TimePoint.from_string(head_block_time)
    elif isinstance(head_block_time, datetime):
        head = TimePoint.from_datetime(head_block_time)
    elif isinstance(head_block_time, TimePoint):
        head = head_block_time
    else:
        raise InvalidTime(
            "head_block_time is a TimePoint, a datetime or an ISO 8601 string such as "
            f"'2026-01-01T00:00:00.500', not {type(head_block_time).__name__}"
        )
    milliseconds = head.microseconds // 1000 + expire_seconds * 1000
    return TimePointSec((milliseconds + 500) // 1000)


def transaction_header(
    ref_block_id: BlockId, head_block_time: TimePoint | datetime | str, expire_seconds: int = 120
) -> TransactionHeader:
    """The TAPoS header referencing ``ref_block_id`` and expiring ``expire_seconds`` later."""
    return TransactionHeader(
        expiration=expiration(head_block_time, expire_seconds),
        ref_block_num=ref_block_num(ref_block_id),
        ref_block_prefix=ref_block_prefix(ref_block_id),
    )
