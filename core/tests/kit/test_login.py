"""Logging in through a wallet and a user interface, on the devnet.

The choices (wallet, chain, account) are made by the app's arguments, by a `RecordingUI`
following a script, or are missing: the headless interface then fails naming the choice.
Hooks run around the wallet's login, and a failed or cancelled login persists nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

import anyio
import pytest
from sessionkit import SessionKit, hookimpl
from sessionkit.antelope import Checksum256, PermissionLevel
from sessionkit.chain import ChainDefinition
from sessionkit.errors import (
    Cancelled,
    ConfigurationError,
    NoChoiceError,
    PluginError,
    WalletError,
    WalletRejected,
    WalletResponseError,
)
from sessionkit.login import LoginPlugin
from sessionkit.storage import MemoryStorage
from sessionkit.testing.doubles import KeyWallet, RecordingUI
from sessionkit.ui import PromptArgs, PromptElement, UserInterfaceLoginResponse
from sessionkit.wallet import WalletLoginResponse, WalletPluginConfig

if TYPE_CHECKING:
    from sessionkit.contexts import LoginContext
    from sessionkit.devnet import Devnet
    from sessionkit.session import Session
    from sessionkit.ui import UserInterface

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]

#: A chain the kit knows but that has no node (nothing listens on port 9).
ELSEWHERE = ChainDefinition(id="ab" * 32, url="http://127.0.0.1:9")


class OtherWallet(KeyWallet):
    """A second wallet kind, so that there is a wallet to choose."""

    id = "other-wallet"
    translations: ClassVar[dict[str, dict[str, Any]]] = {
        "en": {"greeting": "Hello {{name}}"},
        "fr": {"greeting": "Bonjour {{name}}"},
    }


def make_kit(
    chains: list[ChainDefinition],
    wallets: list[Any],
    ui: UserInterface | None = None,
    **options: Any,
) -> SessionKit:
    options.setdefault("storage", MemoryStorage())
    return SessionKit("logintest", chains, ui=ui, wallet_plugins=wallets, discover=False, **options)


async def stored(kit: SessionKit) -> tuple[str | None, str | None]:
    return await kit.storage.read("session"), await kit.storage.read("sessions")


async def test_login_with_everything_given_asks_nothing(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    ui = RecordingUI()
    wallet = KeyWallet(devnet.accounts["alice"].private_key)
    async with make_kit([devnet_chain], [wallet], ui) as kit:
        result = await kit.login(permission_level="alice@active")
        assert [name for name, _ in ui.calls] == ["on_login", "on_login_complete"]
        session = result.session
        assert result.chain == devnet_chain
        assert result.permission_level == PermissionLevel("alice", "active")
        assert result.response.chain == devnet.chain_id
        assert session.actor == "alice"
        assert session.permission == "active"
        # The session has its own wallet instance, not the kit's.
        assert session.wallet_plugin is not wallet
        assert isinstance(session.wallet_plugin, KeyWallet)
        raw_default, raw_all = await stored(kit)
        assert raw_default is not None
        assert raw_all is not None
        assert json.loads(raw_default) == {**session.serialize(), "default": True}
        assert json.loads(raw_all) == [{**session.serialize(), "default": True}]


async def test_the_ui_chooses_the_account(devnet: Devnet, devnet_chain: ChainDefinition) -> None:
    ui = RecordingUI(permission="bob@active")
    async with make_kit([devnet_chain], [KeyWallet(devnet.accounts["bob"].private_key)], ui) as kit:
        result = await kit.login()
    assert str(result.session.permission_level) == "bob@active"
    (context,) = ui.called("login")
    needs = context.ui_requirements
    assert needs.requires_permission_select
    assert not needs.requires_chain_select
    assert not needs.requires_wallet_select
    assert context.chain == devnet_chain
    assert context.wallet_plugin_index == 0
    assert [w.id for w in context.wallet_plugins] == ["key-wallet"]


async def test_the_ui_chooses_the_chain(devnet: Devnet, devnet_chain: ChainDefinition) -> None:
    ui = RecordingUI(chain=str(devnet.chain_id))
    wallet = KeyWallet(devnet.accounts["alice"].private_key)
    async with make_kit([ELSEWHERE, devnet_chain], [wallet], ui) as kit:
        result = await kit.login(permission_level="alice@active")
    assert result.chain == devnet_chain
    (context,) = ui.called("login")
    assert context.ui_requirements.requires_chain_select
    assert context.chain is None
    assert context.chains == (ELSEWHERE, devnet_chain)


async def test_headless_login_names_the_missing_chain(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    wallet = KeyWallet(devnet.accounts["alice"].private_key)
    async with make_kit([ELSEWHERE, devnet_chain], [wallet]) as kit:
        with pytest.raises(NoChoiceError, match=r"login\(chain=\.\.\.\)") as caught:
            await kit.login(permission_level="alice@active")
        assert caught.value.choice == "chain"
        assert caught.value.options == [str(ELSEWHERE.id), str(devnet.chain_id)]
        assert await stored(kit) == (None, None)
        # Given the chain, or a list of one, the same headless kit logs in.
        by_id = await kit.login(chain=str(devnet.chain_id), permission_level="alice@active")
        assert by_id.chain == devnet_chain
        by_definition = await kit.login(chain=devnet_chain, permission_level="alice@active")
        assert by_definition.chain == devnet_chain
        limited = await kit.login(chains=[devnet.chain_id], permission_level="alice@active")
        assert limited.chain == devnet_chain
        with pytest.raises(ConfigurationError, match="no chain with id"):
            await kit.login(chain="cd" * 32, permission_level="alice@active")


async def test_headless_login_names_the_missing_wallet(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    key = devnet.accounts["alice"].private_key
    async with make_kit([devnet_chain], [KeyWallet(key), OtherWallet(key)]) as kit:
        with pytest.raises(NoChoiceError, match=r"login\(wallet_plugin=\.\.\.\)") as caught:
            await kit.login(permission_level="alice@active")
        assert caught.value.choice == "wallet"
        assert caught.value.options == ["key-wallet", "other-wallet"]
        chosen = await kit.login(wallet_plugin="other-wallet", permission_level="alice@active")
        assert chosen.session.wallet_plugin.id == "other-wallet"
        with pytest.raises(ConfigurationError, match="no wallet plugin 'nope'"):
            await kit.login(wallet_plugin="nope", permission_level="alice@active")


async def test_headless_login_names_the_missing_account(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    async with make_kit([devnet_chain], [KeyWallet(devnet.accounts["alice"].private_key)]) as kit:
        with pytest.raises(NoChoiceError, match="permission_level") as caught:
            await kit.login()
        assert caught.value.choice == "permission"
        assert await stored(kit) == (None, None)


async def test_the_ui_chooses_the_wallet_and_gets_its_translations(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    key = devnet.accounts["alice"].private_key
    ui = RecordingUI(wallet="other-wallet")
    async with make_kit([devnet_chain], [KeyWallet(key), OtherWallet(key)], ui) as kit:
        result = await kit.login(permission_level="alice@active")
    assert result.session.wallet_plugin.id == "other-wallet"
    (context,) = ui.called("login")
    assert context.ui_requirements.requires_wallet_select
    assert context.wallet_plugin_index is None
    # WharfKit forgets a wallet's translations when the UI chose it; this kit adds them.
    assert ui.translate("greeting", namespace="other-wallet", name="Ann") == "Hello Ann"
    ui.language = "fr"
    assert ui.translate("greeting", namespace="other-wallet", name="Ann") == "Bonjour Ann"


async def test_a_preselected_wallet_brings_its_translations(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    ui = RecordingUI()
    wallet = OtherWallet(devnet.accounts["alice"].private_key)
    async with make_kit([devnet_chain], [wallet], ui) as kit:
        await kit.login(permission_level="alice@active")
    assert ui.get_translate("other-wallet")("greeting", name="Bo") == "Hello Bo"


class Bookkeeper(LoginPlugin):
    """Records the hooks and what they saw; may fail one of them."""

    id = "bookkeeper"

    def __init__(self, kit_storage: MemoryStorage, fail: str | None = None) -> None:
        self.storage = kit_storage
        self.fail = fail
        self.seen: list[tuple[str, Any]] = []

    @hookimpl
    async def before_login(self, context: LoginContext) -> None:
        self.seen.append(("before_login", context))
        if self.fail == "before_login":
            raise RuntimeError("not today")

    @hookimpl
    async def after_login(self, context: LoginContext, session: Session) -> None:
        self.seen.append(("after_login", (session, await self.storage.read("sessions"))))
        if self.fail == "after_login":
            raise RuntimeError("refused after the fact")


class CountingWallet(KeyWallet):
    id = "counting-wallet"
    logins: ClassVar[list[LoginContext]] = []

    async def login(self, context: LoginContext) -> WalletLoginResponse:
        type(self).logins.append(context)
        return await super().login(context)


async def test_login_hooks_run_around_the_wallet(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    storage = MemoryStorage()
    plugin = Bookkeeper(storage)
    CountingWallet.logins.clear()
    wallet = CountingWallet(devnet.accounts["alice"].private_key)
    async with make_kit([devnet_chain], [wallet], storage=storage, login_plugins=[plugin]) as kit:
        result = await kit.login(permission_level="alice@active", arbitrary={"hint": 7})
    assert [name for name, _ in plugin.seen] == ["before_login", "after_login"]
    context = plugin.seen[0][1]
    # before_login sees every choice made, and the wallet instance that will log in.
    assert context.chain == devnet_chain
    assert str(context.permission_level) == "alice@active"
    assert isinstance(context.wallet_plugin, CountingWallet)
    assert context.arbitrary == {"hint": 7}
    assert "hint" not in repr(context)
    assert "alice@active" in repr(context)
    assert "hint" not in repr(result)
    assert CountingWallet.logins[0].arbitrary == {"hint": 7}
    session, sessions_then = plugin.seen[1][1]
    assert session is result.session
    assert sessions_then is None  # after_login runs before the session is persisted


@pytest.mark.parametrize("hook", ["before_login", "after_login"])
async def test_a_failing_login_hook_stops_the_login(
    devnet: Devnet, devnet_chain: ChainDefinition, hook: str
) -> None:
    storage = MemoryStorage()
    ui = RecordingUI()
    CountingWallet.logins.clear()
    wallet = CountingWallet(devnet.accounts["alice"].private_key)
    kit = make_kit(
        [devnet_chain], [wallet], ui, storage=storage, login_plugins=[Bookkeeper(storage, hook)]
    )
    async with kit:
        with pytest.raises(PluginError) as caught:
            await kit.login(permission_level="alice@active")
    assert caught.value.hook == hook
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert ui.errors == [caught.value]
    assert "on_login_complete" not in [name for name, _ in ui.calls]
    assert len(CountingWallet.logins) == (0 if hook == "before_login" else 1)
    assert await stored(kit) == (None, None)


async def test_per_login_plugins_replace_the_kits(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    storage = MemoryStorage()
    kit_plugin, login_plugin = Bookkeeper(storage), Bookkeeper(storage)
    wallet = KeyWallet(devnet.accounts["alice"].private_key)
    kit = make_kit([devnet_chain], [wallet], storage=storage, login_plugins=[kit_plugin])
    async with kit:
        await kit.login(permission_level="alice@active", login_plugins=[login_plugin])
        assert kit_plugin.seen == []
        assert [name for name, _ in login_plugin.seen] == ["before_login", "after_login"]
        await kit.login(permission_level="alice@active")
        assert [name for name, _ in kit_plugin.seen] == ["before_login", "after_login"]
        assert len(login_plugin.seen) == 2


class PromptingWallet(KeyWallet):
    """Asks the person to approve the login through the user interface first."""

    id = "prompting-wallet"

    async def login(self, context: LoginContext) -> WalletLoginResponse:
        await context.ui.prompt(
            PromptArgs(
                title="Approve the login",
                body="Open your wallet",
                elements=(PromptElement(type="accept"),),
            )
        )
        return await super().login(context)


@pytest.mark.parametrize(("answer", "silent"), [("decline", False), ("cancel", True)])
async def test_a_declined_prompt_cancels_the_login(
    devnet: Devnet, devnet_chain: ChainDefinition, answer: str, silent: bool
) -> None:
    ui = RecordingUI(prompts=[answer])
    wallet = PromptingWallet(devnet.accounts["alice"].private_key)
    async with make_kit([devnet_chain], [wallet], ui) as kit:
        with pytest.raises(Cancelled) as caught:
            await kit.login(permission_level="alice@active")
        assert caught.value.silent is silent
        # The UI hears of both (it shows only the one that is not silent).
        assert ui.errors == [caught.value]
        assert await stored(kit) == (None, None)
        assert ui.open_prompts == 0


async def test_an_accepted_prompt_lets_the_login_through(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    ui = RecordingUI(prompts=["accept"])
    wallet = PromptingWallet(devnet.accounts["alice"].private_key)
    async with make_kit([devnet_chain], [wallet], ui) as kit:
        result = await kit.login(permission_level="alice@active")
    assert result.session.actor == "alice"
    (prompt,) = ui.called("prompt")
    assert prompt.title == "Approve the login"


async def test_cancelling_a_waiting_login_closes_the_prompt_and_stores_nothing(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    ui = RecordingUI(prompts=["wait"])
    wallet = PromptingWallet(devnet.accounts["alice"].private_key)
    async with make_kit([devnet_chain], [wallet], ui) as kit:
        with anyio.move_on_after(0.3) as scope:
            await kit.login(permission_level="alice@active")
        assert scope.cancelled_caught
        assert ui.open_prompts == 0
        # The UI is told, with a silent Cancelled, so that it clears what it showed.
        (error,) = ui.errors
        assert isinstance(error, Cancelled)
        assert error.silent
        assert await stored(kit) == (None, None)
        assert "on_login_complete" not in [name for name, _ in ui.calls]


async def test_a_rejecting_wallet_fails_the_login(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    ui = RecordingUI()
    wallet = KeyWallet(devnet.accounts["alice"].private_key, reject=True)
    async with make_kit([devnet_chain], [wallet], ui) as kit:
        with pytest.raises(WalletRejected, match="declined"):
            await kit.login(permission_level="alice@active")
        assert len(ui.errors) == 1
        assert await stored(kit) == (None, None)


class BrokenWallet(KeyWallet):
    id = "broken-wallet"

    async def login(self, context: LoginContext) -> WalletLoginResponse:
        raise KeyError("slot 3")


class WrongChainWallet(KeyWallet):
    """Logs in on another chain than the one asked for."""

    id = "wrong-chain"

    async def login(self, context: LoginContext) -> WalletLoginResponse:
        await super().login(context)
        return WalletLoginResponse(
            chain=ELSEWHERE.id, permission_level=PermissionLevel("alice", "active")
        )


class UnknownChainWallet(KeyWallet):
    """Picks its chain itself (no chain choice needed), and picks one the kit does not know."""

    id = "unknown-chain"

    def __init__(self, key: Any) -> None:
        super().__init__(key)
        self.config = WalletPluginConfig(requires_chain_select=False)

    async def login(self, context: LoginContext) -> WalletLoginResponse:
        return WalletLoginResponse(
            chain=Checksum256("ef" * 32), permission_level=PermissionLevel("alice", "active")
        )


class ShapelessWallet(KeyWallet):
    id = "shapeless"

    async def login(self, context: LoginContext) -> WalletLoginResponse:
        return {"chain": str(context.chains[0].id)}  # type: ignore[return-value]


async def test_wallet_failures_are_typed(devnet: Devnet, devnet_chain: ChainDefinition) -> None:
    key = devnet.accounts["alice"].private_key
    async with make_kit([devnet_chain, ELSEWHERE], [BrokenWallet(key)]) as kit:
        with pytest.raises(WalletError, match="'broken-wallet' wallet failed to log in") as caught:
            await kit.login(chain=devnet_chain, permission_level="alice@active")
        assert isinstance(caught.value.__cause__, KeyError)
    async with make_kit([devnet_chain, ELSEWHERE], [WrongChainWallet(key)]) as kit:
        with pytest.raises(WalletResponseError, match="was asked for"):
            await kit.login(chain=devnet_chain, permission_level="alice@active")
    async with make_kit([devnet_chain, ELSEWHERE], [UnknownChainWallet(key)]) as kit:
        with pytest.raises(WalletResponseError, match="not one of the chains"):
            await kit.login(permission_level="alice@active")
    async with make_kit([devnet_chain], [ShapelessWallet(key)]) as kit:
        with pytest.raises(WalletResponseError, match="not a WalletLoginResponse"):
            await kit.login(permission_level="alice@active")
        assert await stored(kit) == (None, None)


async def test_a_wallet_checks_the_node_serves_the_chain(devnet: Devnet) -> None:
    # A chain id the node does not serve, at the node's URL: KeyWallet asks and refuses.
    misnamed = ChainDefinition(id="12" * 32, url=devnet.url)
    async with make_kit([misnamed], [KeyWallet(devnet.accounts["alice"].private_key)]) as kit:
        with pytest.raises(WalletResponseError, match=str(devnet.chain_id)):
            await kit.login(permission_level="alice@active")


class OneChainWallet(KeyWallet):
    id = "one-chain"

    def __init__(self, key: Any, chain_id: str) -> None:
        super().__init__(key)
        self.config = WalletPluginConfig(
            requires_chain_select=False,
            requires_permission_select=True,
            supported_chains=(chain_id,),
        )


async def test_supported_chains_limit_the_login(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    key = devnet.accounts["alice"].private_key
    wallet = OneChainWallet(key, str(devnet.chain_id))
    async with make_kit([ELSEWHERE, devnet_chain], [wallet]) as kit:
        # The headless UI takes the wallet's only chain.
        result = await kit.login(permission_level="alice@active")
        assert result.chain == devnet_chain
        with pytest.raises(ConfigurationError, match="does not support the chain"):
            await kit.login(chain=ELSEWHERE, permission_level="alice@active")


class ScriptedUI(RecordingUI):
    """Answers login with a fixed response."""

    def __init__(self, answer: object) -> None:
        super().__init__()
        self.answer = answer

    async def login(self, context: LoginContext) -> UserInterfaceLoginResponse:
        return self.answer  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (UserInterfaceLoginResponse(wallet_plugin_index=5), "valid wallet plugin index"),
        (
            UserInterfaceLoginResponse(wallet_plugin_index=0, chain_id=Checksum256("cd" * 32)),
            "no chain with id",
        ),
        ({"wallet_plugin_index": 0}, "not a UserInterfaceLoginResponse"),
    ],
)  # fmt: skip
async def test_wrong_ui_answers_are_configuration_errors(
    devnet: Devnet, devnet_chain: ChainDefinition, answer: object, message: str
) -> None:
    key = devnet.accounts["alice"].private_key
    ui = ScriptedUI(answer)
    async with make_kit([devnet_chain, ELSEWHERE], [KeyWallet(key), OtherWallet(key)], ui) as kit:
        with pytest.raises(ConfigurationError, match=message):
            await kit.login(permission_level="alice@active")
        assert len(ui.errors) == 1


async def test_set_as_default_false_keeps_the_default(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    keys = [devnet.accounts[name].private_key for name in ("alice", "bob")]
    async with make_kit([devnet_chain], [KeyWallet(keys)]) as kit:
        await kit.login(permission_level="alice@active")
        await kit.login(permission_level="bob@active", set_as_default=False)
        sessions = await kit.get_sessions()
        assert [(s["actor"], s["default"]) for s in sessions] == [("alice", True), ("bob", False)]
        default = await kit.restore(set_as_default=False)
        assert default is not None
        assert default.actor == "alice"


async def test_each_login_has_its_own_wallet_state(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    wallet = KeyWallet(devnet.accounts["alice"].private_key)
    async with make_kit([devnet_chain], [wallet]) as kit:
        first = (await kit.login(permission_level="alice@active")).session
        second = (await kit.login(permission_level="alice@owner")).session
    first.wallet_plugin.data["channel"] = "one"
    assert second.wallet_plugin.data == {}
    assert wallet.data == {}


async def test_login_transact_plugins_become_the_sessions(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    plugin = object()
    async with make_kit([devnet_chain], [KeyWallet(devnet.accounts["alice"].private_key)]) as kit:
        result = await kit.login(
            permission_level="alice@active",
            transact_plugins=[plugin],
            transact_plugins_options={"speed": "fast"},
        )
        plain = await kit.login(permission_level="alice@active")
    assert result.session.transact_plugins == (plugin,)
    assert result.session.transact_plugins_options == {"speed": "fast"}
    assert plain.session.transact_plugins == ()


class OwnChoiceWallet(KeyWallet):
    """Logs in with the account the person picked in the wallet, not the one asked for."""

    id = "own-choice"

    async def login(self, context: LoginContext) -> WalletLoginResponse:
        await super().login(context)
        return WalletLoginResponse(
            chain=context.chains[0].id, permission_level=PermissionLevel("bob", "active")
        )


async def test_the_wallets_account_is_the_sessions(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    # As in WharfKit, the wallet's answer decides the account (the person may pick another).
    wallet = OwnChoiceWallet(devnet.accounts["bob"].private_key)
    async with make_kit([devnet_chain], [wallet]) as kit:
        result = await kit.login(permission_level="alice@active")
        assert str(result.permission_level) == "bob@active"
        assert str(result.context.permission_level) == "alice@active"
        assert [s["actor"] for s in await kit.get_sessions()] == ["bob"]
