"""Bad input into key and signature parsers gives a value or a sessionkit error; round trips."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.antelope import _base58
from sessionkit.antelope._keys import KeyType, PrivateKey, PublicKey, Signature
from sessionkit.errors import DecodeError, InvalidKey, InvalidSignature, SessionKitError

K1 = PrivateKey.from_string("5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3")
R1 = PrivateKey.from_bytes(hashlib.sha256(b"property r1").digest(), KeyType.R1)
WA = PublicKey(KeyType.WA, R1.public_key.data + b"\x01\x0bexample.com")
WA_SIGNATURE = Signature(KeyType.WA, R1.sign_digest(bytes(32)).data + b"\x01a\x02{}")
VALID_TEXTS = [
    K1.to_string(),
    K1.to_wif(),
    R1.to_string(),
    str(K1.public_key),
    K1.public_key.to_legacy_string(),
    str(R1.public_key),
    str(WA),
    str(K1.sign_digest(bytes(32))),
    str(R1.sign_digest(bytes(32))),
    str(WA_SIGNATURE),
]
base58_text = st.text(alphabet=_base58.ALPHABET, max_size=120)
prefixes = st.sampled_from(["", "EOS", "PUB_K1_", "PUB_R1_", "PUB_WA_", "PVT_K1_", "PVT_R1_"])
prefixes |= st.sampled_from(["SIG_K1_", "SIG_R1_", "SIG_WA_", "PUB_X1_", "5", "FIO"])


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid key or signature string with one character replaced, dropped or added."""
    text = draw(st.sampled_from(VALID_TEXTS))
    at = draw(st.integers(0, len(text) - 1))
    char = draw(st.sampled_from(_base58.ALPHABET + "_0OIl"))
    kind = draw(st.sampled_from(["replace", "drop", "insert"]))
    if kind == "replace":
        return text[:at] + char + text[at + 1 :]
    if kind == "drop":
        return text[:at] + text[at + 1 :]
    return text[:at] + char + text[at:]


texts = st.text(max_size=200) | st.builds(str.__add__, prefixes, base58_text) | mutated()


@settings(max_examples=400)
@given(texts)
def test_any_string_parses_or_raises_a_sessionkit_error(text: str) -> None:
    for parse, error in (
        (PublicKey.from_string, InvalidKey),
        (PrivateKey.from_string, InvalidKey),
        (Signature.from_string, InvalidSignature),
    ):
        try:
            value = parse(text)
        except error:
            continue
        if isinstance(value, PrivateKey):
            assert PrivateKey.from_string(value.to_string()) == value
        else:
            assert type(value).from_string(str(value)) == value


SECRETS = [K1.to_string(), K1.to_wif(), R1.to_string()]


@settings(max_examples=200)
@given(st.sampled_from(SECRETS), st.integers(0, 60), st.sampled_from(_base58.ALPHABET + "_0O"))
def test_private_key_errors_never_echo_the_input(secret: str, at: int, char: str) -> None:
    """A mistyped private key is still nearly the key: no part of it appears in the error."""
    text = secret[:at] + char + secret[at + 1 :]
    try:
        PrivateKey.from_string(text)
    except InvalidKey as raised:
        message = str(raised)
    else:
        return
    body = text.rsplit("_", 1)[-1]
    windows = {body[start : start + 6] for start in range(len(body) - 5)}
    assert not any(window in message for window in windows)


abi_prefix = st.sampled_from([b"", b"\x00", b"\x01", b"\x02", b"\x00\x02", b"\x00\x03"])


@settings(max_examples=400)
@given(abi_prefix, st.binary(max_size=120), st.integers(0, 3))
def test_any_bytes_decode_or_raise_decode_error(head: bytes, tail: bytes, pos: int) -> None:
    data = head + tail
    for decoder in (PublicKey.from_abi, Signature.from_abi):
        try:
            value, end = decoder(data, pos)
        except DecodeError:
            continue
        assert pos < end <= len(data)
        assert value.to_abi() == data[pos:end]


@settings(max_examples=200)
@given(st.binary(min_size=32, max_size=32), st.sampled_from([KeyType.K1, KeyType.R1]))
def test_private_key_round_trips(raw: bytes, key_type: KeyType) -> None:
    try:
        key = PrivateKey.from_bytes(raw, key_type)
    except InvalidKey:
        return
    assert PrivateKey.from_string(key.to_string()) == key
    assert PublicKey.from_string(str(key.public_key)) == key.public_key
    assert PublicKey.from_abi(key.public_key.to_abi()) == (key.public_key, 34)
    if key_type is KeyType.K1:
        assert PrivateKey.from_string(key.to_wif()) == key
        legacy = key.public_key.to_legacy_string("TLOS")
        assert PublicKey.from_string(legacy) == key.public_key


@settings(max_examples=150)
@given(st.binary(min_size=32, max_size=32), st.binary(min_size=32, max_size=32))
def test_k1_signatures_are_canonical_and_recover(secret: bytes, digest: bytes) -> None:
    try:
        key = PrivateKey.from_bytes(secret)
    except InvalidKey:
        return
    signature = key.sign_digest(digest)
    r, s = int.from_bytes(signature.data[1:33], "big"), int.from_bytes(signature.data[33:], "big")
    assert signature.data[0] in (31, 32)
    assert 1 << 247 <= r < 1 << 255, "EOSIO canonical r"
    assert 1 << 247 <= s < 1 << 255, "EOSIO canonical s"
    assert signature.recover(digest) == key.public_key
    assert Signature.from_string(str(signature)) == signature


@settings(max_examples=15, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_r1_signatures_recover(digest: bytes) -> None:
    signature = R1.sign_digest(digest)
    assert signature.recover(digest) == R1.public_key
    assert R1.public_key.verify(digest, signature)


@settings(max_examples=15, deadline=None)
@given(st.binary(min_size=65, max_size=65), st.binary(min_size=32, max_size=32))
def test_recovering_random_signatures_gives_a_key_or_a_sessionkit_error(
    data: bytes, digest: bytes
) -> None:
    for key_type in (KeyType.K1, KeyType.R1):
        signature = Signature(key_type, data)
        try:
            key = signature.recover(digest)
        except SessionKitError:
            continue
        assert key.key_type is key_type
        assert key.verify(digest, signature)


@settings(max_examples=300)
@given(st.binary(max_size=80))
def test_base58_round_trips(data: bytes) -> None:
    text = _base58.encode(data)
    assert _base58.decode(text) == data
    assert not data or not text.startswith("1") or data.startswith(b"\0")
