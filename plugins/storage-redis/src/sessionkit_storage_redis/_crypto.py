"""Encryption at rest: AES-GCM with the app's key, each value bound to its app and key name."""

from __future__ import annotations

import base64
import binascii
import os

from sessionkit.errors import ConfigurationError, StorageError

__all__ = ["MARKER", "Cipher", "DecryptionError", "generate_key", "parse_key"]

#: What every encrypted value starts with (then base64url of nonce + ciphertext + tag).
MARKER = "$sessionkit-aesgcm$1$"

_NONCE_SIZE = 12


class DecryptionError(StorageError):
    """A stored value cannot be decrypted: wrong key, no key, altered value, or not encrypted."""


def generate_key() -> str:
    """A new random 256-bit key, as base64 text (keep it in a secret store, not beside Redis)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def parse_key(key: bytes | str) -> bytes:
    """The raw AES key from 16, 24 or 32 bytes, or from base64 (standard or URL-safe) text."""
    if isinstance(key, bytes | bytearray):
        raw = bytes(key)
    elif isinstance(key, str):
        text = key.strip()
        try:
            raw = base64.b64decode(
                text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4),
                validate=True,
            )
        except (binascii.Error, ValueError) as exc:
            raise ConfigurationError(
                "encryption_key is not base64 text: give 32 random bytes, or base64 of them "
                "(RedisStorage.generate_key() makes one)"
            ) from exc
    else:
        raise ConfigurationError(
            f"encryption_key is bytes or base64 text, not {type(key).__name__}"
        )
    if len(raw) not in (16, 24, 32):
        raise ConfigurationError(
            f"encryption_key is {len(raw)} bytes; AES-GCM takes 16, 24 or 32 (32 recommended: "
            "RedisStorage.generate_key() makes one)"
        )
    return raw


class Cipher:
    """Seals and opens values; the associated data names the app and key, so a value moved to
    another key or app does not open."""

    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(key)

    def __repr__(self) -> str:
        return "Cipher(<secret>)"

    def seal(self, context: str, plaintext: str) -> str:
        nonce = os.urandom(_NONCE_SIZE)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return MARKER + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, context: str, stored: str, where: str) -> str:
        from cryptography.exceptions import InvalidTag

        if not stored.startswith(MARKER):
            raise DecryptionError(
                f"{where} is stored unencrypted, but this RedisStorage has an encryption_key: "
                "remove the key to read it, or re-save the sessions with the key"
            )
        try:
            blob = base64.urlsafe_b64decode(stored[len(MARKER) :].encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
            raise DecryptionError(f"{where} is not a valid encrypted value: {exc}") from exc
        if len(blob) < _NONCE_SIZE + 16:
            raise DecryptionError(f"{where} is not a valid encrypted value: too short")
        try:
            plain = self._aead.decrypt(
                blob[:_NONCE_SIZE], blob[_NONCE_SIZE:], context.encode("utf-8")
            )
        except InvalidTag:
            raise DecryptionError(
                f"cannot decrypt {where}: the encryption_key is not the key it was stored with "
                "(or the value was altered); pass the key the sessions were saved with"
            ) from None
        return plain.decode("utf-8")
