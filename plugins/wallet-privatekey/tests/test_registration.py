"""Installed next to ``sessionkit``, the wallet is found through the ``sessionkit`` entry point
and its ``register_wallet_plugins`` hook: a kit made without ``wallet_plugins=`` offers it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import sessionkit_wallet_privatekey
from sessionkit import ChainDefinition, MemoryStorage, SessionKit
from sessionkit_wallet_privatekey import PrivateKeyWallet

if TYPE_CHECKING:
    from sessionkit.antelope import PrivateKey


@pytest.fixture(autouse=True)
def _only_this_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load this distribution's entry point alone (the others are tested in their own dirs)."""
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "privatekey")
    monkeypatch.delenv("SESSIONKIT_DISABLE_PLUGINS", raising=False)


def test_the_hook_registers_the_wallet_class() -> None:
    registered: list[object] = []
    sessionkit_wallet_privatekey.register_wallet_plugins(register=registered.append)
    assert registered == [PrivateKeyWallet]


def test_a_kit_without_wallet_plugins_offers_it() -> None:
    chain = ChainDefinition("cd" * 32, "http://127.0.0.1:9")
    kit = SessionKit("registration", [chain], storage=MemoryStorage(), strict=True)
    (wallet,) = kit.wallet_plugins
    assert isinstance(wallet, PrivateKeyWallet)
    assert wallet.id == "wallet-plugin-privatekey"
    assert wallet.public_key is None
    (info,) = kit.plugins
    assert info.id == "privatekey"
    assert info.distribution == "sessionkit-wallet-privatekey"
    assert "register_wallet_plugins" in info.hooks
    assert kit.plugin_errors == []


def test_a_kit_asks_for_it_by_id() -> None:
    chain = ChainDefinition("cd" * 32, "http://127.0.0.1:9")
    kit = SessionKit(
        "registration",
        [chain],
        wallet_plugins=["wallet-plugin-privatekey"],
        storage=MemoryStorage(),
        strict=True,
    )
    assert [type(w) for w in kit.wallet_plugins] == [PrivateKeyWallet]


@pytest.mark.anyio
@pytest.mark.devnet
async def test_the_discovered_wallet_logs_in_with_the_key_from_the_environment(
    chain: ChainDefinition, alice_key: PrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", alice_key.to_string())
    async with SessionKit("registration", [chain], storage=MemoryStorage(), strict=True) as kit:
        result = await kit.login()
        assert str(result.session.permission_level) == "alice@active"
        assert result.session.wallet_plugin.id == "wallet-plugin-privatekey"
        assert result.session.wallet_plugin is not kit.wallet_plugins[0]
