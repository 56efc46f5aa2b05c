"""`UserInterfaceContract`: what every user interface must do for the kit and for wallets.

Override ``ui`` (the interface under test) and ``ui_driver``: an object that acts as the person,
with two coroutines the contract starts just before each call it makes on ``ui``:

- ``await driver.choose(kind, value)``: when the interface shows the ``kind`` choice
  (``"wallet"``, ``"chain"`` or ``"permission"``), pick ``value`` (a wallet id, a chain id,
  ``"alice@active"``);
- ``await driver.respond(action)``: when the interface shows a prompt, ``"accept"`` or
  ``"decline"`` it.

`RecordingUIDriver` is the driver of `sessionkit.testing.RecordingUI`; a terminal interface's
driver types keys, a browser interface's driver clicks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import anyio
import anyio.lowlevel
import pytest

from sessionkit.testing.contracts._base import Contract, devnet_chain, needs_override, running_tasks

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine

    from sessionkit.contexts import LoginContext
    from sessionkit.testing.doubles import RecordingUI
    from sessionkit.ui import UserInterface

__all__ = ["RecordingUIDriver", "UIDriver", "UserInterfaceContract"]


class UIDriver(Protocol):
    """Acts as the person in front of a user interface (see the module docstring)."""

    async def choose(self, kind: str, value: str) -> None: ...

    async def respond(self, action: str) -> None: ...


class RecordingUIDriver:
    """The driver of `RecordingUI`: it writes the choice into the script."""

    def __init__(self, ui: RecordingUI) -> None:
        self.ui = ui

    async def choose(self, kind: str, value: str) -> None:
        setattr(self.ui, kind, value)

    async def respond(self, action: str) -> None:
        self.ui.script.append(action)


class UserInterfaceContract(Contract):
    """Mixin: ``class TestMyUI(UserInterfaceContract)`` plus ``ui`` and ``ui_driver``."""

    pytestmark: ClassVar[list[pytest.MarkDecorator]] = [pytest.mark.anyio]

    @pytest.fixture
    def ui(self) -> UserInterface:
        """The user interface under test."""
        raise needs_override("ui", "MyUserInterface(...)")

    @pytest.fixture
    def ui_driver(self, ui: UserInterface) -> UIDriver:
        """Acts as the person: ``choose(kind, value)`` and ``respond(action)``."""
        raise needs_override("ui_driver", "MyDriver(ui)")

    async def _with_person(
        self, action: Callable[[], Coroutine[Any, Any, None]], call: Callable[[], Awaitable[Any]]
    ) -> Any:
        failure: Exception | None = None
        result: Any = None
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(action)
            for _ in range(3):  # the person gets to act first, under every scheduler's order
                await anyio.lowlevel.checkpoint()
            try:
                with anyio.fail_after(30):
                    result = await call()
            except Exception as exc:  # raised as itself below, not inside an exception group
                failure = exc
            tasks.cancel_scope.cancel()
        if failure is not None:
            raise failure
        return result

    # -- text --------------------------------------------------------------------------------------

    def test_translations_are_namespaced_and_interpolated(self, ui: UserInterface) -> None:
        ui.add_translations({"en": {"contract-plugin": {"hello": "Hello {{name}}"}}})
        assert ui.translate("hello", namespace="contract-plugin", name="Ann") == "Hello Ann"
        translate = ui.get_translate("contract-plugin")
        assert translate("hello", name="Bo") == "Hello Bo"
        assert translate("missing", default="Fallback {{n}}", n=3) == "Fallback 3"
        assert ui.translate("hello") != "Hello {{name}}"

    async def test_lifecycle_calls_and_status_do_not_fail(self, ui: UserInterface) -> None:
        from sessionkit.errors import Cancelled, WalletError

        ui.status("contract status line")
        for call in (
            ui.on_login,
            ui.on_login_complete,
            ui.on_transact,
            ui.on_sign,
            ui.on_sign_complete,
            ui.on_broadcast,
            ui.on_broadcast_complete,
            ui.on_transact_complete,
        ):
            with anyio.fail_after(10):
                await call()
        with anyio.fail_after(10):
            await ui.on_error(Cancelled("closed", silent=True))
            await ui.on_error(WalletError("a wallet error shown to the person"))

    # -- login choices --------------------------------------------------------------------------

    async def test_the_person_chooses_a_wallet(
        self, ui: UserInterface, ui_driver: UIDriver
    ) -> None:
        context = _context(ui, wallets=2, chains=1)
        answer = await self._with_person(
            lambda: ui_driver.choose("wallet", "wallet-two"), lambda: ui.login(context)
        )
        assert answer.wallet_plugin_index == 1

    async def test_the_person_chooses_a_chain(self, ui: UserInterface, ui_driver: UIDriver) -> None:
        context = _context(ui, wallets=1, chains=2)
        second = str(context.chains[1].id)
        answer = await self._with_person(
            lambda: ui_driver.choose("chain", second), lambda: ui.login(context)
        )
        assert str(answer.chain_id) == second

    @pytest.mark.devnet
    async def test_the_person_chooses_an_account_of_the_wallets_key(
        self, ui: UserInterface, ui_driver: UIDriver, devnet: Any
    ) -> None:
        import httpx

        async with httpx.AsyncClient() as http:
            context = _context(ui, wallets=1, chains=1, devnet=devnet, permission=True, http=http)
            answer = await self._with_person(
                lambda: ui_driver.choose("permission", "alice@active"), lambda: ui.login(context)
            )
        assert str(answer.permission_level) == "alice@active"

    # -- prompts -----------------------------------------------------------------------------------

    async def test_an_accepted_prompt_returns(self, ui: UserInterface, ui_driver: UIDriver) -> None:
        from sessionkit.ui import PromptResponse

        answer = await self._with_person(
            lambda: ui_driver.respond("accept"), lambda: ui.prompt(_prompt())
        )
        assert isinstance(answer, PromptResponse)

    async def test_a_declined_prompt_raises_cancelled(
        self, ui: UserInterface, ui_driver: UIDriver
    ) -> None:
        from sessionkit.errors import Cancelled

        with pytest.raises(Cancelled):
            await self._with_person(
                lambda: ui_driver.respond("decline"), lambda: ui.prompt(_prompt())
            )

    async def test_a_prompt_cancelled_by_the_caller_ends_and_leaves_nothing(
        self, ui: UserInterface
    ) -> None:
        before = running_tasks()
        with anyio.move_on_after(0.3) as scope:
            await ui.prompt(_prompt())
        assert scope.cancelled_caught, "the prompt ended by itself before anyone answered"
        await anyio.sleep(0.2)
        assert running_tasks() <= before


def _prompt() -> Any:
    from sessionkit.ui import PromptArgs, PromptElement

    return PromptArgs(
        title="Contract prompt",
        body="Sign this <b>request</b>?",
        elements=(
            PromptElement(type="qr", data="esr:gmNgZGBY1mTC_MoglIGBIVzX5uxZRqAQGMBoAA"),
            PromptElement(
                type="countdown", data={"label": "Waiting", "end": "2099-01-01T00:00:00"}
            ),
            PromptElement(type="asset", data={"label": "Fee", "value": "0.0001 SYS"}),
            PromptElement(type="textarea", data={"content": "details"}),
            PromptElement(type="accept"),
        ),
    )


def _context(
    ui: UserInterface,
    *,
    wallets: int,
    chains: int,
    devnet: Any = None,
    permission: bool = False,
    http: Any = None,
) -> LoginContext:
    import httpx

    from sessionkit.chain import ChainDefinition
    from sessionkit.contexts import LoginContext, UIRequirements, WalletChoice
    from sessionkit.testing.doubles import KeyWallet
    from sessionkit.wallet import WalletPluginConfig

    chain_list: tuple[ChainDefinition, ...]
    if devnet is not None:
        key = devnet.accounts["alice"].private_key
        chain_list = (devnet_chain(devnet),)
    else:
        from sessionkit.antelope import PrivateKey

        key = PrivateKey.generate()
        chain_list = tuple(
            ChainDefinition(f"{n + 1:02x}" * 32, f"http://127.0.0.1:9/{n}", name=f"Chain {n + 1}")
            for n in range(chains)
        )
    names = ["wallet-one", "wallet-two", "wallet-three"][:wallets]
    choices = []
    for index, name in enumerate(names):
        wallet = KeyWallet(key)
        wallet.config = WalletPluginConfig(
            requires_chain_select=chains > 1, requires_permission_select=permission
        )
        choices.append(
            WalletChoice(
                index=index,
                id=name,
                config=wallet.config,
                metadata=wallet.metadata,
                retrieve_public_key=wallet.retrieve_public_key,
            )
        )
    http = http if http is not None else httpx.AsyncClient()
    return LoginContext(
        app_name="contract",
        chains=chain_list,
        chain=chain_list[0] if len(chain_list) == 1 else None,
        ui=ui,
        http_client=http,
        wallet_plugins=tuple(choices),
        wallet_plugin_index=0 if wallets == 1 else None,
        ui_requirements=UIRequirements(
            requires_wallet_select=wallets > 1,
            requires_chain_select=len(chain_list) > 1,
            requires_permission_select=permission,
        ),
        clients=lambda chain: _client(chain, http),
    )


def _client(chain: Any, http: Any) -> Any:
    from sessionkit.chain import APIClient

    return APIClient(chain.urls, http_client=http)
