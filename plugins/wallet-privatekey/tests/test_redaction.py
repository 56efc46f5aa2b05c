"""The key is never shown: not by ``repr``/``str`` of the wallet, its metadata or data, nor in
log lines (all loggers, DEBUG), exception messages and tracebacks, or the storage file."""

from __future__ import annotations

import copy
import logging
import traceback
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from sessionkit import FileStorage
from sessionkit.antelope import KeyType, PrivateKey
from sessionkit.errors import SessionKitError
from sessionkit_wallet_privatekey import PrivateKeyWallet

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sessionkit import SessionKit
    from sessionkit.devnet import Devnet


def secret_forms(key: PrivateKey) -> list[str]:
    """Every way the secret can be written (the base58 body too, without its prefix)."""
    forms = [key.to_string(), key.to_bytes().hex(), key.to_string()[7:], key.to_string()[7:27]]
    if key.key_type is KeyType.K1:
        forms += [key.to_wif(), key.to_wif()[1:21]]
    return forms


def shows_secret(text: str, key: PrivateKey) -> list[str]:
    return [form for form in secret_forms(key) if form in text]


@pytest.mark.parametrize("store_private_key", [False, True])
@pytest.mark.parametrize("key_type", [KeyType.K1, KeyType.R1])
def test_what_the_wallet_shows(key_type: KeyType, store_private_key: bool, tmp_path: Path) -> None:
    key = PrivateKey.generate(key_type)
    path = tmp_path / "k"
    path.write_text(key.to_string(), encoding="ascii")
    path.chmod(0o600)
    for wallet in (
        PrivateKeyWallet(key, store_private_key=store_private_key),
        PrivateKeyWallet(key.to_string(), store_private_key=store_private_key),
        PrivateKeyWallet(key_file=path, store_private_key=store_private_key),
    ):
        twin = wallet.clone()
        shown = [
            repr(wallet),
            str(wallet),
            f"{wallet}",
            repr(wallet.metadata),
            repr(wallet.config),
            repr(wallet.data),
            repr(vars(wallet)),
            repr(copy.deepcopy(wallet)),
            repr(twin),
            repr(twin.data),
        ]
        assert shows_secret("\n".join(shown), key) == []
        assert str(key.public_key) in repr(wallet)
        serialized = repr(wallet.serialize())
        # Only the documented opt-in writes the key out, and only in serialize().
        assert bool(shows_secret(serialized, key)) is store_private_key


def test_a_broken_key_is_not_shown_by_the_error_or_its_traceback() -> None:
    key = PrivateKey.generate()
    text = key.to_string()
    broken = text[:-1] + ("2" if text[-1] != "2" else "3")
    with pytest.raises(SessionKitError) as caught:
        PrivateKeyWallet(broken)
    shown = "".join(traceback.format_exception(caught.value))
    context = caught.value.__context__
    shown += "" if context is None else "".join(traceback.format_exception(context))
    assert broken not in shown
    assert shows_secret(shown, key) == []


@pytest.mark.anyio
@pytest.mark.devnet
async def test_a_whole_session_logs_and_stores_no_key(
    devnet: Devnet,
    alice_key: PrivateKey,
    kit_for: Callable[..., SessionKit],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Login (the account found from the key), transfer, restore, a refused restore with
    another key, logout: every logger at DEBUG, then the storage file."""
    bob_key = devnet.accounts["bob"].private_key
    storage = FileStorage(tmp_path / "store")
    action: dict[str, Any] = {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": "alice", "permission": "active"}],
        "data": {"from": "alice", "to": "bob", "quantity": "0.0001 SYS", "memo": uuid.uuid4().hex},
    }
    errors: list[str] = []
    with caplog.at_level(logging.DEBUG):
        monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", alice_key.to_string())
        async with kit_for(PrivateKeyWallet(), storage=storage) as kit:
            session = (await kit.login()).session
            await session.transact(action=action)
            restored = await kit.restore()
            assert restored is not None
            errors.append(repr(session))
            stored_text = storage.path.read_text(encoding="utf-8")
            monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", bob_key.to_string())
            async with kit_for(PrivateKeyWallet(), storage=storage) as other:
                with pytest.raises(SessionKitError) as caught:
                    await other.restore()
                errors.append("".join(traceback.format_exception(caught.value)))
                assert await other.restore_all() == []
            await kit.logout()
    logged = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert "found alice@active" in logged
    assert "could not restore alice@active" in logged
    for key in (alice_key, bob_key):
        assert shows_secret(logged, key) == []
        assert shows_secret(stored_text, key) == []
        assert shows_secret("\n".join(errors), key) == []
    assert str(alice_key.public_key) in stored_text
