"""IdentityProof without a chain: parsing, forms, and ``check`` against a given authority."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.antelope import PermissionLevel, PrivateKey, TimePointSec
from sessionkit.errors import (
    IdentityProofError,
    InvalidIdentityProof,
    InvalidSigningRequest,
    SessionKitError,
)
from sessionkit.esr import ChainName, IdentityProof, ResolvedSigningRequest, SigningRequest

KEY = PrivateKey.from_string("PVT_K1_2Uew3LyC8KRRXrnqiN4RmMP2nqR1tVY5gAjXMJkdtFVTthdRtJ")
OTHER = PrivateKey.from_string("PVT_K1_LzT8YiEeLKG82uYqYPjytVotkztTVgR9Xs9YFfRU1wQ7dtcED")
BEFORE = datetime(2024, 1, 1, 0, 1, tzinfo=UTC)
AFTER = datetime(2024, 1, 1, 0, 3, tzinfo=UTC)


def proof_signed_by(key: PrivateKey) -> IdentityProof:
    unsigned = {
        "chainId": "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d",
        "scope": "myapp",
        "expiration": "2024-01-01T00:02:00",
        "signer": {"actor": "alice", "permission": "active"},
    }
    digest = IdentityProof.from_json({**unsigned, "signature": str(OTHER.sign_digest(bytes(32)))})
    return IdentityProof.from_json(
        {**unsigned, "signature": str(key.sign_digest(digest.signing_digest))}
    )


def authority(*keys: tuple[PrivateKey, int], threshold: int = 1, waits: int = 0) -> dict[str, Any]:
    return {
        "threshold": threshold,
        "keys": [{"key": str(k.public_key), "weight": w} for k, w in keys],
        "accounts": [],
        "waits": [{"wait_sec": 60, "weight": waits}] if waits else [],
    }


def test_the_reference_example_digest() -> None:
    # wharfkit-behaviour.md 8.4: scope myapp, alice@active, 2024-01-01T00:02:00, Jungle 4.
    proof = proof_signed_by(KEY)
    assert proof.transaction.to_bytes().hex() == (
        "f8009265000000000000000000000100000000000000000000003ebb3c557201000000000085"
        "5c3400000000a8ed32321900000000805a8d97010000000000855c3400000000a8ed323200"
    )
    assert str(proof.signing_digest) == (
        "f103c5c3c251a97826557ff13f839a025a4f8bb5b4b0520b4e5d0574e0412e4b"
    )
    assert proof.recover() == KEY.public_key


def test_forms_round_trip() -> None:
    proof = proof_signed_by(KEY)
    text = str(proof)
    assert text.startswith("EOSIO ")
    assert "=" not in text
    assert IdentityProof.from_string(text) == proof
    assert IdentityProof.from_json(text) == proof
    assert IdentityProof.from_json(proof.to_json()) == proof
    assert IdentityProof.from_json(proof) is proof
    assert IdentityProof.from_abi(proof.to_abi()) == (proof, len(proof.to_abi()))
    assert hash(proof) == hash(IdentityProof.from_string(text))


def test_check_accepts_the_key_before_expiry() -> None:
    proof = proof_signed_by(KEY)
    assert proof.check(authority((KEY, 1)), BEFORE) == KEY.public_key
    assert proof.check(authority((OTHER, 1), (KEY, 2), threshold=2), BEFORE) == KEY.public_key
    # A wait weight lowers what the key alone must reach (the reference's rule).
    assert proof.check(authority((KEY, 1), threshold=2, waits=1), BEFORE) == KEY.public_key


@pytest.mark.parametrize(
    ("auth", "now", "reason"),
    [
        (authority((KEY, 1)), AFTER, "expired"),
        (authority((KEY, 1)), TimePointSec.from_string("2024-01-01T00:02:00"), "expired"),
        (authority((OTHER, 1)), BEFORE, "wrong_key"),
        (authority((KEY, 1), (OTHER, 1), threshold=2), BEFORE, "threshold"),
    ],
)
def test_check_refuses_with_a_reason(auth: dict[str, Any], now: Any, reason: str) -> None:
    with pytest.raises(IdentityProofError) as caught:
        proof_signed_by(KEY).check(auth, now)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    "text",
    [
        "",
        "EOSIO",
        "Bearer abc",
        "EOSIO  abc",
        "EOSIO abc def",
        "EOSIO !!!!",
        "EOSIO a",
        "EOSIO AAAA",
        str(proof_signed_by(KEY))[:-4],
        str(proof_signed_by(KEY)) + "AA",
    ],
)
def test_bad_strings_are_refused(text: str) -> None:
    with pytest.raises(InvalidIdentityProof):
        IdentityProof.from_string(text)


@pytest.mark.parametrize("value", [None, 5, {"chainId": "00"}, {}])
def test_bad_json_is_refused(value: object) -> None:
    with pytest.raises(InvalidIdentityProof):
        IdentityProof.from_json(value)


def test_from_payload_needs_a_v3_identity_request() -> None:
    v2 = SigningRequest.create_identity("https://cb.example", chain_id=ChainName.EOS)
    resolved = v2.resolve(None, "alice@active")
    callback = resolved.get_callback([KEY.sign_digest(resolved.signing_digest)])
    assert callback is not None
    with pytest.raises(InvalidIdentityProof, match="version 3"):
        IdentityProof.from_payload(callback.payload)
    with pytest.raises(InvalidIdentityProof, match="'req'"):
        IdentityProof.from_payload({})


def test_from_payload_of_a_v3_login() -> None:
    request = SigningRequest.create_identity(
        "https://cb.example", scope="myapp", chain_id=ChainName.EOS
    )
    resolved = request.resolve(None, "alice@active", expiration="2030-01-01T00:00:00")
    signature = KEY.sign_digest(resolved.signing_digest)
    callback = resolved.get_callback([signature])
    assert callback is not None
    proof = IdentityProof.from_payload(callback.payload)
    assert proof == resolved.get_identity_proof(signature)
    assert proof.signer == PermissionLevel("alice", "active")
    assert proof.recover() == KEY.public_key


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_string_parses_or_raises_a_sessionkit_error(text: str) -> None:
    for candidate in (text, "EOSIO " + text):
        try:
            proof = IdentityProof.from_string(candidate)
        except SessionKitError:
            continue
        assert IdentityProof.from_string(str(proof)) == proof


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_raise_a_sessionkit_error(data: bytes) -> None:
    try:
        proof, end = IdentityProof.from_abi(data)
    except SessionKitError:
        return
    assert proof.to_abi() == data[:end]


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["chainId", "scope", "expiration", "signer", "signature"]),
        JSON_VALUES,
        max_size=5,
    )
)
def test_any_json_parses_or_raises_a_sessionkit_error(changes: dict[str, Any]) -> None:
    value = {**proof_signed_by(KEY).to_json(), **changes}
    try:
        proof = IdentityProof.from_json(value)
    except SessionKitError:
        return
    assert IdentityProof.from_json(proof.to_json()) == proof


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["req", "sa", "sp", "ex", "sig", "cid"]),
        st.one_of(st.text(max_size=30), st.integers(), st.none()),
        max_size=4,
    )
)
def test_any_login_payload_gives_a_proof_or_a_sessionkit_error(changes: dict[str, Any]) -> None:
    request = SigningRequest.create_identity(
        "https://cb.example", scope="myapp", chain_id=ChainName.EOS
    )
    resolved = request.resolve(None, "alice@active", expiration="2030-01-01T00:00:00")
    callback = resolved.get_callback([KEY.sign_digest(resolved.signing_digest)])
    assert callback is not None
    try:
        proof = IdentityProof.from_payload({**callback.payload, **changes})
    except SessionKitError:
        return
    assert proof.scope == "myapp"


@pytest.mark.parametrize("payload", [None, [], [("sig", "x")], "req"])
def test_from_payload_refuses_what_is_not_a_mapping(payload: Any) -> None:
    with pytest.raises(InvalidIdentityProof, match="mapping"):
        IdentityProof.from_payload(payload)


JUNGLE4 = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"


def login_payload(signer: str, **identity: Any) -> dict[str, str]:
    """A wallet's answer to a v3 login on EOS (``identity``: account=, permission=)."""
    request = SigningRequest.create_identity(
        "https://cb.example", scope="myapp", **identity, chain_id=ChainName.EOS
    )
    resolved = request.resolve(None, signer, expiration="2030-01-01T00:00:00")
    callback = resolved.get_callback([KEY.sign_digest(resolved.signing_digest)])
    assert callback is not None
    return callback.payload


def test_from_payload_refuses_another_chain_like_the_resolved_request() -> None:
    payload = {**login_payload("alice@active"), "cid": JUNGLE4}
    with pytest.raises(InvalidSigningRequest, match="this request is for chain"):
        ResolvedSigningRequest.from_payload(payload)
    with pytest.raises(InvalidIdentityProof, match="this request is for chain"):
        IdentityProof.from_payload(payload)


@pytest.mark.parametrize(
    ("identity", "signer"),
    [
        ({"account": "alice", "permission": "active"}, "bob@active"),
        ({"account": "alice", "permission": "active"}, "alice@owner"),
        ({"account": "alice"}, "bob@active"),
        ({"permission": "active"}, "alice@owner"),
    ],
)
def test_a_login_answered_by_another_account_is_refused(
    identity: dict[str, str], signer: str
) -> None:
    payload = login_payload(signer, **identity)
    with pytest.raises(InvalidSigningRequest, match="the identity request asks for"):
        ResolvedSigningRequest.from_payload(payload)
    with pytest.raises(InvalidIdentityProof, match="the identity request asks for"):
        IdentityProof.from_payload(payload)


@pytest.mark.parametrize(
    ("identity", "signer"),
    [
        ({"account": "alice", "permission": "active"}, "alice@active"),
        ({"account": "alice"}, "alice@owner"),
        ({"permission": "active"}, "bob@active"),
        ({}, "carol@owner"),
    ],
)
def test_a_login_answered_as_asked_gives_its_proof(identity: dict[str, str], signer: str) -> None:
    proof = IdentityProof.from_payload(login_payload(signer, **identity))
    assert proof.signer == PermissionLevel.from_json(signer)
    assert proof.recover() == KEY.public_key


def test_from_payload_refuses_a_wrong_tx() -> None:
    payload = {**login_payload("alice@active"), "tx": "00" * 32}
    with pytest.raises(InvalidIdentityProof, match="the callback's tx"):
        IdentityProof.from_payload(payload)


LONG_DIGITS = st.integers(4000, 6000).map(lambda n: "9" * n)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["req", "sa", "sp", "ex", "sig", "cid", "rbn", "rid", "tx"]),
        st.one_of(st.text(max_size=30), st.integers(), st.none(), LONG_DIGITS),
        max_size=4,
    )
)
def test_login_payloads_with_long_digits_give_a_proof_or_invalid_identity_proof(
    changes: dict[str, Any],
) -> None:
    payload = {**login_payload("alice@active"), **changes}
    try:
        proof = IdentityProof.from_payload(payload)
    except InvalidIdentityProof:
        return
    assert proof.scope == "myapp"
