"""`LoginPluginContract`: a login plugin must leave a standard login working.

Override ``login_plugin`` (an instance). The contract logs in as ``alice@active`` on the devnet
with a test key wallet and this plugin, and checks the plugin's hooks are SessionKit login hooks.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from sessionkit.testing.contracts._base import Contract, devnet_chain, needs_override

__all__ = ["LoginPluginContract"]

_LOGIN_HOOKS = {"before_login", "after_login"}


class LoginPluginContract(Contract):
    """Mixin: ``class TestMyPlugin(LoginPluginContract)`` plus a ``login_plugin`` fixture."""

    pytestmark: ClassVar[list[pytest.MarkDecorator]] = [pytest.mark.anyio, pytest.mark.devnet]

    @pytest.fixture
    def login_plugin(self, devnet: Any) -> object:
        """The login plugin under test."""
        raise needs_override("login_plugin", "MyLoginPlugin(...)")

    def test_implements_only_login_hooks(self, login_plugin: object) -> None:
        from sessionkit.plugins import PluginHost

        host = PluginHost(plugins=[login_plugin], discover=False)
        (info,) = [p for p in host.plugins() if p.hooks]
        assert info.hooks, "a login plugin implements at least one login hook"
        assert set(info.hooks) <= _LOGIN_HOOKS, f"not login hooks: {set(info.hooks) - _LOGIN_HOOKS}"

    async def test_a_login_goes_through_and_persists(
        self, devnet: Any, login_plugin: object
    ) -> None:
        from sessionkit import MemoryStorage, SessionKit
        from sessionkit.testing.doubles import KeyWallet

        async with SessionKit(
            "contract",
            [devnet_chain(devnet)],
            wallet_plugins=[KeyWallet(devnet.accounts["alice"].private_key)],
            login_plugins=[login_plugin],
            storage=MemoryStorage(),
            discover=False,
        ) as kit:
            result = await kit.login(permission_level="alice@active")
            assert str(result.session.permission_level) == "alice@active"
            (stored,) = await kit.get_sessions()
            assert stored["actor"] == "alice"
