"""The Anchor Link messages: our login request byte for byte (reference 8.3), and the checks
of whatever comes back (hypothesis: a typed error, never a crash)."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sessionkit.antelope import Checksum256, PrivateKey
from sessionkit.errors import (
    ConfigurationError,
    SessionKitError,
    WalletRejected,
    WalletResponseError,
)
from sessionkit_wallet_anchor._protocol import (
    LinkChannel,
    check_login_answer,
    identity_request,
    link_channel,
    parse_answer,
    same_device_copy,
)

if TYPE_CHECKING:
    from sessionkit.esr import SigningRequest

JUNGLE4 = Checksum256("73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d")
EOS = Checksum256("aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906")
KEY = PrivateKey.from_string("PVT_K1_2Uew3LyC8KRRXrnqiN4RmMP2nqR1tVY5gAjXMJkdtFVTthdRtJ")
CALLBACK = "https://cb.anchor.link/0b0e4a8c-3a36-4d6a-9d1e-6f0a3c2b1a00"
VECTOR_HEX = (
    "01" + str(JUNGLE4) + "03" + "00000000805a8d97" + "00" + "02"
    "3b" + CALLBACK.encode().hex() + "02"
    "046c696e6b" + "47" + "00000000805a8d97" + "00"
    "0332cddc77a81edd50b9d34a7b2a9a5661e92f2b7257c543f52a785f2c166bd58e"
    "1c" + b"@wharfkit/protocol-esr 1.6.0".hex() + "0573636f7065" + "05" + b"myapp".hex()
)
VECTOR_URI = (
    "esr:AwFz5DhaJwjm1wSINPvBB58vq7F7PBJbFGr0OJcekHFsTQMAAAAAgFqNlwACO2h0dHBzOi8vY2IuYW5jaG9yLmxp"
    "bmsvMGIwZTRhOGMtM2EzNi00ZDZhLTlkMWUtNmYwYTNjMmIxYTAwAgRsaW5rRwAAAACAWo2XAAMyzdx3qB7dULnTSnsq"
    "mlZh6S8rclfFQ_UqeF8sFmvVjhxAd2hhcmZraXQvcHJvdG9jb2wtZXNyIDEuNi4wBXNjb3BlBW15YXBw"
)


def _request(chains: list[Checksum256]) -> SigningRequest:
    return identity_request(
        app_name="myapp",
        request_key=KEY.public_key,
        chain_ids=chains,
        callback=CALLBACK,
        user_agent="@wharfkit/protocol-esr 1.6.0",
    )


def test_the_login_request_is_the_references_byte_for_byte() -> None:
    request = _request([JUNGLE4])
    assert request.version == 3
    assert request.to_bytes().hex() == VECTOR_HEX
    assert request.encode(compress=False, slashes=False) == VECTOR_URI
    assert request.flags == 2
    assert request.encode(slashes=False).startswith("esr:g")  # compressed when shorter


def test_known_chains_use_their_alias_and_several_chains_make_it_multi_chain() -> None:
    assert _request([EOS]).to_bytes()[:2] == b"\x00\x01"
    multi = _request([EOS, JUNGLE4])
    assert multi.to_bytes()[:2] == b"\x00\x00"
    assert (
        multi.get_raw_info_key("chain_ids")
        == bytes.fromhex("0200010173e4385a") + bytes(JUNGLE4.to_abi())[4:]
    )
    assert list(multi.raw_info) == ["link", "scope", "chain_ids"]
    same = same_device_copy(multi)
    assert list(same.raw_info) == ["link", "scope", "chain_ids", "same_device"]
    assert same.get_raw_info_key("same_device") == b"\x01"


def test_an_app_name_that_is_no_name_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="Antelope name"):
        identity_request(
            app_name="My App", request_key=KEY.public_key, chain_ids=[EOS], callback=CALLBACK
        )


def _answer(request: SigningRequest, **changes: Any) -> dict[str, Any]:
    signer = PrivateKey.from_string("PVT_K1_LzT8YiEeLKG82uYqYPjytVotkztTVgR9Xs9YFfRU1wQ7dtcED")
    resolved = request.resolve(None, "alice@active", chain_id=request.chain_id or EOS)
    callback = resolved.get_callback([signer.sign_digest(resolved.signing_digest)])
    assert callback is not None
    payload: dict[str, Any] = dict(callback.payload)
    payload.update(
        link_ch="https://cb.anchor.link/11111111-2222-3333-4444-555555555555",
        link_key=str(signer.public_key),
        link_name="Anchor Desktop",
    )
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not None}


def test_a_good_answer_gives_the_proof_and_the_channel() -> None:
    request = _request([JUNGLE4])
    proof, channel = check_login_answer(_answer(request), sent=[request], chain_ids=[JUNGLE4])
    assert str(proof.signer) == "alice@active"
    assert str(proof.scope) == "myapp"
    assert channel is not None
    assert channel.name == "Anchor Desktop"
    assert LinkChannel.from_data(channel.to_data()) == channel


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"rejected": "Request cancelled from within Anchor."}, WalletRejected, "cancelled"),
        ({"sa": None}, WalletRejected, "cancelled"),
        ({"sig": None}, WalletResponseError, "signature"),
        ({"cid": str(EOS)}, WalletResponseError, "asked for"),
        ({"link_key": "not a key"}, WalletResponseError, "link_key"),
        ({"link_ch": "mailto:x"}, WalletResponseError, "link_ch"),
    ],
)
def test_bad_answers_are_typed_errors(
    changes: dict[str, Any], error: type[Exception], words: str
) -> None:
    request = _request([JUNGLE4])
    with pytest.raises(error, match=words):
        check_login_answer(_answer(request, **changes), sent=[request], chain_ids=[JUNGLE4])


def test_an_answer_to_another_request_is_refused() -> None:
    ours, theirs = _request([JUNGLE4]), _request([JUNGLE4])
    theirs.set_callback(CALLBACK.replace("0b0e", "ffff"), background=True)
    with pytest.raises(WalletResponseError, match="another login request"):
        check_login_answer(_answer(theirs), sent=[ours], chain_ids=[JUNGLE4])


def test_a_signature_that_recovers_no_key_is_refused() -> None:
    request = _request([JUNGLE4])
    for sig in ("SIG_K1_" + "1" * 90, "not a signature", 3):
        with pytest.raises(WalletResponseError):
            check_login_answer(_answer(request, sig=sig), sent=[request], chain_ids=[JUNGLE4])


def test_link_meta_is_read_in_both_spellings_and_ignored_when_malformed() -> None:
    base = _answer(_request([JUNGLE4]))
    camel = link_channel({**base, "link_meta": json.dumps({"sameDevice": True, "launchUrl": "x"})})
    snake = link_channel({**base, "link_meta": json.dumps({"same_device": True})})
    assert camel is not None
    assert snake is not None
    assert (camel.same_device, camel.launch_url, snake.same_device) == (True, "x", True)
    for meta in ("{", "[1]", "1" * 5000, json.dumps({"sameDevice": "yes"}), 3):
        parsed = link_channel({**base, "link_meta": meta})
        assert parsed is not None
        assert parsed.same_device is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = ["sig", "sig0", "sig1", "tx", "rbn", "rid", "ex", "req", "sa", "sp", "cid", "rejected"]
LINK = ["link_ch", "link_key", "link_name", "link_meta"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_from_the_relay_parse_or_give_a_typed_error(raw: bytes) -> None:
    with contextlib.suppress(WalletResponseError):
        assert isinstance(parse_answer(raw), dict)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.booleans(),
    changes=st.dictionaries(st.sampled_from(FIELDS + LINK), json_values | st.text(), max_size=6),
)
def test_any_login_answer_is_accepted_or_refused_with_a_typed_error(
    base: bool, changes: dict[str, Any]
) -> None:
    request = _request([JUNGLE4])
    payload = {**(_answer(request) if base else {}), **changes}
    with contextlib.suppress(SessionKitError):
        check_login_answer(payload, sent=[request], chain_ids=[JUNGLE4])


@settings(max_examples=200, deadline=None)
@given(meta=json_values | st.text(max_size=50), name=json_values, url=json_values | st.text())
def test_any_link_fields_give_a_channel_none_or_a_typed_error(
    meta: object, name: object, url: object
) -> None:
    payload = {
        "link_ch": url,
        "link_key": str(KEY.public_key),
        "link_name": name,
        "link_meta": meta,
    }
    with contextlib.suppress(WalletResponseError):
        link_channel(payload)
