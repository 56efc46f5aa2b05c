"""`TransactPluginContract`: a transact plugin must leave a standard transfer working.

Override ``transact_plugin`` (an instance). The contract runs a kit with a test key wallet for
``alice@active`` on the devnet and this plugin: a transfer goes through and is recorded in the
revisions; under ``allow_modify=False`` the plugin either leaves the transaction alone or the
kit refuses it with `ModificationNotAllowed`; the hooks it implements are real SessionKit hooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from sessionkit.testing.contracts._base import (
    Contract,
    devnet_chain,
    needs_override,
    transfer_action,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sessionkit import SessionKit

__all__ = ["TransactPluginContract"]

_TRANSACT_HOOKS = {"before_sign", "after_sign", "after_broadcast"}


class TransactPluginContract(Contract):
    """Mixin: ``class TestMyPlugin(TransactPluginContract)`` plus a ``transact_plugin`` fixture."""

    pytestmark: ClassVar[list[pytest.MarkDecorator]] = [pytest.mark.anyio, pytest.mark.devnet]

    @pytest.fixture
    def transact_plugin(self, devnet: Any) -> object:
        """The transact plugin under test."""
        raise needs_override("transact_plugin", "MyTransactPlugin(...)")

    @pytest.fixture
    async def transact_kit(self, devnet: Any, transact_plugin: object) -> AsyncIterator[SessionKit]:
        """A kit whose sessions use this plugin, logging in as alice with her test key."""
        from sessionkit import MemoryStorage, SessionKit
        from sessionkit.testing.doubles import KeyWallet

        async with SessionKit(
            "contract",
            [devnet_chain(devnet)],
            wallet_plugins=[KeyWallet(devnet.accounts["alice"].private_key)],
            transact_plugins=[transact_plugin],
            storage=MemoryStorage(),
            discover=False,
        ) as kit:
            yield kit

    def test_implements_only_transact_hooks(self, transact_plugin: object) -> None:
        from sessionkit.plugins import PluginHost

        host = PluginHost(plugins=[transact_plugin], discover=False)
        (info,) = [p for p in host.plugins() if p.hooks]
        assert set(info.hooks) <= _TRANSACT_HOOKS, (
            f"not transact hooks: {set(info.hooks) - _TRANSACT_HOOKS}"
        )
        assert info.hooks, "a transact plugin implements at least one transact hook"

    async def test_a_transfer_goes_through(self, transact_kit: SessionKit) -> None:
        session = (await transact_kit.login(permission_level="alice@active")).session
        result = await session.transact(action=transfer_action("alice", "bob"))
        assert result.response is not None
        assert result.revisions[0].code == "original"
        assert all(r.request.startswith("esr:") for r in result.revisions)

    async def test_allow_modify_false_is_respected(self, transact_kit: SessionKit) -> None:
        from sessionkit.errors import ModificationNotAllowed

        session = (await transact_kit.login(permission_level="alice@active")).session
        original = transfer_action("alice", "bob")
        try:
            result = await session.transact(action=original, allow_modify=False, broadcast=False)
        except ModificationNotAllowed:
            return
        assert not any(r.modified for r in result.revisions)
        (action,) = result.resolved.resolved_transaction["actions"]
        assert action["data"]["memo"] == original["data"]["memo"]
