"""Hooks through a real kit on the devnet: the documented order (installed plugins, then the
app's ``plugins=``, then login/transact plugins as listed; ``tryfirst``/``trylast`` move one),
and a plugin's failure reaching the app as `PluginError` with nothing persisted."""

from __future__ import annotations

import importlib
import sys
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from sessionkit import MemoryStorage, SessionKit, hookimpl
from sessionkit.errors import PluginError
from sessionkit.testing import KeyWallet

if TYPE_CHECKING:
    from sessionkit.chain import ChainDefinition
    from sessionkit.devnet import Devnet

    from conftest import Distributions

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]

HOOKS = ("before_login", "after_login", "before_sign", "after_sign", "after_broadcast")

INSTALLED = """
from sessionkit import hookimpl

log = []

@hookimpl
def before_login(context):
    log.append(("before_login", "installed"))

@hookimpl
async def after_login(context, session):
    log.append(("after_login", "installed"))

@hookimpl
def before_sign(request, context):
    log.append(("before_sign", "installed"))

@hookimpl
async def after_sign(result, context):
    log.append(("after_sign", "installed"))

@hookimpl
def after_broadcast(result):
    log.append(("after_broadcast", "installed"))
"""


class Recording:
    """Implements every interceptor hook, sync and async alternately, appending to ``log``."""

    def __init__(self, name: str, log: list[tuple[str, str]]) -> None:
        self.id = name
        self.log = log

    @hookimpl
    async def before_login(self, context: Any) -> None:
        self.log.append(("before_login", self.id))

    @hookimpl
    def after_login(self, context: Any, session: Any) -> None:
        self.log.append(("after_login", self.id))

    @hookimpl
    async def before_sign(self, request: Any, context: Any) -> None:
        self.log.append(("before_sign", self.id))

    @hookimpl
    def after_sign(self, result: Any, context: Any) -> None:
        self.log.append(("after_sign", self.id))

    @hookimpl
    async def after_broadcast(self, result: Any, context: Any) -> None:
        self.log.append(("after_broadcast", self.id))


class Eager:
    """A transact plugin that asks to run first."""

    id = "eager"

    def __init__(self, log: list[tuple[str, str]]) -> None:
        self.log = log

    @hookimpl(tryfirst=True)
    def before_sign(self, request: Any, context: Any) -> None:
        self.log.append(("before_sign", self.id))

    @hookimpl(trylast=True)
    def after_broadcast(self, result: Any) -> None:
        self.log.append(("after_broadcast", self.id))


def transfer() -> dict[str, Any]:
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": "alice", "permission": "active"}],
        "data": {"from": "alice", "to": "bob", "quantity": "0.0001 SYS", "memo": uuid.uuid4().hex},
    }


async def test_hooks_run_in_the_documented_order(
    devnet: Devnet,
    devnet_chain: ChainDefinition,
    distributions: Distributions,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = distributions.unique("installed_hooks")
    distributions.install("installed-hooks", {"installed-hooks": module}, {module: INSTALLED})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "installed-hooks")
    log: list[tuple[str, str]] = []
    async with SessionKit(
        "hook-order",
        [devnet_chain],
        wallet_plugins=[KeyWallet(devnet.accounts["alice"].private_key)],
        storage=MemoryStorage(),
        plugins=[Recording("app", log)],
        login_plugins=[Recording("login-1", log), Recording("login-2", log)],
        transact_plugins=[Recording("transact", log), Eager(log)],
        strict=True,
    ) as kit:
        assert [p.id for p in kit.plugins][:2] == ["installed-hooks", "app"]
        session = (await kit.login(permission_level="alice@active")).session
        result = await session.transact(action=transfer())
    assert result.response is not None
    installed: list[tuple[str, str]] = sys.modules[module].log
    assert [hook for hook, _ in installed] == list(HOOKS)
    assert [who for hook, who in log if hook == "before_login"] == ["app", "login-1", "login-2"]
    assert [who for hook, who in log if hook == "after_login"] == ["app", "login-1", "login-2"]
    assert [who for hook, who in log if hook == "before_sign"] == ["eager", "app", "transact"]
    assert [who for hook, who in log if hook == "after_sign"] == ["app", "transact"]
    assert [who for hook, who in log if hook == "after_broadcast"] == ["app", "transact", "eager"]


async def test_installed_plugins_run_before_the_apps(
    devnet: Devnet,
    devnet_chain: ChainDefinition,
    distributions: Distributions,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One shared log: the installed plugin's hook runs before the app's, for every hook."""
    module = distributions.unique("installed_hooks")
    distributions.install("installed-hooks", {"installed-hooks": module}, {module: INSTALLED})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "installed-hooks")
    # the kit's entry-point load finds this module already imported: one log for both plugins
    shared: list[tuple[str, str]] = importlib.import_module(module).log
    async with SessionKit(
        "hook-order",
        [devnet_chain],
        wallet_plugins=[KeyWallet(devnet.accounts["alice"].private_key)],
        storage=MemoryStorage(),
        plugins=[Recording("app", shared)],
        strict=True,
    ) as kit:
        session = (await kit.login(permission_level="alice@active")).session
        await session.transact(action=transfer())
    assert shared == [(hook, who) for hook in HOOKS for who in ("installed", "app")]


class Refusing:
    id = "refusing"

    @hookimpl
    async def after_login(self, context: Any, session: Any) -> None:
        raise PermissionError(f"{session.actor} may not use this app")


async def test_a_failing_login_hook_is_a_plugin_error_and_nothing_is_stored(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    async with SessionKit(
        "hook-failure",
        [devnet_chain],
        wallet_plugins=[KeyWallet(devnet.accounts["alice"].private_key)],
        storage=MemoryStorage(),
        login_plugins=[Refusing()],
        discover=False,
    ) as kit:
        with pytest.raises(PluginError) as caught:
            await kit.login(permission_level="alice@active")
        assert caught.value.plugin == "refusing"
        assert caught.value.hook == "after_login"
        assert isinstance(caught.value.__cause__, PermissionError)
        assert "alice may not use this app" in str(caught.value)
        assert await kit.get_sessions() == []
        # the same kit logs in without the plugin when the login names none
        result = await kit.login(permission_level="alice@active", login_plugins=[])
        assert result.session.actor == "alice"


class BadAnswer:
    id = "bad-answer"

    @hookimpl
    def before_sign(self, request: Any, context: Any) -> str:
        return "not a BeforeSignResult"


async def test_a_before_sign_answer_of_the_wrong_type_is_a_plugin_error(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    async with SessionKit(
        "hook-failure",
        [devnet_chain],
        wallet_plugins=[KeyWallet(devnet.accounts["alice"].private_key)],
        storage=MemoryStorage(),
        discover=False,
    ) as kit:
        session = (await kit.login(permission_level="alice@active")).session
        with pytest.raises(PluginError, match="returns None or a BeforeSignResult, not str"):
            await session.transact(action=transfer(), transact_plugins=[BadAnswer()])


class Noisy:
    """Fails after the broadcast: the app hears of it, but the transfer is on chain."""

    id = "noisy"

    def __init__(self) -> None:
        self.ids: list[str] = []

    @hookimpl
    def after_broadcast(self, result: Any) -> None:
        self.ids.append(str(result.transaction_id))
        raise ConnectionError("the receipt mailer is down")


async def test_a_failing_after_broadcast_raises_but_the_transaction_stands(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    noisy = Noisy()
    async with SessionKit(
        "hook-failure",
        [devnet_chain],
        wallet_plugins=[KeyWallet(devnet.accounts["alice"].private_key)],
        storage=MemoryStorage(),
        discover=False,
    ) as kit:
        session = (await kit.login(permission_level="alice@active")).session
        (before,) = await session.client.get_currency_balance("eosio.token", "carol", "SYS")
        action = transfer()
        action["data"]["to"] = "carol"
        with pytest.raises(PluginError, match="'noisy' failed in after_broadcast") as caught:
            await session.transact(action=action, transact_plugins=[noisy])
        assert isinstance(caught.value.__cause__, ConnectionError)
        (after,) = await session.client.get_currency_balance("eosio.token", "carol", "SYS")
        assert after.units - before.units == 1
        assert len(noisy.ids) == 1
