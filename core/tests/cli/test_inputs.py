"""What ``sessionkit transact`` accepts as ACTION_JSON: actions, or InvalidValue saying why."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit._cli_kit import _actions_from_json
from sessionkit.errors import InvalidValue

SESSION: Any = SimpleNamespace(actor="alice", permission="active")
ACTION = {"account": "eosio.token", "name": "transfer", "data": {"memo": "x"}}


def test_the_three_shapes_and_the_default_authorization() -> None:
    one = _actions_from_json(json.dumps(ACTION), SESSION)
    assert one == [{**ACTION, "authorization": [{"actor": "alice", "permission": "active"}]}]
    assert _actions_from_json(json.dumps([ACTION, ACTION]), SESSION) == one * 2
    assert _actions_from_json(json.dumps({"actions": [ACTION]}), SESSION) == one
    given_auth = {**ACTION, "authorization": [{"actor": "bob", "permission": "active"}]}
    assert _actions_from_json(json.dumps(given_auth), SESSION) == [given_auth]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{not json", "is not JSON"),
        ('{"account": "eosio.token"}', 'with "account", "name"'),
        ("[1, 2]", 'with "account", "name"'),
        ('"transfer"', 'with "account", "name"'),
    ],
)
def test_wrong_input_says_what_to_give(text: str, says: str) -> None:
    with pytest.raises(InvalidValue, match=says):
        _actions_from_json(text, SESSION)


@settings(max_examples=300)
@given(
    st.one_of(
        st.text(max_size=80),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=8),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from(["account", "name", "data", "actions", "authorization", "x"]),
                    inner,
                    max_size=4,
                )
            ),
            max_leaves=10,
        ).map(json.dumps),
    )
)
def test_any_text_gives_actions_or_invalid_value(text: str) -> None:
    try:
        actions = _actions_from_json(text, SESSION)
    except InvalidValue:
        return
    assert all({"account", "name", "data", "authorization"} <= set(a) for a in actions)
