"""Checksum160/256/512: construction from hex and bytes, hashing, and property tests."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sessionkit.antelope._checksum import Checksum160, Checksum256, Checksum512
from sessionkit.errors import DecodeError, InvalidChecksum

KINDS = (Checksum160, Checksum256, Checksum512)


def test_hex_and_bytes_agree() -> None:
    digest = hashlib.sha256(b"abc").digest()
    checksum = Checksum256.hash(b"abc")
    assert checksum == Checksum256(digest) == Checksum256(digest.hex().upper())
    assert bytes(checksum) == checksum.data == digest
    assert str(checksum) == checksum.to_json() == digest.hex()
    assert Checksum256.from_json(checksum) is checksum
    assert repr(checksum) == f"Checksum256({digest.hex()!r})"
    assert Checksum512.hash(b"abc").data == hashlib.sha512(b"abc").digest()
    assert len(Checksum160.hash(b"abc").data) == 20


def test_different_sizes_never_compare_equal() -> None:
    assert Checksum256(bytes(32)) != Checksum512(bytes(64))
    assert Checksum256(bytes(32)) != bytes(32)


@pytest.mark.parametrize("bad", ["abcd", "zz" * 32, " " + "00" * 32, 5, None, bytes(31)])
def test_bad_values_raise(bad: object) -> None:
    with pytest.raises(InvalidChecksum):
        Checksum256(bad)  # type: ignore[arg-type]


@given(st.text(alphabet="0123456789abcdefABCDEF xg", max_size=130))
def test_parser_gives_value_or_invalid_checksum(text: str) -> None:
    for kind in KINDS:
        try:
            value = kind.from_json(text)
        except InvalidChecksum:
            continue
        assert str(value) == text.lower()


@given(st.binary(max_size=70), st.integers(min_value=0, max_value=4))
def test_decoder_gives_value_or_decode_error(data: bytes, pos: int) -> None:
    for kind in KINDS:
        try:
            value, end = kind.from_abi(data, pos)
        except DecodeError:
            assert len(data) - pos < kind.size
            continue
        assert value.to_abi() == data[pos:end]
