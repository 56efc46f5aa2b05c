"""Resolution rules beyond the vectors: type-aware placeholders, TAPoS sources, chain checks,
callbacks, signature extraction and rebuilding from a wallet's payload."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.antelope import ABI, Checksum256, Name, PrivateKey, Signature, TimePoint
from sessionkit.chain import GetInfoResponse
from sessionkit.errors import (
    ABINotFoundError,
    InvalidSignature,
    InvalidSigningRequest,
    SessionKitError,
)
from sessionkit.esr import (
    PLACEHOLDER_ACTOR,
    PLACEHOLDER_PERMISSION,
    ChainName,
    ResolvedSigningRequest,
    SigningRequest,
    extract_signatures,
)
from unit_abis import NAMES_EVERYWHERE

P1, P2 = PLACEHOLDER_ACTOR, PLACEHOLDER_PERMISSION
EOS = "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906"
JUNGLE4 = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"
TAPOS = {"expiration": "2024-05-01T12:00:00", "ref_block_num": 70000, "ref_block_prefix": 7}

# Every way an ABI can hold a name (unit_abis.NAMES_EVERYWHERE); and strings that merely look
# like placeholders.
CONTRACT = ABI.from_json(NAMES_EVERYWHERE)
ABIS = {"contract": CONTRACT}


def request_for(data: dict[str, Any], **options: Any) -> SigningRequest:
    action = {
        "account": "contract",
        "name": "doit",
        "authorization": [{"actor": P1, "permission": P1}, {"actor": "other", "permission": P2}],
        "data": data,
    }
    return SigningRequest.create(action=action, abis=ABIS, **{"chain_id": ChainName.EOS, **options})


EVERYTHING = {
    "owner": P1,
    "memo": P1,
    "many": [P1, "carol", P2],
    "maybe": P2,
    "pairs": [{"a": P1}, {"a": "dave"}],
    "choice": ["name", P1],
    "count": 1,
    "later": P2,
}


def test_placeholders_are_replaced_only_where_the_abi_says_name() -> None:
    resolved = request_for(EVERYTHING).resolve(ABIS, "alice@owner", **TAPOS)
    action = resolved.resolved_transaction["actions"][0]
    assert action["data"] == {
        "owner": "alice",
        "memo": P1,
        "many": ["alice", "carol", "owner"],
        "maybe": "owner",
        "pairs": [{"a": "alice"}, {"a": "dave"}],
        "choice": ["name", "alice"],
        "count": 1,
        "later": "owner",
    }
    assert action["authorization"] == [
        {"actor": "alice", "permission": "owner"},
        {"actor": "other", "permission": "owner"},
    ]
    encoded = resolved.transaction.actions[0]
    assert CONTRACT.decode("everything", encoded.data) == action["data"]


def test_string_variant_and_absent_values_stay() -> None:
    data = {**EVERYTHING, "choice": ["string", P1], "maybe": None}
    data.pop("later")
    resolved = request_for(data).resolve(ABIS, "alice@active", **TAPOS)
    decoded = resolved.resolved_transaction["actions"][0]["data"]
    assert decoded["choice"] == ["string", P1]
    assert decoded["maybe"] is None


def test_data_without_placeholders_is_signed_as_requested() -> None:
    data = {**EVERYTHING, "owner": "bob", "many": [], "maybe": None, "pairs": []}
    data.update(choice=["string", ""], later="bob")
    request = request_for(data)
    resolved = request.resolve(ABIS, "alice@active", **TAPOS)
    assert resolved.transaction.actions[0].data == request.raw_actions[0].data


def test_a_resolved_request_given_its_transaction_decodes_it_when_read() -> None:
    """``resolved_transaction=None`` with ``abis=``: the decoded form is made on first read and
    is what ``resolve`` gives; a missing or mismatched ABI is a documented error then."""
    resolved = request_for(EVERYTHING).resolve(ABIS, "alice@owner", **TAPOS)

    def given(abis: dict[str, ABI]) -> ResolvedSigningRequest:
        return ResolvedSigningRequest(
            resolved.request,
            resolved.signer,
            resolved.transaction,
            None,
            resolved.chain_id,
            abis=abis,
        )

    assert given(ABIS).resolved_transaction == resolved.resolved_transaction
    with pytest.raises(ABINotFoundError, match="no ABI given for contract"):
        _ = given({}).resolved_transaction
    other = ABI.from_json(
        {
            "version": "eosio::abi/1.1",
            "structs": [{"name": "n", "base": "", "fields": [{"name": "n", "type": "name"}]}],
            "actions": [{"name": "doit", "type": "n", "ricardian_contract": ""}],
        }
    )
    with pytest.raises(InvalidSigningRequest, match="does not match its ABI"):
        _ = given({"contract": other}).resolved_transaction


def test_tapos_from_a_reference_block() -> None:
    resolved = request_for(EVERYTHING).resolve(
        ABIS,
        "alice@active",
        block_num=0x12345,
        ref_block_prefix=99,
        timestamp="2024-01-01T00:00:00",
        expire_seconds=30,
    )
    tx = resolved.transaction
    assert tx.ref_block_num == 0x2345
    assert tx.ref_block_prefix == 99
    assert str(tx.expiration) == "2024-01-01T00:00:30"


def test_ref_block_num_is_truncated_to_16_bits() -> None:
    resolved = request_for(EVERYTHING).resolve(ABIS, "alice@active", **TAPOS)
    assert resolved.transaction.ref_block_num == 70000 & 0xFFFF


@pytest.mark.parametrize(
    "context",
    [{}, {"expiration": "2024-01-01T00:00:00"}, {**TAPOS, "ref_block_prefix": -1}],
)
def test_missing_or_bad_tapos_is_refused(context: dict[str, Any]) -> None:
    with pytest.raises(InvalidSigningRequest):
        request_for(EVERYTHING).resolve(ABIS, "alice@active", **context)


def test_identity_v3_expires_a_minute_from_now_by_default() -> None:
    request = SigningRequest.create_identity(
        "https://cb.example", scope="app", chain_id=ChainName.EOS
    )
    resolved = request.resolve(None, "alice@active")
    left = resolved.transaction.expiration.to_datetime() - datetime.now(UTC)
    assert timedelta(seconds=55) <= left <= timedelta(seconds=61)


def test_missing_abi_and_mismatched_data() -> None:
    with pytest.raises(ABINotFoundError, match="contract"):
        request_for(EVERYTHING).resolve({}, "alice@active", **TAPOS)
    raw = SigningRequest.create(
        action={"account": "contract", "name": "doit", "authorization": [], "data": "0001"},
        chain_id=ChainName.EOS,
    )
    with pytest.raises(InvalidSigningRequest, match="does not match its ABI"):
        raw.resolve(ABIS, "alice@active", **TAPOS)


def test_chain_choice() -> None:
    single = request_for(EVERYTHING)
    with pytest.raises(InvalidSigningRequest, match="not"):
        single.resolve(ABIS, "alice@active", chain_id=JUNGLE4, **TAPOS)
    assert str(single.resolve(ABIS, "alice@active", chain_id=1, **TAPOS).chain_id) == EOS
    anywhere = request_for(EVERYTHING, chain_id=None)
    with pytest.raises(InvalidSigningRequest, match="chain_id="):
        anywhere.resolve(ABIS, "alice@active", **TAPOS)
    assert str(anywhere.resolve(ABIS, "a@b", chain_id=JUNGLE4, **TAPOS).chain_id) == JUNGLE4
    limited = request_for(EVERYTHING, chain_id=None, chain_ids=[EOS])
    with pytest.raises(InvalidSigningRequest, match="not one this request allows"):
        limited.resolve(ABIS, "alice@active", chain_id=JUNGLE4, **TAPOS)


# -- callbacks --------------------------------------------------------------------------------

KEY = PrivateKey.from_string("PVT_K1_2Uew3LyC8KRRXrnqiN4RmMP2nqR1tVY5gAjXMJkdtFVTthdRtJ")


def resolved_with_callback(callback: str) -> ResolvedSigningRequest:
    return request_for(EVERYTHING, callback=callback).resolve(ABIS, "alice@active", **TAPOS)


def test_callback_templates_and_extra_signatures() -> None:
    resolved = resolved_with_callback(
        "https://cb.example/?a={{sig}}&b={{sig0}}&c={{nope}}&bn={{bn}}"
    )
    first = KEY.sign_digest(resolved.signing_digest)
    second = PrivateKey.generate().sign_digest(resolved.signing_digest)
    callback = resolved.get_callback([first, str(second)], block_num=0)
    assert callback is not None
    assert callback.url == f"https://cb.example/?a={first}&b={second}&c=&bn="
    assert callback.payload["sig0"] == str(second)
    assert "bn" not in callback.payload
    assert extract_signatures(callback.payload) == [first, second]


def test_callback_needs_a_signature() -> None:
    with pytest.raises(InvalidSigningRequest, match="at least one signature"):
        resolved_with_callback("https://cb.example").get_callback([])


def test_payload_round_trip_and_its_checks() -> None:
    resolved = resolved_with_callback("https://cb.example")
    callback = resolved.get_callback([KEY.sign_digest(resolved.signing_digest)], 1234)
    assert callback is not None
    payload = callback.payload
    rebuilt = ResolvedSigningRequest.from_payload(payload, ABIS)
    assert rebuilt.transaction == resolved.transaction
    assert rebuilt.signer == resolved.signer
    for key in ("req", "sa", "rbn", "ex"):
        with pytest.raises(InvalidSigningRequest, match=key):
            ResolvedSigningRequest.from_payload(
                {k: v for k, v in payload.items() if k != key}, ABIS
            )
    with pytest.raises(InvalidSigningRequest, match="not a number"):
        ResolvedSigningRequest.from_payload({**payload, "rid": "-1"}, ABIS)
    with pytest.raises(InvalidSigningRequest, match="this request is for chain"):
        ResolvedSigningRequest.from_payload({**payload, "cid": JUNGLE4}, ABIS)


SIG_A = str(KEY.sign_digest(bytes(32)))
SIG_B = str(KEY.sign_digest(bytes(31) + b"\x01"))
SIG_C = str(KEY.sign_digest(bytes(31) + b"\x02"))


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"sig": SIG_A}, [SIG_A]),
        ({"sig": SIG_A, "sig0": SIG_B}, [SIG_A, SIG_B]),  # the JS library's numbering
        ({"sig": SIG_A, "sig0": SIG_A, "sig1": SIG_B}, [SIG_A, SIG_B]),  # the spec's numbering
        ({"sig": SIG_A, "sig1": SIG_B}, [SIG_A, SIG_B]),  # Anchor iOS's numbering
        ({"sig10": SIG_C, "sig2": SIG_B, "sig": SIG_A}, [SIG_A, SIG_B, SIG_C]),  # gaps, order
        ({"sig0": SIG_B, "signer": "x", "sigx": "y", "tx": "z"}, [SIG_B]),
        ({}, []),
    ],
)
def test_extract_signatures(payload: dict[str, str], expected: list[str]) -> None:
    assert [str(s) for s in extract_signatures(payload)] == expected
    assert all(isinstance(s, Signature) for s in extract_signatures(payload))


def test_extract_signatures_refuses_junk() -> None:
    with pytest.raises(InvalidSignature):
        extract_signatures({"sig": "SIG_K1_nope"})
    with pytest.raises(InvalidSigningRequest, match="strings"):
        extract_signatures({"sig": 5})


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=8), st.one_of(st.text(max_size=20), st.integers())))
def test_extract_signatures_never_raises_anything_else(payload: dict[str, Any]) -> None:
    try:
        signatures = extract_signatures(payload)
    except SessionKitError:
        return
    assert len(signatures) == len({str(s) for s in signatures})


PAYLOAD_KEYS = ["sig", "sig0", "tx", "rbn", "rid", "ex", "req", "sa", "sp", "cid", "bn"]


def _valid_payload() -> dict[str, str]:
    resolved = resolved_with_callback("https://cb.example")
    callback = resolved.get_callback([KEY.sign_digest(resolved.signing_digest)], 5)
    assert callback is not None
    return callback.payload


VALID_PAYLOAD = _valid_payload()


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(PAYLOAD_KEYS),
        st.one_of(st.text(max_size=30), st.integers(), st.none()),
        max_size=6,
    )
)
def test_payloads_rebuild_or_raise_a_sessionkit_error(changes: dict[str, Any]) -> None:
    payload = {**VALID_PAYLOAD, **changes}
    try:
        rebuilt = ResolvedSigningRequest.from_payload(payload, ABIS)
    except SessionKitError:
        return
    assert rebuilt.signer.actor == payload["sa"]


# -- wallet-supplied data never raises anything but a sessionkit error ------------------------

LONG_DIGITS = "9" * 5000


@pytest.mark.parametrize("key", ["rbn", "rid"])
def test_huge_numbers_in_a_payload_are_refused(key: str) -> None:
    with pytest.raises(InvalidSigningRequest, match="not a number"):
        ResolvedSigningRequest.from_payload({**VALID_PAYLOAD, key: LONG_DIGITS}, ABIS)


def test_a_huge_signature_number_is_not_a_signature_key() -> None:
    payload = {"sig": SIG_A, "sig" + LONG_DIGITS: SIG_B}
    assert [str(s) for s in extract_signatures(payload)] == [SIG_A]


@pytest.mark.parametrize("payload", [None, [], ["sig", SIG_A], "sig", 5])
def test_a_payload_that_is_not_a_mapping_is_refused(payload: Any) -> None:
    with pytest.raises(InvalidSigningRequest, match="mapping"):
        ResolvedSigningRequest.from_payload(payload, ABIS)
    with pytest.raises(InvalidSigningRequest, match="mapping"):
        extract_signatures(payload)


@pytest.mark.parametrize("tx", ["00" * 32, VALID_PAYLOAD["tx"][:-1], "", 5, "9" * 5000])
def test_a_tx_that_is_not_the_rebuilt_id_is_refused(tx: Any) -> None:
    with pytest.raises(InvalidSigningRequest, match="the callback's tx"):
        ResolvedSigningRequest.from_payload({**VALID_PAYLOAD, "tx": tx}, ABIS)


def test_tx_is_optional_and_case_blind() -> None:
    without_tx = {k: v for k, v in VALID_PAYLOAD.items() if k != "tx"}
    rebuilt = ResolvedSigningRequest.from_payload(without_tx, ABIS)
    assert str(rebuilt.transaction_id) == VALID_PAYLOAD["tx"]
    upper = {**VALID_PAYLOAD, "tx": VALID_PAYLOAD["tx"].upper()}
    assert ResolvedSigningRequest.from_payload(upper, ABIS).transaction == rebuilt.transaction


# -- resolve_from_chain always resolves on the node's chain -----------------------------------


class FakeNode:
    """A client whose ``get_info`` names ``chain_id``, and an ABI provider for ``ABIS``."""

    def __init__(self, chain_id: str) -> None:
        self.chain_id = chain_id
        self.get_info_calls = 0

    async def get_info(self) -> GetInfoResponse:
        self.get_info_calls += 1
        block = "00012345" + "ab" * 28
        return GetInfoResponse(
            server_version="fake",
            chain_id=Checksum256(self.chain_id),
            head_block_num=0x12346,
            last_irreversible_block_num=0x12345,
            last_irreversible_block_id=Checksum256(block),
            head_block_id=Checksum256(block),
            head_block_time=TimePoint.from_string("2024-05-01T12:00:00.000"),
            head_block_producer=Name("eosio"),
        )

    async def get_abi(self, account: Name) -> ABI:
        return ABIS[str(account)]


def _resolve_on(node: FakeNode, request: SigningRequest) -> ResolvedSigningRequest:
    async def run() -> ResolvedSigningRequest:
        return await request.resolve_from_chain(
            node,  # type: ignore[arg-type]
            "alice@active",
            abi_provider=node,
        )

    return anyio.run(run)


def test_resolve_from_chain_refuses_another_chain_even_with_tapos() -> None:
    with_tapos = SigningRequest.create(
        transaction={
            **TAPOS,
            "ref_block_num": 1,
            "actions": [request_for(EVERYTHING).data["req"][1]],
        },
        abis=ABIS,
        chain_id=ChainName.EOS,
    )
    assert not with_tapos.requires_tapos
    node = FakeNode(JUNGLE4)
    with pytest.raises(InvalidSigningRequest, match="this request is for chain"):
        _resolve_on(node, with_tapos)
    assert node.get_info_calls == 1
    resolved = _resolve_on(FakeNode(EOS), with_tapos)
    assert resolved.transaction.ref_block_num == 1
    assert str(resolved.transaction.expiration) == TAPOS["expiration"]


def test_resolve_from_chain_takes_tapos_and_chain_from_one_get_info() -> None:
    node = FakeNode(JUNGLE4)
    resolved = _resolve_on(node, request_for(EVERYTHING, chain_id=None))
    assert node.get_info_calls == 1
    assert str(resolved.chain_id) == JUNGLE4
    assert resolved.transaction.ref_block_num == 0x2345
    assert str(resolved.transaction.expiration) == "2024-05-01T12:02:00"


def test_from_payload_takes_the_size_cap_of_a_big_request() -> None:
    big = request_for(EVERYTHING, callback="https://cb.example", info={"pad": bytes(70_000)})
    resolved = big.resolve(ABIS, "alice@active", **TAPOS)
    callback = resolved.get_callback([KEY.sign_digest(resolved.signing_digest)])
    assert callback is not None
    with pytest.raises(InvalidSigningRequest, match="more than"):
        ResolvedSigningRequest.from_payload(callback.payload, ABIS)
    rebuilt = ResolvedSigningRequest.from_payload(callback.payload, ABIS, max_size=1 << 20)
    assert rebuilt.transaction == resolved.transaction


# -- wider payloads: long digit strings, numbered keys, containers ----------------------------

DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=12) | st.integers(4000, 6000).map(
    lambda n: "9" * n
)
PAYLOAD_VALUES = st.one_of(
    st.text(max_size=30), st.integers(), st.none(), DIGITS, st.lists(st.text(max_size=5))
)
PAYLOAD_KEY = st.sampled_from(PAYLOAD_KEYS) | DIGITS.map(lambda digits: "sig" + digits)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(PAYLOAD_KEY, PAYLOAD_VALUES, max_size=6))
def test_wide_payloads_rebuild_or_raise_a_sessionkit_error(changes: dict[str, Any]) -> None:
    payload = {**VALID_PAYLOAD, **changes}
    try:
        signatures = extract_signatures(payload)
    except SessionKitError:
        signatures = []
    assert len(signatures) <= len(payload)
    try:
        rebuilt = ResolvedSigningRequest.from_payload(payload, ABIS)
    except SessionKitError:
        return
    assert payload.get("tx") in (None, str(rebuilt.transaction_id))


@settings(max_examples=100, deadline=None)
@given(st.one_of(PAYLOAD_VALUES, st.lists(st.tuples(PAYLOAD_KEY, PAYLOAD_VALUES), max_size=3)))
def test_a_payload_that_is_not_a_mapping_raises_a_sessionkit_error(payload: Any) -> None:
    for parse in (extract_signatures, lambda p: ResolvedSigningRequest.from_payload(p, ABIS)):
        try:
            parse(payload)
        except SessionKitError:
            continue
        raise AssertionError("a non-mapping payload was accepted")
