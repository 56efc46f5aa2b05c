"""The layout of WebAuthn (WA) key and signature data, which is variable in length.

- key: 33-byte compressed P-256 key, user-presence byte, varuint32-prefixed relying-party id;
- signature: 65-byte compact signature (header, r, s), varuint32-prefixed authenticator
  data, varuint32-prefixed client data JSON.
"""

from __future__ import annotations

from typing import NamedTuple

from sessionkit.errors import DecodeError

__all__ = ["WebAuthnKey", "WebAuthnSignature", "key_end", "signature_end"]

_COMPACT_KEY = 33
_COMPACT_SIGNATURE = 65


class WebAuthnKey(NamedTuple):
    """The parts of WA public-key data."""

    compressed_key: bytes
    user_presence: int
    rpid: bytes

    @classmethod
    def parse(cls, data: bytes) -> WebAuthnKey:
        """Split WA key data; raises ``DecodeError`` if truncated or followed by extra bytes."""
        end = key_end(data, 0)
        _expect_whole(data, end, "WA public key")
        rpid_start = _varuint32(data, _COMPACT_KEY + 1)[1]
        return cls(data[:_COMPACT_KEY], data[_COMPACT_KEY], data[rpid_start:end])


class WebAuthnSignature(NamedTuple):
    """The parts of WA signature data."""

    compact: bytes
    auth_data: bytes
    client_json: bytes

    @classmethod
    def parse(cls, data: bytes) -> WebAuthnSignature:
        """Split WA signature data; raises ``DecodeError`` if truncated or with extra bytes."""
        end = signature_end(data, 0)
        _expect_whole(data, end, "WA signature")
        auth_length, auth_start = _varuint32(data, _COMPACT_SIGNATURE)
        auth_end = auth_start + auth_length
        json_start = _varuint32(data, auth_end)[1]
        return cls(data[:_COMPACT_SIGNATURE], data[auth_start:auth_end], data[json_start:end])


def _expect_whole(data: bytes, end: int, what: str) -> None:
    if end != len(data):
        raise DecodeError(f"{len(data) - end} extra bytes after the {what} data")


def _varuint32(data: bytes | memoryview, pos: int) -> tuple[int, int]:
    """A varuint32 at ``pos`` and the position after it.

    Lenient like the reference and the chain (a non-minimal encoding passes), unlike the strict
    ``_prim_varint``: WA data is kept byte for byte, so it still encodes back the same.
    """
    value = 0
    for shift in range(0, 35, 7):
        if pos >= len(data):
            raise DecodeError("WA data is truncated inside a length prefix")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if value >= 1 << 32:
                raise DecodeError("a WA length prefix does not fit in 32 bits")
            return value, pos
    raise DecodeError("a WA length prefix is longer than 5 bytes")


def _skip_sized(data: bytes | memoryview, pos: int, what: str) -> int:
    length, pos = _varuint32(data, pos)
    end = pos + length
    if end > len(data):
        raise DecodeError(f"WA data is truncated inside the {what}")
    return end


def key_end(data: bytes | memoryview, pos: int) -> int:
    """Where the WA key data starting at ``pos`` ends; raises ``DecodeError`` if truncated."""
    start = pos + _COMPACT_KEY + 1
    if start > len(data):
        raise DecodeError("WA public key data is truncated")
    return _skip_sized(data, start, "relying party id")


def signature_end(data: bytes | memoryview, pos: int) -> int:
    """Where the WA signature data starting at ``pos`` ends; raises ``DecodeError`` if truncated."""
    start = pos + _COMPACT_SIGNATURE
    if start > len(data):
        raise DecodeError("WA signature data is truncated")
    end = _skip_sized(data, start, "authenticator data")
    return _skip_sized(data, end, "client data JSON")
