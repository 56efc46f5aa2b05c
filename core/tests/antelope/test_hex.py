"""Strict hex input: one rule (pairs of hex digits, nothing else) for every hex-taking value."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sessionkit.antelope._abi import encode
from sessionkit.antelope._bytes import Bytes, Float128
from sessionkit.antelope._checksum import Checksum256
from sessionkit.antelope._hex import from_plain_hex
from sessionkit.antelope._transaction import Action
from sessionkit.errors import EncodeError, InvalidChecksum, InvalidTransaction, InvalidValue

if TYPE_CHECKING:
    from collections.abc import Callable


@given(st.binary(max_size=40))
def test_hex_of_any_case_round_trips(data: bytes) -> None:
    assert from_plain_hex(data.hex()) == data
    assert from_plain_hex(data.hex().upper()) == data


@pytest.mark.parametrize("text", ["0", "abc", "zz", "00 11", " 00", "00\n", "0x00", "+0"])
def test_anything_but_digit_pairs_is_refused(text: str) -> None:
    assert from_plain_hex(text) is None


def _spaced(size: int) -> str:
    """``size`` bytes of hex with one space between the first two pairs."""
    return "00 " + "11" * (size - 1)


@pytest.mark.parametrize(
    ("parse", "text", "error"),
    [
        (Bytes, _spaced(4), InvalidValue),
        (Float128, _spaced(16), InvalidValue),
        (Float128, "0x" + _spaced(16), InvalidValue),
        (Checksum256, _spaced(32), InvalidChecksum),
        (
            lambda text: Action.from_json(
                {"account": "eosio", "name": "noop", "authorization": [], "data": text}
            ),
            _spaced(4),
            InvalidTransaction,
        ),
        (lambda text: encode("bytes", text), _spaced(4), EncodeError),
        (lambda text: encode("checksum256", text), _spaced(32), EncodeError),
    ],
)
def test_every_hex_input_refuses_spaces(
    parse: Callable[[str], object], text: str, error: type[Exception]
) -> None:
    with pytest.raises(error, match="no spaces"):
        parse(text)
