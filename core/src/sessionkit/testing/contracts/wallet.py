"""`WalletPluginContract`: what every wallet plugin must do, proven on a real local chain.

Override ``wallet`` (a ready instance that can log in as ``wallet_account`` on the devnet) and,
if logging in needs a person, ``wallet_ui`` (a user interface that answers the wallet's
prompts, for example `RecordingUI` with callables that act as the person). Optional fixtures:
``wallet_account`` (default ``"alice@active"``, whose published test key the devnet funds),
``transfer_to`` (``"bob"``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

import anyio
import msgspec
import pytest

from sessionkit.testing.contracts._base import (
    Contract,
    devnet_chain,
    needs_override,
    running_tasks,
    transfer_action,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sessionkit import SessionKit
    from sessionkit.ui import UserInterface
    from sessionkit.wallet import WalletPlugin

__all__ = ["WalletPluginContract"]

_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


class WalletPluginContract(Contract):
    """Mixin: ``class TestMyWallet(WalletPluginContract)`` plus a ``wallet`` fixture."""

    pytestmark: ClassVar[list[pytest.MarkDecorator]] = [pytest.mark.anyio, pytest.mark.devnet]

    @pytest.fixture
    def wallet(self, devnet: Any) -> WalletPlugin:
        """The wallet under test, able to log in as ``wallet_account`` on ``devnet``."""
        raise needs_override("wallet", "MyWallet(...)")

    @pytest.fixture
    def wallet_ui(self) -> UserInterface | None:
        """The user interface for logins (None: headless, for wallets that never prompt)."""
        return None

    @pytest.fixture
    def wallet_account(self) -> str:
        """The ``account@permission`` the wallet logs in with."""
        return "alice@active"

    @pytest.fixture
    def transfer_to(self) -> str:
        """Who receives the contract's test transfers."""
        return "bob"

    @pytest.fixture
    async def wallet_kit(
        self, devnet: Any, wallet: WalletPlugin, wallet_ui: UserInterface | None
    ) -> AsyncIterator[SessionKit]:
        """A kit with only this wallet, the devnet's chain and memory storage."""
        from sessionkit import MemoryStorage, SessionKit

        async with SessionKit(
            "contract",
            [devnet_chain(devnet)],
            ui=wallet_ui,
            wallet_plugins=[wallet],
            storage=MemoryStorage(),
            discover=False,
        ) as kit:
            yield kit

    # -- what it is ------------------------------------------------------------------------

    def test_identity_and_metadata_round_trip(self, wallet: WalletPlugin) -> None:
        """The id is URL-safe, and config and metadata survive JSON with their declared types."""
        from sessionkit.wallet import WalletPluginConfig, WalletPluginMetadata

        assert isinstance(wallet.id, str)
        assert _ID.fullmatch(wallet.id), f"wallet id {wallet.id!r} is not lowercase URL-safe"
        for value, kind in (
            (wallet.config, WalletPluginConfig),
            (wallet.metadata, WalletPluginMetadata),
        ):
            assert isinstance(value, kind)
            assert msgspec.json.decode(msgspec.json.encode(value), type=kind) == value
        serialized = wallet.serialize()
        assert serialized["id"] == wallet.id
        assert msgspec.json.decode(msgspec.json.encode(serialized)) == serialized

    def test_clones_share_no_state(self, wallet: WalletPlugin) -> None:
        """The kit gives each session ``wallet.clone()``: changing one leaves the other alone."""
        twin = wallet.clone()
        assert twin is not wallet
        assert type(twin) is type(wallet)
        twin.data["contract-probe"] = 1
        assert "contract-probe" not in wallet.data

    # -- logging in --------------------------------------------------------------------------

    async def test_login_answers_the_chain_and_account_asked_for(
        self, wallet_kit: SessionKit, devnet: Any, wallet_account: str
    ) -> None:
        result = await wallet_kit.login(chain=devnet.chain_id, permission_level=wallet_account)
        assert result.response.chain == devnet.chain_id
        assert str(result.session.permission_level) == wallet_account
        assert result.session.wallet_plugin.id == wallet_kit.wallet_plugins[0].id

    async def test_login_on_a_chain_it_cannot_serve_is_refused(
        self,
        devnet: Any,
        wallet: WalletPlugin,
        wallet_ui: UserInterface | None,
        wallet_account: str,
    ) -> None:
        """A chain whose id is not the node's (the devnet's URL under another id) never logs in."""
        from sessionkit import MemoryStorage, SessionKit
        from sessionkit.chain import ChainDefinition
        from sessionkit.errors import SessionKitError

        other = ChainDefinition("ab" * 32, devnet.url, name="not the devnet")
        async with SessionKit(
            "contract",
            [other],
            ui=wallet_ui,
            wallet_plugins=[wallet],
            storage=MemoryStorage(),
            discover=False,
        ) as kit:
            with anyio.fail_after(60), pytest.raises(SessionKitError):
                await kit.login(permission_level=wallet_account)
            assert await kit.get_sessions() == []

    async def test_cancelling_a_login_leaves_nothing_running(
        self, wallet_kit: SessionKit, devnet: Any, wallet_account: str
    ) -> None:
        before = running_tasks()
        with anyio.move_on_after(0.05):
            await wallet_kit.login(chain=devnet.chain_id, permission_level=wallet_account)
        await anyio.sleep(0.2)
        assert running_tasks() <= before

    # -- signing -------------------------------------------------------------------------------

    async def test_signatures_recover_to_a_key_of_the_permission(
        self, wallet_kit: SessionKit, devnet: Any, wallet_account: str, transfer_to: str
    ) -> None:
        session = (
            await wallet_kit.login(chain=devnet.chain_id, permission_level=wallet_account)
        ).session
        result = await session.transact(
            action=transfer_action(session.actor, transfer_to), broadcast=False
        )
        account = await session.client.get_account(session.actor)
        keys = {str(k.key) for k in account.permission(session.permission).required_auth.keys}
        recovered = {str(s.recover(result.resolved.signing_digest)) for s in result.signatures}
        assert recovered & keys, f"no signature recovers to a key of {wallet_account}"
        assert result.transaction == result.resolved.transaction

    async def test_a_transfer_is_accepted_by_the_chain(
        self, wallet_kit: SessionKit, devnet: Any, wallet_account: str, transfer_to: str
    ) -> None:
        session = (
            await wallet_kit.login(chain=devnet.chain_id, permission_level=wallet_account)
        ).session
        result = await session.transact(action=transfer_action(session.actor, transfer_to))
        assert result.response is not None
        assert result.response.transaction_id == result.transaction_id

    # -- persistence ---------------------------------------------------------------------------

    async def test_serialize_and_restore_round_trip(
        self, wallet_kit: SessionKit, devnet: Any, wallet_account: str, transfer_to: str
    ) -> None:
        session = (
            await wallet_kit.login(chain=devnet.chain_id, permission_level=wallet_account)
        ).session
        serialized = session.serialize()
        assert msgspec.json.decode(msgspec.json.encode(serialized)) == serialized
        restored = await wallet_kit.restore(
            {
                "chain": serialized["chain"],
                "actor": serialized["actor"],
                "permission": serialized["permission"],
            }
        )
        assert restored is not None
        assert restored.serialize() == serialized
        assert restored.wallet_plugin is not session.wallet_plugin
        result = await restored.transact(
            action=transfer_action(restored.actor, transfer_to), broadcast=False
        )
        assert result.signatures
