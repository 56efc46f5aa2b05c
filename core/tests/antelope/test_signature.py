"""Signatures: canonical K1 signing, recovery and verification for K1 and R1, forms."""

from __future__ import annotations

import copy
import hashlib
import pickle

import coincurve
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.antelope import _r1
from sessionkit.antelope._checksum import Checksum256
from sessionkit.antelope._k1 import is_canonical
from sessionkit.antelope._keys import KeyType, PrivateKey, PublicKey, Signature
from sessionkit.errors import CryptoError, DecodeError, InvalidKey, InvalidSignature

K1 = PrivateKey.from_string("5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3")
R1 = PrivateKey.from_bytes(hashlib.sha256(b"r1 signature key").digest(), KeyType.R1)


def _digest(index: int) -> bytes:
    return hashlib.sha256(index.to_bytes(4, "big")).digest()


def test_canonical_test_on_r_and_s() -> None:
    good = b"\x7f" + b"\x00" * 31 + b"\x00\x80" + b"\x00" * 30
    assert is_canonical(good)
    assert not is_canonical(b"\x80" + good[1:])
    assert not is_canonical(b"\x00\x7f" + good[2:])
    assert not is_canonical(good[:32] + b"\x80" + good[33:])
    assert not is_canonical(good[:32] + b"\x00\x7f" + good[34:])


def test_non_canonical_first_tries_are_retried() -> None:
    """Plain RFC 6979 gives a non-canonical signature for about half the digests."""
    raw = coincurve.PrivateKey(K1.to_bytes())
    retried = [
        digest
        for digest in map(_digest, range(40))
        if not is_canonical(raw.sign_recoverable(digest, hasher=None))
    ]
    assert len(retried) >= 5
    for digest in retried:
        signature = K1.sign_digest(digest)
        assert is_canonical(signature.data[1:])
        assert signature.recover(digest) == K1.public_key


@pytest.mark.parametrize("key", [K1, R1], ids=["K1", "R1"])
def test_sign_recover_verify(key: PrivateKey) -> None:
    for digest in map(_digest, range(4)):
        signature = key.sign_digest(digest)
        assert signature.key_type is key.key_type
        assert 31 <= signature.data[0] <= 34
        assert signature.recover(digest) == key.public_key
        assert key.public_key.verify(digest, signature)
        assert signature.verify(digest, key.public_key)
        assert not key.public_key.verify(_digest(99), signature)
        other = PrivateKey.generate(key.key_type).public_key
        assert not other.verify(digest, signature)


def test_sign_message_hashes_first() -> None:
    message = b"hello antelope"
    signature = K1.sign_message(message)
    assert signature == K1.sign_digest(hashlib.sha256(message).digest())


def test_k1_recovery_accepts_every_header_the_chain_does() -> None:
    digest = _digest(1)
    signature = K1.sign_digest(digest)
    recid = signature.data[0] - 31
    for header in (27 + recid, 31 + recid):
        same = Signature(KeyType.K1, bytes([header]) + signature.data[1:])
        assert same.recover(digest) == K1.public_key
    for header in (0, 26, 35, 255):
        bad = Signature(KeyType.K1, bytes([header]) + signature.data[1:])
        with pytest.raises(CryptoError, match=r"27\.\.34"):
            bad.recover(digest)
        assert not K1.public_key.verify(digest, bad)


def test_k1_recovery_fails_on_zero_r() -> None:
    signature = Signature(KeyType.K1, b"\x1f" + b"\0" * 64)
    with pytest.raises(CryptoError):
        signature.recover(_digest(0))
    assert not K1.public_key.verify(_digest(0), signature)


def test_r1_recovery_ids_cover_both_parities() -> None:
    headers = {R1.sign_digest(digest).data[0] for digest in map(_digest, range(12))}
    assert headers == {31, 32}


@pytest.mark.parametrize(
    "data",
    [
        b"\x1f" + b"\0" * 64,
        b"\x1f" + (_r1.N).to_bytes(32, "big") + b"\1" * 32,
        b"\x21" + b"\xff" * 64,
        b"\x00" + b"\1" * 64,
    ],
    ids=["zero", "r=n", "x>=p", "header"],
)
def test_r1_recovery_refuses_impossible_signatures(data: bytes) -> None:
    signature = Signature(KeyType.R1, data)
    with pytest.raises(CryptoError):
        signature.recover(_digest(0))
    assert not R1.public_key.verify(_digest(0), signature)


def test_r1_recovery_with_a_flipped_parity_gives_another_key() -> None:
    digest = _digest(5)
    signature = R1.sign_digest(digest)
    flipped = Signature(KeyType.R1, bytes([63 - signature.data[0]]) + signature.data[1:])
    other = flipped.recover(digest)
    assert other != R1.public_key
    assert other.key_type is KeyType.R1
    assert not R1.public_key.verify(digest, flipped)


def test_signature_forms() -> None:
    signature = K1.sign_digest(_digest(3))
    text = str(signature)
    assert text.startswith("SIG_K1_")
    assert Signature.from_string(text) == signature
    assert Signature.from_json(text) == signature
    assert Signature.from_json(signature) is signature
    assert signature.to_json() == text
    assert repr(signature) == f"Signature({text!r})"
    assert Signature.from_abi(b"\xee" + signature.to_abi(), 1) == (signature, 67)
    assert signature != text
    assert len({signature, Signature.from_string(text)}) == 1


@pytest.mark.parametrize(
    "text", ["", "SIG_K1", "SIG_X1_abc", "SIG_K1_a_b", "sig_k1_abc", "SIG_K1_0OIl", "S" * 9000]
)
def test_malformed_signature_strings(text: str) -> None:
    with pytest.raises(InvalidSignature):
        Signature.from_string(text)


def test_signature_constructor_checks_length() -> None:
    with pytest.raises(InvalidSignature, match="65 bytes"):
        Signature(KeyType.K1, b"\1" * 64)
    with pytest.raises(InvalidSignature, match="WA"):
        Signature(KeyType.WA, b"\1" * 65)
    with pytest.raises(InvalidSignature, match="unknown"):
        Signature(3, b"\1" * 65)
    with pytest.raises(InvalidSignature):
        Signature.from_json(None)


@pytest.mark.parametrize(
    ("hex_data", "message"),
    [("", "truncated"), ("00" + "11" * 64, "truncated"), ("05" + "11" * 65, "unknown")],
)
def test_signature_from_abi_errors(hex_data: str, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        Signature.from_abi(bytes.fromhex(hex_data))


def test_wa_signature_layout() -> None:
    compact = R1.sign_digest(_digest(7)).data
    data = compact + b"\x02ad" + b"\x03{}x"
    signature = Signature(KeyType.WA, data)
    assert Signature.from_string(str(signature)) == signature
    assert Signature.from_abi(signature.to_abi() + b"\0") == (signature, len(data) + 1)
    for cut in range(len(data)):
        with pytest.raises(DecodeError):
            Signature.from_abi(b"\x02" + data[:cut])
    with pytest.raises(DecodeError, match="5 bytes"):
        Signature.from_abi(b"\x02" + compact + b"\xff" * 6)
    with pytest.raises(DecodeError, match="32 bits"):
        Signature.from_abi(b"\x02" + compact + b"\xff\xff\xff\xff\x7f")
    wa_key = PublicKey(KeyType.WA, R1.public_key.data + b"\x01\x00")
    assert wa_key.verify(_digest(7), signature)
    assert not wa_key.verify(_digest(8), signature)


def test_wa_length_prefixes_are_read_leniently_and_kept_verbatim() -> None:
    data = bytes(65) + b"\x82\x00ad" + b"\x00"
    signature = Signature(KeyType.WA, data)
    assert Signature.from_abi(signature.to_abi()) == (signature, len(data) + 1)
    assert signature.to_abi() == b"\x02" + data


@settings(max_examples=40, deadline=None)
@given(
    secret=st.binary(min_size=32, max_size=32),
    digest=st.binary(min_size=32, max_size=32),
    other=st.binary(min_size=32, max_size=32),
    key_type=st.sampled_from([KeyType.K1, KeyType.R1]),
)
def test_a_signature_made_here_recovers_as_the_curve_arithmetic_does(
    secret: bytes, digest: bytes, other: bytes, key_type: KeyType
) -> None:
    """``sign_digest`` remembers its digest and key so ``recover`` can skip the arithmetic;
    what it answers is what a parsed copy of the signature, recovered in full, gives."""
    try:
        key = PrivateKey.from_bytes(secret, key_type)
    except InvalidKey:
        return
    made = key.sign_digest(digest)
    parsed = Signature.from_string(str(made))
    assert made == parsed
    assert hash(made) == hash(parsed)
    assert made.recover(digest) == parsed.recover(digest) == key.public_key
    assert made.recover(Checksum256(digest)) == key.public_key
    if other != digest:  # over any other digest: recovered in full, another key
        assert made.recover(other) == parsed.recover(other) != key.public_key
    for copied in (copy.copy(made), pickle.loads(pickle.dumps(made))):
        assert copied == made
        assert copied.recover(digest) == key.public_key
