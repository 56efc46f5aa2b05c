"""Bytes and Float128, the varuint32 length prefix, and property tests for their decoders."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sessionkit.antelope._bytes import Bytes, Float128
from sessionkit.antelope._prim_varint import encode_varuint32, read_varuint32
from sessionkit.errors import DecodeError, InvalidValue


def test_bytes_forms() -> None:
    value = Bytes("DEADbeef")
    assert value == Bytes(b"\xde\xad\xbe\xef") == Bytes.from_json("deadbeef")
    assert str(value) == value.to_json() == "deadbeef"
    assert value.to_abi() == b"\x04\xde\xad\xbe\xef"
    assert Bytes.from_abi(b"\x00" + value.to_abi(), 1) == (value, 6)
    assert len(value) == 4
    assert bytes(value) == b"\xde\xad\xbe\xef"


def test_float128_forms() -> None:
    raw = bytes(range(16))
    value = Float128(raw)
    assert value.to_json() == "0x" + raw.hex()
    assert Float128.from_json(raw.hex()) == Float128.from_json("0x" + raw.hex()) == value
    assert Float128.from_abi(raw) == (value, 16)


@pytest.mark.parametrize("bad", ["xyz", "abc", "0 0", 5])
def test_bad_bytes(bad: object) -> None:
    with pytest.raises(InvalidValue):
        Bytes.from_json(bad)


@pytest.mark.parametrize("bad", ["00", "0x" + "00" * 17, b"\x00" * 15, 1.0])
def test_bad_float128(bad: object) -> None:
    with pytest.raises(InvalidValue):
        Float128(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("data", ["80", "ffffffff7f", "ffffffffff01", "8000", "0501"])
def test_varuint32_rejects_truncated_overlong_and_non_minimal(data: str) -> None:
    with pytest.raises(DecodeError):
        Bytes.from_abi(bytes.fromhex(data))


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_varuint32_round_trip(value: int) -> None:
    encoded = encode_varuint32(value)
    assert read_varuint32(encoded, 0) == (value, len(encoded))


@given(st.binary(max_size=40))
def test_decoders_give_value_or_decode_error(data: bytes) -> None:
    for kind in (Bytes, Float128):
        try:
            value, end = kind.from_abi(data)
        except DecodeError:
            continue
        assert value.to_abi() == data[:end]
        assert kind.from_json(value.to_json()) == value
