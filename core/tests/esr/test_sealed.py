"""Sealed messages: sealing, opening, the checks on the way, and the value type's forms."""

from __future__ import annotations

import copy
import hashlib

import msgspec
import pytest
from sessionkit.antelope import KeyType, PrivateKey, enc_hook
from sessionkit.errors import DecodeError, InvalidSealedMessage
from sessionkit.esr import sealed as sealed_module
from sessionkit.esr.sealed import SealedMessage, seal, unseal, unseal_text

DAPP = PrivateKey.from_bytes(hashlib.sha256(b"dapp request key").digest())
WALLET = PrivateKey.from_bytes(hashlib.sha256(b"wallet link key").digest())
STRANGER = PrivateKey.from_bytes(hashlib.sha256(b"someone else").digest())


def test_reference_readme_vector() -> None:
    """The example of the reference's README (wharfkit-behaviour.md 8.5)."""
    sender = PrivateKey.from_string("PVT_K1_2Uew3LyC8KRRXrnqiN4RmMP2nqR1tVY5gAjXMJkdtFVTthdRtJ")
    receiver = PrivateKey.from_string("PVT_K1_LzT8YiEeLKG82uYqYPjytVotkztTVgR9Xs9YFfRU1wQ7dtcED")
    message = seal("Hello, World!", sender, receiver.public_key, 1234567890)
    assert message.ciphertext.hex() == "abb3a412f59211df4d9d984d445127a9"
    assert message.checksum == 3145678526
    assert message.to_abi().hex() == (
        "000332cddc77a81edd50b9d34a7b2a9a5661e92f2b7257c543f52a785f2c166bd58ed20296490000000010"
        "abb3a412f59211df4d9d984d445127a9be3e7fbb"
    )
    assert unseal_text(message, receiver) == "Hello, World!"


def test_random_nonces_differ_and_open() -> None:
    first = seal("esr:gmNgZGBY1mTC_MoLA", DAPP, WALLET.public_key)
    second = seal("esr:gmNgZGBY1mTC_MoLA", DAPP, WALLET.public_key)
    assert first.nonce != second.nonce
    assert first.ciphertext != second.ciphertext
    assert first.from_ == DAPP.public_key
    assert unseal_text(first, WALLET) == unseal_text(second, WALLET) == "esr:gmNgZGBY1mTC_MoLA"


def test_the_sender_can_open_its_own_message() -> None:
    message = seal(b"\x00\xffbinary", DAPP, WALLET.public_key, 7)
    assert unseal(message, DAPP, peer=WALLET.public_key) == b"\x00\xffbinary"


def test_a_wrong_key_fails_on_the_checksum() -> None:
    message = seal("for the wallet only", DAPP, WALLET.public_key, 1)
    with pytest.raises(InvalidSealedMessage, match="checksum"):
        unseal(message, STRANGER)


@pytest.mark.parametrize(
    "change",
    [
        {"checksum": 0},
        {"nonce": 2},
        {"from_": PrivateKey.from_bytes(b"\1" * 32).public_key},
    ],
    ids=["checksum", "nonce", "sender"],
)
def test_altered_envelopes_are_refused(change: dict[str, object]) -> None:
    message = seal("do not touch", DAPP, WALLET.public_key, 1)
    fields = {
        "from_": message.from_,
        "nonce": message.nonce,
        "ciphertext": message.ciphertext,
        "checksum": message.checksum,
        **change,
    }
    with pytest.raises(InvalidSealedMessage, match="checksum"):
        unseal(SealedMessage(**fields), WALLET)  # type: ignore[arg-type]


@pytest.mark.parametrize("ciphertext", [b"", b"\1" * 15, b"\1" * 17])
def test_ciphertext_must_be_whole_blocks(ciphertext: bytes) -> None:
    checksum = sealed_module._envelope(WALLET, DAPP.public_key, 1).checksum
    message = SealedMessage(DAPP.public_key, 1, ciphertext, checksum)
    with pytest.raises(InvalidSealedMessage, match="multiple of 16"):
        unseal(message, WALLET)


def test_non_text_plaintext_is_refused_by_unseal_text() -> None:
    message = seal(b"\xff\xfe", DAPP, WALLET.public_key, 3)
    assert unseal(message, WALLET) == b"\xff\xfe"
    with pytest.raises(InvalidSealedMessage, match="UTF-8"):
        unseal_text(message, WALLET)


def test_keys_on_different_curves_cannot_seal() -> None:
    r1 = PrivateKey.generate(KeyType.R1)
    with pytest.raises(InvalidSealedMessage, match="ECDH"):
        seal("x", DAPP, r1.public_key)


@pytest.mark.parametrize("nonce", [-1, 2**64, True, 1.0])
def test_nonce_must_be_a_uint64(nonce: object) -> None:
    with pytest.raises(InvalidSealedMessage, match="uint64"):
        seal("x", DAPP, WALLET.public_key, nonce)  # type: ignore[arg-type]


def test_boundary_nonces() -> None:
    for nonce in (0, 2**32 - 1, 2**32, 2**64 - 1):
        message = seal("edge", DAPP, WALLET.public_key, nonce)
        assert unseal_text(message, WALLET) == "edge"
        expected = nonce if nonce < 2**32 else str(nonce)
        assert message.to_json()["nonce"] == expected
        assert SealedMessage.from_json(message.to_json()) == message


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"nonce": -1}, "uint64"),
        ({"nonce": 2**64}, "uint64"),
        ({"checksum": 2**32}, "uint32"),
        ({"checksum": "1"}, "uint32"),
        ({"from_": "PUB_K1_..."}, "PublicKey"),
        ({"ciphertext": "00"}, "bytes"),
    ],
)
def test_constructor_checks_fields(fields: dict[str, object], message: str) -> None:
    values = {"from_": DAPP.public_key, "nonce": 1, "ciphertext": b"", "checksum": 1, **fields}
    with pytest.raises(InvalidSealedMessage, match=message):
        SealedMessage(**values)  # type: ignore[arg-type]


def test_value_semantics() -> None:
    message = seal("same", DAPP, WALLET.public_key, 9)
    again = SealedMessage.from_bytes(message.to_bytes())
    assert again == message
    assert hash(again) == hash(message)
    with pytest.raises(AttributeError):
        message.nonce = 3  # type: ignore[misc]
    assert "key and iv hidden" in repr(sealed_module._envelope(DAPP, WALLET.public_key, 9))


def test_from_abi_reads_at_a_position() -> None:
    message = seal("positioned", DAPP, WALLET.public_key, 11)
    data = b"\xaa\xbb" + message.to_abi() + b"\xcc"
    assert SealedMessage.from_abi(data, 2) == (message, len(data) - 1)
    with pytest.raises(DecodeError):
        SealedMessage.from_bytes(data[2:])
    with pytest.raises(DecodeError):
        SealedMessage.from_bytes(message.to_abi()[:-1])


@pytest.mark.parametrize(
    "value",
    [
        None,
        [],
        {"from": "x"},
        {"from": "EOS123", "nonce": 1, "ciphertext": "", "checksum": 1},
        {"from": "PUB", "nonce": 1, "ciphertext": "", "checksum": 1, "extra": 1},
        {"nonce": "1e3", "ciphertext": "", "checksum": 1},
        {"nonce": 1, "ciphertext": "zz", "checksum": 1},
        {"nonce": 1, "ciphertext": 5, "checksum": 1},
        {"nonce": 1, "ciphertext": "", "checksum": 1.5},
        {"nonce": "-1", "ciphertext": "", "checksum": 1},
        {"nonce": "9" * 5000, "ciphertext": "", "checksum": 1},
        {"nonce": 1, "ciphertext": "", "checksum": "9" * 5000},
        {"nonce": 1, "ciphertext": "ab cd", "checksum": 1},
        {"nonce": 1, "ciphertext": "abcd ", "checksum": 1},
    ],
)
def test_from_json_refuses_malformed_objects(value: object) -> None:
    if isinstance(value, dict) and "from" not in value:
        value = {"from": str(DAPP.public_key), **value}
    with pytest.raises(InvalidSealedMessage):
        SealedMessage.from_json(value)


def test_from_json_returns_instances_as_is() -> None:
    message = seal("as is", DAPP, WALLET.public_key, 12)
    assert SealedMessage.from_json(message) is message


@pytest.mark.parametrize("message", [5, None, ["esr:"]])
def test_only_text_or_bytes_are_sealed(message: object) -> None:
    with pytest.raises(InvalidSealedMessage, match="str or bytes"):
        seal(message, DAPP, WALLET.public_key, 1)  # type: ignore[arg-type]


def test_one_json_form_and_no_change_after_sealing() -> None:
    message = seal("hello", DAPP, WALLET.public_key, nonce=2**40)
    assert message.to_json()["nonce"] == str(2**40)  # the reference's form of a big uint64
    assert SealedMessage.from_json(message.to_json()) == message
    with pytest.raises(NotImplementedError, match="to_json"):  # no second, msgspec-made form
        msgspec.json.encode(message, enc_hook=enc_hook)
    with pytest.raises(AttributeError, match="cannot be changed"):
        message.nonce = 1  # type: ignore[misc]
    assert copy.deepcopy(message) is message
    assert message.ciphertext.hex() not in repr(message)
    match message:
        case SealedMessage(sender, nonce, _, _):
            assert (sender, nonce) == (DAPP.public_key, 2**40)
