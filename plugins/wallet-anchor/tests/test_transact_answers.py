"""Anchor's answers to a transaction, checked offline (hypothesis): whatever arrives gives the
signatures of what was asked, or a typed error, never a crash."""

from __future__ import annotations

import contextlib
import functools
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sessionkit.antelope import ABI, Checksum256, PermissionLevel, PrivateKey
from sessionkit.chain import ABICache, APIClient, ChainDefinition
from sessionkit.contexts import TransactContext
from sessionkit.errors import SessionKitError, WalletRejected, WalletResponseError
from sessionkit.esr import ResolvedSigningRequest, SigningRequest
from sessionkit_wallet_anchor import buoy
from sessionkit_wallet_anchor._protocol import transact_request_info
from sessionkit_wallet_anchor._wallet import _signed, _translator

CHAIN = Checksum256("73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d")
KEY = PrivateKey.from_string("PVT_K1_LzT8YiEeLKG82uYqYPjytVotkztTVgR9Xs9YFfRU1wQ7dtcED")
TOKEN = ABI.from_json(
    {
        "version": "eosio::abi/1.2",
        "structs": [
            {
                "name": "transfer",
                "base": "",
                "fields": [
                    {"name": "from", "type": "name"},
                    {"name": "to", "type": "name"},
                    {"name": "quantity", "type": "asset"},
                    {"name": "memo", "type": "string"},
                ],
            }
        ],
        "actions": [{"name": "transfer", "type": "transfer", "ricardian_contract": ""}],
    }
)
HEADER = {"expiration": "2030-01-01T00:00:00", "ref_block_num": 1234, "ref_block_prefix": 56789}


@functools.cache
def _made() -> tuple[ResolvedSigningRequest, SigningRequest, dict[str, Any]]:
    action = {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": "alice", "permission": "active"}],
        "data": {"from": "alice", "to": "bob", "quantity": "0.0001 SYS", "memo": "m"},
    }
    abis = {"eosio.token": TOKEN}
    original = SigningRequest.create(action=action, chain_id=CHAIN, broadcast=False, abis=abis)
    resolved = original.resolve(abis, "alice@active", **HEADER)  # type: ignore[arg-type]
    request = SigningRequest.create(
        transaction=resolved.transaction, chain_id=CHAIN, broadcast=False, abis=abis
    )
    transact_request_info(request, resolved.transaction.expiration)
    request.set_callback(buoy.channel_url("https://cb.example.org"), background=True)
    signed = request.resolve(abis, "alice@active", chain_id=CHAIN)
    callback = signed.get_callback([KEY.sign_digest(signed.signing_digest)])
    assert callback is not None
    return resolved, request, dict(callback.payload)


def _exchange() -> tuple[ResolvedSigningRequest, SigningRequest, dict[str, Any]]:
    """What the kit resolved, the request the wallet sent, and a good answer to it (a copy)."""
    resolved, request, payload = _made()
    return resolved, request, dict(payload)


@functools.cache
def _context() -> TransactContext:
    """A context whose ABI cache already holds the token ABI: nothing here goes online."""
    client = APIClient("http://127.0.0.1:9")
    cache = ABICache(client)
    cache.set_abi("eosio.token", TOKEN)
    return TransactContext(
        app_name="t",
        chain=ChainDefinition(CHAIN, "http://127.0.0.1:9"),
        client=client,
        abi_cache=cache,
        permission_level=PermissionLevel("alice", "active"),
        http_client=httpx.AsyncClient(),
    )


async def _check(payload: dict[str, Any]) -> list[str]:
    resolved, request, _ = _exchange()
    answer = await _signed(payload, resolved, request, _context(), _translator(None))
    assert answer.resolved is None
    return [str(s) for s in answer.signatures]


def test_a_good_answer_gives_its_signature() -> None:
    _, _, payload = _exchange()
    assert anyio.run(_check, payload) == [payload["sig"]]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"rejected": "no"}, WalletRejected),
        ({"tx": None}, WalletResponseError),
        ({"cid": "ab" * 32}, WalletResponseError),
        ({"sa": "bob"}, WalletResponseError),
        ({"req": "esr:nonsense"}, WalletResponseError),
        ({"sig": "SIG_K1_" + "1" * 90}, WalletResponseError),
        ({"tx": "00" * 32}, WalletResponseError),
    ],
)
def test_answers_that_are_not_for_this_transaction_are_refused(
    changes: dict[str, Any], error: type[Exception]
) -> None:
    _, _, payload = _exchange()
    payload.update(changes)
    payload = {k: v for k, v in payload.items() if v is not None}
    with pytest.raises(error):
        anyio.run(_check, payload)


def test_an_answer_to_another_request_is_refused() -> None:
    _, request, payload = _exchange()
    other = request.clone()
    other.set_callback(buoy.channel_url("https://cb.example.org"), background=True)
    payload["req"] = other.encode()
    with pytest.raises(WalletResponseError, match="another request"):
        anyio.run(_check, payload)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
FIELDS = ["sig", "sig0", "sig7", "tx", "rbn", "rid", "ex", "req", "sa", "sp", "cid", "bn"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
    dropped=st.sets(st.sampled_from(FIELDS), max_size=3),
)
def test_any_answer_gives_signatures_or_a_typed_error(
    changes: dict[str, Any], dropped: set[str]
) -> None:
    _, _, payload = _exchange()
    payload.update(changes)
    for key in dropped:
        payload.pop(key, None)
    with contextlib.suppress(SessionKitError):
        anyio.run(_check, payload)
