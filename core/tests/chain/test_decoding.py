"""Whatever a node sends, a typed response or MalformedResponseError comes back: never another
exception. Shapes come from real Leap 4 answers (see test_devnet.py for the live ones)."""

from __future__ import annotations

import base64
import json
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sessionkit.chain import (
    APIClient,
    GetAccountResponse,
    GetBlockResponse,
    GetInfoResponse,
    GetTransactionStatusResponse,
    SendTransactionResponse,
)
from sessionkit.chain._client import _base64
from sessionkit.chain._json import decode, encode
from sessionkit.errors import ChainError, MalformedResponseError

ZERO_ID = "00" * 32
INFO: dict[str, Any] = {
    "server_version": "3916ba05",
    "chain_id": "8a34ec7df1b8cd06ff4a8abbaa7cc50300823350cadc59ab296cb00d104d2b8f",
    "head_block_num": 3,
    "last_irreversible_block_num": 2,
    "last_irreversible_block_id": "000000025f31eb9fda05e89b5ac333b1"
    "04f9e97e15f2bf99595ea92b93cdb139",
    "head_block_id": "00000003988f5ad4466d25c0213a6a99df38e20a9536972645ddc87aa55c1917",
    "head_block_time": "2026-11-29T07:57:34.500",
    "head_block_producer": "eosio",
    "virtual_block_cpu_limit": 200400,
    "server_version_string": "v4.1.0-dev",
    "last_irreversible_block_time": "2026-11-29T07:57:34.000",
}
TRACE: dict[str, Any] = {
    "transaction_id": ZERO_ID,
    "processed": {
        "id": ZERO_ID,
        "block_num": 4,
        "block_time": "2026-11-29T07:58:01.500",
        "producer_block_id": None,
        "receipt": {"status": "executed", "cpu_usage_us": 100, "net_usage_words": 16},
        "elapsed": 66,
        "net_usage": 128,
        "scheduled": False,
        "action_traces": [
            {
                "action_ordinal": 1,
                "creator_action_ordinal": 0,
                "closest_unnotified_ancestor_action_ordinal": 0,
                "receipt": {"receiver": "eosio.token", "global_sequence": "18446744073709551615"},
                "receiver": "eosio.token",
                "act": {
                    "account": "eosio.token",
                    "name": "transfer",
                    "authorization": [{"actor": "alice", "permission": "active"}],
                    "data": {"from": "alice", "to": "bob", "quantity": "1.0000 SYS", "memo": ""},
                    "hex_data": "00",
                },
                "context_free": False,
                "elapsed": 30,
                "console": "",
                "trx_id": ZERO_ID,
                "block_num": 4,
                "block_time": "2026-11-29T07:58:01.500",
                "producer_block_id": None,
                "account_ram_deltas": [],
                "except": None,
                "error_code": None,
                "return_value_hex_data": "",
            }
        ],
        "account_ram_delta": None,
        "except": None,
        "error_code": None,
    },
}


def test_info_decodes_with_types() -> None:
    info = decode(GetInfoResponse, json.dumps(INFO).encode(), "u")
    assert info.head_block_producer == "eosio"
    assert str(info.head_block_time) == "2026-11-29T07:57:34.500"
    header = info.transaction_header(30)
    assert str(header.expiration) == "2026-11-29T07:58:05"
    assert header.ref_block_num == 2


def test_trace_decodes_with_types() -> None:
    result = decode(SendTransactionResponse, json.dumps(TRACE).encode(), "u")
    action = result.processed.action_traces[0]
    assert action.act.authorization[0].actor == "alice"
    assert action.act.data["quantity"] == "1.0000 SYS"
    assert result.processed.error is None


def test_request_bodies_use_reference_json() -> None:
    from sessionkit.antelope import Asset, Name, PermissionLevel

    body = {
        "a": Name("alice"),
        "b": [Asset.from_string("1.0000 SYS")],
        "c": (PermissionLevel("a", "b"),),
    }
    assert json.loads(encode(body)) == {
        "a": "alice",
        "b": ["1.0000 SYS"],
        "c": [{"actor": "a", "permission": "b"}],
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


def mutated(base: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """``base`` with some fields replaced by arbitrary JSON, or dropped."""
    keys = sorted(base)
    return st.dictionaries(st.sampled_from(keys), json_values | st.just(...), max_size=4).map(
        lambda changes: json.dumps(
            {k: changes.get(k, v) for k, v in base.items() if changes.get(k, v) is not ...}
        ).encode()
    )


KINDS = [
    GetInfoResponse,
    GetBlockResponse,
    GetAccountResponse,
    GetTransactionStatusResponse,
    SendTransactionResponse,
]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=120) | mutated(INFO) | mutated(TRACE) | mutated(TRACE["processed"]))
def test_any_answer_decodes_or_is_malformed(kind: type[Any], data: bytes) -> None:
    try:
        value = decode(kind, data, "u")
    except MalformedResponseError:
        return
    assert isinstance(value, kind)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_raw_abi_base64_decodes_or_raises_value_error(text: str) -> None:
    try:
        data = _base64(text)
    except ValueError:  # binascii.Error is a ValueError; the client wraps it
        return
    assert isinstance(data, bytes)


@given(st.binary(max_size=64), st.integers(min_value=0, max_value=3))
def test_raw_abi_base64_any_padding(raw: bytes, extra: int) -> None:
    text = base64.b64encode(raw).decode().rstrip("=") + "=" * extra
    assert _base64(text) == raw


@settings(max_examples=40, deadline=None)
@given(
    body=st.binary(max_size=100)
    | mutated({"account_name": "a", "code_hash": ZERO_ID, "abi_hash": ZERO_ID, "abi": "AA=="})
)
def test_get_raw_abi_answers_or_raises_chain_errors(body: bytes) -> None:
    async def run() -> None:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
        async with APIClient("http://a", transport=transport) as client:
            try:
                response = await client.get_raw_abi("alice")
            except ChainError:
                return
            assert isinstance(response.abi, bytes)

    anyio.run(run)
