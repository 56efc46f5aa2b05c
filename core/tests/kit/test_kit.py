"""The kit's own housekeeping: its HTTP connections, its repr, chain lookup, and what happens
when a user interface or a wallet misbehaves outside login and transact."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sessionkit import SessionKit
from sessionkit.errors import ConfigurationError, NoChoiceError, WalletError
from sessionkit.session import Session
from sessionkit.storage import MemoryStorage
from sessionkit.testing.doubles import KeyWallet, RecordingUI
from sessionkit.ui import PromptArgs

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sessionkit.contexts import LogoutContext

pytestmark = pytest.mark.anyio

EOS = "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906"
JUNGLE = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"
KEY = "PVT_K1_TSsXo6cQgnnyFRHBWUcpPYSqUwRpHrvPHLhzdgzEa5bPG8J6j"  # published devnet test key
CHAINS = [{"id": EOS, "url": "https://eos.example"}, {"id": JUNGLE, "url": "https://j.example"}]


def make_kit(**options: Any) -> SessionKit:
    options.setdefault("wallet_plugins", [KeyWallet(KEY)])
    options.setdefault("storage", MemoryStorage())
    return SessionKit("kittest", CHAINS, discover=False, **options)


def session_of(kit: SessionKit, actor: str = "alice", wallet: int = 0) -> Session:
    return Session(
        chain=kit.get_chain_definition(EOS),
        actor=actor,
        permission="active",
        wallet_plugin=kit.wallet_plugins[wallet].clone(),
    )


async def test_the_kit_closes_the_http_client_it_opened() -> None:
    kit = make_kit()
    async with kit:
        own = kit.http_client
        assert kit.http_client is own  # one client, opened on first use
        assert not own.is_closed
    assert own.is_closed
    async with httpx.AsyncClient() as given:
        async with make_kit(http_client=given) as kit:
            assert kit.http_client is given
        assert not given.is_closed


async def test_repr_and_chain_lookup() -> None:
    kit = make_kit(ui=RecordingUI())
    assert repr(kit) == "<SessionKit 'kittest': 2 chain(s), wallets ['key-wallet'], ui 'recording'>"
    assert KEY not in repr(kit)
    assert str(kit.get_chain_definition(JUNGLE).id) == JUNGLE
    only_eos = [kit.get_chain_definition(EOS)]
    with pytest.raises(ConfigurationError, match="no chain with id 73e4"):
        kit.get_chain_definition(JUNGLE, only_eos)
    with pytest.raises(ConfigurationError, match="not a chain id"):
        kit.get_chain_definition("jungle")


async def test_the_default_ui_is_headless() -> None:
    kit = make_kit()
    assert kit.ui.id == "headless"
    with pytest.raises(NoChoiceError, match="ui=") as caught:
        await kit.ui.prompt(PromptArgs(title="Scan this"))
    assert caught.value.choice == "prompt"


class BrokenUI(RecordingUI):
    async def on_error(self, error: BaseException) -> None:
        raise RuntimeError("the screen is gone")


async def test_a_ui_failing_to_show_an_error_does_not_hide_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    kit = make_kit(ui=BrokenUI())
    # An unknown chain: the login fails; the UI cannot show it; the app sees the real error.
    with (
        caplog.at_level(logging.WARNING, logger="sessionkit"),
        pytest.raises(ConfigurationError, match="no chain with id 0000"),
    ):
        await kit.login(chain="00" * 32, permission_level="alice@active")
    assert "failed to show an error" in caplog.text


class PickyWallet(KeyWallet):
    """Refuses stored data without a 'slot', with a plain exception (a plugin bug)."""

    id = "picky"
    logged_out: list[str] = []  # noqa: RUF012 - shared on purpose: every clone records here

    def restore(self, data: Mapping[str, Any]) -> None:
        if "slot" not in data:
            raise KeyError("slot")
        super().restore(data)

    async def logout(self, context: LogoutContext) -> None:
        if context.session.actor == "mallory":
            raise RuntimeError("channel already closed")
        type(self).logged_out.append(context.session.actor)


async def test_wallet_failures_outside_login_are_wallet_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    PickyWallet.logged_out.clear()
    storage = MemoryStorage()
    kit = make_kit(wallet_plugins=[PickyWallet(KEY)], storage=storage)
    for actor in ("alice", "mallory", "bob"):
        session = session_of(kit, actor)
        session.wallet_plugin.data = {"slot": actor}
        await kit.persist_session(session)
    broken = session_of(kit, "carol")  # stored without its slot
    await kit.persist_session(broken, set_as_default=False)

    with pytest.raises(WalletError, match="could not take back the data") as caught:
        await kit.restore({"chain": EOS, "actor": "carol", "permission": "active"})
    assert isinstance(caught.value.__cause__, KeyError)
    with caplog.at_level(logging.WARNING, logger="sessionkit"):
        assert sorted(s.actor for s in await kit.restore_all()) == ["alice", "bob", "mallory"]
    assert "could not restore carol@active" in caplog.text

    mallory = await kit.restore({"chain": EOS, "actor": "mallory", "permission": "active"})
    assert mallory is not None
    with pytest.raises(WalletError, match="failed to log mallory@active out"):
        await kit.logout(mallory)
    assert "mallory" in [s["actor"] for s in await kit.get_sessions()]

    # Logging everyone out goes on past a failing wallet, and forgets every session.
    with caplog.at_level(logging.WARNING, logger="sessionkit"):
        await kit.logout()
    assert sorted(PickyWallet.logged_out) == ["alice", "bob"]
    assert await kit.get_sessions() == []
    assert "mallory@active" in caplog.text
