"""Property tests of the encryption layer: whatever is stored, reading gives the value written
or a `DecryptionError`, never other text; keys parse or are refused with a ConfigurationError."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sessionkit.errors import ConfigurationError
from sessionkit_storage_redis._crypto import MARKER, Cipher, DecryptionError, parse_key

KEY = bytes(range(32))
CIPHER = Cipher(KEY)


@given(st.text(), st.text(min_size=1))
def test_sealed_values_open_to_what_was_sealed(value: str, context: str) -> None:
    sealed = CIPHER.seal(context, value)
    assert sealed.startswith(MARKER)
    assert CIPHER.open(context, sealed, "here") == value


@given(st.text(min_size=1), st.text(), st.integers(min_value=0), st.integers(0, 255))
def test_any_altered_value_is_refused(value: str, context: str, where: int, byte: int) -> None:
    sealed = CIPHER.seal(context, value)
    blob = bytearray(base64.urlsafe_b64decode(sealed[len(MARKER) :]))
    position = where % len(blob)
    if blob[position] == byte:
        byte ^= 1
    blob[position] = byte
    altered = MARKER + base64.urlsafe_b64encode(bytes(blob)).decode()
    with pytest.raises(DecryptionError):
        CIPHER.open(context, altered, "here")


@given(st.text())
def test_arbitrary_stored_text_is_refused_not_decoded(stored: str) -> None:
    with pytest.raises(DecryptionError):
        CIPHER.open("ctx", stored, "here")
    with pytest.raises(DecryptionError):
        CIPHER.open("ctx", MARKER + stored, "here")


@given(st.binary(min_size=32, max_size=32))
def test_another_key_is_refused(other: bytes) -> None:
    sealed = CIPHER.seal("ctx", "secret")
    if other != KEY:
        with pytest.raises(DecryptionError, match="not the key"):
            Cipher(other).open("ctx", sealed, "here")


@given(st.one_of(st.binary(max_size=64), st.text(max_size=80)))
def test_keys_parse_to_aes_sizes_or_are_refused(key: bytes | str) -> None:
    try:
        raw = parse_key(key)
    except ConfigurationError:
        return
    assert len(raw) in (16, 24, 32)


def test_base64_forms_of_a_key_parse_alike() -> None:
    raw = bytes(range(100, 132))
    standard = base64.b64encode(raw).decode()
    url_safe = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert parse_key(standard) == parse_key(url_safe) == parse_key(raw) == raw
