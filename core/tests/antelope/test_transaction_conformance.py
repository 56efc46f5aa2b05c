"""transactions.json, one test per vector for each property of a transaction.

Decision on context-free data: the reference signs every transaction over 32 zero bytes in place
of the context-free-data hash, even when the transaction carries context-free data, which a node
would reject. ``transaction.signing_digest(chain_id)`` (no data given) reproduces the recorded
digests; ``SignedTransaction.signing_digest`` and ``signing_digest(chain_id, cfd)`` use Leap's
rule, sha256 of the packed ``bytes[]``, checked here against the vector's own packed data.
"""

from __future__ import annotations

import hashlib
import zlib
from functools import cache
from typing import Any

import pytest
from conformance_vectors import load
from sessionkit.antelope._abi import ABI
from sessionkit.antelope._checksum import Checksum256
from sessionkit.antelope._keys import PrivateKey, PublicKey, Signature
from sessionkit.antelope._transaction import (
    Action,
    CompressionType,
    PackedTransaction,
    SignedTransaction,
    Transaction,
)

TRANSACTIONS = load("transactions.json")
VECTORS = TRANSACTIONS["vectors"]
EOS_MAINNET = "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906"


def vector_id(vector: dict[str, Any]) -> str:
    return str(vector["id"])[:12]


def is_canonical(signature: Signature) -> bool:
    r, s = signature.data[1:33], signature.data[33:65]
    return all(not part[0] & 0x80 and not (part[0] == 0 and not part[1] & 0x80) for part in (r, s))


@cache
def abi(name: str) -> ABI:
    return ABI.from_json(load("abi.json")["abis"][name])


def signed(vector: dict[str, Any]) -> SignedTransaction:
    return SignedTransaction.from_json(
        {
            **vector["transaction"],
            "signatures": vector["signatures"],
            "context_free_data": vector["context_free_data"],
        }
    )


@pytest.mark.conformance
@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_packed_id_and_signing_digests(vector: dict[str, Any]) -> None:
    transaction = Transaction.from_json(vector["transaction"])
    packed = transaction.to_bytes()
    assert packed.hex() == vector["packed_hex"]
    assert transaction.id == Checksum256(vector["id"])
    assert vector["chain_id"] == TRANSACTIONS["chain_id"]
    assert str(transaction.signing_digest(vector["chain_id"])) == vector["signing_digest"]
    assert (
        hashlib.sha256(bytes.fromhex(vector["signing_data_hex"])).hexdigest()
        == (vector["signing_digest"])
    )
    mainnet = transaction.signing_digest(Checksum256(EOS_MAINNET))
    assert str(mainnet) == vector["signing_digest_eos_mainnet"]


@pytest.mark.conformance
@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_context_free_data_digest_follows_leap(vector: dict[str, Any]) -> None:
    transaction = signed(vector)
    packed_cfd = bytes.fromhex(vector["packed_transaction"]["packed_context_free_data"])
    if vector["context_free_data"]:
        expected = hashlib.sha256(
            bytes.fromhex(vector["chain_id"])
            + bytes.fromhex(vector["packed_hex"])
            + hashlib.sha256(packed_cfd).digest()
        ).hexdigest()
        assert expected != vector["signing_digest"]
    else:
        expected = vector["signing_digest"]
    assert str(transaction.signing_digest(vector["chain_id"])) == expected


@pytest.mark.conformance
@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_reference_signatures_recover_to_the_signers(vector: dict[str, Any]) -> None:
    digest = Transaction.from_json(vector["transaction"]).signing_digest(vector["chain_id"])
    assert len(vector["signatures"]) == len(vector["signers"])
    for text, signer, recovered in zip(
        vector["signatures"], vector["signers"], vector["recovered"], strict=True
    ):
        signature = Signature.from_string(text)
        public_key = PublicKey.from_string(signer["public_key"])
        assert str(signature.recover(digest)) == recovered == str(public_key)
        assert public_key.verify(digest, signature)


@pytest.mark.conformance
@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_our_signatures_are_canonical_and_recover(vector: dict[str, Any]) -> None:
    digest = Transaction.from_json(vector["transaction"]).signing_digest(vector["chain_id"])
    for signer in vector["signers"]:
        signature = PrivateKey.from_string(signer["private_key"]).sign_digest(digest)
        assert str(signature).startswith("SIG_K1_")
        assert is_canonical(signature)
        assert 31 <= signature.data[0] <= 34
        assert str(signature.recover(digest)) == signer["public_key"]


@pytest.mark.conformance
@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_signed_transaction_binary_and_json(vector: dict[str, Any]) -> None:
    transaction = signed(vector)
    assert transaction.to_bytes().hex() == vector["signed_transaction_hex"]
    decoded = SignedTransaction.from_bytes(bytes.fromhex(vector["signed_transaction_hex"]))
    assert decoded == transaction
    assert SignedTransaction.from_json(transaction.to_json()) == transaction
    assert transaction.to_json()["signatures"] == vector["signatures"]


@pytest.mark.conformance
@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_packed_transaction(vector: dict[str, Any]) -> None:
    transaction = signed(vector)
    packed = PackedTransaction.from_signed(transaction)
    assert packed.to_json() == vector["packed_transaction"]
    assert PackedTransaction.from_json(vector["packed_transaction"]).unpack() == transaction
    assert packed.id == transaction.id

    deflated = PackedTransaction.from_signed(transaction, CompressionType.ZLIB)
    assert deflated.to_json()["compression"] == 1
    assert deflated.packed_trx[0] == 0x78  # a zlib header, which nodes require
    assert zlib.decompress(deflated.packed_trx).hex() == vector["packed_hex"]
    assert PackedTransaction.from_json(deflated.to_json()).unpack() == transaction


@pytest.mark.conformance
@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_decoded_json(vector: dict[str, Any]) -> None:
    transaction = Transaction.from_bytes(bytes.fromhex(vector["packed_hex"]))
    assert transaction.to_json() == vector["decoded"]
    assert Transaction.from_json(vector["decoded"]) == transaction


@pytest.mark.conformance
@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_actions_decoded_through_the_abis(vector: dict[str, Any]) -> None:
    transaction = Transaction.from_json(vector["transaction"])
    entries = vector["actions_decoded"]
    assert len(entries) == len(transaction.actions)
    for entry in entries:
        if entry is None:
            continue
        action = transaction.actions[entry["index"]]
        contract = abi(entry["abi"])
        assert action.decode_data(contract) == entry["data"]
        rebuilt = Action.from_data(
            action.account, action.name, action.authorization, entry["data"], contract
        )
        assert rebuilt == action
