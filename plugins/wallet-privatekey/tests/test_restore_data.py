"""``restore(data)`` with what a stored session's ``walletPlugin.data`` may hold: good keys in
either form, and anything else refused with `sessionkit.errors.InvalidKey`/`InvalidValue`/
`ConfigurationError`, never repeating a stored value (it may be a key)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sessionkit.antelope import KeyType, PrivateKey
from sessionkit.errors import (
    ConfigurationError,
    InvalidKey,
    InvalidValue,
    SessionKitError,
)
from sessionkit_wallet_privatekey import PrivateKeyWallet

ID = "wallet-plugin-privatekey"
KEY = PrivateKey.from_bytes(bytes(range(5, 37)))
R1 = PrivateKey.from_bytes(bytes(range(6, 38)), KeyType.R1)


def secret_forms(key: PrivateKey) -> list[str]:
    forms = [key.to_string(), key.to_bytes().hex(), key.to_string()[7:]]
    return [*forms, key.to_wif()] if key.key_type is KeyType.K1 else forms


def assert_no_secret(text: str, *keys: PrivateKey) -> None:
    for key in keys:
        for form in secret_forms(key):
            assert form not in text


@pytest.mark.parametrize(
    ("data", "error", "says"),
    [
        ({"publicKey": 42}, InvalidKey, "walletPlugin.data.publicKey is not a key written as text"),
        ({"publicKey": "PUB_K1_garbagegarbage"}, InvalidKey, "publicKey is not a valid key"),
        ({"privateKey": ["x"]}, InvalidKey, "privateKey is not a key written as text"),
        ({"privateKey": "PVT_K1_garbagegarbage"}, InvalidKey, "privateKey is not a valid key"),
        ({"privateKey": "5Kgarbagegarbage"}, InvalidKey, "privateKey is not a valid key"),
    ],
)
def test_stored_data_that_is_not_a_key_is_refused_without_repeating_it(
    data: dict[str, Any], error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=says) as caught:
        PrivateKeyWallet(env_var=None).restore(data)
    for value in data.values():
        if isinstance(value, str):
            assert value not in str(caught.value)


def test_a_stored_private_key_and_public_key_that_disagree_are_refused() -> None:
    key, other = PrivateKey.generate(), PrivateKey.generate()
    data = {"privateKey": key.to_string(), "publicKey": str(other.public_key)}
    with pytest.raises(InvalidValue, match="do not belong together") as caught:
        PrivateKeyWallet(env_var=None).restore(data)
    assert_no_secret(str(caught.value), key)


def test_a_stored_private_key_with_its_public_key_restores() -> None:
    key = PrivateKey.generate()
    wallet = PrivateKeyWallet(env_var=None)
    wallet.restore({"privateKey": key.to_wif(), "publicKey": str(key.public_key)})
    assert wallet.public_key == key.public_key
    assert wallet.store_private_key
    assert wallet.serialize() == {"id": ID, "data": {"privateKey": key.to_string()}}
    assert "from the stored session" in repr(wallet)
    assert_no_secret(repr(wallet), key)


def test_the_restored_key_replaces_the_configured_one_in_this_instance_only() -> None:
    configured, stored_key = PrivateKey.generate(), PrivateKey.generate()
    prototype = PrivateKeyWallet(configured)
    twin = prototype.clone()
    assert isinstance(twin, PrivateKeyWallet)
    twin.restore({"privateKey": stored_key.to_string()})
    assert twin.public_key == stored_key.public_key
    assert prototype.public_key == configured.public_key
    assert not prototype.store_private_key
    assert prototype.serialize() == {"id": ID, "data": {"publicKey": str(configured.public_key)}}


_VALUES = st.one_of(
    st.none(),
    st.integers(),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=2),
    st.text(max_size=60),
    st.sampled_from(
        [
            KEY.to_string(),
            KEY.to_wif(),
            R1.to_string(),
            str(KEY.public_key),
            str(R1.public_key),
            KEY.public_key.to_legacy_string(),
            KEY.to_string()[:-1],
            str(KEY.public_key)[:-1],
        ]
    ),
)


@given(
    st.dictionaries(st.sampled_from(["privateKey", "publicKey", "other"]), _VALUES, max_size=3),
    st.sampled_from([None, KEY, R1]),
)
@example({"publicKey": KEY.public_key.to_legacy_string()}, KEY)
@example({"privateKey": R1.to_string(), "publicKey": str(R1.public_key)}, None)
def test_fuzz_stored_data(data: dict[str, Any], configured: PrivateKey | None) -> None:
    """Whatever is stored: restored with a key that fits it, or a SessionKit error that shows
    no stored value and no key."""
    wallet = PrivateKeyWallet(configured, env_var=None, key_file_env_var=None)
    error: SessionKitError | None = None
    try:
        wallet.restore(data)
    except SessionKitError as exc:
        error = exc
    if error is not None:
        assert isinstance(error, InvalidValue | ConfigurationError), repr(error)
        message = str(error)
        for value in data.values():
            if isinstance(value, str) and len(value) >= 12 and not value.startswith("PUB_"):
                assert value not in message
        assert_no_secret(message, KEY, R1)
        # A refused restore leaves the wallet as it was.
        assert wallet.public_key == (None if configured is None else configured.public_key)
        return
    assert wallet.public_key is not None
    private = data.get("privateKey")
    if private is not None:
        assert wallet.public_key == PrivateKey.from_string(private).public_key
        canonical = PrivateKey.from_string(private).to_string()
        assert wallet.serialize() == {"id": ID, "data": {"privateKey": canonical}}
    else:
        assert configured is not None
        assert wallet.public_key == configured.public_key
    assert_no_secret(repr(wallet), KEY, R1)
