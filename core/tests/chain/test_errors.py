"""Node error bodies become ChainAPIError; anything else is left to the caller."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st
from sessionkit.chain._errors import chain_error, http_error
from sessionkit.errors import ChainAPIError

DUPLICATE = {
    "code": 409,
    "message": "Conflict",
    "error": {
        "code": 3040008,
        "name": "tx_duplicate",
        "what": "Duplicate transaction",
        "details": [{"message": "duplicate transaction 5c3b...", "file": "", "line_number": 1}],
    },
}


def test_first_detail_is_the_message() -> None:
    error = chain_error(
        409, "http://node/v1/chain/send_transaction", json.dumps(DUPLICATE).encode()
    )
    assert isinstance(error, ChainAPIError)
    assert str(error) == "duplicate transaction 5c3b..."
    assert (error.status, error.code, error.name, error.what) == (
        409,
        3040008,
        "tx_duplicate",
        "Duplicate transaction",
    )
    assert error.body == DUPLICATE


def test_without_details_the_what_is_the_message() -> None:
    body = {"code": 500, "error": {"code": "3080004", "name": "tx_cpu_usage_exceeded", "what": "x"}}
    error = chain_error(500, "u", json.dumps(body).encode())
    assert error is not None
    assert str(error) == "x"
    assert error.code == 3080004
    assert error.details == []


def test_non_dict_details_are_dropped() -> None:
    body = {"error": {"name": "n", "details": ["junk", {"message": "real"}]}}
    error = chain_error(500, "u", json.dumps(body).encode())
    assert error is not None
    assert error.detail_messages == ["real"]


def test_bodies_that_are_not_chain_errors_give_none() -> None:
    for content in (b"", b"<html>", b"[]", b'{"error": "text"}', b'{"message": "no error key"}'):
        assert chain_error(500, "u", content) is None


def test_http_error_keeps_the_status_and_a_short_snippet() -> None:
    error = http_error(502, "Bad Gateway", "http://node/x", b"<html>" + b"x" * 1000)
    assert error.status == 502
    assert error.name is None
    assert str(error).startswith("HTTP 502 Bad Gateway from http://node/x: <html>")
    assert len(str(error)) < 300


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
error_like = st.fixed_dictionaries(
    {},
    optional={
        "code": json_values,
        "message": json_values,
        "error": st.fixed_dictionaries(
            {},
            optional={
                "code": json_values,
                "name": json_values,
                "what": json_values,
                "details": st.lists(json_values | st.dictionaries(st.just("message"), json_values)),
            },
        )
        | json_values,
    },
)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | error_like.map(lambda v: json.dumps(v).encode()))
@example(b'{"error": {"code": "\\u00b9"}}')  # a superscript digit: isdigit() but not int()
def test_any_body_gives_an_error_or_none(content: bytes) -> None:
    error = chain_error(500, "u", content)
    assert error is None or (isinstance(error, ChainAPIError) and isinstance(str(error), str))
    if error is not None:
        assert all(isinstance(d, dict) for d in error.details)
        assert error.code is None or isinstance(error.code, int)
