"""Bad bytes into the sealed-message decoder and into unseal: a value or a sessionkit error."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.antelope import PrivateKey
from sessionkit.errors import DecodeError, InvalidSealedMessage
from sessionkit.esr import sealed as sealed_module
from sessionkit.esr.sealed import SealedMessage, seal, unseal

SENDER = PrivateKey.from_bytes(hashlib.sha256(b"property sender").digest())
RECEIVER = PrivateKey.from_bytes(hashlib.sha256(b"property receiver").digest())
VALID = seal("a valid message to mutate", SENDER, RECEIVER.public_key, 77).to_abi()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid encoding with a few bytes changed, cut short or extended."""
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 3))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(0, len(data)))]) + draw(st.binary(max_size=4))


encodings = st.binary(max_size=160) | st.builds(bytes.__add__, st.just(VALID[:34]), st.binary())
encodings |= mutated()


@settings(max_examples=400)
@given(encodings, st.integers(0, 2))
def test_decoder_gives_a_value_or_decode_error(data: bytes, pos: int) -> None:
    try:
        message, end = SealedMessage.from_abi(data, pos)
    except DecodeError:
        return
    assert message.to_abi() == data[pos:end]
    assert SealedMessage.from_bytes(data[pos:end]) == message
    assert SealedMessage.from_json(message.to_json()) == message


@settings(max_examples=200)
@given(mutated())
def test_unseal_of_altered_messages_gives_bytes_or_invalid_sealed_message(data: bytes) -> None:
    try:
        message = SealedMessage.from_bytes(data)
    except DecodeError:
        return
    try:
        plaintext = unseal(message, RECEIVER)
    except InvalidSealedMessage:
        return
    assert isinstance(plaintext, bytes)


@settings(max_examples=200)
@given(
    st.binary(max_size=64),
    st.integers(0, 2**64 - 1),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_unseal_of_random_ciphertext_gives_bytes_or_invalid_sealed_message(
    ciphertext: bytes, nonce: int, checksum: int, matching: bool
) -> None:
    """With ``matching`` the checksum passes, so decryption and unpadding are what is tried."""
    if matching:
        checksum = sealed_module._envelope(RECEIVER, SENDER.public_key, nonce).checksum
    try:
        plaintext = unseal(SealedMessage(SENDER.public_key, nonce, ciphertext, checksum), RECEIVER)
    except InvalidSealedMessage:
        return
    assert isinstance(plaintext, bytes)


@settings(max_examples=100)
@given(st.binary(max_size=300), st.integers(0, 2**64 - 1))
def test_seal_then_unseal_round_trips(message: bytes, nonce: int) -> None:
    sealed = seal(message, SENDER, RECEIVER.public_key, nonce)
    assert len(sealed.ciphertext) == (len(message) // 16 + 1) * 16
    assert unseal(sealed, RECEIVER) == message
    assert unseal(SealedMessage.from_bytes(sealed.to_abi()), RECEIVER) == message


# -- the JSON form: whatever a relay or a wallet sends ------------------------------------------

VALID_JSON = seal("a valid message", SENDER, RECEIVER.public_key, 5).to_json()
# Past Python's 4300-digit int() limit, and hex pairs with whitespace that bytes.fromhex accepts.
LONG_DIGITS = st.integers(4000, 6000).map(lambda n: "9" * n)
SPACED_HEX = st.lists(st.binary(min_size=1, max_size=8), min_size=2, max_size=4).map(
    lambda parts: " ".join(part.hex() for part in parts)
)
HEXISH = st.text(alphabet="0123456789abcdefABCDEF \t\n", max_size=80) | SPACED_HEX
JSON_FIELD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.text(alphabet="0123456789", max_size=30),
    LONG_DIGITS,
    HEXISH,
    st.lists(st.integers(0, 255), max_size=4),
)


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["from", "nonce", "ciphertext", "checksum", "extra"]),
        JSON_FIELD,
        max_size=4,
    ),
    st.sets(st.sampled_from(["from", "nonce", "ciphertext", "checksum"]), max_size=1),
)
def test_from_json_gives_a_message_or_invalid_sealed_message(
    changes: dict[str, object], dropped: set[str]
) -> None:
    value = {k: v for k, v in {**VALID_JSON, **changes}.items() if k not in dropped}
    try:
        message = SealedMessage.from_json(value)
    except InvalidSealedMessage:
        return
    assert SealedMessage.from_json(message.to_json()) == message
    assert message.ciphertext.hex() == str(value["ciphertext"]).lower()


@settings(max_examples=100, deadline=None)
@given(JSON_FIELD)
def test_from_json_of_anything_but_an_object_is_invalid_sealed_message(value: object) -> None:
    try:
        SealedMessage.from_json(value)
    except InvalidSealedMessage:
        return
    raise AssertionError("only an object is a sealed message")
