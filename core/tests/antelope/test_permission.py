"""PermissionLevel: string and JSON forms, binary form, and property tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sessionkit.antelope._name import Name
from sessionkit.antelope._permission import PermissionLevel
from sessionkit.errors import DecodeError, InvalidName, InvalidValue


def test_forms() -> None:
    level = PermissionLevel.from_string("alice@active")
    assert level == PermissionLevel(Name("alice"), "active")
    assert str(level) == "alice@active"
    assert level.to_json() == {"actor": "alice", "permission": "active"}
    assert PermissionLevel.from_json(level.to_json()) == level
    assert PermissionLevel.from_json("alice@active") == level
    assert level.actor == "alice"
    assert level.permission == "active"
    assert PermissionLevel.from_abi(level.to_abi()) == (level, 16)
    assert repr(level) == "PermissionLevel('alice', 'active')"
    assert hash(level) == hash(PermissionLevel("alice", "active"))


@pytest.mark.parametrize("bad", ["alice", "alice@active@x", "Alice@active", "ali ce@active"])
def test_bad_strings(bad: str) -> None:
    with pytest.raises(InvalidName):
        PermissionLevel.from_string(bad)


@pytest.mark.parametrize("bad", [None, 5, {"actor": "alice"}, ["alice", "active"]])
def test_bad_json(bad: object) -> None:
    with pytest.raises(InvalidValue):
        PermissionLevel.from_json(bad)


@given(st.text(alphabet="abc12.@Z", max_size=20))
def test_parser_gives_value_or_invalid_name(text: str) -> None:
    try:
        level = PermissionLevel.from_string(text)
    except InvalidName:
        return
    assert str(level) == text


@given(st.binary(max_size=20))
def test_decoder_gives_value_or_decode_error(data: bytes) -> None:
    try:
        level, end = PermissionLevel.from_abi(data)
    except DecodeError:
        assert len(data) < 16
        return
    assert level.to_abi() == data[:end]
