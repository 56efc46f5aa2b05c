"""Name behaviour beyond the vectors, and property tests for its parsers and decoder."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sessionkit.antelope._name import Name, name_to_uint64, uint64_to_name
from sessionkit.errors import DecodeError, InvalidName, InvalidValue

NAME_ALPHABET = ".12345abcdefghijklmnopqrstuvwxyz"
uint64s = st.integers(min_value=0, max_value=2**64 - 1)
name_like = st.text(alphabet=NAME_ALPHABET + "6A-_ é", max_size=15)


def test_construction_forms_agree() -> None:
    by_text = Name("eosio.token")
    assert Name(int(by_text)) == by_text == Name(by_text) == "eosio.token"
    assert Name.from_json(by_text) is by_text
    assert by_text.to_json() == "eosio.token"
    assert repr(by_text) == "Name('eosio.token')"
    assert hash(by_text) == hash("eosio.token")
    assert by_text != "eosio"
    assert Name("a") < Name("b") <= Name("b") < Name("zzzzzzzzzzzzj")


@pytest.mark.parametrize("bad", [True, 1.5, None, b"eosio", -1, 2**64])
def test_constructor_rejects_other_types_and_ranges(bad: object) -> None:
    with pytest.raises(InvalidName):
        Name(bad)  # type: ignore[arg-type]


def test_invalid_name_is_a_value_error_with_a_hint() -> None:
    with pytest.raises(ValueError, match="at most 12") as caught:
        Name("Alice")
    assert isinstance(caught.value, InvalidValue)


@pytest.mark.parametrize("data", [b"", b"\x00" * 7])
def test_from_abi_truncated(data: bytes) -> None:
    with pytest.raises(DecodeError):
        Name.from_abi(data)


def test_from_abi_reads_at_position() -> None:
    data = b"\xff" + Name("alice").to_abi() + b"\xff"
    assert Name.from_abi(memoryview(data), 1) == (Name("alice"), 9)


@given(name_like)
def test_strict_parse_accepts_only_canonical_text(text: str) -> None:
    try:
        value = name_to_uint64(text)
    except InvalidName:
        assert uint64_to_name(Name.lenient(text).value) != text
    else:
        assert uint64_to_name(value) == text
        assert Name(text).value == value


@given(uint64s)
def test_every_uint64_renders_to_a_strictly_valid_name(value: int) -> None:
    text = uint64_to_name(value)
    assert name_to_uint64(text) == value
    assert Name.from_int(value) == Name(text)


@given(st.text(max_size=20))
def test_lenient_never_raises_for_strings(text: str) -> None:
    name = Name.lenient(text)
    assert name_to_uint64(str(name)) == int(name)


@given(st.binary(max_size=12), st.integers(min_value=0, max_value=12))
def test_from_abi_gives_a_name_or_decode_error(data: bytes, pos: int) -> None:
    try:
        name, end = Name.from_abi(data, pos)
    except DecodeError:
        assert len(data) - pos < 8
    else:
        assert end == pos + 8
        assert name.to_abi() == data[pos:end]


@given(uint64s, uint64s)
def test_ordering_follows_the_uint64(a: int, b: int) -> None:
    assert (Name(a) < Name(b)) == (a < b)
    assert (Name(a) == Name(b)) == (a == b)
