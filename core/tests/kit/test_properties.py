"""Hostile input to the session decoders and to restore: a value or a documented error.

Whatever reaches ``decode_session`` (a URL parameter, pasted JSON) or the kit's storage (a file
another program wrote, a browser's localStorage) may be anything. The kit answers with a
session, None, or a `sessionkit.errors` exception (``InvalidValue`` for decoders,
``CorruptStorageError`` for storage, ``ConfigurationError``/``SessionNotFound`` for sessions
it cannot serve), never another exception and never a hang.
"""

from __future__ import annotations

import contextlib
import json
import string
from typing import Any

import pytest
import unit_abis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sessionkit import SessionKit
from sessionkit.antelope import PermissionLevel
from sessionkit.errors import InvalidValue, SessionKitError
from sessionkit.session import Session, decode_session
from sessionkit.storage import MemoryStorage
from sessionkit.testing.doubles import KeyWallet

JUNGLE = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"
KEY = "PVT_K1_TSsXo6cQgnnyFRHBWUcpPYSqUwRpHrvPHLhzdgzEa5bPG8J6j"  # published devnet test key
CHAINS = [{"id": JUNGLE, "url": "https://jungle.example"}]
CLOSED_URL = "http://127.0.0.1:9"  # the discard port: nothing listens, refused at once
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

names = st.from_regex(r"[a-z1-5]{1,12}", fullmatch=True)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
json_objects = st.dictionaries(st.text(max_size=8), json_values, max_size=4)


@st.composite
def serialized_sessions(draw: st.DrawFn) -> dict[str, Any]:
    """A valid serialized session, as WharfKit writes it."""
    value: dict[str, Any] = {
        "chain": draw(st.binary(min_size=32, max_size=32)).hex(),
        "actor": draw(names),
        "permission": draw(names),
        "walletPlugin": {"id": draw(st.text(max_size=20)), "data": draw(json_objects)},
    }
    data = draw(json_objects)
    if data:
        value["data"] = data
    return value


@st.composite
def mangled_sessions(draw: st.DrawFn) -> Any:
    """A valid session with a field removed, retyped or replaced."""
    value: dict[str, Any] = draw(serialized_sessions())
    key = draw(st.sampled_from(["chain", "actor", "permission", "walletPlugin", "data", "default"]))
    action = draw(st.sampled_from(["drop", "replace"]))
    if action == "drop":
        value.pop(key, None)
    else:
        value[key] = draw(
            json_values | names | st.just({"id": 3}) | st.just({"id": "x", "data": []})
        )
    return value  # fmt: skip


@SETTINGS
@given(st.text(max_size=300) | st.binary(max_size=200).map(bytes.hex))
def test_decode_url_gives_a_session_or_invalid_value(text: str) -> None:
    try:
        value = decode_session(text)
    except InvalidValue:
        return
    assert set(value) <= {"chain", "actor", "permission", "walletPlugin", "data"}


@st.composite
def mutated_url(draw: st.DrawFn) -> str:
    """The url form of a valid session with bytes changed, cut or appended."""
    session = draw(serialized_sessions())
    raw = bytearray(_url_bytes(session))
    for _ in range(draw(st.integers(0, 3))):
        raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(raw)))
    return (bytes(raw[:cut]) + draw(st.binary(max_size=8))).hex()


def _url_bytes(serialized: dict[str, Any]) -> bytes:
    from sessionkit._serialized import encode_session_url

    return bytes.fromhex(encode_session_url(serialized))


@SETTINGS
@given(mutated_url())
def test_decode_of_altered_urls_gives_a_session_or_invalid_value(text: str) -> None:
    try:
        value = decode_session(text)
    except InvalidValue:
        return
    assert len(value["chain"]) == 64


@SETTINGS
@given(
    st.text(max_size=200)
    | json_values.map(json.dumps)
    | mangled_sessions().map(json.dumps)
    | st.sampled_from(["[" * 5000, '{"a":' * 3000, "1" * 5000, "NaN", '{"x": Infinity}'])
)
def test_decode_json_gives_a_session_or_invalid_value(text: str) -> None:
    try:
        value = decode_session(text, "json")
    except InvalidValue:
        return
    assert isinstance(value["walletPlugin"]["id"], str)


@SETTINGS
@given(serialized_sessions())
def test_valid_sessions_round_trip_through_both_encodings(serialized: dict[str, Any]) -> None:
    assert decode_session(_url_bytes(serialized).hex()) == serialized
    text = json.dumps(serialized, separators=(",", ":"), ensure_ascii=False)
    assert decode_session(text, "json") == serialized


_SESSION = Session(chain=CHAINS[0], permission_level="a@b", wallet_plugin=KeyWallet(KEY))


@SETTINGS
@given(names, names, json_objects, json_objects)
def test_a_session_encodes_to_what_decodes_back(
    actor: str, permission: str, data: dict[str, Any], wallet_data: dict[str, Any]
) -> None:
    session = _SESSION  # one session (and its HTTP client), its account and data replaced
    session.permission_level = PermissionLevel(actor, permission)
    session.data = data
    session.wallet_plugin.data = wallet_data
    assert decode_session(session.encode("url")) == session.serialize()
    assert decode_session(session.encode("json"), "json") == session.serialize()


storage_texts = (
    st.text(alphabet=string.printable, max_size=120)
    | json_values.map(json.dumps)
    | mangled_sessions().map(json.dumps)
    | st.lists(mangled_sessions() | serialized_sessions(), max_size=3).map(json.dumps)
    | st.sampled_from(["[" * 5000, '[{"chain":' * 2000, "[NaN]", '{"default": true}', "null"])
)


def _kit(values: dict[str, str], chains: list[dict[str, str]] = CHAINS) -> SessionKit:
    return SessionKit(
        "hostile",
        chains,
        wallet_plugins=[KeyWallet(KEY)],
        storage=MemoryStorage(values),
        discover=False,
    )


@pytest.mark.anyio
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(storage_texts, storage_texts)
async def test_restore_from_hostile_storage_is_a_session_none_or_a_kit_error(
    session_text: str, sessions_text: str
) -> None:
    async with _kit({"session": session_text, "sessions": sessions_text}) as kit:
        for attempt in (kit.restore, kit.restore_all, kit.get_sessions):
            try:
                await attempt()
            except SessionKitError:
                continue
        # The kit rewrites the sessions only after reading them as its own: then they load.
        stored = await kit.storage.read("sessions")
        if stored != sessions_text:
            assert json.loads(stored or "[]") == await kit.get_sessions()


@pytest.mark.anyio
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values | mangled_sessions() | serialized_sessions())
async def test_restore_of_hostile_arguments_is_a_session_or_a_kit_error(args: Any) -> None:
    async with _kit({}) as kit:
        try:
            session = await kit.restore(args)
        except SessionKitError:
            return
    if session is None:  # no arguments: the default session, and none is stored
        assert args is None
        return
    assert str(session.chain.id) == JUNGLE


TOKEN_ABI = unit_abis.TOKEN
valid_transfer = {
    "account": "eosio.token",
    "name": "transfer",
    "authorization": [{"actor": "alice", "permission": "active"}],
    "data": {"from": "alice", "to": "bob", "quantity": "1.0000 SYS", "memo": ""},
}


@st.composite
def hostile_actions(draw: st.DrawFn) -> Any:
    """A transfer with fields dropped or replaced by anything JSON can hold, or no dict at all."""
    action: dict[str, Any] = json.loads(json.dumps(valid_transfer))
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(["account", "name", "authorization", "data", "abi", "x"]))
        if draw(st.booleans()):
            action.pop(key, None)
        else:
            action[key] = draw(json_values | names)
    if draw(st.booleans()):
        field = draw(st.sampled_from(["from", "to", "quantity", "memo"]))
        if isinstance(action.get("data"), dict):
            action["data"][field] = draw(json_values)
    return draw(st.just(action) | json_values)


def _offline_session() -> Session:
    """alice@active on a chain whose node refuses at once (nothing listens on port 9)."""
    return Session(
        chain={"id": JUNGLE, "url": CLOSED_URL},
        permission_level="alice@active",
        wallet_plugin=KeyWallet(KEY),
        abis={"eosio.token": TOKEN_ABI},
    )


@pytest.mark.anyio
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_actions())
async def test_transact_of_hostile_actions_is_a_kit_error(action: Any) -> None:
    # Nothing listens on port 9: an action good enough to be resolved fails there, typed.
    async with _offline_session() as session:
        with pytest.raises(SessionKitError):
            await session.transact(action=action, broadcast=False)


@st.composite
def hostile_calls(draw: st.DrawFn) -> dict[str, Any]:
    """transact() arguments: hostile transactions, action lists and signing requests."""
    kind = draw(st.sampled_from(["transaction", "actions", "request"]))
    if kind == "transaction":
        tx: Any = {"actions": draw(st.lists(hostile_actions(), max_size=2))}
        for key in draw(st.lists(st.sampled_from(["expiration", "ref_block_num", "delay_sec"]))):
            tx[key] = draw(json_values)
        return {"transaction": draw(st.just(tx) | json_values)}
    if kind == "actions":
        return {"actions": draw(st.lists(hostile_actions(), max_size=3) | json_values)}
    return {"request": draw(st.text(max_size=80) | st.text(max_size=80).map("esr:".__add__))}


@pytest.mark.anyio
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_calls())
async def test_transact_of_hostile_transactions_and_requests_is_a_kit_error(
    call: dict[str, Any],
) -> None:
    async with _offline_session() as session:
        with pytest.raises(SessionKitError):
            await session.transact(**call, broadcast=False)


KIT_OPTIONS = [
    "chains",
    "ui",
    "wallet_plugins",
    "storage",
    "allow_modify",
    "expire_seconds",
    "login_plugins",
    "transact_plugins",
    "transact_plugins_options",
    "abis",
    "http_client",
    "plugins",
    "discover",
    "strict",
    "validate_plugin_signatures",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(KIT_OPTIONS), json_values)
def test_a_kit_given_any_malformed_option_raises_a_kit_error(option: str, value: Any) -> None:
    options: dict[str, Any] = {
        "chains": CHAINS,
        "wallet_plugins": [KeyWallet(KEY)],
        "storage": MemoryStorage(),
        "discover": False,
        option: value,
    }
    chains = options.pop("chains")
    with contextlib.suppress(SessionKitError):
        SessionKit("hostile", chains, **options)


LOGIN_OPTIONS = [
    "chain",
    "chains",
    "permission_level",
    "wallet_plugin",
    "set_as_default",
    "arbitrary",
    "login_plugins",
    "transact_plugins",
    "transact_plugins_options",
]


@pytest.mark.anyio
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(LOGIN_OPTIONS), json_values)
async def test_login_given_any_malformed_option_raises_a_kit_error(option: str, value: Any) -> None:
    """The chain is unreachable: a login that gets past its options fails reaching it."""
    async with _kit({}, chains=[{"id": JUNGLE, "url": CLOSED_URL}]) as kit:
        with contextlib.suppress(SessionKitError):
            await kit.login(**{option: value})


@pytest.mark.anyio
@pytest.mark.parametrize("session", [None, 5, "alice@active", {"actor": "alice"}])
async def test_persisting_what_is_not_a_session_is_refused(session: Any) -> None:
    async with _kit({}) as kit:
        with pytest.raises(InvalidValue, match="persist_session takes a Session"):
            await kit.persist_session(session)
