"""TAPoS helpers: reference block fields from a block id, expiration from the head time.

The helpers behind ``transaction_header`` are private; their edge cases are tested directly.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.antelope import Checksum256, TimePoint, TimePointSec
from sessionkit.chain import (
    TransactionHeader,
    block_num_from_id,
    transaction_header,
)
from sessionkit.chain._tapos import expiration, ref_block_num, ref_block_prefix
from sessionkit.errors import InvalidChecksum

# Block 0x0001abcd; bytes 8..12 are 0x78 0x56 0x34 0x12 -> little-endian 0x12345678.
BLOCK_ID = "0001abcd" + "00000000" + "78563412" + "00" * 20


@pytest.mark.parametrize("block_id", [BLOCK_ID, bytes.fromhex(BLOCK_ID), Checksum256(BLOCK_ID)])
def test_reference_fields_from_a_block_id(block_id: str | bytes | Checksum256) -> None:
    assert block_num_from_id(block_id) == 0x0001ABCD
    assert ref_block_num(block_id) == 0xABCD
    assert ref_block_prefix(block_id) == 0x12345678


def test_ref_block_num_from_a_number_keeps_16_bits() -> None:
    assert ref_block_num(0x12345) == 0x2345


@pytest.mark.parametrize("bad", ["zz", "00" * 31, "00" * 33, b"\x00" * 5])
def test_bad_block_ids_are_rejected(bad: str | bytes) -> None:
    with pytest.raises(InvalidChecksum):
        ref_block_prefix(bad)


@pytest.mark.parametrize(
    ("head", "seconds", "expected"),
    [
        ("2026-11-29T08:00:00.000", 120, "2026-11-29T08:02:00"),
        ("2026-11-29T08:00:00.500", 120, "2026-11-29T08:02:01"),  # Math.round: half up
        ("2026-11-29T08:00:00.499", 0, "2026-11-29T08:00:00"),
        ("2026-11-29T23:59:59.500", 30, "2026-11-30T00:00:30"),
    ],
)
def test_expiration_rounds_like_the_reference(head: str, seconds: int, expected: str) -> None:
    assert str(expiration(head, seconds)) == expected
    assert expiration(TimePoint.from_string(head), seconds) == TimePointSec.from_string(expected)


def test_expiration_from_a_datetime() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert str(expiration(moment, 60)) == "2026-01-02T03:05:05"


def test_transaction_header_combines_the_three() -> None:
    header = transaction_header(BLOCK_ID, "2026-11-29T08:00:00.000", 60)
    assert header == TransactionHeader(
        expiration=TimePointSec.from_string("2026-11-29T08:01:00"),
        ref_block_num=0xABCD,
        ref_block_prefix=0x12345678,
    )
    assert header.to_dict()["ref_block_prefix"] == 0x12345678


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=70) | st.binary(max_size=40))
def test_any_block_id_gives_fields_or_invalid_checksum(value: str | bytes) -> None:
    try:
        prefix = ref_block_prefix(value)
        number = ref_block_num(value)
    except InvalidChecksum:
        return
    assert 0 <= prefix < 2**32
    assert 0 <= number < 2**16


@given(st.binary(min_size=32, max_size=32))
def test_fields_match_the_byte_layout(raw: bytes) -> None:
    assert ref_block_prefix(raw.hex()) == int.from_bytes(raw[8:12], "little")
    assert ref_block_num(raw) == int.from_bytes(raw[2:4], "big")
