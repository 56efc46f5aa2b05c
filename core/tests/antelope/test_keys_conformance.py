"""keys.json: every reference key, signature and reject, one test per vector."""

from __future__ import annotations

from typing import Any

import pytest
from conformance_vectors import ids, load
from sessionkit.antelope import _r1
from sessionkit.antelope._k1 import is_canonical
from sessionkit.antelope._keys import KeyType, PrivateKey, PublicKey, Signature
from sessionkit.errors import CryptoError, InvalidKey, InvalidSignature

pytestmark = pytest.mark.conformance

KEYS = load("keys.json")


def _signatures(section: str) -> list[dict[str, Any]]:
    return [
        {**signature, "signer": vector["public_key"], "private_key": vector["private_key"]}
        for vector in KEYS[section]
        for signature in vector["signatures"]
    ]


def _assert_key_forms(vector: dict[str, Any], key_type: KeyType) -> PrivateKey:
    private = PrivateKey.from_string(vector["private_key"])
    assert private.key_type is key_type
    assert private.to_bytes().hex() == vector["private_key_hex"]
    assert private.to_string() == vector["private_key"]
    public = private.public_key
    assert str(public) == vector["public_key"]
    assert public.data.hex() == vector["public_key_hex"]
    assert public.to_abi().hex() == vector["public_key_abi_hex"]
    assert PublicKey.from_abi(bytes.fromhex(vector["public_key_abi_hex"])) == (public, 34)
    assert PublicKey.from_string(vector["public_key"]) == public
    assert PublicKey.from_json(vector["public_key"]).to_json() == vector["public_key"]
    return private


def _assert_signature(vector: dict[str, Any]) -> tuple[Signature, bytes]:
    signature = Signature.from_string(vector["signature"])
    digest = bytes.fromhex(vector["digest"])
    assert signature.data.hex() == vector["signature_hex"]
    assert signature.to_abi().hex() == vector["signature_abi_hex"]
    assert Signature.from_abi(bytes.fromhex(vector["signature_abi_hex"])) == (signature, 66)
    assert str(signature) == vector["signature"]
    assert str(signature.recover(digest)) == vector["recovered"]
    signer = PublicKey.from_string(vector["signer"])
    assert signer.verify(digest, signature) is vector["verifies"]
    assert signature.verify(digest, signer) is vector["recovers_to_signer"]
    return signature, digest


@pytest.mark.parametrize("vector", KEYS["k1"], ids=ids("seed"))
def test_k1_key(vector: dict[str, Any]) -> None:
    private = _assert_key_forms(vector, KeyType.K1)
    assert PrivateKey.from_string(vector["wif"]) == private
    assert private.to_wif() == vector["wif"]
    assert private.public_key.to_legacy_string() == vector["public_key_legacy"]
    assert PublicKey.from_string(vector["public_key_legacy"]) == private.public_key

    message = vector["message_signature"]
    reference = Signature.from_string(message["signature"])
    assert reference.recover(bytes.fromhex(message["digest"])) == private.public_key
    ours = private.sign_message(bytes.fromhex(message["message_hex"]))
    assert ours.recover(bytes.fromhex(message["digest"])) == private.public_key


@pytest.mark.parametrize("vector", _signatures("k1"), ids=ids("signature"))
def test_k1_signature(vector: dict[str, Any]) -> None:
    """The reference's signature verifies and recovers; ours recovers too and is canonical.

    Ours need not be byte-identical: the reference personalises RFC 6979 its own way.
    """
    _, digest = _assert_signature(vector)
    private = PrivateKey.from_string(vector["private_key"])
    ours = private.sign_digest(digest)
    assert ours.key_type is KeyType.K1
    assert is_canonical(ours.data[1:])
    assert ours.data[0] in (31, 32, 33, 34)
    assert ours.recover(digest) == private.public_key
    assert private.sign_digest(digest) == ours, "K1 signing is deterministic per digest"


@pytest.mark.parametrize("vector", KEYS["legacy_prefixes"], ids=ids("prefix"))
def test_legacy_prefix(vector: dict[str, Any]) -> None:
    key = PublicKey.from_string(vector["legacy"])
    assert str(key) == vector["public_key"]
    assert key.to_legacy_string(vector["prefix"]) == vector["legacy"]


@pytest.mark.parametrize("vector", KEYS["r1"], ids=ids("seed"))
def test_r1_key(vector: dict[str, Any]) -> None:
    private = _assert_key_forms(vector, KeyType.R1)
    with pytest.raises(InvalidKey, match="WIF"):
        private.to_wif()
    with pytest.raises(InvalidKey, match="legacy"):
        private.public_key.to_legacy_string()


@pytest.mark.parametrize("vector", _signatures("r1"), ids=ids("signature"))
def test_r1_signature(vector: dict[str, Any]) -> None:
    """R1 recovery works on the reference's signatures, and ours are plain RFC 6979 + low-S."""
    reference, digest = _assert_signature(vector)
    private = PrivateKey.from_string(vector["private_key"])
    ours = private.sign_digest(digest)
    assert ours.recover(digest) == private.public_key
    if _r1.DETERMINISTIC:
        assert ours == reference


@pytest.mark.parametrize("vector", KEYS["webauthn"], ids=ids("rpid"))
def test_webauthn(vector: dict[str, Any]) -> None:
    """WA keys and signatures round-trip exactly; recover and verify behave as the reference's.

    The reference cannot recover WA keys (we raise CryptoError) and checks only the compact
    signature against the digest given, so the challenge digest does not verify.
    """
    key = PublicKey.from_string(vector["public_key"])
    assert key.key_type is KeyType.WA
    assert key.data.hex() == vector["public_key_data_hex"] == vector["public_key_reparsed_hex"]
    assert key.to_abi().hex() == vector["public_key_abi_hex"]
    assert str(key) == vector["public_key"]
    abi = bytes.fromhex(vector["public_key_abi_hex"])
    assert PublicKey.from_abi(abi) == (key, len(abi))
    r1_key = PrivateKey.from_string(vector["r1_private_key"]).public_key
    assert r1_key.data.hex() == vector["compressed_key_hex"] == key.data[:33].hex()

    signature = Signature.from_string(vector["signature"])
    assert signature.key_type is KeyType.WA
    assert signature.data.hex() == vector["signature_data_hex"]
    assert signature.data.hex() == vector["signature_reparsed_hex"]
    assert signature.to_abi().hex() == vector["signature_abi_hex"]
    assert str(signature) == vector["signature"]
    abi = bytes.fromhex(vector["signature_abi_hex"])
    assert Signature.from_abi(abi) == (signature, len(abi))
    assert vector["client_json"].encode() in signature.data
    assert bytes.fromhex(vector["auth_data_hex"]) in signature.data

    with pytest.raises(CryptoError):
        signature.recover(bytes.fromhex(vector["signed_digest"]))
    signed = bytes.fromhex(vector["signed_digest"])
    challenge = bytes.fromhex(vector["challenge_digest"])
    assert key.verify(signed, signature) is vector["verify_signed_digest"]
    assert key.verify(challenge, signature) is vector["verify_challenge_digest"]


_PARSERS = {"private_key": PrivateKey, "public_key": PublicKey, "signature": Signature}
_ERRORS = {"private_key": InvalidKey, "public_key": InvalidKey, "signature": InvalidSignature}


@pytest.mark.parametrize("vector", KEYS["rejected"], ids=ids("note"))
def test_rejected(vector: dict[str, Any]) -> None:
    """Every input the reference refuses is refused, and no message repeats a private key."""
    with pytest.raises(_ERRORS[vector["kind"]]) as raised:
        _PARSERS[vector["kind"]].from_string(vector["input"])
    if vector["kind"] == "private_key":
        assert vector["input"] not in str(raised.value)


@pytest.mark.parametrize("vector", KEYS["lenient"], ids=ids("note"))
def test_lenient(vector: dict[str, Any]) -> None:
    """Decision: reproduce. A legacy key is any capital letters, then its 50-character body.

    Legacy prefixes are not registered anywhere (EOS, FIO, TLOS, WAX, PROTON, ...), so an
    unknown one is accepted; ``EOSEOS`` is just a longer prefix. The body's checksum still
    decides, so a mistyped key cannot slip through.
    """
    assert vector["kind"] == "public_key"
    key = PublicKey.from_string(vector["input"])
    assert str(key) == vector["parsed"]
