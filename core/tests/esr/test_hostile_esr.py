"""Hostile signing requests and key strings (issue 7): bounded work, only our errors.

``max_size`` is a real limit for every value it accepts (0 was "no limit" to zlib), a contract
ABI that decodes without end is stopped through ``resolve``, placeholders are found with the
codec's own reading of the ABI (an alias defined twice counts once, as the codec counts it),
and the functions taking keys accept their strings and refuse anything else with our errors.
"""

from __future__ import annotations

import base64
import contextlib
import time
import zlib
from typing import Any

import pytest
import unit_abis
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sessionkit.antelope import ABI, Name, PrivateKey
from sessionkit.errors import (
    DecodeError,
    InvalidKey,
    InvalidSigningRequest,
    InvalidValue,
    SessionKitError,
)
from sessionkit.esr import ChainName, SigningRequest
from sessionkit.esr.sealed import SealedMessage, seal, unseal, unseal_text

KEY = PrivateKey.from_string("PVT_K1_2Uew3LyC8KRRXrnqiN4RmMP2nqR1tVY5gAjXMJkdtFVTthdRtJ")
OTHER = PrivateKey.from_string("PVT_K1_LzT8YiEeLKG82uYqYPjytVotkztTVgR9Xs9YFfRU1wQ7dtcED")
TAPOS = {"expiration": "2024-05-01T12:00:00", "ref_block_num": 1, "ref_block_prefix": 7}
P1, P2 = "............1", "............2"


def uri_of(header: int, payload: bytes) -> str:
    body = base64.urlsafe_b64encode(bytes((header,)) + payload).rstrip(b"=")
    return "esr:" + body.decode()


def deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


# -- max_size ----------------------------------------------------------------------------------

BOMB = uri_of(0x82, deflated(bytes(32 << 20)))


ODD_SIZES: list[Any] = [0, -1, True, False, 1.5, "100", None, 2**32, 10**5000]


@pytest.mark.parametrize("max_size", ODD_SIZES, ids=[type(v).__name__ for v in ODD_SIZES])
def test_odd_max_sizes_are_refused_before_inflating(max_size: Any) -> None:
    started = time.process_time()
    with pytest.raises(InvalidValue, match="max_size is the most bytes"):
        SigningRequest.from_uri(BOMB, max_size=max_size)
    with pytest.raises(InvalidValue, match="max_size"):
        SigningRequest.from_bytes(bytes((0x82,)) + deflated(bytes(100)), max_size=max_size)
    assert time.process_time() - started < 1.0


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=2**20))
@example(1)
def test_every_accepted_max_size_is_a_real_limit(max_size: int) -> None:
    started = time.process_time()
    with pytest.raises(InvalidSigningRequest, match=f"more than {max_size} bytes"):
        SigningRequest.from_uri(BOMB, max_size=max_size)
    assert time.process_time() - started < 1.0


# -- a hostile contract ABI through resolve -----------------------------------------------------

HOSTILE = ABI.from_json(
    {
        "version": "eosio::abi/1.1",
        "types": [{"new_type_name": "forever", "type": "bool$[999999][999999]"}],
        "structs": [
            {"name": "s0", "base": "", "fields": [{"name": "a", "type": "bool$"}]},
            *(
                {
                    "name": f"s{i}",
                    "base": "",
                    "fields": [
                        {"name": "a", "type": f"s{i - 1}"},
                        {"name": "b", "type": f"s{i - 1}"},
                    ],
                }
                for i in range(1, 60)
            ),
            {"name": "zero", "base": "", "fields": [{"name": "x", "type": "forever"}]},
            {"name": "twice", "base": "", "fields": [{"name": "x", "type": "s59"}]},
        ],
        "actions": [
            {"name": "zero", "type": "zero", "ricardian_contract": ""},
            {"name": "twice", "type": "twice", "ricardian_contract": ""},
        ],
    }
)


@pytest.mark.parametrize("action", ["zero", "twice"])
def test_resolving_against_a_hostile_abi_stops_within_milliseconds(action: str) -> None:
    request = SigningRequest.create(
        action={"account": "evil", "name": action, "authorization": [], "data": ""},
        chain_id=ChainName.EOS,
    )
    started = time.process_time()
    with pytest.raises(SessionKitError) as caught:
        request.resolve({"evil": HOSTILE}, "alice@active", **TAPOS)
    assert time.process_time() - started < 1.0
    assert isinstance(caught.value, DecodeError | InvalidSigningRequest)


# -- placeholders: the codec's reading of the ABI ------------------------------------------------


def twice_aliased(first: str, second: str) -> ABI:
    """``who`` defined twice: the codec takes the first definition."""
    return ABI.from_json(
        {
            "version": "eosio::abi/1.1",
            "types": [
                {"new_type_name": "who", "type": first},
                {"new_type_name": "who", "type": second},
            ],
            "structs": [{"name": "act", "base": "", "fields": [{"name": "x", "type": "who"}]}],
            "actions": [{"name": "act", "type": "act", "ricardian_contract": ""}],
        }
    )


@pytest.mark.parametrize(("first", "second"), [("name", "string"), ("name", "uint64")])
def test_an_alias_defined_twice_resolves_as_the_codec_reads_it(first: str, second: str) -> None:
    abi = twice_aliased(first, second)
    assert abi.resolve_type("who").name == "name"
    request = SigningRequest.create(
        action={"account": "app", "name": "act", "authorization": [], "data": {"x": P1}},
        abis={"app": abi},
        chain_id=ChainName.EOS,
    )
    resolved = request.resolve({"app": abi}, "alice@active", **TAPOS)
    data = abi.decode("act", bytes(resolved.transaction.actions[0].data))
    assert data == {"x": "alice"}  # no placeholder left in what is signed


def test_an_alias_to_a_string_first_keeps_the_text() -> None:
    abi = twice_aliased("string", "name")
    request = SigningRequest.create(
        action={"account": "app", "name": "act", "authorization": [], "data": {"x": P1}},
        abis={"app": abi},
        chain_id=ChainName.EOS,
    )
    resolved = request.resolve({"app": abi}, "alice@active", **TAPOS)
    assert abi.decode("act", bytes(resolved.transaction.actions[0].data)) == {"x": P1}


LINKED = ABI.from_json(
    {
        "version": "eosio::abi/1.1",
        "structs": [
            {
                "name": "node",
                "base": "",
                "fields": [{"name": "who", "type": "name"}, {"name": "next", "type": "node?"}],
            }
        ],
        "actions": [{"name": "node", "type": "node", "ricardian_contract": ""}],
    }
)


def linked_data(depth: int) -> bytes:
    actor = bytes(8)  # "" (name 0)
    placeholder = (1).to_bytes(8, "little")
    return b"".join(
        (placeholder if i % 2 else actor) + (b"\x01" if i < depth - 1 else b"\x00")
        for i in range(depth)
    )


@pytest.mark.parametrize("depth", [10, 31, 33, 5000])  # each level is a struct and an optional
def test_deep_recursive_data_is_resolved_or_a_decode_error(depth: int) -> None:
    request = SigningRequest.create(
        action={"account": "app", "name": "node", "authorization": [], "data": linked_data(depth)},
        chain_id=ChainName.EOS,
    )
    if depth > 32:
        with pytest.raises(InvalidSigningRequest, match="nest more than 64"):
            request.resolve({"app": LINKED}, "alice@active", **TAPOS)
        return
    resolved = request.resolve({"app": LINKED}, "alice@active", **TAPOS)
    data = LINKED.decode("node", bytes(resolved.transaction.actions[0].data))
    assert data["next"]["who"] == "alice"
    assert P1 not in repr(data)


# -- keys given as strings ---------------------------------------------------------------------


def test_sealed_messages_take_key_strings() -> None:
    sealed = seal("hi", KEY.to_wif(), str(OTHER.public_key), nonce=7)
    assert sealed == seal("hi", KEY, OTHER.public_key, nonce=7)
    assert unseal(sealed, OTHER.to_string()) == b"hi"
    assert unseal_text(sealed, OTHER.to_wif(), peer=str(KEY.public_key)) == "hi"
    assert KEY.shared_secret(str(OTHER.public_key)) == OTHER.shared_secret(KEY.public_key)


def test_a_request_is_signed_with_a_key_string() -> None:
    request = SigningRequest.create(identity={}, chain_id=ChainName.EOS)
    request.sign(KEY.to_wif(), "app")
    assert request.signature is not None
    assert request.signature.signer == Name("app")
    assert request.signature.signature.recover(request.signature_digest) == KEY.public_key


WRONG_KEYS: list[Any] = [
    "",
    "PVT_K1_",
    "5" * 60,
    "PVT_K1_" + "9" * 5000,
    "EOS" + "1" * 50,
    str(KEY.public_key),
    b"\x01" * 32,
    KEY.to_wif().encode(),
    123,
    None,
    ["PVT_K1_x"],
]


@pytest.mark.parametrize("wrong", WRONG_KEYS, ids=range(len(WRONG_KEYS)))
def test_wrong_keys_are_invalid_keys_never_bare_errors(wrong: Any) -> None:
    sealed = seal("hi", KEY, OTHER.public_key, nonce=7)
    calls = [
        lambda: seal("hi", wrong, OTHER.public_key),
        lambda: unseal(sealed, wrong),
        lambda: SigningRequest.create(identity={}, chain_id=ChainName.EOS).sign(wrong, "app"),
    ]
    if wrong != str(KEY.public_key):  # a valid public key where one is expected
        calls.append(lambda: seal("hi", KEY, wrong))
        calls.append(lambda: KEY.shared_secret(wrong))
    for call in calls:
        with pytest.raises(InvalidValue) as caught:
            call()
        assert isinstance(caught.value, InvalidKey | InvalidValue)
        assert KEY.to_wif()[5:30] not in str(caught.value)
        assert len(str(caught.value)) < 600


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120) | st.binary(max_size=60))
def test_any_key_text_seals_or_raises_an_invalid_value(text: str | bytes) -> None:
    for call in (
        lambda: seal("hi", text, OTHER.public_key),  # type: ignore[arg-type]
        lambda: seal("hi", KEY, text),  # type: ignore[arg-type]
        lambda: unseal(SealedMessage(KEY.public_key, 1, b"\x00" * 16, 0), text),  # type: ignore[arg-type]
    ):
        with contextlib.suppress(InvalidValue):
            call()


# -- create: whatever an app passes, only our errors ---------------------------------------------

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=14) | st.binary(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=14), inner),
    max_leaves=12,
)
ACTION_KEYS = st.fixed_dictionaries(
    {},
    optional={
        "account": JSONISH | st.just("eosio.token"),
        "name": JSONISH | st.just("transfer"),
        "authorization": JSONISH | st.just([{"actor": "alice", "permission": "active"}]),
        "data": JSONISH | st.just("00"),
    },
)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(["action", "actions", "transaction", "identity"]),
    value=JSONISH | ACTION_KEYS | st.lists(ACTION_KEYS | JSONISH, max_size=2),
)
@example(kind="action", value={"account": "a", "name": "b", "authorization": None})
@example(kind="actions", value=[None])
@example(kind="transaction", value={"actions": 5})
@example(kind="identity", value=5)
def test_create_refuses_any_malformed_argument_with_a_sessionkit_error(
    kind: str, value: Any
) -> None:
    try:
        request = SigningRequest.create(chain_id=ChainName.EOS, **{kind: value})
    except SessionKitError:
        return
    assert SigningRequest.from_uri(request.encode()) == request  # accepted means encodable


@settings(max_examples=300, deadline=None)
@given(
    option=st.sampled_from(["info", "chain_ids", "abis", "callback", "broadcast", "background"]),
    value=JSONISH,
)
@example(option="info", value=5)
@example(option="chain_ids", value=5)
@example(option="abis", value={"eosio.token": 5})
def test_create_refuses_any_malformed_option_with_a_sessionkit_error(
    option: str, value: Any
) -> None:
    action = {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": "alice", "permission": "active"}],
        "data": {"from": "alice", "to": "bob", "quantity": "1.0000 SYS", "memo": ""},
    }
    chain: dict[str, Any] = {"chain_id": None} if option == "chain_ids" else {}
    try:
        request = SigningRequest.create(
            action=action, **{"chain_id": ChainName.EOS, **chain, option: value}
        )
    except SessionKitError:
        return
    assert SigningRequest.from_uri(request.encode()) == request  # accepted means encodable


TOKEN = ABI.from_json(unit_abis.TOKEN)


@settings(max_examples=300, deadline=None)
@given(
    options=st.dictionaries(
        st.sampled_from(
            [
                "expiration",
                "ref_block_num",
                "ref_block_prefix",
                "block_num",
                "timestamp",
                "expire_seconds",
                "chain_id",
            ]
        ),
        JSONISH | st.integers(),
    ),
    signer=JSONISH | st.just("alice@active"),
)
@example(options={"block_num": "x", "ref_block_prefix": 1, "timestamp": 5}, signer="alice@active")
@example(options={"block_num": 1, "ref_block_prefix": 1, "expire_seconds": "x"}, signer="a@b")
def test_resolve_refuses_any_malformed_option_with_a_sessionkit_error(
    options: dict[str, Any], signer: Any
) -> None:
    action = {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": P1, "permission": P2}],
        "data": {"from": P1, "to": "bob", "quantity": "1.0000 SYS", "memo": ""},
    }
    request = SigningRequest.create(
        action=action, chain_id=ChainName.EOS, abis={"eosio.token": TOKEN}
    )
    with contextlib.suppress(SessionKitError):
        request.resolve({"eosio.token": TOKEN}, signer, **options)


@pytest.mark.parametrize(
    "change",
    [
        lambda r: SigningRequest.create(action=r.raw_actions[0], chain_id=1, callback="\ud800"),
        lambda r: SigningRequest.create(action=r.raw_actions[0], chain_id=1, info={"\ud800": "v"}),
        lambda r: SigningRequest.create(action=r.raw_actions[0], chain_id=1, info={"k": "\ud800"}),
        lambda r: r.set_callback("\ud800"),
        lambda r: r.set_info_key("\ud800", "v"),
        lambda r: r.set_info_key("k", "\ud800"),
    ],
    ids=["callback", "info-key", "info-value", "set-callback", "set-key", "set-value"],
)
def test_text_that_is_not_unicode_is_refused_where_it_is_given(change: Any) -> None:
    action = {"account": "eosio.token", "name": "transfer", "authorization": [], "data": "00"}
    request = SigningRequest.create(action=action, chain_id=ChainName.EOS)
    with pytest.raises(InvalidSigningRequest, match="lone surrogate"):
        change(request)
    assert SigningRequest.from_uri(request.encode()) == request
