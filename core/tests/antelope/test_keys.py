"""Keys: construction, string/ABI/JSON forms, secrecy of private keys, ECDH."""

from __future__ import annotations

import copy
import hashlib
import pickle
import sys
import types

import pytest
from fresh_interpreter import modules_loaded_by
from sessionkit.antelope import _base58
from sessionkit.antelope._checksum import Checksum256
from sessionkit.antelope._keys import KeyType, PrivateKey, PublicKey, Signature
from sessionkit.errors import (
    CryptoError,
    DecodeError,
    InvalidChecksum,
    InvalidKey,
    InvalidSignature,
)

K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
R1_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
WIF = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3"
PUBLIC = "PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BoDq63"


@pytest.fixture(scope="module")
def k1() -> PrivateKey:
    return PrivateKey.from_string(WIF)


@pytest.fixture(scope="module")
def r1() -> PrivateKey:
    return PrivateKey.from_bytes(hashlib.sha256(b"r1 test key").digest(), KeyType.R1)


def test_the_well_known_development_key(k1: PrivateKey) -> None:
    assert str(k1.public_key) == PUBLIC
    assert (
        k1.public_key.to_legacy_string() == "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV"
    )


@pytest.mark.parametrize("key_type", [KeyType.K1, KeyType.R1])
def test_private_key_never_shows_itself(key_type: KeyType) -> None:
    key = PrivateKey.generate(key_type)
    secret_forms = [key.to_string(), key.to_bytes().hex()]
    if key_type is KeyType.K1:
        secret_forms.append(key.to_wif())
    for shown in (repr(key), str(key), f"{key}", f"{key!r}", repr([key])):
        assert str(key.public_key) in shown
        for secret in secret_forms:
            assert secret not in shown


def test_private_key_is_not_pickled_but_copies_as_itself(k1: PrivateKey) -> None:
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(k1)
    assert copy.copy(k1) is k1
    assert copy.deepcopy(k1) is k1


def test_private_key_string_forms_round_trip(k1: PrivateKey) -> None:
    assert PrivateKey.from_string(k1.to_string()) == k1
    assert PrivateKey.from_string(k1.to_wif()) == k1
    assert PrivateKey.from_bytes(k1.to_bytes()) == k1
    assert k1.to_wif() == WIF
    assert k1.to_string().startswith("PVT_K1_")
    assert len({k1, PrivateKey.from_string(WIF)}) == 1


def test_compressed_wif_is_accepted(k1: PrivateKey) -> None:
    payload = b"\x80" + k1.to_bytes() + b"\x01"
    checksum = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    assert PrivateKey.from_string(_base58.encode(payload + checksum)) == k1


@pytest.mark.parametrize(
    ("raw", "key_type"),
    [
        (b"\0" * 32, KeyType.K1),
        (K1_ORDER.to_bytes(32, "big"), KeyType.K1),
        (b"\xff" * 32, KeyType.K1),
        (b"\1" * 31, KeyType.K1),
        (b"\0" * 32, KeyType.R1),
        (R1_ORDER.to_bytes(32, "big"), KeyType.R1),
        (b"\1" * 33, KeyType.R1),
        (b"\1" * 32, KeyType.WA),
        (b"\1" * 32, 7),
    ],
)
def test_out_of_range_private_keys_are_refused(raw: bytes, key_type: KeyType) -> None:
    with pytest.raises(InvalidKey):
        PrivateKey.from_bytes(raw, key_type)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "PVT_K1_",
        "PVT_WA_qWKLjaGqHk1qWx8TAGLk7JTx3J9hhHX8GgKKKv4gGNWSQfqMd",
        "PVT_K1_a_b",
        "5" * 2000,
        "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV",
    ],
)
def test_malformed_private_key_strings_are_refused(text: str) -> None:
    with pytest.raises(InvalidKey):
        PrivateKey.from_string(text)


def test_private_key_from_string_wants_a_string() -> None:
    with pytest.raises(InvalidKey, match="string"):
        PrivateKey.from_string(b"5KQ...")  # type: ignore[arg-type]


def test_generate_gives_distinct_working_keys() -> None:
    first, second = PrivateKey.generate(), PrivateKey.generate(KeyType.K1)
    assert first != second
    assert first.key_type is KeyType.K1
    with pytest.raises(InvalidKey):
        PrivateKey.generate(KeyType.WA)


def test_public_key_checks_the_curve() -> None:
    valid = PublicKey.from_string(PUBLIC)
    with pytest.raises(InvalidKey, match="33 bytes"):
        PublicKey(KeyType.K1, b"\x04" + valid.data[1:])
    with pytest.raises(InvalidKey, match="33 bytes"):
        PublicKey(KeyType.K1, valid.data[:32])
    # About half of all x coordinates are on a curve: take the first that is not.
    off_k1 = next(x for x in range(1, 50) if not _on_curve(KeyType.K1, x))
    off_r1 = next(x for x in range(1, 50) if not _on_curve(KeyType.R1, x))
    with pytest.raises(InvalidKey, match="secp256k1"):
        PublicKey(KeyType.K1, b"\x02" + off_k1.to_bytes(32, "big"))
    with pytest.raises(InvalidKey, match="P-256"):
        PublicKey(KeyType.R1, b"\x02" + off_r1.to_bytes(32, "big"))
    with pytest.raises(InvalidKey, match="unknown key type"):
        PublicKey(9, valid.data)


def _on_curve(key_type: KeyType, x: int) -> bool:
    try:
        PublicKey(key_type, b"\x02" + x.to_bytes(32, "big"))
    except InvalidKey:
        return False
    return True


def test_public_key_json_and_equality(k1: PrivateKey, r1: PrivateKey) -> None:
    key = k1.public_key
    assert PublicKey.from_json(key) is key
    assert PublicKey.from_json(key.to_legacy_string()) == key
    assert key.to_json() == PUBLIC
    assert repr(key) == f"PublicKey({PUBLIC!r})"
    assert key != r1.public_key
    assert key != PUBLIC
    assert len({key, PublicKey.from_string(PUBLIC), r1.public_key}) == 2
    with pytest.raises(InvalidKey):
        PublicKey.from_json(42)


def test_public_key_from_abi_reads_at_a_position(k1: PrivateKey, r1: PrivateKey) -> None:
    data = b"\xaa" + k1.public_key.to_abi() + r1.public_key.to_abi() + b"\xbb"
    first, pos = PublicKey.from_abi(data, 1)
    second, end = PublicKey.from_abi(memoryview(data), pos)
    assert (first, second, pos, end) == (k1.public_key, r1.public_key, 35, 69)


@pytest.mark.parametrize(
    ("hex_data", "message"),
    [
        ("", "truncated"),
        ("00", "truncated"),
        ("0002", "truncated"),
        ("03" + "02" * 33, "unknown"),
        ("00" + "02" + "00" * 32, "secp256k1"),
        ("02" + "02" + "11" * 32, "truncated"),
    ],
)
def test_public_key_from_abi_errors(hex_data: str, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        PublicKey.from_abi(bytes.fromhex(hex_data))


def test_legacy_keys_need_capital_letters_and_a_checksum() -> None:
    body = PUBLIC.removeprefix("PUB_K1_")
    assert PublicKey.from_string("EOS" + _base58.encode_legacy(PublicKey.from_string(PUBLIC).data))
    for text in ("eos" + body, "E0S" + body, body, "EOS" + body):
        with pytest.raises(InvalidKey):
            PublicKey.from_string(text)


def test_r1_keys_have_no_legacy_or_wif_form(r1: PrivateKey) -> None:
    with pytest.raises(InvalidKey):
        r1.public_key.to_legacy_string()
    with pytest.raises(InvalidKey):
        r1.to_wif()
    assert PrivateKey.from_string(r1.to_string()) == r1


@pytest.mark.parametrize("key_type", [KeyType.K1, KeyType.R1])
def test_shared_secret_is_symmetric(key_type: KeyType) -> None:
    alice, bob = PrivateKey.generate(key_type), PrivateKey.generate(key_type)
    secret = alice.shared_secret(bob.public_key)
    assert len(secret) == 64
    assert secret == bob.shared_secret(alice.public_key)
    assert secret != alice.shared_secret(PrivateKey.generate(key_type).public_key)


def test_shared_secret_needs_the_same_curve(k1: PrivateKey, r1: PrivateKey) -> None:
    with pytest.raises(InvalidKey, match="ECDH"):
        k1.shared_secret(r1.public_key)


def test_digest_may_be_a_checksum256_and_must_be_32_bytes(k1: PrivateKey) -> None:
    digest = hashlib.sha256(b"hello").digest()
    signature = k1.sign_digest(Checksum256(digest))
    assert signature == k1.sign_digest(digest)
    assert signature.recover(Checksum256(digest)) == k1.public_key
    assert k1.public_key.verify(bytearray(digest), signature)
    with pytest.raises(InvalidChecksum):
        k1.sign_digest(digest[:31])
    with pytest.raises(InvalidChecksum):
        k1.public_key.verify(digest.hex(), signature)  # type: ignore[arg-type]


def test_wa_keys_hold_rpid_and_cannot_sign() -> None:
    r1 = PrivateKey.generate(KeyType.R1)
    data = r1.public_key.data + b"\x01" + bytes([len(b"example.com")]) + b"example.com"
    key = PublicKey(KeyType.WA, data)
    assert PublicKey.from_string(str(key)) == key
    assert PublicKey.from_abi(key.to_abi() + b"tail") == (key, len(data) + 1)
    with pytest.raises(InvalidKey, match="WA"):
        PublicKey(KeyType.WA, data + b"x")
    with pytest.raises(InvalidKey, match="WA"):
        PublicKey(KeyType.WA, data[:-1])
    with pytest.raises(DecodeError, match="truncated"):
        PublicKey.from_abi(key.to_abi()[:-1])
    with pytest.raises(InvalidKey):
        PrivateKey.from_bytes(r1.to_bytes(), KeyType.WA)


def test_wa_key_and_signature_types_do_not_mix(k1: PrivateKey, r1: PrivateKey) -> None:
    digest = bytes(32)
    assert not r1.public_key.verify(digest, k1.sign_digest(digest))
    assert not k1.public_key.verify(digest, r1.sign_digest(digest))
    signature = Signature(KeyType.R1, r1.sign_digest(digest).data)
    with pytest.raises(CryptoError, match="WA"):
        Signature(KeyType.WA, signature.data + b"\x00\x00").recover(digest)


ABC_RIPEMD160 = "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"


def test_ripemd160_of_abc() -> None:
    assert _base58.ripemd160(b"abc").hex() == ABC_RIPEMD160


def test_ripemd160_falls_back_to_pycryptodome(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without OpenSSL's RIPEMD-160, PyCryptodome's is used; without both, a clear error."""
    real_new = hashlib.new

    def no_ripemd(name: str, data: bytes = b"") -> object:
        raise ValueError("unsupported hash type")

    class FakeRipemd:
        @staticmethod
        def new(data: bytes) -> object:
            return real_new("ripemd160", data)

    monkeypatch.setattr(_base58.hashlib, "new", no_ripemd)
    fake_hash = types.ModuleType("Crypto.Hash")
    fake_hash.RIPEMD160 = FakeRipemd  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "Crypto", types.ModuleType("Crypto"))
    monkeypatch.setitem(sys.modules, "Crypto.Hash", fake_hash)
    assert _base58._ripemd160_function()(b"abc").hex() == ABC_RIPEMD160

    monkeypatch.setitem(sys.modules, "Crypto", None)
    monkeypatch.delitem(sys.modules, "Crypto.Hash")
    missing = _base58._ripemd160_function()
    with pytest.raises(CryptoError, match="pycryptodome"):
        missing(b"abc")


def test_k1_work_does_not_load_cryptography() -> None:
    """R1 support loads on first use: K1-only programs skip importing ``cryptography``."""
    code = (
        "from sessionkit.antelope._keys import PrivateKey\n"
        f"key = PrivateKey.from_string({WIF!r})\n"
        "key.sign_digest(bytes(32)).recover(bytes(32))\n"
    )
    assert modules_loaded_by(code, ["cryptography"]) == []


@pytest.mark.parametrize("data", ["02" * 33, None, 7])
def test_constructors_want_bytes(data: object) -> None:
    with pytest.raises(InvalidKey, match="bytes"):
        PublicKey(KeyType.K1, data)  # type: ignore[arg-type]
    with pytest.raises(InvalidKey, match="bytes"):
        PrivateKey(KeyType.K1, data)  # type: ignore[arg-type]
    with pytest.raises(InvalidSignature, match="bytes"):
        Signature(KeyType.K1, data)  # type: ignore[arg-type]


def test_key_type_prints_its_name() -> None:
    assert str(KeyType.K1) == "K1"
    assert f"{KeyType.WA}" == "WA"
    assert KeyType.R1 == 1
