"""What a stored session holds and how it comes back: the public key only by default (restore
needs the key again, and says so), the private key on request or as the TypeScript kit stored
it, and a new process restoring (stored data that is wrong: test_restore_data.py)."""

from __future__ import annotations

import json
import logging
import os
import sys
import textwrap
import uuid
from typing import TYPE_CHECKING, Any

import anyio
import pytest
from sessionkit import FileStorage
from sessionkit.antelope import PrivateKey
from sessionkit.errors import ConfigurationError
from sessionkit_wallet_privatekey import PrivateKeyWallet

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sessionkit import SessionKit
    from sessionkit.devnet import Devnet

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]

ID = "wallet-plugin-privatekey"


def secret_forms(key: PrivateKey) -> list[str]:
    return [key.to_string(), key.to_wif(), key.to_bytes().hex(), key.to_string()[7:]]


def assert_no_secret(text: str, *keys: PrivateKey) -> None:
    for key in keys:
        for form in secret_forms(key):
            assert form not in text


def stored_sessions(storage: FileStorage) -> list[dict[str, Any]]:
    document = json.loads(storage.path.read_text(encoding="utf-8"))
    return list(json.loads(document["values"]["sessions"]))


def transfer(sender: str) -> dict[str, Any]:
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": sender, "permission": "active"}],
        "data": {"from": sender, "to": "bob", "quantity": "0.0001 SYS", "memo": uuid.uuid4().hex},
    }


@pytest.fixture
def bob_key(devnet: Devnet) -> PrivateKey:
    return devnet.accounts["bob"].private_key


@pytest.fixture
async def stored(
    tmp_path: Path, alice_key: PrivateKey, kit_for: Callable[..., SessionKit]
) -> FileStorage:
    """A file storage holding alice's session, logged in with the default options."""
    storage = FileStorage(tmp_path / "sessions")
    async with kit_for(PrivateKeyWallet(alice_key), storage=storage) as kit:
        await kit.login()
    return storage


# -- by default: the public key only -----------------------------------------------------------


async def test_a_stored_session_holds_the_public_key_only(
    stored: FileStorage, alice_key: PrivateKey
) -> None:
    text = stored.path.read_text(encoding="utf-8")
    assert_no_secret(text, alice_key)
    (entry,) = stored_sessions(stored)
    assert entry["walletPlugin"] == {"id": ID, "data": {"publicKey": str(alice_key.public_key)}}
    assert (entry["actor"], entry["permission"], entry["default"]) == ("alice", "active", True)


@pytest.mark.parametrize("source", ["argument", "key_file", "env", "key_file_env"])
async def test_restore_with_the_key_from_any_source(
    stored: FileStorage,
    alice_key: PrivateKey,
    kit_for: Callable[..., SessionKit],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    source: str,
) -> None:
    key_file = tmp_path / "alice.key"
    key_file.write_text(alice_key.to_wif() + "\n", encoding="ascii")
    key_file.chmod(0o600)
    if source == "argument":
        wallet = PrivateKeyWallet(alice_key.to_string())
    elif source == "key_file":
        wallet = PrivateKeyWallet(key_file=key_file)
    elif source == "env":
        monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", alice_key.to_string())
        wallet = PrivateKeyWallet()
    else:
        monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY_FILE", str(key_file))
        wallet = PrivateKeyWallet()
    async with kit_for(wallet, storage=stored) as kit:
        session = await kit.restore()
        assert session is not None
        assert str(session.permission_level) == "alice@active"
        result = await session.transact(action=transfer("alice"), broadcast=False)
    (signature,) = result.signatures
    assert signature.recover(result.resolved.signing_digest) == alice_key.public_key


async def test_restore_without_a_key_says_what_to_provide(
    stored: FileStorage, alice_key: PrivateKey, kit_for: Callable[..., SessionKit]
) -> None:
    async with kit_for(PrivateKeyWallet(), storage=stored) as kit:
        with pytest.raises(ConfigurationError) as caught:
            await kit.restore()
    message = str(caught.value)
    assert f"logged in with the key {alice_key.public_key}" in message
    for way in (
        "PrivateKeyWallet(private_key=...)",
        "PrivateKeyWallet(key_file=...)",
        "$SESSIONKIT_PRIVATE_KEY",
        "$SESSIONKIT_PRIVATE_KEY_FILE",
    ):
        assert way in message
    assert_no_secret(message, alice_key)


async def test_restore_with_the_wrong_key_is_refused_naming_both_public_keys(
    stored: FileStorage,
    alice_key: PrivateKey,
    bob_key: PrivateKey,
    kit_for: Callable[..., SessionKit],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", bob_key.to_string())
    with caplog.at_level(logging.DEBUG):
        async with kit_for(PrivateKeyWallet(), storage=stored) as kit:
            with pytest.raises(ConfigurationError) as caught:
                await kit.restore()
            assert await kit.restore_all() == []
    message = str(caught.value)
    assert f"logged in with the key {alice_key.public_key}" in message
    assert f"holds the key {bob_key.public_key} (from $SESSIONKIT_PRIVATE_KEY)" in message
    assert f"as the private key of {alice_key.public_key}" in message
    assert_no_secret(message + caplog.text, alice_key, bob_key)
    assert "could not restore alice@active" in caplog.text
    # Nothing about the stored session changed.
    assert stored_sessions(stored)[0]["walletPlugin"]["data"] == {
        "publicKey": str(alice_key.public_key)
    }


# -- store_private_key=True, and sessions of the TypeScript kit -----------------------------------


async def test_store_private_key_stores_it_the_references_way(
    tmp_path: Path, alice_key: PrivateKey, kit_for: Callable[..., SessionKit]
) -> None:
    storage = FileStorage(tmp_path)
    async with kit_for(PrivateKeyWallet(alice_key, store_private_key=True), storage=storage) as kit:
        session = (await kit.login()).session
        serialized = session.serialize()
    assert serialized["walletPlugin"] == {"id": ID, "data": {"privateKey": alice_key.to_string()}}
    assert stored_sessions(storage)[0]["walletPlugin"] == serialized["walletPlugin"]
    # Any wallet restores it, even one with no key or another key, and signs with alice's.
    for wallet in (PrivateKeyWallet(env_var=None), PrivateKeyWallet(PrivateKey.generate())):
        async with kit_for(wallet, storage=storage) as kit:
            restored = await kit.restore()
            assert restored is not None
            assert restored.serialize() == serialized
            result = await restored.transact(action=transfer("alice"))
            assert result.signatures[0].recover(result.resolved.signing_digest) == (
                alice_key.public_key
            )


async def test_a_session_stored_by_the_typescript_kit_restores_and_is_stored_back_unchanged(
    tmp_path: Path,
    devnet: Devnet,
    alice_key: PrivateKey,
    bob_key: PrivateKey,
    kit_for: Callable[..., SessionKit],
) -> None:
    """The entry as WharfKit 1.x writes it (JSON.stringify, key order included)."""
    entry = {
        "chain": str(devnet.chain_id),
        "actor": "alice",
        "permission": "active",
        "walletPlugin": {"id": ID, "data": {"privateKey": alice_key.to_string()}},
        "data": {"foo": 1},
        "default": True,
    }
    as_written = {
        "session": json.dumps(entry, separators=(",", ":")),
        "sessions": json.dumps([entry], separators=(",", ":")),
    }
    storage = FileStorage(tmp_path)
    for key, value in as_written.items():
        await storage.write(key, value)
    # The configured key is bob's and the option is off: the stored key still wins.
    async with kit_for(PrivateKeyWallet(bob_key), storage=storage) as kit:
        session = await kit.restore()
        assert session is not None
        assert session.actor == "alice"
        assert session.data == {"foo": 1}
        assert session.serialize() == {k: v for k, v in entry.items() if k != "default"}
        result = await session.transact(action=transfer("alice"))
        assert result.response is not None
    for key, value in as_written.items():
        assert await storage.read(key) == value


# -- a new process ----------------------------------------------------------------------------

_RESTORE_SCRIPT = textwrap.dedent(
    """
    import os
    import uuid

    import anyio
    from sessionkit import ChainDefinition, SessionKit
    from sessionkit_wallet_privatekey import PrivateKeyWallet

    CHAIN = ChainDefinition(os.environ["DEVNET_CHAIN_ID"], os.environ["DEVNET_URL"])
    TRANSFER = {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": "alice", "permission": "active"}],
        "data": {"from": "alice", "to": "bob", "quantity": "0.0001 SYS", "memo": uuid.uuid4().hex},
    }


    async def main() -> None:
        async with SessionKit(
            "restore-test", [CHAIN], wallet_plugins=[PrivateKeyWallet()], discover=False
        ) as kit:
            session = await kit.restore()
            result = await session.transact(action=TRANSFER)
            print(session.permission_level, result.response.transaction_id)


    anyio.run(main)
    """
)


async def test_restore_in_a_new_process(
    tmp_path: Path,
    devnet: Devnet,
    alice_key: PrivateKey,
    bob_key: PrivateKey,
    kit_for: Callable[..., SessionKit],
) -> None:
    home = tmp_path / "home"
    storage = FileStorage(home / "restore-test")
    async with kit_for(PrivateKeyWallet(alice_key), storage=storage) as kit:
        await kit.login()

    async def child(key: PrivateKey | None) -> tuple[int, str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SESSIONKIT_PRIVATE")}
        env.update(
            SESSIONKIT_HOME=str(home), DEVNET_URL=devnet.url, DEVNET_CHAIN_ID=str(devnet.chain_id)
        )
        if key is not None:
            env["SESSIONKIT_PRIVATE_KEY"] = key.to_string()
        with anyio.fail_after(60):
            done = await anyio.run_process(
                [sys.executable, "-c", _RESTORE_SCRIPT], env=env, check=False
            )
        return done.returncode, done.stdout.decode(), done.stderr.decode()

    code, out, err = await child(alice_key)
    assert code == 0, err
    assert out.startswith("alice@active ")
    code, out, err = await child(bob_key)
    assert code != 0
    assert "sessionkit.errors.ConfigurationError" in err
    assert f"holds the key {bob_key.public_key}" in err
    assert_no_secret(err + out, alice_key, bob_key)
    code, out, err = await child(None)
    assert code != 0
    assert f"was logged in with the key {alice_key.public_key}" in err
    assert "$SESSIONKIT_PRIVATE_KEY" in err
