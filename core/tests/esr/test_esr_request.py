"""SigningRequest beyond the vectors: creation rules, info pairs, the mutators the kit uses,
request signatures, and the login request WharfKit's Anchor plugin builds."""

from __future__ import annotations

from typing import Any

import pytest
import unit_abis
from sessionkit.antelope import ABI, Action, Name, PrivateKey, TimePointSec, Transaction
from sessionkit.errors import ABINotFoundError, InvalidSigningRequest, InvalidValue
from sessionkit.esr import ChainName, RequestFlags, SigningRequest

TOKEN = ABI.from_json(unit_abis.TOKEN)
ABIS = {"eosio.token": TOKEN}
JUNGLE4 = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"
EOS = "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906"


def transfer(to: str = "bob", memo: str = "") -> dict[str, Any]:
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": "............1", "permission": "............2"}],
        "data": {"from": "............1", "to": to, "quantity": "1.0000 EOS", "memo": memo},
    }


def transfer_request(**options: Any) -> SigningRequest:
    return SigningRequest.create(
        action=transfer(), abis=ABIS, **{"chain_id": ChainName.EOS, **options}
    )


# -- the login request of wharfkit-behaviour.md 8.3 --------------------------------------------

ANCHOR_LOGIN_URI = (
    "esr:AwFz5DhaJwjm1wSINPvBB58vq7F7PBJbFGr0OJcekHFsTQMAAAAAgFqNlwACO2h0dHBzOi8vY2IuYW5jaG9yLmxp"
    "bmsvMGIwZTRhOGMtM2EzNi00ZDZhLTlkMWUtNmYwYTNjMmIxYTAwAgRsaW5rRwAAAACAWo2XAAMyzdx3qB7dULnTSnsq"
    "mlZh6S8rclfFQ_UqeF8sFmvVjhxAd2hhcmZraXQvcHJvdG9jb2wtZXNyIDEuNi4wBXNjb3BlBW15YXBw"
)
REQUEST_KEY = PrivateKey.from_string("PVT_K1_2Uew3LyC8KRRXrnqiN4RmMP2nqR1tVY5gAjXMJkdtFVTthdRtJ")
ANCHOR_CALLBACK = "https://cb.anchor.link/0b0e4a8c-3a36-4d6a-9d1e-6f0a3c2b1a00"


def anchor_login(chain_id: Any = JUNGLE4, chain_ids: Any = None) -> SigningRequest:
    request = SigningRequest.create_identity(
        ANCHOR_CALLBACK, background=True, scope="myapp", chain_id=chain_id, chain_ids=chain_ids
    )
    link = {
        "session_name": "myapp",
        "request_key": REQUEST_KEY.public_key,
        "user_agent": "@wharfkit/protocol-esr 1.6.0",
    }
    request.set_info_key("link", link, "link_create")
    request.set_info_key("scope", "myapp")
    return request


def test_anchor_login_request_matches_the_reference() -> None:
    request = anchor_login()
    assert request.encode(compress=False, slashes=False) == ANCHOR_LOGIN_URI
    decoded = SigningRequest.from_uri(ANCHOR_LOGIN_URI)
    assert decoded.version == 3
    assert decoded.flags == RequestFlags.BACKGROUND
    assert decoded.get_info_key("scope") == "myapp"
    link = decoded.get_info_key("link", "link_create")
    assert link["request_key"] == str(REQUEST_KEY.public_key)
    assert link["user_agent"] == "@wharfkit/protocol-esr 1.6.0"


def test_anchor_login_with_an_aliased_or_multi_chain() -> None:
    assert anchor_login(chain_id=EOS).to_bytes()[:2] == b"\x00\x01"
    multi = anchor_login(chain_id=None, chain_ids=[EOS, JUNGLE4])
    assert multi.to_bytes()[:2] == b"\x00\x00"
    assert multi.raw_info["chain_ids"].hex() == "0200010173" + JUNGLE4[2:]
    assert [str(c) for c in multi.chain_ids or []] == [EOS, JUNGLE4]


# -- creation rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kinds",
    [{}, {"action": transfer(), "actions": [transfer()]}, {"action": transfer(), "identity": {}}],
)
def test_exactly_one_kind_of_request(kinds: dict[str, Any]) -> None:
    with pytest.raises(InvalidSigningRequest, match="exactly one"):
        SigningRequest.create(abis=ABIS, **kinds, chain_id=ChainName.EOS)


def test_the_chain_is_required() -> None:
    """The reference silently defaults to EOS mainnet; a request names its chain (or None)."""
    with pytest.raises(InvalidSigningRequest, match="needs chain_id="):
        SigningRequest.create(action=transfer(), abis=ABIS)
    with pytest.raises(InvalidSigningRequest, match="create_identity needs chain_id="):
        SigningRequest.create_identity("https://cb.example/x")
    assert SigningRequest.create(action=transfer(), abis=ABIS, chain_id=None).version == 3


def test_defaults_broadcast_no_callback() -> None:
    request = transfer_request()
    assert request.version == 2
    assert str(request.chain_id) == EOS
    assert request.broadcast
    assert request.should_broadcast
    assert not request.background
    assert request.callback == ""


@pytest.mark.parametrize(
    ("chain", "expected"),
    [
        (ChainName.WAX, ["chain_alias", 10]),
        (EOS, ["chain_alias", 1]),
        (JUNGLE4, ["chain_id", JUNGLE4]),
        (None, ["chain_alias", 0]),
    ],
)
def test_chain_forms(chain: Any, expected: list[Any]) -> None:
    request = transfer_request(chain_id=chain)
    assert request.data["chain_id"] == expected
    assert request.version == (3 if chain is None else 2)


@pytest.mark.parametrize("chain", [0, 13, "not hex"])
def test_bad_chains_are_refused(chain: Any) -> None:
    with pytest.raises(InvalidValue):
        transfer_request(chain_id=chain)


def test_chain_ids_need_a_multi_chain_request() -> None:
    with pytest.raises(InvalidSigningRequest, match="multi-chain"):
        transfer_request(chain_ids=[EOS])
    with pytest.raises(InvalidSigningRequest, match="multi-chain"):
        transfer_request().set_chain_ids([EOS])


def test_identity_requests_never_broadcast() -> None:
    with pytest.raises(InvalidSigningRequest, match="cannot be broadcast"):
        SigningRequest.create(identity={"scope": "app"}, broadcast=True, chain_id=ChainName.EOS)
    request = SigningRequest.create_identity("https://cb.example/x", chain_id=ChainName.EOS)
    assert not request.should_broadcast
    with pytest.raises(InvalidSigningRequest, match="cannot be broadcast"):
        request.set_broadcast(True)


def test_identity_helper_placeholders() -> None:
    anyone = SigningRequest.create_identity("https://cb.example/x", chain_id=ChainName.EOS)
    assert anyone.identity is None
    assert anyone.identity_permission is None
    assert anyone.version == 2
    specific = SigningRequest.create_identity(
        "https://cb.example/x",
        scope="app",
        account="alice",
        permission="owner",
        chain_id=ChainName.EOS,
    )
    assert specific.version == 3
    assert specific.identity == "alice"
    assert specific.identity_permission == "owner"
    assert specific.identity_scope == "app"


def test_unencoded_data_needs_its_abi() -> None:
    with pytest.raises(ABINotFoundError, match=r"eosio\.token"):
        SigningRequest.create(action=transfer(), chain_id=ChainName.EOS)


@pytest.mark.parametrize(
    ("action", "error"),
    [
        ({"name": "transfer", "data": b""}, "needs 'account'"),
        ({"account": "eosio.token", "name": "transfer", "data": "zz"}, "not hex"),
        ({"account": "eosio.token", "name": "transfer", "data": 5}, "mapping, bytes or hex"),
    ],
)
def test_malformed_actions_are_refused(action: dict[str, Any], error: str) -> None:
    with pytest.raises(InvalidSigningRequest, match=error):
        SigningRequest.create(action=action, chain_id=ChainName.EOS)


def test_data_that_does_not_fit_the_abi_is_refused() -> None:
    bad = transfer()
    bad["data"] = {**bad["data"], "quantity": "lots"}
    with pytest.raises(InvalidValue):
        SigningRequest.create(action=bad, abis=ABIS, chain_id=ChainName.EOS)


def test_typed_actions_and_transactions() -> None:
    action = Action.from_data(
        "eosio.token", "transfer", ["alice@active"], transfer()["data"], TOKEN
    )
    from_action = SigningRequest.create(action=action, chain_id=ChainName.EOS)
    assert from_action.raw_actions == [action]
    tx = Transaction(
        expiration=TimePointSec.from_string("2024-01-01T00:00:00"),
        ref_block_num=1,
        ref_block_prefix=2,
        actions=(action,),
    )
    from_tx = SigningRequest.create(transaction=tx, chain_id=ChainName.EOS)
    assert from_tx.raw_transaction == tx
    assert not from_tx.requires_tapos


# -- info pairs -------------------------------------------------------------------------------


def test_info_values() -> None:
    request = transfer_request(
        info={"text": "héllo", "raw": b"\x00\xff", "flag": True, "who": Name("teamgreymass")}
    )
    raw = request.raw_info
    assert raw["text"] == "héllo".encode()
    assert raw["raw"] == b"\x00\xff"
    assert raw["flag"] == b"\x01"
    assert raw["who"] == Name("teamgreymass").to_abi()
    assert request.get_info_key("text") == "héllo"
    assert request.get_info_key("who", "name") == "teamgreymass"
    assert request.get_info_key("missing") is None
    with pytest.raises(InvalidSigningRequest, match="not UTF-8"):
        request.get_info_key("raw")


def test_untyped_info_values_need_a_type() -> None:
    with pytest.raises(InvalidSigningRequest, match="set_info_key"):
        transfer_request(info={"n": 5})
    request = transfer_request()
    request.set_info_key("n", 5, "uint32")
    assert request.raw_info["n"] == b"\x05\x00\x00\x00"


def test_set_and_remove_info_keys_re_encode() -> None:
    request = transfer_request(info={"a": "1"})
    request.set_info_key("a", "2")
    request.set_info_key("b", "3")
    assert [p["key"] for p in request.data["info"]] == ["a", "b"]
    assert SigningRequest.from_uri(request.encode()).get_info_key("a") == "2"
    request.remove_info_key("a")
    assert SigningRequest.from_uri(request.encode()).raw_info == {"b": b"3"}


# -- mutators ---------------------------------------------------------------------------------


def test_set_callback_and_broadcast() -> None:
    request = transfer_request()
    request.set_callback("https://cb.example/{{tx}}", background=True)
    request.set_broadcast(False)
    decoded = SigningRequest.from_uri(request.encode())
    assert decoded.callback == "https://cb.example/{{tx}}"
    assert decoded.background
    assert not decoded.broadcast
    request.set_callback("https://cb.example/other")
    assert not SigningRequest.from_uri(request.encode()).background


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: r.set_raw_info_key("z", 3), "raw value of info key 'z' must be bytes"),
        (lambda r: r.set_raw_info_key(5, b"x"), "info key must be str"),
        (lambda r: r.set_info_key(5, "x"), "info key must be str"),
        (lambda r: r.set_callback(5), "callback URL must be str"),
        (lambda r: r.set_callback(b"https://x.example"), "callback URL must be str"),
        (lambda r: r.set_callback("https://x.example", background="yes"), "background must be"),
        (lambda r: r.set_broadcast("no"), "broadcast must be bool"),
        (lambda r: r.set_broadcast(0), "broadcast must be bool"),
    ],
    ids=["raw-int", "raw-key", "key", "url-int", "url-bytes", "background", "str", "int"],
)
def test_setters_refuse_values_of_the_wrong_type(edit: Any, message: str) -> None:
    request = transfer_request()
    before = request.encode()
    with pytest.raises(InvalidSigningRequest, match=message):
        edit(request)
    assert request.encode() == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"chain_id": True}, "not a bool"),
        ({"chain_id": False}, "not a bool"),
        ({"chain_id": None, "chain_ids": [True]}, "not a bool"),
        ({"broadcast": "no"}, "broadcast must be bool"),
        ({"background": 1}, "background must be bool"),
        ({"callback": 5}, "callback URL must be str"),
        ({"info": {5: "x"}}, "info key must be str"),
    ],
)
def test_create_refuses_values_of_the_wrong_type(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidSigningRequest, match=message):
        transfer_request(**options)


def test_resolve_refuses_a_bool_chain() -> None:
    with pytest.raises(InvalidSigningRequest, match="not a bool"):
        transfer_request(chain_id=None).resolve(
            ABIS,
            "alice@active",
            chain_id=True,
            expiration="2024-01-01T00:00:00",
            ref_block_num=1,
            ref_block_prefix=2,
        )


EDITS = [
    lambda r: r.set_callback("https://cb.example"),
    lambda r: r.set_broadcast(False),
    lambda r: r.set_broadcast(True),
    lambda r: r.set_info_key("a", "b"),
    lambda r: r.set_raw_info_key("a", b"b"),
    lambda r: r.remove_info_key("nothing"),
    lambda r: r.append_action(transfer("carol"), ABIS),
    lambda r: r.prepend_action(transfer("carol"), ABIS),
]


@pytest.mark.parametrize(
    "edit",
    EDITS,
    ids=[
        "callback",
        "no-broadcast",
        "broadcast",
        "info",
        "raw-info",
        "remove",
        "append",
        "prepend",
    ],
)
def test_editing_drops_the_request_signature(edit: Any) -> None:
    request = transfer_request()
    request.sign(REQUEST_KEY, "reqsigner")
    edit(request)
    assert request.signature is None
    assert SigningRequest.from_uri(request.encode()).signature is None
    request.sign(REQUEST_KEY, "reqsigner")
    decoded = SigningRequest.from_uri(request.encode())
    assert decoded.signature is not None
    assert decoded.signature.signature.recover(decoded.signature_digest) == REQUEST_KEY.public_key


def test_editing_a_multi_chain_request_drops_its_signature() -> None:
    request = transfer_request(chain_id=None)
    request.sign(REQUEST_KEY, "reqsigner")
    request.set_chain_ids([EOS])
    assert request.signature is None


def test_append_and_prepend_actions() -> None:
    request = transfer_request()
    request.append_action(transfer("carol"), ABIS)
    request.prepend_action(transfer("dave"), ABIS)
    decoded = SigningRequest.from_uri(request.encode())
    assert decoded.data["req"][0] == "action[]"
    receivers = [TOKEN.decode("transfer", a.data)["to"] for a in decoded.raw_actions]
    assert receivers == ["dave", "bob", "carol"]


def test_append_to_a_transaction_request() -> None:
    request = SigningRequest.create(
        transaction={"actions": [transfer()]}, abis=ABIS, chain_id=ChainName.EOS
    )
    request.append_action(transfer("carol"), ABIS)
    assert len(SigningRequest.from_uri(request.encode()).raw_transaction.actions) == 2


def test_identity_requests_take_no_actions() -> None:
    with pytest.raises(InvalidSigningRequest, match="identity"):
        SigningRequest.create_identity("https://x.example", chain_id=ChainName.EOS).append_action(
            transfer(), ABIS
        )


def test_clone_is_independent() -> None:
    request = transfer_request(info={"a": "1"})
    copy = request.clone()
    assert copy == request
    copy.set_info_key("a", "2")
    copy.set_callback("https://cb.example")
    assert request.get_info_key("a") == "1"
    assert request.callback == ""
    assert copy != request


def test_data_is_a_copy() -> None:
    request = transfer_request()
    request.data["callback"] = "changed"
    assert request.callback == ""


# -- request signatures -----------------------------------------------------------------------


def test_request_signature_round_trip() -> None:
    request = transfer_request()
    key = PrivateKey.from_string("PVT_K1_2Uew3LyC8KRRXrnqiN4RmMP2nqR1tVY5gAjXMJkdtFVTthdRtJ")
    request.sign(key, "reqsigner")
    decoded = SigningRequest.from_uri(request.encode())
    assert decoded.signature == request.signature
    assert decoded.signature is not None
    assert decoded.signature.signer == "reqsigner"
    assert decoded.signature.signature.recover(decoded.signature_digest) == key.public_key


def test_trailing_bytes_after_a_signature_are_refused() -> None:
    request = transfer_request()
    request.sign(REQUEST_KEY, "reqsigner")
    assert request.signature is not None
    payload = request.to_bytes() + request.signature.to_abi() + b"\x00"
    with pytest.raises(InvalidSigningRequest, match="unexpected bytes"):
        SigningRequest.from_bytes(bytes((2,)) + payload)


def test_string_forms() -> None:
    request = transfer_request()
    assert str(request) == request.encode()
    assert repr(request) == f"SigningRequest({request.encode()!r})"
    with pytest.raises(TypeError):
        hash(request)


@pytest.mark.parametrize("data", [{}, {"chain_id": 5}, {"chain_id": ["chain_alias", 1], "req": []}])
def test_constructor_refuses_malformed_data(data: dict[str, Any]) -> None:
    with pytest.raises(InvalidSigningRequest, match="JSON form"):
        SigningRequest(2, data)


def test_repeated_info_keys_read_the_first_like_the_reference() -> None:
    info = [{"key": "k", "value": "01"}, {"key": "k", "value": "02"}]
    request = SigningRequest(2, {**transfer_request().data, "info": info})
    assert request.get_raw_info_key("k") == b"\x01"
    assert request.raw_info["k"] == b"\x02"
