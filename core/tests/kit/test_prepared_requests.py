"""The kit resolves the requests it builds from actions without decoding them again.

``prepare_request`` keeps the actions it encoded when none can hold a placeholder name, and
``resolve_prepared`` builds the transaction from them. Both must give exactly what the general
way gives (``SigningRequest.create`` and ``resolve``): the same request, transaction, digest
and decoded ``resolved_transaction``. Hypothesis draws action data with names in every place an
ABI can hold one, placeholders among them, given as text or as ``Name``.
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sessionkit._requests import prepare_request, resolve_prepared
from sessionkit.antelope import ABI, Name, PermissionLevel, TimePointSec
from sessionkit.chain import ABICache, APIClient, ChainDefinition, TransactionHeader
from sessionkit.errors import EncodeError, SessionKitError
from sessionkit.esr import PLACEHOLDER_ACTOR, PLACEHOLDER_PERMISSION, SigningRequest
from unit_abis import NAMES_EVERYWHERE, TOKEN

CHAIN = ChainDefinition(
    "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d", "http://127.0.0.1:9"
)
HEADER = TransactionHeader(
    expiration=TimePointSec.from_json("2026-12-03T12:00:00"),
    ref_block_num=4321,
    ref_block_prefix=3_000_000_000,
)
SIGNER = PermissionLevel.from_json("alice@active")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CONTRACT = ABI.from_json(NAMES_EVERYWHERE)
ABIS = {"contract": CONTRACT, "eosio.token": ABI.from_json(TOKEN)}

plain_names = st.from_regex(r"[a-z1-5]{1,12}", fullmatch=True)
name_texts = plain_names | st.sampled_from([PLACEHOLDER_ACTOR, PLACEHOLDER_PERMISSION])
names = name_texts | name_texts.map(Name)
levels = st.builds(
    lambda actor, permission, form: (
        {"actor": actor, "permission": permission}
        if form == "dict"
        else f"{actor}@{permission}"
        if form == "text"
        else PermissionLevel.from_json({"actor": actor, "permission": permission})
    ),
    name_texts,
    name_texts,
    st.sampled_from(["dict", "text", "object"]),
)


@st.composite
def everything(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "owner": draw(names),
        "memo": draw(st.text(max_size=16) | name_texts),
        "many": draw(st.lists(names, max_size=3) | st.lists(names, max_size=3).map(tuple)),
        "maybe": draw(st.none() | names),
        "pairs": draw(st.lists(st.fixed_dictionaries({"a": names}), max_size=2)),
        "choice": draw(
            st.tuples(st.just("string"), st.text(max_size=8) | name_texts)
            | st.tuples(st.just("name"), names)
        ),
        "count": draw(st.integers(0, 2**64 - 1)),
    }
    if draw(st.booleans()):
        data["later"] = draw(names)
    return data


@st.composite
def transfers(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "from": draw(names),
        "to": draw(plain_names),
        "quantity": f"0.{draw(st.integers(1, 9999)):04d} SYS",  # 0.0001 packs like name 1
        "memo": draw(st.text(max_size=16) | name_texts),
    }


@st.composite
def actions(draw: st.DrawFn) -> dict[str, Any]:
    contract = draw(st.sampled_from(["contract", "eosio.token"]))
    return {
        "account": contract,
        "name": "doit" if contract == "contract" else "transfer",
        "authorization": draw(st.lists(levels, min_size=1, max_size=2)),
        "data": draw(everything() if contract == "contract" else transfers()),
    }


def cache() -> ABICache:
    abis = ABICache(APIClient(CHAIN.url))
    for account, abi in ABIS.items():
        abis.set_abi(account, abi)
    return abis


def general_way(listed: list[dict[str, Any]]) -> SigningRequest:
    return SigningRequest.create(actions=listed, chain_id=CHAIN.id, broadcast=False, abis=ABIS)


def holds_placeholder(value: object) -> bool:
    if isinstance(value, str | Name):  # a name, or a permission level as "actor@permission"
        return PLACEHOLDER_ACTOR in str(value) or PLACEHOLDER_PERMISSION in str(value)
    if isinstance(value, PermissionLevel):
        return holds_placeholder(value.to_json())
    if isinstance(value, dict):
        return any(holds_placeholder(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(holds_placeholder(v) for v in value)
    return False


@SETTINGS
@given(st.lists(actions(), min_size=1, max_size=3))
def test_prepared_requests_resolve_as_the_general_way_does(listed: list[dict[str, Any]]) -> None:
    prepared = anyio.run(lambda: prepare_request(cache(), CHAIN.id, actions=listed))
    general = general_way(listed)
    assert prepared.request.encode() == general.encode()
    if prepared.actions is None:
        assert holds_placeholder(listed)  # only a value that could be a placeholder opts out
        return
    expected = general.resolve(
        ABIS,
        SIGNER,
        expiration=HEADER.expiration,
        ref_block_num=HEADER.ref_block_num,
        ref_block_prefix=HEADER.ref_block_prefix,
    )
    resolved = resolve_prepared(prepared, SIGNER, HEADER, CHAIN.id)
    assert resolved.request is prepared.request
    assert resolved.transaction.to_bytes() == expected.transaction.to_bytes()
    assert resolved.signing_digest == expected.signing_digest
    assert resolved.chain_id == expected.chain_id
    assert resolved.signer == expected.signer
    assert resolved.resolved_transaction == expected.resolved_transaction


@pytest.mark.parametrize(
    "where",
    ["owner", "many", "maybe", "pairs", "choice", "later", "name object", "authorization"],
)
def test_a_placeholder_anywhere_takes_the_general_way(where: str) -> None:
    data: dict[str, Any] = {
        "owner": "bob",
        "memo": "hi",
        "many": ["carol"],
        "maybe": None,
        "pairs": [],
        "choice": ["string", "x"],
        "count": 1,
    }
    authorization: list[Any] = [{"actor": "alice", "permission": "active"}]
    value = {
        "owner": PLACEHOLDER_ACTOR,
        "many": ["carol", PLACEHOLDER_PERMISSION],
        "maybe": PLACEHOLDER_ACTOR,
        "pairs": [{"a": PLACEHOLDER_ACTOR}],
        "choice": ["name", PLACEHOLDER_ACTOR],
        "later": PLACEHOLDER_PERMISSION,
        "name object": Name(PLACEHOLDER_ACTOR),
    }.get(where)
    if where == "authorization":
        authorization = [f"{PLACEHOLDER_ACTOR}@active"]
    else:
        data["owner" if where == "name object" else where] = value
    action = {"account": "contract", "name": "doit", "authorization": authorization, "data": data}
    prepared = anyio.run(lambda: prepare_request(cache(), CHAIN.id, action=action))
    assert prepared.actions is None
    resolved = prepared.request.resolve(
        ABIS,
        SIGNER,
        expiration=HEADER.expiration,
        ref_block_num=HEADER.ref_block_num,
        ref_block_prefix=HEADER.ref_block_prefix,
    )
    assert PLACEHOLDER_ACTOR not in str(resolved.resolved_transaction)
    assert PLACEHOLDER_PERMISSION not in str(resolved.resolved_transaction)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ("00" * 8, "data given as hex is checked against the ABI when resolved"),
        (b"\x00" * 8, "so is data given as bytes"),
    ],
)
def test_encoded_data_takes_the_general_way(data: object, why: str) -> None:
    action = {"account": "eosio.token", "name": "close", "authorization": [], "data": data}
    prepared = anyio.run(lambda: prepare_request(cache(), CHAIN.id, action=action))
    assert prepared.actions is None, why


def test_a_plain_transfer_resolves_from_its_encoded_action() -> None:
    """The common case takes the short way, and decodes its data only when read."""
    action = {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": "alice", "permission": "active"}],
        "data": {"from": "alice", "to": "bob", "quantity": "0.0001 SYS", "memo": "hi"},
    }
    prepared = anyio.run(lambda: prepare_request(cache(), CHAIN.id, action=action))
    assert prepared.actions is not None
    resolved = resolve_prepared(prepared, SIGNER, HEADER, CHAIN.id)
    assert resolved._resolved_transaction is None
    assert resolved.resolved_transaction["actions"][0]["data"] == {
        "from": "alice",
        "to": "bob",
        "quantity": "0.0001 SYS",
        "memo": "hi",
    }


class BrokenJSON:
    """A value whose ``to_json`` raises: the kit must not let that escape (nor skip it)."""

    def to_json(self) -> Any:
        raise RuntimeError("no JSON today")


@pytest.mark.parametrize(
    ("account", "name", "data"),
    [
        (
            "eosio.token",
            "transfer",
            {"from": "alice", "to": "bob", "quantity": "0.0001 SYS", "memo": BrokenJSON()},
        ),
        (
            "contract",
            "doit",
            {
                "owner": "bob",
                "memo": "",
                "many": [],
                "maybe": None,
                "pairs": [BrokenJSON()],
                "choice": ["string", ""],
                "count": 1,
            },
        ),
    ],
)
def test_a_value_that_fails_to_give_its_json_is_an_encode_error(
    account: str, name: str, data: dict[str, Any]
) -> None:
    action = {"account": account, "name": name, "authorization": [], "data": data}
    with pytest.raises(EncodeError):
        anyio.run(lambda: prepare_request(cache(), CHAIN.id, action=action))


junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=14)
    | name_texts
    | st.binary(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)


@SETTINGS
@given(
    st.fixed_dictionaries(
        {
            "account": st.sampled_from(["contract", "eosio.token"]),
            "name": st.sampled_from(["doit", "transfer", "close"]),
            "authorization": st.lists(junk | levels, max_size=2) | junk,
            "data": st.dictionaries(
                st.sampled_from(["from", "to", "quantity", "memo", "owner", "count", "many"]),
                junk,
                max_size=5,
            )
            | junk,
        }
    )
)
def test_hostile_actions_give_a_documented_error_or_the_general_result(
    action: dict[str, Any],
) -> None:
    """Whatever an app passes: a request equal to the general way's, or a SessionKitError."""
    try:
        prepared = anyio.run(lambda: prepare_request(cache(), CHAIN.id, action=action))
    except SessionKitError:
        return
    assert prepared.request.encode() == general_way([action]).encode()
