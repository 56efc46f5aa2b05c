"""`ConsoleUI` in a real pseudo-terminal and off one: what it draws, which keys do what, and
how it fails when nobody can answer."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import termios
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import pytest
from sessionkit.antelope import PrivateKey
from sessionkit.chain import ChainDefinition
from sessionkit.contexts import LoginContext, UIRequirements, WalletChoice
from sessionkit.errors import Cancelled, ConfigurationError, NoChoiceError, WalletError
from sessionkit.testing.doubles import KeyWallet
from sessionkit.ui import PromptArgs, PromptElement, PromptResponse
from sessionkit.wallet import WalletPluginConfig
from sessionkit_ui_console import BORDER, ConsoleUI, qr_lines, qr_matrix

if TYPE_CHECKING:
    from terminal import PseudoTerminal

pytestmark = pytest.mark.anyio

URI = "esr:gmNgZGBY1mTC_MoglIGBIVzX5uxZRqAQGMBoAA"


def chains(count: int) -> tuple[ChainDefinition, ...]:
    return tuple(
        ChainDefinition(f"{n + 1:02x}" * 32, f"http://127.0.0.1:9/{n}", name=f"Chain {n + 1}")
        for n in range(count)
    )


def context(
    ui: ConsoleUI, *, wallets: int = 1, chain_count: int = 1, permission: bool = False
) -> LoginContext:
    listed = chains(chain_count)
    choices = []
    for index in range(wallets):
        wallet = KeyWallet(PrivateKey.generate())
        config = WalletPluginConfig(
            requires_chain_select=chain_count > 1, requires_permission_select=permission
        )
        choices.append(
            WalletChoice(
                index=index,
                id=f"wallet-{index + 1}",
                config=config,
                metadata=wallet.metadata,
                retrieve_public_key=wallet.retrieve_public_key,
            )
        )
    return LoginContext(
        app_name="console-tests",
        chains=listed,
        chain=listed[0] if chain_count == 1 else None,
        ui=ui,
        http_client=httpx.AsyncClient(),
        wallet_plugins=tuple(choices),
        wallet_plugin_index=0 if wallets == 1 else None,
        ui_requirements=UIRequirements(
            requires_wallet_select=wallets > 1,
            requires_chain_select=chain_count > 1,
            requires_permission_select=permission,
        ),
    )


def in_terminal(terminal: PseudoTerminal, **options: Any) -> ConsoleUI:
    return ConsoleUI(input=terminal.slave, output=terminal.output, **options)


def unattended(**options: Any) -> tuple[ConsoleUI, io.StringIO]:
    drawn = io.StringIO()
    return ConsoleUI(input=io.StringIO(), output=drawn, **options), drawn


async def with_keys(terminal: PseudoTerminal, steps: list[tuple[str, str]], call: Any) -> Any:
    """Run ``call`` while typing each ``keys`` once ``pattern`` is on screen."""
    result: list[Any] = []
    failure: list[BaseException] = []

    async def person() -> None:
        for pattern, keys in steps:
            await terminal.wait_for(pattern)
            terminal.type(keys)

    async def run() -> None:
        try:
            result.append(await call())
        except Exception as exc:
            failure.append(exc)

    with anyio.fail_after(20):
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(person)
            await run()
            tasks.cancel_scope.cancel()
    if failure:
        raise failure[0]
    return result[0]


# -- QR codes ---------------------------------------------------------------------------------


def read_drawn_qr(lines: list[str]) -> list[list[bool]]:
    """The modules (True = dark) of a code drawn with half blocks, quiet zone removed."""
    top = {
        "\u2588": (True, True),
        "\u2580": (True, False),
        "\u2584": (False, True),
        " ": (False, False),
    }
    rows: list[list[bool]] = []
    for line in lines:
        upper = [top[ch][0] for ch in line]
        lower = [top[ch][1] for ch in line]
        rows += [upper, lower]
    size = len(lines[0]) - 2 * BORDER
    return [[not v for v in row[BORDER : BORDER + size]] for row in rows[BORDER : BORDER + size]]


def test_the_qr_code_drawn_is_the_uri() -> None:
    lines = qr_lines(URI)
    assert len({len(line) for line in lines}) == 1
    assert read_drawn_qr(lines) == qr_matrix(URI)
    assert read_drawn_qr(qr_lines(URI + "x")) != qr_matrix(URI)


async def test_a_prompt_draws_a_scannable_qr_a_link_and_the_plain_uri(
    terminal: PseudoTerminal,
) -> None:
    ui = in_terminal(terminal)
    args = PromptArgs(
        title="Scan to log in",
        body="Open your wallet",
        elements=(
            PromptElement(type="qr", data=URI),
            PromptElement(type="link", data={"href": URI, "label": "Open Anchor"}),
            PromptElement(type="asset", data={"label": "Fee", "value": "0.0100 EOS"}),
            PromptElement(type="textarea", data={"content": "request details"}),
            PromptElement(type="close", label="Done"),
        ),
    )
    answer = await with_keys(terminal, [(r"Enter Done", "\r")], lambda: ui.prompt(args))
    assert answer == PromptResponse(accepted=True)
    screen = terminal.screen()
    assert "Scan to log in" in screen
    assert "Open your wallet" in screen
    assert f"Open Anchor  {URI}" in screen
    assert "Fee: 0.0100 EOS" in screen
    assert "request details" in screen
    assert "\x1b]8;" in terminal.raw()
    assert URI in terminal.raw()
    drawn = [
        line for line in screen.splitlines() if line and set(line) <= set("\u2588\u2580\u2584 ")
    ]
    drawn = [line for line in drawn if line.strip()]
    width = len(qr_lines(URI)[0])
    block = [line[:width] for line in drawn if len(line) >= width][: len(qr_lines(URI))]
    assert read_drawn_qr(block) == qr_matrix(URI)


async def test_a_live_countdown_counts_down(terminal: PseudoTerminal) -> None:
    ui = in_terminal(terminal)
    end = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=125)).isoformat()
    args = PromptArgs(
        title="Waiting",
        elements=(PromptElement(type="countdown", data={"label": "Sign within", "end": end}),),
    )
    with anyio.move_on_after(2.5):
        await ui.prompt(args)
    shown = re.findall(r"Sign within (\d\d):(\d\d)", terminal.screen())
    seconds = [int(m) * 60 + int(s) for m, s in shown]
    assert len(set(seconds)) >= 2, shown
    assert seconds == sorted(seconds, reverse=True)
    assert 120 <= seconds[0] <= 125


# -- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["\x1b", "\x03", "q"])
async def test_escape_or_ctrl_c_cancels_silently_and_restores_the_terminal(
    terminal: PseudoTerminal, key: str
) -> None:
    ui = in_terminal(terminal)
    before = termios.tcgetattr(terminal.slave)
    args = PromptArgs(title="Sign?", elements=(PromptElement(type="accept"),))
    with pytest.raises(Cancelled) as caught:
        await with_keys(terminal, [(r"y accept", key)], lambda: ui.prompt(args))
    assert caught.value.silent
    assert termios.tcgetattr(terminal.slave) == before


async def test_declining_is_a_cancellation_that_is_shown(terminal: PseudoTerminal) -> None:
    ui = in_terminal(terminal)
    args = PromptArgs(title="Sign?", elements=(PromptElement(type="accept"),))
    with pytest.raises(Cancelled) as caught:
        await with_keys(terminal, [(r"y accept", "n")], lambda: ui.prompt(args))
    assert not caught.value.silent
    await ui.on_error(caught.value)
    await ui.on_error(Cancelled("closed", silent=True))
    ui.status("after the errors")
    await terminal.wait_for("Cancelled: Declined in the console")
    await terminal.wait_for("after the errors")
    assert "closed" not in terminal.screen()


async def test_a_button_runs_its_callback(terminal: PseudoTerminal) -> None:
    ui = in_terminal(terminal)
    pressed: list[str] = []

    async def click() -> PromptResponse:
        pressed.append("resend")
        return PromptResponse(accepted=False)

    args = PromptArgs(
        title="Waiting for Anchor",
        elements=(PromptElement(type="button", data={"label": "Resend", "on_click": click}),),
    )
    answer = await with_keys(terminal, [(r"1 Resend", "1")], lambda: ui.prompt(args))
    assert pressed == ["resend"]
    assert answer == PromptResponse(accepted=False)


async def test_wallet_then_chain_with_back_navigation(terminal: PseudoTerminal) -> None:
    ui = in_terminal(terminal)
    login = context(ui, wallets=2, chain_count=2)
    steps = [
        (r"Select a wallet", "2"),
        (r"Select a blockchain", "b"),  # back: the wallet is asked again
        (r"Select a wallet", "1"),
        (r"Select a blockchain", "2"),
    ]
    answer = await with_keys(terminal, steps, lambda: ui.login(login))
    assert answer.wallet_plugin_index == 0
    assert str(answer.chain_id) == "02" * 32
    assert "Wallet: Key wallet (tests)" in terminal.screen()


async def test_enter_takes_the_default_and_a_wrong_number_is_refused(
    terminal: PseudoTerminal,
) -> None:
    ui = in_terminal(terminal, defaults={"chain": "Chain 3"})
    login = context(ui, chain_count=3)
    steps = [(r"Select a blockchain", "7"), (r"Not an option: 7", "\r")]
    answer = await with_keys(terminal, steps, lambda: ui.login(login))
    assert str(answer.chain_id) == "03" * 32
    assert "Enter for Chain 3" in terminal.screen()


async def test_a_single_option_is_taken_without_asking(terminal: PseudoTerminal) -> None:
    ui = in_terminal(terminal)
    answer = await ui.login(context(ui))
    assert answer.wallet_plugin_index == 0
    await terminal.wait_for("Awaiting response from your wallet")
    assert "Select" not in terminal.screen()


# -- off a terminal ---------------------------------------------------------------------------


async def test_off_a_terminal_a_missing_choice_is_named() -> None:
    ui, _ = unattended()
    assert not ui.interactive
    with pytest.raises(NoChoiceError) as caught:
        await ui.login(context(ui, wallets=2))
    assert caught.value.choice == "wallet"
    assert caught.value.options == ["wallet-1", "wallet-2"]
    assert "--wallet" in str(caught.value)
    with pytest.raises(NoChoiceError) as chain:
        await ui.login(context(ui, chain_count=2))
    assert chain.value.choice == "chain"


async def test_off_a_terminal_defaults_are_taken() -> None:
    ui, drawn = unattended(defaults={"wallet": "wallet-2", "chain": "02" * 32})
    answer = await ui.login(context(ui, wallets=2, chain_count=2))
    assert answer.wallet_plugin_index == 1
    assert str(answer.chain_id) == "02" * 32
    assert "Blockchain: Chain 2" in drawn.getvalue()
    wrong, _ = unattended(defaults={"chain": "Chain 9"})
    with pytest.raises(NoChoiceError, match="'Chain 9' is not one of them"):
        await wrong.login(context(wrong, chain_count=2))


async def test_off_a_terminal_prompts_never_wait_for_keys() -> None:
    ui, drawn = unattended()
    question = PromptArgs(title="Sign?", elements=(PromptElement(type="accept"),))
    with anyio.fail_after(2), pytest.raises(NoChoiceError) as caught:
        await ui.prompt(question)
    assert caught.value.choice == "prompt"
    note = PromptArgs(title="Done", elements=(PromptElement(type="close"),))
    with anyio.fail_after(2):
        assert await ui.prompt(note) == PromptResponse(accepted=True)
    accepting, _ = unattended(defaults={"prompt": "accept"})
    assert await accepting.prompt(question) == PromptResponse(accepted=True)
    declining, _ = unattended(defaults={"prompt": "decline"})
    with pytest.raises(Cancelled):
        await declining.prompt(question)
    # A QR code waits for the wallet (which ends the prompt), not for keys.
    scan = PromptArgs(title="Scan", elements=(PromptElement(type="qr", data=URI),))
    with anyio.move_on_after(0.3) as scope:
        await ui.prompt(scan)
    assert scope.cancelled_caught
    assert "Scan" in drawn.getvalue()


def test_bad_options_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="knows"):
        ConsoleUI(defaults={"colour": "red"})
    with pytest.raises(ConfigurationError, match="'accept' or 'decline'"):
        ConsoleUI(defaults={"prompt": "maybe"})


# -- text ----------------------------------------------------------------------------------


async def test_errors_are_shown_in_a_panel_without_colour_under_no_color(
    monkeypatch: pytest.MonkeyPatch, terminal: PseudoTerminal
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    ui = in_terminal(terminal)
    await ui.on_error(WalletError("the wallet is locked"))
    await terminal.wait_for("the wallet is locked")
    raw = terminal.raw()
    assert "the wallet is locked" in raw
    assert "Error" in raw
    assert "\u256d" in raw
    assert not re.search(r"\x1b\[[0-9;]*3[0-9]m", raw), "a colour was drawn under NO_COLOR"
    monkeypatch.delenv("NO_COLOR")
    coloured = in_terminal(terminal)
    await coloured.on_error(WalletError("again"))
    await terminal.wait_for("again")
    assert re.search(r"\x1b\[[0-9;]*3[0-9]m", terminal.raw())


async def test_translations_replace_the_english_strings(terminal: PseudoTerminal) -> None:
    ui = in_terminal(terminal, language="de")
    ui.add_translations({"de": {"console": {"login": {"chain": "Blockchain wählen"}}}})
    login = context(ui, chain_count=2)
    answer = await with_keys(terminal, [(r"Blockchain wählen", "1")], lambda: ui.login(login))
    assert str(answer.chain_id) == "01" * 32
    assert "b back" in terminal.screen()  # not translated: English


async def test_status_lines_are_not_repeated(terminal: PseudoTerminal) -> None:
    ui = in_terminal(terminal)
    ui.status("Awaiting response")
    ui.status("Awaiting response")
    await ui.on_sign()
    await ui.on_sign_complete()
    await terminal.wait_for("Signed")
    assert terminal.screen().count("Awaiting response") == 1
    assert terminal.screen().index("Signing") < terminal.screen().index("Signed")
    assert "interactive=True" in repr(ui)


def test_the_input_closing_cancels(terminal: PseudoTerminal) -> None:
    read, write = os.pipe()
    os.close(write)
    ui = ConsoleUI(input=read, output=terminal.output, interactive=True)
    args = PromptArgs(title="Sign?", elements=(PromptElement(type="accept"),))
    with pytest.raises(Cancelled):
        anyio.run(ui.prompt, args)
    os.close(read)


def test_a_countdown_shows_hours_and_days_and_expiry() -> None:
    ui, _ = unattended()
    now = dt.datetime.now(dt.UTC)

    def shown(delta: dt.timedelta) -> str:
        data = {"label": "Left", "end": (now + delta).isoformat()}
        return ui._countdown_text(PromptElement(type="countdown", data=data))

    assert re.fullmatch(r"Left 0[45]:\d\d", shown(dt.timedelta(minutes=5)))
    assert re.fullmatch(r"Left 2:0\d:\d\d", shown(dt.timedelta(hours=2, seconds=30)))
    assert re.fullmatch(r"Left 3d 0:\d\d:\d\d", shown(dt.timedelta(days=3, seconds=30)))
    assert shown(dt.timedelta(seconds=-1)) == "Left expired"


@pytest.mark.devnet
async def test_an_account_typed_in_is_checked_on_the_chain(
    terminal: PseudoTerminal, devnet: Any
) -> None:
    """A wallet that asks for an account name: typos are refused, ``q`` is a letter."""
    ui = in_terminal(terminal)
    chain = ChainDefinition(devnet.chain_id, devnet.url, name="Devnet")
    wallet = KeyWallet(PrivateKey.generate())
    config = WalletPluginConfig(requires_chain_select=False, requires_permission_entry=True)
    async with httpx.AsyncClient() as http:
        from sessionkit.chain import APIClient

        login = LoginContext(
            app_name="console-tests",
            chains=(chain,),
            chain=chain,
            ui=ui,
            http_client=http,
            wallet_plugins=(
                WalletChoice(index=0, id="entry", config=config, metadata=wallet.metadata),
            ),
            wallet_plugin_index=0,
            ui_requirements=UIRequirements(
                requires_wallet_select=False,
                requires_chain_select=False,
                requires_permission_select=False,
                requires_permission_entry=True,
            ),
            clients=lambda c: APIClient(c.urls, http_client=http),
        )
        steps = [
            (r"Enter an account name", "quxqux\r"),
            (r"Unable to find account quxqux", "erin\r"),
            (r"Select an account", "\r"),
        ]
        answer = await with_keys(terminal, steps, lambda: ui.login(login))
    assert str(answer.permission_level) == "erin@active"
    assert "erin@transfer" in terminal.screen()


async def test_escape_ends_the_kits_login_with_cancelled_and_leaves_nothing(
    terminal: PseudoTerminal,
) -> None:
    from sessionkit import MemoryStorage, SessionKit
    from sessionkit.testing.contracts._base import running_tasks

    ui = in_terminal(terminal)
    before = running_tasks()
    wallet = KeyWallet(PrivateKey.generate(), permission_level="alice@active")
    async with SessionKit(
        "console-tests",
        list(chains(2)),
        ui=ui,
        wallet_plugins=[wallet],
        storage=MemoryStorage(),
        discover=False,
    ) as kit:
        with pytest.raises(Cancelled) as caught:
            await with_keys(terminal, [(r"Select a blockchain", "\x1b")], kit.login)
        assert caught.value.silent
        assert await kit.get_sessions() == []
    await anyio.sleep(0.1)
    assert running_tasks() <= before
