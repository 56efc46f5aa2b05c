"""Base58 (Bitcoin alphabet) and the three checksummed forms Antelope keys and signatures use.

- ``PUB_K1_...``/``PVT_R1_...``/``SIG_WA_...``: base58(data + ripemd160(data + b"K1")[:4]),
  the suffix being the key type name;
- legacy ``EOS...`` public keys: base58(data + ripemd160(data)[:4]);
- WIF private keys: base58(0x80 + key + sha256(sha256(0x80 + key))[:4]).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from sessionkit.errors import CryptoError, InvalidValue

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "ALPHABET",
    "decode",
    "decode_check",
    "decode_legacy",
    "decode_wif",
    "encode",
    "encode_check",
    "encode_legacy",
    "encode_wif",
    "ripemd160",
]

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: index for index, char in enumerate(ALPHABET)}
# Four base58 digits per big-integer division (58^4 still fits one CPython digit), looked up
# two at a time: a quarter of the big divisions of the digit-by-digit loop.
_PAIRS = tuple(high + low for high in ALPHABET for low in ALPHABET)
_PAIR_BASE = 58 * 58
_QUAD_BASE = _PAIR_BASE * _PAIR_BASE
_WIF_VERSION = 0x80


def _ripemd160_function() -> Callable[[bytes], bytes]:
    """RIPEMD-160 from OpenSSL when it offers it, else from pycryptodome if installed.

    Some OpenSSL 3 builds leave RIPEMD-160 in the "legacy" provider, where ``hashlib`` cannot
    reach it. The fallback is PyCryptodome (``pip install pycryptodome``), the well-kept library
    that ships its own implementation; without either, key strings cannot be checked.
    """
    try:
        prototype = hashlib.new("ripemd160")
    except ValueError:
        pass
    else:

        def openssl_ripemd160(data: bytes) -> bytes:
            digest = prototype.copy()  # copying skips OpenSSL's algorithm lookup
            digest.update(data)
            return digest.digest()

        return openssl_ripemd160
    try:
        from Crypto.Hash import RIPEMD160  # type: ignore[import-not-found]
    except ImportError:

        def unavailable(data: bytes) -> bytes:
            raise CryptoError(
                "RIPEMD-160 is not available: this OpenSSL build does not offer it; "
                "install pycryptodome (pip install pycryptodome) to check key checksums"
            )

        return unavailable

    def pycryptodome_ripemd160(data: bytes) -> bytes:
        digest: bytes = RIPEMD160.new(data).digest()
        return digest

    return pycryptodome_ripemd160


ripemd160: Callable[[bytes], bytes] = _ripemd160_function()
"""RIPEMD-160 digest of ``data`` (20 bytes)."""


def encode(data: bytes) -> str:
    """Base58 text of ``data``; each leading zero byte becomes a leading ``1``."""
    number = int.from_bytes(data, "big")
    pairs: list[str] = []
    append = pairs.append
    while number:
        number, quad = divmod(number, _QUAD_BASE)
        high, low = divmod(quad, _PAIR_BASE)
        append(_PAIRS[low])
        append(_PAIRS[high])
    pairs.reverse()
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(pairs).lstrip("1")


def decode(text: str, error: type[InvalidValue] = InvalidValue) -> bytes:
    """The bytes ``text`` encodes; raises ``error`` on a character outside the alphabet."""
    number = 0
    index = _INDEX
    try:
        for char in text:
            number = number * 58 + index[char]
    except KeyError:
        position = next(at for at, char in enumerate(text) if char not in index)
        raise error(
            f"character {position + 1} is not base58 (0, O, I, l and punctuation never appear)"
        ) from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * zeros + body


def encode_check(data: bytes, suffix: str) -> str:
    """Base58 of ``data`` followed by ``ripemd160(data + suffix)[:4]`` (``PUB_K1_`` style)."""
    return encode(data + ripemd160(data + suffix.encode("ascii"))[:4])


def decode_check(text: str, suffix: str, error: type[InvalidValue], what: str) -> bytes:
    """The data of a ``PUB_K1_``-style body; raises ``error`` on a bad character or checksum."""
    raw = decode(text, error)
    if len(raw) < 4:
        raise error(f"{what} is too short to hold a checksum")
    data, checksum = raw[:-4], raw[-4:]
    if ripemd160(data + suffix.encode("ascii"))[:4] != checksum:
        raise error(f"{what} has a wrong checksum: check it was copied whole")
    return data


def encode_legacy(data: bytes) -> str:
    """Base58 of ``data`` followed by ``ripemd160(data)[:4]`` (legacy ``EOS...`` keys)."""
    return encode(data + ripemd160(data)[:4])


def decode_legacy(text: str, error: type[InvalidValue], what: str) -> bytes:
    """The data of a legacy key body; raises ``error`` on a bad character or checksum."""
    raw = decode(text, error)
    if len(raw) < 4:
        raise error(f"{what} is too short to hold a checksum")
    data, checksum = raw[:-4], raw[-4:]
    if ripemd160(data)[:4] != checksum:
        raise error(f"{what} has a wrong checksum: check it was copied whole")
    return data


def _double_sha256(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def encode_wif(key: bytes) -> str:
    """The WIF string of a 32-byte secp256k1 private key (uncompressed form, ``5...``)."""
    payload = bytes([_WIF_VERSION]) + key
    return encode(payload + _double_sha256(payload)[:4])


def decode_wif(text: str, error: type[InvalidValue]) -> bytes:
    """The 32-byte key of a WIF string, uncompressed (``5...``) or compressed (``K...``/``L...``).

    Raises ``error`` on a bad character, a wrong checksum, version byte or length; the message
    never repeats the input.
    """
    raw = decode(text, error)
    if len(raw) < 5:
        raise error("not a WIF private key: too short")
    payload, checksum = raw[:-4], raw[-4:]
    if _double_sha256(payload)[:4] != checksum:
        raise error("the WIF private key has a wrong checksum: check it was copied whole")
    if payload[0] != _WIF_VERSION:
        raise error("not a WIF private key: the version byte is not 0x80")
    key = payload[1:]
    if len(key) == 33 and key[32] == 1:
        key = key[:32]
    if len(key) != 32:
        raise error("not a WIF private key: it does not hold 32 key bytes")
    return key
