"""secp256k1 (K1) keys through coincurve (libsecp256k1): canonical signing, recovery, ECDH.

Signatures travel in the chain's 65-byte form: a header byte ``31 + recid`` (27 + 4 for a
compressed key), then r and s big-endian.
"""

from __future__ import annotations

import coincurve
from coincurve.utils import DEFAULT_NONCE

from sessionkit.errors import CryptoError, InvalidKey

__all__ = ["Signer", "is_canonical", "recover", "validate_public_key"]

# NULL nonce function: libsecp256k1's RFC 6979, which mixes 32 bytes of extra data when given.
_RFC6979 = DEFAULT_NONCE[0]
_MAX_ATTEMPTS = 1024
_HEADER_BASE = 27
_COMPRESSED = 4


def is_canonical(signature: bytes) -> bool:
    """The EOSIO "canonical" test on the r and s of a 64-byte ``r || s`` (or longer) value.

    Each must be below 2^255 (first byte < 0x80) and not shorter than 32 bytes in DER terms
    (not a zero first byte followed by a byte < 0x80).
    """
    return (
        signature[0] < 0x80
        and (signature[0] != 0 or signature[1] >= 0x80)
        and signature[32] < 0x80
        and (signature[32] != 0 or signature[33] >= 0x80)
    )


class Signer:
    """A K1 private key ready to sign; ``secret`` must be 32 bytes in 1..n-1."""

    __slots__ = ("_key",)

    def __init__(self, secret: bytes) -> None:
        try:
            self._key = coincurve.PrivateKey(secret)
        except ValueError:
            raise InvalidKey(
                "not a secp256k1 private key: it must be 32 bytes between 1 and the curve order"
            ) from None

    def public_key(self) -> bytes:
        """The 33-byte compressed public key."""
        return self._key.public_key.format(compressed=True)

    def sign(self, digest: bytes) -> bytes:
        """A canonical 65-byte signature of a 32-byte digest (deterministic per digest).

        The first try is plain RFC 6979; each retry adds the attempt counter as RFC 6979 extra
        data, so a non-canonical result gives way to a fresh nonce.
        """
        key = self._key
        signature = key.sign_recoverable(digest, hasher=None)
        attempt = 0
        while not is_canonical(signature):
            attempt += 1
            if attempt > _MAX_ATTEMPTS:
                raise CryptoError("could not produce a canonical K1 signature")
            extra = attempt.to_bytes(32, "little")
            signature = key.sign_recoverable(digest, hasher=None, custom_nonce=(_RFC6979, extra))
        return bytes((_HEADER_BASE + _COMPRESSED + signature[64],)) + signature[:64]

    def shared_x(self, public_key: bytes) -> bytes:
        """The 32-byte big-endian x coordinate of ``secret x public_key`` (raw ECDH)."""
        point = coincurve.PublicKey(public_key).multiply(self._key.secret)
        return point.format(compressed=True)[1:]


def validate_public_key(data: bytes) -> None:
    """Raise ``InvalidKey`` unless ``data`` is a 33-byte compressed point on secp256k1."""
    if len(data) != 33 or data[0] not in (2, 3):
        raise InvalidKey("a K1 public key is 33 bytes: 0x02 or 0x03, then the x coordinate")
    try:
        coincurve.PublicKey(data)
    except ValueError:
        raise InvalidKey("not a K1 public key: the point is not on secp256k1") from None


def recover(signature: bytes, digest: bytes) -> bytes:
    """The compressed public key that made a 65-byte signature over ``digest``.

    Accepts header bytes 27..34 as the chain does (``recid = (header - 27) & 3``); raises
    ``CryptoError`` when no key can be recovered.
    """
    header = signature[0]
    if not _HEADER_BASE <= header < _HEADER_BASE + 8:
        raise CryptoError(f"a K1 signature header must be 27..34, not {header}")
    recid = (header - _HEADER_BASE) & 3
    try:
        key = coincurve.PublicKey.from_signature_and_message(
            signature[1:] + bytes((recid,)), digest, hasher=None
        )
    except ValueError:
        raise CryptoError("no K1 public key recovers from this signature and digest") from None
    return key.format(compressed=True)
