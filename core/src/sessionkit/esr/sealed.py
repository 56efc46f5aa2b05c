"""Sealed messages: the encrypted envelope a dApp and a wallet exchange over a relay.

``seal`` encrypts for a receiver's public key, ``unseal`` opens with the receiver's private key.
The scheme is the reference's (``@wharfkit/sealed-messages``), byte for byte:

1. ``secret = PrivateKey.shared_secret(peer)``: sha512 of the ECDH x coordinate, big-endian
   with leading zero bytes stripped;
2. ``h = sha512(uint64_le(nonce) || secret)``; key ``h[0:32]``, iv ``h[32:48]``;
3. ciphertext = AES-256-CBC with PKCS#7 padding; checksum = ``sha256(h)[0:4]`` as a
   little-endian uint32.

Unlike the reference, ``unseal`` checks the checksum before decrypting.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from functools import cache
from typing import TYPE_CHECKING, Any, Self

import msgspec
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from sessionkit._redact import shown
from sessionkit.antelope import ABI, Bytes, PrivateKey, PublicKey
from sessionkit.errors import DecodeError, InvalidKey, InvalidSealedMessage, InvalidValue

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["SealedMessage", "seal", "unseal", "unseal_text"]

_UINT64 = 1 << 64
_UINT32 = 1 << 32
_BLOCK_BITS = 128
_STRUCT = "sealed_message"
_DECIMAL = re.compile(r"[0-9]{1,20}")


@cache
def _abi() -> ABI:
    """The struct as the reference declares it (also known as ``buoy_message``)."""
    fields = [
        {"name": "from", "type": "public_key"},
        {"name": "nonce", "type": "uint64"},
        {"name": "ciphertext", "type": "bytes"},
        {"name": "checksum", "type": "uint32"},
    ]
    return ABI.from_json(
        {"version": "eosio::abi/1.1", "structs": [{"name": _STRUCT, "base": "", "fields": fields}]}
    )


class SealedMessage:
    """An encrypted message: who sealed it, the nonce, the ciphertext and the key checksum.

    A value type like the Antelope ones: immutable, compared by value, with one JSON form, the
    reference's (``to_json`` / ``from_json``), and its ABI form (``to_abi`` / ``from_abi``).
    """

    __slots__ = ("checksum", "ciphertext", "from_", "nonce")
    __match_args__ = ("from_", "nonce", "ciphertext", "checksum")

    from_: PublicKey
    nonce: int
    ciphertext: bytes
    checksum: int

    def __init__(self, from_: PublicKey, nonce: int, ciphertext: bytes, checksum: int) -> None:
        if not isinstance(from_, PublicKey):
            raise InvalidSealedMessage("a sealed message's from_ must be a PublicKey")
        if type(nonce) is not int or not 0 <= nonce < _UINT64:
            raise InvalidSealedMessage("a sealed message's nonce is a uint64 (0 to 2^64-1)")
        if type(checksum) is not int or not 0 <= checksum < _UINT32:
            raise InvalidSealedMessage("a sealed message's checksum is a uint32 (0 to 2^32-1)")
        if not isinstance(ciphertext, bytes):
            raise InvalidSealedMessage("a sealed message's ciphertext must be bytes")
        object.__setattr__(self, "from_", from_)
        object.__setattr__(self, "nonce", nonce)
        object.__setattr__(self, "ciphertext", bytes(ciphertext))
        object.__setattr__(self, "checksum", checksum)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a SealedMessage cannot be changed: seal a new one")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a SealedMessage cannot be changed: seal a new one")

    def _key(self) -> tuple[PublicKey, int, bytes, int]:
        return (self.from_, self.nonce, self.ciphertext, self.checksum)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SealedMessage):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"SealedMessage(from_={self.from_}, nonce={self.nonce}, "
            f"ciphertext=<{len(self.ciphertext)} bytes>, checksum={self.checksum})"
        )

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: object) -> Self:
        return self

    def to_abi(self) -> bytes:
        """The ABI encoding: key (type byte + data), nonce u64, ciphertext bytes, checksum u32."""
        return _abi().encode(_STRUCT, self._fields())

    to_bytes = to_abi

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        """Decode one message at ``pos``; returns it and the position after it."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise DecodeError(f"a sealed message is decoded from bytes, not {type(data).__name__}")
        if type(pos) is not int or not 0 <= pos <= len(data):
            raise DecodeError(
                f"the position must be an int from 0 to {len(data)}, not {shown(pos)}"
            )
        value, end = _abi().decode_partial(_STRUCT, data, pos)
        return cls._from_decoded(value), end

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Self:
        """Decode a whole message; trailing bytes are a ``DecodeError``."""
        return cls._from_decoded(_abi().decode(_STRUCT, data))

    def to_json(self) -> dict[str, Any]:
        """The reference's JSON form (nonces above 32 bits are decimal strings)."""
        return {
            "from": str(self.from_),
            "nonce": self.nonce if self.nonce < _UINT32 else str(self.nonce),
            "ciphertext": self.ciphertext.hex(),
            "checksum": self.checksum,
        }

    @classmethod
    def from_json(cls, value: object) -> Self:
        """A message from its JSON form (or a SealedMessage, returned as is)."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict) or set(value) != {"from", "nonce", "ciphertext", "checksum"}:
            raise InvalidSealedMessage(
                "a sealed message is an object with exactly from, nonce, ciphertext and checksum"
            )
        try:
            sender = PublicKey.from_json(value["from"])
        except InvalidKey as error:
            raise InvalidSealedMessage(f"a sealed message's from is not a key: {error}") from None
        return cls(
            sender,
            _json_integer(value["nonce"], "nonce"),
            _json_hex(value["ciphertext"]),
            _json_integer(value["checksum"], "checksum"),
        )

    def _fields(self) -> dict[str, object]:
        return {
            "from": self.from_,
            "nonce": self.nonce,
            "ciphertext": self.ciphertext,
            "checksum": self.checksum,
        }

    @classmethod
    def _from_decoded(cls, value: Mapping[str, Any]) -> Self:
        """A message from what the ABI codec decoded (reference JSON values)."""
        try:
            return cls(
                PublicKey.from_string(value["from"]),
                int(value["nonce"]),
                bytes.fromhex(value["ciphertext"]),
                int(value["checksum"]),
            )
        except InvalidValue as error:
            raise DecodeError(f"not a sealed message: {error}") from None


def _json_integer(value: object, what: str) -> int:
    if type(value) is int:
        return value
    # At most 20 digits (a uint64): a longer string is refused before int() sees it.
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return int(value)
    raise InvalidSealedMessage(f"a sealed message's {what} is an integer or a decimal string")


def _json_hex(value: object) -> bytes:
    try:
        return Bytes.from_json(value).data
    except InvalidValue:
        raise InvalidSealedMessage(
            "a sealed message's ciphertext is a string of hex digit pairs"
        ) from None


class _Envelope(msgspec.Struct, frozen=True):
    """Everything one (secret, nonce) pair derives: AES key and iv, and their checksum."""

    key: bytes
    iv: bytes
    checksum: int

    def __repr__(self) -> str:
        return f"_Envelope(checksum={self.checksum}, key and iv hidden)"


def _private_key(key: PrivateKey | str) -> PrivateKey:
    """``key`` as is, or parsed from its string (``PVT_K1_...``, ``PVT_R1_...`` or WIF)."""
    return key if isinstance(key, PrivateKey) else PrivateKey.from_string(key)


def _envelope(own: PrivateKey | str, peer: PublicKey | str, nonce: int) -> _Envelope:
    own = _private_key(own)
    peer = PublicKey.from_json(peer)
    try:
        secret = own.shared_secret(peer)
    except InvalidKey as error:
        raise InvalidSealedMessage(f"these keys cannot open a sealed message: {error}") from None
    derived = hashlib.sha512(nonce.to_bytes(8, "little") + secret).digest()
    checksum = int.from_bytes(hashlib.sha256(derived).digest()[:4], "little")
    return _Envelope(derived[:32], derived[32:48], checksum)


def seal(
    message: str | bytes,
    sender: PrivateKey | str,
    receiver: PublicKey | str,
    nonce: int | None = None,
) -> SealedMessage:
    """Encrypt ``message`` (UTF-8 if a str) from ``sender`` for ``receiver``.

    Keys may be given as objects or as their strings (``PVT_K1_...``/WIF, ``PUB_K1_...``/
    ``EOS...``). ``nonce`` is random unless given; never reuse one with the same pair of keys.
    """
    sender = _private_key(sender)
    if isinstance(message, str):
        try:
            plaintext = message.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidSealedMessage(
                "the message is not valid Unicode text (it holds a lone surrogate)"
            ) from None
    elif isinstance(message, bytes | bytearray | memoryview):
        plaintext = bytes(message)
    else:
        raise InvalidSealedMessage(f"a message is str or bytes, not {type(message).__name__}")
    if nonce is None:
        nonce = secrets.randbits(64)
    elif type(nonce) is not int or not 0 <= nonce < _UINT64:
        raise InvalidSealedMessage("a nonce is a uint64 (0 to 2^64-1)")
    envelope = _envelope(sender, receiver, nonce)
    padder = padding.PKCS7(_BLOCK_BITS).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(envelope.key), modes.CBC(envelope.iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    return SealedMessage(sender.public_key, nonce, ciphertext, envelope.checksum)


def unseal(
    sealed: SealedMessage | dict[str, Any],
    receiver: PrivateKey | str,
    *,
    peer: PublicKey | str | None = None,
) -> bytes:
    """The plaintext bytes of ``sealed``, opened with the receiver's private key.

    ``peer`` is the other party's public key: the sender's (``sealed.from_``, the default), or
    the receiver's when the sender opens its own message. Keys may be given as their strings.
    ``sealed`` may also be its JSON form. Raises ``InvalidSealedMessage`` when the checksum
    does not match (wrong key or nonce) or the ciphertext does not decrypt.
    """
    sealed = SealedMessage.from_json(sealed)
    envelope = _envelope(receiver, sealed.from_ if peer is None else peer, sealed.nonce)
    if envelope.checksum != sealed.checksum:
        raise InvalidSealedMessage(
            "the sealed message's checksum does not match: it was sealed for another key, "
            "or its nonce or checksum was altered"
        )
    return _decrypt(envelope, sealed.ciphertext)


def unseal_text(
    sealed: SealedMessage | dict[str, Any],
    receiver: PrivateKey | str,
    *,
    peer: PublicKey | str | None = None,
) -> str:
    """Like ``unseal``, decoded as UTF-8 (what ``seal`` does to a str)."""
    try:
        return unseal(sealed, receiver, peer=peer).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidSealedMessage("the sealed message opened, but it is not UTF-8 text") from None


def _decrypt(envelope: _Envelope, ciphertext: bytes) -> bytes:
    if not ciphertext or len(ciphertext) % (_BLOCK_BITS // 8):
        raise InvalidSealedMessage(
            f"a sealed ciphertext is a non-empty multiple of 16 bytes, not {len(ciphertext)}"
        )
    decryptor = Cipher(algorithms.AES(envelope.key), modes.CBC(envelope.iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(_BLOCK_BITS).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise InvalidSealedMessage(
            "the sealed message does not decrypt (bad padding): wrong key or corrupt ciphertext"
        ) from None
