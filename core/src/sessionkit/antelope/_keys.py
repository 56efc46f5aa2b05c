"""Antelope keys and signatures: K1 (secp256k1), R1 (P-256) and WebAuthn (WA).

String forms are ``PUB_K1_...``, ``PVT_R1_...``, ``SIG_WA_...`` (base58 with a RIPEMD-160
checksum over the data and the type name), legacy ``EOS...`` public keys (any letters as prefix)
and WIF private keys. The ABI form is the type byte followed by the key or signature data.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import IntEnum
from typing import TYPE_CHECKING, ClassVar, Final, Self

from sessionkit._redact import shown
from sessionkit.antelope import _base58, _k1, _webauthn
from sessionkit.antelope._wire import message_bytes, need
from sessionkit.errors import (
    CryptoError,
    DecodeError,
    InvalidChecksum,
    InvalidKey,
    InvalidSignature,
    InvalidValue,
)

if TYPE_CHECKING:
    from types import ModuleType

    from sessionkit.antelope import _r1
    from sessionkit.antelope._checksum import Checksum256

__all__ = ["KeyType", "PrivateKey", "PublicKey", "Signature"]

# Longest strings worth decoding: base58 decoding is quadratic, and WA data stays far below.
_MAX_KEY_TEXT: Final = 1024
_MAX_SIGNATURE_TEXT: Final = 8192
_LEGACY_BODY: Final = 50  # base58 length of a 33-byte key and its 4-byte checksum
_COMPACT_KEY: Final = 33
_COMPACT_SIGNATURE: Final = 65


class KeyType(IntEnum):
    """The curve of a key or signature; the value is its ABI type byte."""

    K1 = 0
    R1 = 1
    WA = 2

    def __str__(self) -> str:
        return self.name


_TYPE_NAMES: Final = {key_type.name: key_type for key_type in KeyType}


def _p256() -> ModuleType:
    """The R1 module, loaded on first use: it pulls in ``cryptography``, which K1 never needs."""
    from sessionkit.antelope import _r1

    return _r1


def _key_type(value: int, error: type[InvalidValue]) -> KeyType:
    try:
        return KeyType(value)
    except ValueError:
        # Only an int is echoed: arguments passed in the wrong order would put a secret here.
        kind = shown(value) if isinstance(value, int) else type(value).__name__
        raise error(f"unknown key type {kind}: expected K1 (0), R1 (1) or WA (2)") from None


def _as_bytes(value: object, error: type[InvalidValue], what: str) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise error(f"{what} data must be bytes, not {type(value).__name__}")
    return bytes(value)


def _digest(digest: object) -> bytes:
    """The 32 raw bytes of a digest given as bytes or a Checksum256 (whose ``bytes()`` is its
    data); an int or a list, which ``bytes()`` would also take, is refused."""
    if isinstance(digest, bytes | bytearray | memoryview):
        raw = bytes(digest)
    elif hasattr(type(digest), "__bytes__"):
        raw = bytes(digest)  # type: ignore[call-overload]
    else:
        raise InvalidChecksum(
            f"a digest must be 32 bytes or a Checksum256, not {type(digest).__name__}"
        )
    if len(raw) != 32:
        raise InvalidChecksum(f"a digest must be 32 bytes, not {len(raw)}")
    return raw


def _check_text(text: object, limit: int, error: type[InvalidValue], what: str) -> str:
    """``text`` if it is a string of at most ``limit`` characters; errors never quote it."""
    if not isinstance(text, str):
        raise error(f"a {what} string is expected, not {type(text).__name__}")
    if len(text) > limit:
        raise error(f"not a {what}: far too long")
    return text


def _decode_prefixed(
    text: str, prefix: str, error: type[InvalidValue], what: str
) -> tuple[KeyType, bytes]:
    """The key type and data of ``PREFIX_TYPE_<base58>``, its checksum checked."""
    parts = text.split("_")
    if len(parts) != 3 or parts[0] != prefix:
        raise error(f"not a {what}: expected {prefix}_<type>_<base58>, type K1, R1 or WA")
    key_type = _TYPE_NAMES.get(parts[1])
    if key_type is None:
        raise error(f"not a {what}: unknown key type, expected K1, R1 or WA")
    return key_type, _base58.decode_check(parts[2], key_type.name, error, f"the {what}")


def _encode_prefixed(prefix: str, key_type: KeyType, data: bytes) -> str:
    """``PREFIX_TYPE_<base58>``: the data with a checksum over it and the type name."""
    name = key_type.name
    return f"{prefix}_{name}_{_base58.encode_check(data, name)}"


class _TypedData:
    """What ``PublicKey`` and ``Signature`` share: a key type and its raw data.

    The string form is ``<prefix>_<type>_<base58>``; the ABI form is the type byte, then the
    data: fixed-size for K1 and R1, self-delimiting (varuint32-prefixed parts) for WA.
    Subclasses name themselves through the class attributes and check data in ``_validate``.
    """

    __slots__ = ("_data", "_key_type")

    _key_type: KeyType
    _data: bytes
    _prefix: ClassVar[str]
    _what: ClassVar[str]
    _error: ClassVar[type[InvalidValue]]
    _compact_size: ClassVar[int]

    def __init__(self, key_type: KeyType | int, data: bytes) -> None:
        key_type = _key_type(key_type, self._error)
        data = _as_bytes(data, self._error, self._what)
        self._validate(key_type, data)
        self._key_type = key_type
        self._data = data

    @staticmethod
    def _validate(key_type: KeyType, data: bytes) -> None:
        """Raise ``_error`` unless ``data`` is well-formed for ``key_type``."""
        raise NotImplementedError

    @staticmethod
    def _wa_end(data: bytes | memoryview, pos: int) -> int:
        """Where the WA data starting at ``pos`` ends; ``DecodeError`` if truncated."""
        raise NotImplementedError

    @classmethod
    def _trusted(cls, key_type: KeyType, data: bytes) -> Self:
        """A value from data known to be valid (just made, derived or recovered)."""
        value = object.__new__(cls)
        value._key_type = key_type
        value._data = data
        return value

    @property
    def key_type(self) -> KeyType:
        return self._key_type

    @property
    def data(self) -> bytes:
        """The raw data (without the type byte)."""
        return self._data

    @classmethod
    def from_string(cls, text: str) -> Self:
        raise NotImplementedError

    @classmethod
    def from_json(cls, value: object) -> Self:
        """A value from its JSON form (any string ``from_string`` accepts) or an instance."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            return cls.from_string(value)
        raise cls._error(f"a {cls._what} string is expected, not {type(value).__name__}")

    def to_json(self) -> str:
        return str(self)

    def to_abi(self) -> bytes:
        return bytes((self._key_type,)) + self._data

    @classmethod
    def _abi_span(cls, data: bytes | memoryview, pos: int) -> tuple[KeyType, int, int]:
        """The key type of the ABI value at ``pos`` and where its data starts and ends."""
        need(data, pos, 1, cls._what)
        type_byte = data[pos]
        if type_byte > KeyType.WA:
            raise DecodeError(f"unknown {cls._what} type {type_byte}: expected 0, 1 or 2")
        key_type = KeyType(type_byte)
        start = pos + 1
        end = start + cls._compact_size
        if key_type is KeyType.WA:
            end = cls._wa_end(data, start)
        elif end > len(data):
            raise DecodeError(f"{key_type.name} {cls._what} data is truncated")
        return key_type, start, end

    def __str__(self) -> str:
        return _encode_prefixed(self._prefix, self._key_type, self._data)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self._key_type is other._key_type and self._data == other._data

    def __hash__(self) -> int:
        return hash((self._key_type, self._data))


class PublicKey(_TypedData):
    """A public key: ``PublicKey.from_string("PUB_K1_...")`` or ``PublicKey(KeyType.K1, data)``.

    K1 and R1 data is the 33-byte compressed point (checked to be on its curve); WA data adds
    the user-presence byte and the relying-party id.
    """

    __slots__ = ()
    _prefix = "PUB"
    _what = "public key"
    _error = InvalidKey
    _compact_size = _COMPACT_KEY

    @staticmethod
    def _validate(key_type: KeyType, data: bytes) -> None:
        if key_type is KeyType.K1:
            _k1.validate_public_key(data)
        elif key_type is KeyType.R1:
            _p256().validate_public_key(data)
        else:
            try:
                parts = _webauthn.WebAuthnKey.parse(data)
            except DecodeError as error:
                raise InvalidKey(f"not a WA public key: {error}") from None
            _p256().validate_public_key(parts.compressed_key)

    @staticmethod
    def _wa_end(data: bytes | memoryview, pos: int) -> int:
        return _webauthn.key_end(data, pos)

    @classmethod
    def from_string(cls, text: str) -> Self:
        """Parse ``PUB_K1_``/``PUB_R1_``/``PUB_WA_`` or a legacy ``EOS...`` (any prefix) key.

        A legacy string is letters followed by the 50-character base58 body; like the reference,
        any run of capital letters is accepted as the prefix (``FIO``, ``TLOS``, ``EOSEOS``).
        """
        text = _check_text(text, _MAX_KEY_TEXT, InvalidKey, "public key")
        if text.startswith("PUB_"):
            key_type, data = _decode_prefixed(text, "PUB", InvalidKey, "public key")
            return cls(key_type, data)
        prefix = text[:-_LEGACY_BODY]
        if not (prefix.isascii() and prefix.isalpha() and prefix.isupper()):
            raise InvalidKey(
                "not a public key: expected PUB_K1_..., PUB_R1_..., PUB_WA_... or a legacy "
                "key (capital letters such as EOS, then 50 base58 characters)"
            )
        data = _base58.decode_legacy(text[-_LEGACY_BODY:], InvalidKey, "the legacy public key")
        return cls(KeyType.K1, data)

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        """Decode a key (type byte, then data) at ``pos``; returns it and the position after."""
        key_type, start, end = cls._abi_span(data, pos)
        try:
            key = cls(key_type, bytes(data[start:end]))
        except InvalidKey as error:
            raise DecodeError(str(error)) from None
        return key, end

    def to_legacy_string(self, prefix: str = "EOS") -> str:
        """The legacy form (``EOS...``, ``FIO...``); only K1 keys have one."""
        if not isinstance(prefix, str):
            raise InvalidKey(f"a legacy key prefix is a str such as 'EOS', not {shown(prefix)}")
        if self._key_type is not KeyType.K1:
            raise InvalidKey(f"{self._key_type.name} keys have no legacy string form, only K1")
        return prefix + _base58.encode_legacy(self._data)

    def verify(self, digest: bytes | Checksum256, signature: Signature | str) -> bool:
        """Whether ``signature`` (a ``Signature`` or its string) over ``digest`` was made by
        this key.

        K1 and R1: the signature must recover to this key, as the chain checks. WA: like the
        reference, only the compact signature is checked against ``digest`` as given.
        """
        raw = _digest(digest)
        signature = Signature.from_json(signature)
        if signature.key_type is not self._key_type:
            return False
        if self._key_type is KeyType.WA:
            compact = signature.data[:_COMPACT_SIGNATURE]
            verified: bool = _p256().verify(compact, raw, self._data[:_COMPACT_KEY])
            return verified
        try:
            return signature.recover(raw) == self
        except CryptoError:
            return False


class Signature(_TypedData):
    """A signature: ``Signature.from_string("SIG_K1_...")`` or ``Signature(KeyType.K1, data)``.

    K1 and R1 data is 65 bytes: the header ``31 + recid``, then r and s; WA data adds the
    authenticator data and client data JSON.
    """

    # (digest, key) when this process's ``PrivateKey.sign_digest`` made the signature: its
    # recovery over that digest is known, so ``recover`` skips the curve arithmetic.
    __slots__ = ("_made",)
    _made: tuple[bytes, PublicKey]
    _prefix = "SIG"
    _what = "signature"
    _error = InvalidSignature
    _compact_size = _COMPACT_SIGNATURE

    @staticmethod
    def _validate(key_type: KeyType, data: bytes) -> None:
        if key_type is KeyType.WA:
            try:
                _webauthn.WebAuthnSignature.parse(data)
            except DecodeError as error:
                raise InvalidSignature(f"not a WA signature: {error}") from None
        elif len(data) != _COMPACT_SIGNATURE:
            raise InvalidSignature(
                f"a {key_type.name} signature is 65 bytes (header, r, s), not {len(data)}"
            )

    @staticmethod
    def _wa_end(data: bytes | memoryview, pos: int) -> int:
        return _webauthn.signature_end(data, pos)

    @classmethod
    def from_string(cls, text: str) -> Self:
        """Parse ``SIG_K1_...``, ``SIG_R1_...`` or ``SIG_WA_...``."""
        text = _check_text(text, _MAX_SIGNATURE_TEXT, InvalidSignature, "signature")
        key_type, data = _decode_prefixed(text, "SIG", InvalidSignature, "signature")
        return cls(key_type, data)

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        """Decode a signature (type byte, then data) at ``pos``; returns it and the end."""
        key_type, start, end = cls._abi_span(data, pos)
        return cls._trusted(key_type, bytes(data[start:end])), end

    def recover(self, digest: bytes | Checksum256) -> PublicKey:
        """The public key that made this signature over ``digest``.

        Raises ``CryptoError`` if none can be recovered; WA keys cannot be recovered from a
        digest (as in the reference: their key also holds the relying-party id). A signature
        that ``PrivateKey.sign_digest`` made in this process, recovered over the digest it
        signed, returns the signing key without the curve arithmetic (about 60 us saved): the
        key the arithmetic would give. Any other signature or digest is recovered in full.
        """
        raw = _digest(digest)
        made: tuple[bytes, PublicKey] | None = getattr(self, "_made", None)
        if made is not None and made[0] == raw:
            return made[1]
        if self._key_type is KeyType.K1:
            return PublicKey._trusted(KeyType.K1, _k1.recover(self._data, raw))
        if self._key_type is KeyType.R1:
            return PublicKey._trusted(KeyType.R1, _p256().recover(self._data, raw))
        raise CryptoError("WA public keys cannot be recovered from a signature and digest")

    def verify(self, digest: bytes | Checksum256, public_key: PublicKey | str) -> bool:
        """Whether this signature over ``digest`` was made by ``public_key`` (a ``PublicKey`` or
        its string)."""
        return PublicKey.from_json(public_key).verify(digest, self)


def _signer(key_type: KeyType, secret: bytes) -> _k1.Signer | _r1.Signer:
    if key_type is KeyType.K1:
        return _k1.Signer(secret)
    if key_type is KeyType.R1:
        signer: _r1.Signer = _p256().Signer(secret)
        return signer
    raise InvalidKey("WA private keys live in authenticators: only K1 and R1 keys can be loaded")


class PrivateKey:
    """A K1 or R1 private key. ``repr()`` and ``str()`` never show it.

    ``to_string()`` (``PVT_K1_...``), ``to_wif()`` and ``to_bytes()`` are the explicit ways out.
    """

    __slots__ = ("_data", "_key_type", "_public_key", "_signer")

    _data: bytes
    _key_type: KeyType
    _public_key: PublicKey
    _signer: _k1.Signer | _r1.Signer

    def __init__(self, key_type: KeyType | int, data: bytes) -> None:
        key_type = _key_type(key_type, InvalidKey)
        data = _as_bytes(data, InvalidKey, "private key")
        if len(data) != 32:
            raise InvalidKey(f"a private key is 32 bytes, not {len(data)}")
        self._signer = _signer(key_type, data)
        self._key_type = key_type
        self._data = data
        self._public_key = PublicKey._trusted(key_type, self._signer.public_key())

    @classmethod
    def from_bytes(cls, raw: bytes, key_type: KeyType = KeyType.K1) -> Self:
        """A key from its 32 raw bytes."""
        return cls(key_type, raw)

    @classmethod
    def generate(cls, key_type: KeyType = KeyType.K1) -> Self:
        """A new random key from the operating system's secure random source."""
        while True:
            try:
                return cls(key_type, secrets.token_bytes(32))
            except InvalidKey:
                if key_type not in (KeyType.K1, KeyType.R1):
                    raise

    @classmethod
    def from_string(cls, text: str) -> Self:
        """Parse ``PVT_K1_...``, ``PVT_R1_...`` or a WIF (K1) key.

        Error messages never repeat the input: it may be a real key.
        """
        text = _check_text(text, _MAX_KEY_TEXT, InvalidKey, "private key")
        if text.startswith("PUB_"):
            raise InvalidKey("this is a public key; a private key is PVT_K1_..., PVT_R1_... or WIF")
        if text.startswith("PVT_"):
            key_type, data = _decode_prefixed(text, "PVT", InvalidKey, "private key")
        else:
            key_type, data = KeyType.K1, _base58.decode_wif(text, InvalidKey)
        return cls(key_type, data)

    @property
    def key_type(self) -> KeyType:
        return self._key_type

    @property
    def public_key(self) -> PublicKey:
        return self._public_key

    def sign_digest(self, digest: bytes | Checksum256) -> Signature:
        """Sign a 32-byte digest; K1 signatures are canonical with header 31 + recid."""
        raw = digest if type(digest) is bytes and len(digest) == 32 else _digest(digest)
        signature = Signature._trusted(self._key_type, self._signer.sign(raw))
        signature._made = (raw, self._public_key)
        return signature

    def sign_message(self, message: bytes) -> Signature:
        """Sign ``sha256(message)``.

        ``message`` must be bytes: a str is refused rather than guessed, because the reference
        reads a string as hex where Python code would expect UTF-8, and a signature over the
        wrong bytes goes unnoticed until it is checked. Pass ``text.encode()`` or
        ``bytes.fromhex(text)``.
        """
        data = message_bytes(message, "sign_message")
        return self.sign_digest(hashlib.sha256(data).digest())

    def shared_secret(self, public_key: PublicKey | str) -> bytes:
        """ECDH secret as the reference's sealed messages use it (64 bytes).

        ``sha512`` of the x coordinate of ``self x public_key``, big-endian with leading zero
        bytes stripped (what bn.js gives); both keys must be on the same curve. ``public_key``
        may also be given as its string (``PUB_K1_...``, ``EOS...``).
        """
        public_key = PublicKey.from_json(public_key)
        if public_key.key_type is not self._key_type:
            raise InvalidKey(
                f"a {self._key_type.name} private key needs a {self._key_type.name} public key "
                f"for ECDH, not {public_key.key_type.name}"
            )
        x = self._signer.shared_x(public_key.data)
        return hashlib.sha512(x.lstrip(b"\0")).digest()

    def to_string(self) -> str:
        """The ``PVT_K1_...``/``PVT_R1_...`` form (this shows the secret)."""
        return _encode_prefixed("PVT", self._key_type, self._data)

    def to_wif(self) -> str:
        """The WIF form (``5...``) of a K1 key (this shows the secret)."""
        if self._key_type is not KeyType.K1:
            raise InvalidKey(f"{self._key_type.name} keys have no WIF form, only K1")
        return _base58.encode_wif(self._data)

    def to_bytes(self) -> bytes:
        """The 32 raw key bytes (this shows the secret)."""
        return self._data

    def __repr__(self) -> str:
        public_key = str(self._public_key)
        return f"PrivateKey({self._key_type.name}, public_key={public_key!r}, secret hidden)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PrivateKey):
            return NotImplemented
        return self._key_type is other._key_type and hmac.compare_digest(self._data, other._data)

    def __hash__(self) -> int:
        return hash((self._key_type, self._public_key.data))

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: object) -> Self:
        return self

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("private keys are not pickled: store to_string() where it is safe")
