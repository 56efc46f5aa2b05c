"""`ConsoleUI`: the SessionKit user interface for a terminal.

It mirrors the reference web renderer (wharfkit-behaviour.md section 9) with text: numbered
menus for wallet, chain and account with back navigation, prompts drawn element by element (a
scannable QR code, a clickable link with its plain URI, a live countdown, accept/decline), a
status line for each step, and errors in a panel. Everything is drawn on stderr, so a
command's own output on stdout stays clean.

Off a terminal (piped, CI) it never waits for keys: it takes the ``defaults`` it was given,
takes a single option without asking, and otherwise raises `sessionkit.errors.NoChoiceError`
naming the missing choice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, ClassVar

import anyio
from rich.console import Console
from rich.panel import Panel
from rich.style import Style
from rich.text import Text
from sessionkit.antelope import PermissionLevel, PublicKey
from sessionkit.errors import Cancelled, ChainAPIError, ConfigurationError, NoChoiceError
from sessionkit.ui import PromptArgs, PromptResponse, UserInterface, UserInterfaceLoginResponse

from sessionkit_ui_console._keys import InputClosed, KeyReader
from sessionkit_ui_console._qr import qr_lines
from sessionkit_ui_console._strings import NAMESPACE, STRINGS

if TYPE_CHECKING:
    from sessionkit.chain import ChainDefinition
    from sessionkit.contexts import LoginContext, WalletChoice
    from sessionkit.ui import PromptElement

__all__ = ["ConsoleUI"]

_DEFAULT_KEYS = ("wallet", "chain", "permission", "prompt")
_CANCEL_KEYS = ("escape", "ctrl-c", "ctrl-d", "q")
_BACK_KEYS = ("b", "left", "backspace")
# How often a countdown is printed again when the output is not a terminal.
_PLAIN_COUNTDOWN_EVERY = 30.0
_STEPS = ("wallet", "chain", "permission")


class _Back(Exception):
    """The person asked to go back one step."""


@dataclass
class _Option:
    value: str
    label: str
    detail: str = ""


@dataclass
class _LoginState:
    wallet: int | None
    chain: ChainDefinition | None
    permission: PermissionLevel | None
    permission_left_to_wallet: bool = False


class ConsoleUI(UserInterface):
    """A terminal user interface: menus, prompts, QR codes and status lines on stderr.

    ``input`` is a file descriptor (or file) to read keys from (default: stdin) and ``output``
    a text file to draw on (default: stderr). ``interactive`` forces asking (True) or never
    asking (False); by default it asks when both are terminals. ``defaults`` answers choices:
    ``{"wallet": id, "chain": id or name, "permission": "alice@active", "prompt": "accept" or
    "decline"}``; off a terminal they are taken, on a terminal they are what Enter picks.
    ``language`` picks the translations (default ``$SESSIONKIT_LANGUAGE`` or English).
    ``NO_COLOR`` turns colours off, as does ``color=False``.
    """

    id: ClassVar[str] = "console"

    def __init__(
        self,
        *,
        input: int | IO[Any] | None = None,
        output: IO[str] | None = None,
        interactive: bool | None = None,
        defaults: Mapping[str, str] | None = None,
        language: str | None = None,
        color: bool | None = None,
    ) -> None:
        super().__init__()
        if interactive is not None and not isinstance(interactive, bool):
            raise ConfigurationError(f"interactive is True, False or None, not {interactive!r}")
        given = dict(defaults or {})
        unknown = sorted(set(given) - set(_DEFAULT_KEYS))
        if unknown:
            raise ConfigurationError(
                f"ConsoleUI(defaults=...) knows {list(_DEFAULT_KEYS)}, not {unknown}"
            )
        if given.get("prompt") not in (None, "accept", "decline"):
            raise ConfigurationError(
                f"defaults['prompt'] is 'accept' or 'decline', not {given['prompt']!r}"
            )
        self.defaults: dict[str, str] = {k: str(v) for k, v in given.items()}
        self._input = input
        self._interactive = interactive
        self.language = language or os.environ.get("SESSIONKIT_LANGUAGE", "") or "en"
        self.add_translations(STRINGS)
        options: dict[str, Any] = {"highlight": False, "emoji": False, "soft_wrap": True}
        if color is False:
            options["no_color"] = True
        self.console = (
            Console(stderr=True, **options) if output is None else Console(file=output, **options)
        )
        self._last_status: str | None = None

    def __repr__(self) -> str:
        return f"<ConsoleUI interactive={self.interactive} language={self.language!r}>"

    # -- where keys come from ---------------------------------------------------------------

    def _input_fd(self) -> int | None:
        source: Any = sys.stdin if self._input is None else self._input
        if isinstance(source, int):
            return source
        try:
            return int(source.fileno())
        except (AttributeError, OSError, ValueError):
            return None

    @property
    def interactive(self) -> bool:
        """Whether this interface asks a person (keys on the input) or only uses its defaults."""
        if self._interactive is not None:
            return self._interactive
        fd = self._input_fd()
        return fd is not None and os.isatty(fd) and self.console.is_terminal

    def _reader(self) -> KeyReader:
        fd = self._input_fd()
        if fd is None:
            raise ConfigurationError("ConsoleUI has no input to read keys from: pass input=")
        return KeyReader(fd)

    # -- text --------------------------------------------------------------------------------

    def _t(self, key: str, **values: Any) -> str:
        return self.translate(key, namespace=NAMESPACE, **values)

    def _say(self, text: Text | str, style: str | None = None) -> None:
        self.console.print(text if isinstance(text, Text) else Text(text, style=style or ""))

    def _hint(self, text: str) -> None:
        self.console.print(Text(f"  {text}", style="dim"))

    # -- lifecycle and status ----------------------------------------------------------------

    def status(self, message: str) -> None:
        """Show a status line (once: the same message twice in a row is shown once)."""
        if message == self._last_status:
            return
        self._last_status = message
        self.console.print(Text.assemble(("  \u2026 ", "cyan"), (message, "cyan")))

    def _done(self, message: str) -> None:
        self._last_status = None
        self.console.print(Text.assemble(("  \u2713 ", "green"), (message, "dim")))

    async def on_login(self) -> None:
        self._last_status = None
        self.console.print(Text(self._t("login.title"), style="bold"))

    async def on_login_complete(self) -> None:
        self._done(self._t("login.done"))

    async def on_transact(self) -> None:
        self._last_status = None
        self.status(self._t("status.transact"))

    async def on_sign(self) -> None:
        self.status(self._t("status.sign"))

    async def on_sign_complete(self) -> None:
        self._done(self._t("status.signed"))

    async def on_broadcast(self) -> None:
        self.status(self._t("status.broadcast"))

    async def on_broadcast_complete(self) -> None:
        self._done(self._t("status.broadcasted"))

    async def on_transact_complete(self) -> None:
        self._done(self._t("status.transact_done"))

    async def on_error(self, error: BaseException) -> None:
        """A panel with the error (one line off a terminal); a cancellation as one line; a
        silent one not at all."""
        self._last_status = None
        if isinstance(error, Cancelled):
            if not error.silent:
                self._say(self._t("error.cancelled", reason=str(error)), "yellow")
            return
        if not self.console.is_terminal:  # a log: one line that grep finds whole
            title = self._t("error.title")
            self.console.print(Text.assemble((f"{title}: ", "bold red"), str(error)))
            return
        self.console.print(
            Panel(
                Text(str(error)),
                title=Text(self._t("error.title"), style="bold red"),
                title_align="left",
                border_style="red",
                expand=False,
            ),
            soft_wrap=False,
        )

    # -- login --------------------------------------------------------------------------------

    async def login(self, context: LoginContext) -> UserInterfaceLoginResponse:
        """Choose wallet, chain and account as the context and the wallet require.

        The steps are re-evaluated after every choice (as the web renderer does); ``b`` goes
        back one choice, Escape or Ctrl-C cancels (a silent `Cancelled`).
        """
        self.console.print(Text(context.app_name, style="dim"))
        state = _LoginState(
            wallet=context.wallet_plugin_index,
            chain=context.chain,
            permission=context.permission_level,
        )
        asked: list[str] = []
        while True:
            step = self._next_step(context, state)
            if step is None:
                break
            try:
                if await self._take_step(step, context, state):
                    asked.append(step)
            except _Back:
                if not asked:
                    self._hint(self._t("menu.no_back"))
                    continue
                self._undo(_STEPS.index(asked.pop()), context, state)
                while asked and _STEPS.index(asked[-1]) >= _STEPS.index(step):
                    asked.pop()
        self.status(self._t("login.awaiting"))
        return UserInterfaceLoginResponse(
            wallet_plugin_index=state.wallet,
            chain_id=None if state.chain is None else state.chain.id,
            permission_level=state.permission,
        )

    @staticmethod
    def _undo(step_index: int, context: LoginContext, state: _LoginState) -> None:
        """Forget the choice of step ``step_index`` and every later one (what the context fixed
        stays)."""
        if step_index <= 0:
            state.wallet = context.wallet_plugin_index
        if step_index <= 1:
            state.chain = context.chain
        state.permission = context.permission_level
        state.permission_left_to_wallet = False

    def _next_step(self, context: LoginContext, state: _LoginState) -> str | None:
        if state.wallet is None:
            return "wallet"
        choice = context.wallet_plugins[state.wallet]
        picked_here = context.wallet_plugin_index is None
        needs = context.ui_requirements
        if state.chain is None and _chain_step_open(context, state, choice, picked_here):
            return "chain"
        if (
            state.permission is None
            and state.chain is not None
            and not (state.permission_left_to_wallet)
        ):
            config = choice.config
            select = (
                config.requires_permission_select
                if picked_here
                else (needs.requires_permission_select)
            )
            entry = (
                config.requires_permission_entry
                if picked_here
                else (needs.requires_permission_entry)
            )
            if select or entry:
                return "permission"
        return None

    async def _take_step(self, step: str, context: LoginContext, state: _LoginState) -> bool:
        """Make the choice of ``step``; True when the person was asked (it can be undone)."""
        if step == "wallet":
            options = [
                _Option(w.id, w.metadata.name or w.id, w.id if w.metadata.name else "")
                for w in context.wallet_plugins
            ]
            value, asked = await self._choose("wallet", self._t("login.wallet"), options)
            state.wallet = next(w.index for w in context.wallet_plugins if w.id == value)
            return asked
        assert state.wallet is not None
        choice = context.wallet_plugins[state.wallet]
        if step == "chain":
            chains = _supported(context, choice)
            if not chains:
                raise ConfigurationError(
                    f"the wallet {choice.metadata.name or choice.id!r} supports none of the "
                    f"chains of this login ({[str(c.id) for c in context.chains]})"
                )
            options = [
                _Option(str(c.id), _chain_name(c), str(c.id)[:12] + "\u2026") for c in chains
            ]
            value, asked = await self._choose("chain", self._t("login.chain"), options)
            state.chain = next(c for c in chains if str(c.id) == value)
            return asked
        assert state.chain is not None
        level, asked = await self._choose_permission(context, choice, state.chain)
        state.permission = level
        state.permission_left_to_wallet = level is None
        return asked

    async def _choose_permission(
        self, context: LoginContext, choice: WalletChoice, chain: ChainDefinition
    ) -> tuple[PermissionLevel | None, bool]:
        """The account chosen (True when asked); None when it is left to the wallet."""
        client = context.get_client(chain)
        picked_here = context.wallet_plugin_index is None
        select = (
            choice.config.requires_permission_select
            if picked_here
            else context.ui_requirements.requires_permission_select
        )
        options: list[_Option] = []
        if select:
            key = await _public_key(choice, chain)
            if key is None:
                if self.interactive:
                    self._hint(self._t("login.no_key"))
            else:
                self.status(self._t("login.looking_up", public_key=str(key)))
                found = await client.get_accounts_by_authorizers(keys=[key])
                levels = [
                    f"{entry.account_name}@{entry.permission_name}" for entry in found.accounts
                ]
                options = [_Option(level, level) for level in _ordered(levels)]
                if not options:
                    self._say(self._t("login.no_accounts", public_key=str(key)), "yellow")
        entered = not options
        if entered:
            if not self.interactive and "permission" not in self.defaults:
                return None, False  # the wallet finds the account, or says which it needs
            options = await self._accounts_from_entry(client)
        value, asked = await self._choose("permission", self._t("login.account"), options)
        if value is None:
            return None, False
        return PermissionLevel.from_string(value), asked or (entered and self.interactive)

    async def _accounts_from_entry(self, client: Any) -> list[_Option]:
        """Ask for an account name until the chain knows it; its permissions as options."""
        while True:
            if self.interactive:
                name = await self._entry(self._t("login.enter_account"))
            else:
                name = self.defaults["permission"].split("@")[0]
            try:
                account = await client.get_account(name)
            except ChainAPIError as exc:
                message = self._t("login.account_not_found", account=name, error=str(exc))
                if not self.interactive:
                    raise NoChoiceError(message, choice="permission") from exc
                self._say(message, "yellow")
                continue
            levels = [f"{account.account_name}@{p.perm_name}" for p in account.permissions]
            return [_Option(level, level) for level in _ordered(levels)]

    # -- choosing -------------------------------------------------------------------------------

    async def _choose(
        self, kind: str, title: str, options: list[_Option]
    ) -> tuple[str | None, bool]:
        """The value chosen among ``options``; True when a person was asked.

        Off a terminal, an account with several options and no default is left to the wallet
        (None), which finds it or raises `NoChoiceError` naming the options.
        """
        wanted = self.defaults.get(kind)
        default = _matching(wanted, options) if wanted else None
        what = self._t(f"choice.{kind}")
        if len(options) == 1:
            self._chosen(what, options[0])
            return options[0].value, False
        if not self.interactive:
            if default is None and kind == "permission" and not wanted:
                self._hint(
                    self._t("login.left_to_wallet", options=", ".join(o.value for o in options))
                )
                return None, False
            if default is None:
                values = [option.value for option in options]
                shown = ", ".join(
                    o.value if o.label == o.value else f"{o.label} ({o.value})" for o in options
                )
                reason = (
                    f"the default {kind} {wanted!r} is not one of them"
                    if wanted
                    else "nobody can be asked here (not a terminal)"
                )
                raise NoChoiceError(
                    f"a {kind} must be chosen among {shown} and {reason}: pass it as an "
                    f"option (for the sessionkit command: --{kind}), or "
                    f"ConsoleUI(defaults={{{kind!r}: ...}})",
                    choice=kind,
                    options=values,
                )
            self._chosen(what, default)
            return default.value, False
        picked = await self._menu(title, options, default or options[0])
        self._chosen(what, picked)
        return picked.value, True

    def _chosen(self, what: str, option: _Option) -> None:
        self._done(self._t("login.chosen", what=what, value=option.label))

    async def _menu(self, title: str, options: list[_Option], default: _Option | None) -> _Option:
        self.console.print(Text(title, style="bold"))
        for number, option in enumerate(options, 1):
            marker = "*" if option is default else " "
            line = Text.assemble(
                (f" {marker}", "bold"),
                (f"[{number}] ", "bold cyan"),
                option.label,
                (f"  {option.detail}" if option.detail else "", "dim"),
            )
            self.console.print(line)
        default_text = self._t("menu.default", label=default.label) if default else ""
        many = len(options) > 9
        self._hint(self._t("menu.keys_many" if many else "menu.keys", enter=default_text))
        reader = self._reader()
        typed = ""
        with reader.raw():
            while True:
                key = await self._key(reader)
                if key.isdigit() and len(key) == 1:
                    if not many:
                        index = int(key) - 1
                        if 0 <= index < len(options):
                            return options[index]
                        self._hint(self._t("menu.invalid", value=key))
                        continue
                    typed += key
                    self._echo(key)
                elif key == "enter":
                    if typed:
                        self._echo("\n")
                        index = int(typed) - 1
                        typed = ""
                        if 0 <= index < len(options):
                            return options[index]
                        self._hint(self._t("menu.invalid", value=str(index + 1)))
                    elif default is not None:
                        return default
                elif key == "backspace" and typed:
                    typed = typed[:-1]
                    self._echo("\b \b")
                elif key in _BACK_KEYS:
                    if typed:
                        self._echo("\n")
                    raise _Back

    async def _entry(self, title: str) -> str:
        """A line typed by the person (echoed); empty means back."""
        self.console.print(Text(title, style="bold"))
        self._hint(self._t("menu.entry_keys"))
        self._echo("> ")
        reader = self._reader()
        typed = ""
        with reader.raw():
            while True:
                key = await self._key(reader, typing=True)
                if key == "enter":
                    self._echo("\n")
                    if not typed:
                        raise _Back
                    return typed.strip()
                if key == "backspace":
                    if typed:
                        typed = typed[:-1]
                        self._echo("\b \b")
                elif len(key) == 1:
                    typed += key
                    self._echo(key)

    async def _key(self, reader: KeyReader, *, typing: bool = False) -> str:
        """The next key; the cancel keys raise a silent `Cancelled`, a closed input too.

        While ``typing`` text, ``q`` is a letter: only Escape, Ctrl-C and Ctrl-D cancel.
        """
        try:
            key = await reader.key()
        except InputClosed:
            raise Cancelled("the console's input was closed", silent=True) from None
        if key in _CANCEL_KEYS and not (typing and key == "q"):
            self._echo("\n")
            raise Cancelled(self._t("cancelled"), silent=True)
        return key

    def _echo(self, text: str) -> None:
        self.console.file.write(text)
        self.console.file.flush()

    # -- prompts ------------------------------------------------------------------------------

    async def prompt(self, args: PromptArgs) -> PromptResponse:
        """Draw the prompt and wait: ``y``/Enter accepts, ``n`` declines (`Cancelled`),
        Escape or Ctrl-C cancels (a silent `Cancelled`), a number presses a button.

        Off a terminal, an accept/decline prompt takes ``defaults["prompt"]`` or raises
        `NoChoiceError`; a prompt with only a Close button returns at once; one that waits for
        a wallet (QR code, link, countdown) waits until the wallet cancels it.
        """
        if not isinstance(args, PromptArgs):
            raise ConfigurationError(f"prompt() takes PromptArgs, not {type(args).__name__}")
        self._last_status = None
        self._draw(args)
        kinds: set[str] = {element.type for element in args.elements}
        buttons = [e for e in args.elements if e.type == "button"]
        countdowns = [e for e in args.elements if e.type == "countdown"]
        close = next((e for e in args.elements if e.type == "close"), None)
        close_label = (close.label if close is not None else None) or self._t("prompt.close")
        if not self.interactive:
            return await self._prompt_unattended(args, kinds, countdowns)
        if "accept" in kinds:
            keys = self._t("prompt.keys_accept")
        elif close is not None:
            keys = self._t("prompt.keys_close", label=close_label)
        else:
            keys = self._t("prompt.keys_wait")
        button_keys = [
            self._t("prompt.keys_button", number=str(n), label=_button_label(b))
            for n, b in enumerate(buttons, 1)
        ]
        self._hint(" · ".join([*button_keys, keys]))
        live = bool(countdowns) and self.console.is_terminal
        async with anyio.create_task_group() as tasks:
            if live:
                tasks.start_soon(self._live_countdown, countdowns[0])
            else:
                for element in countdowns:
                    self._say(self._countdown_text(element), "cyan")
            failure: Exception | None = None
            try:
                answer = await self._prompt_keys(kinds, buttons, close is not None)
            except Exception as exc:  # raised as itself below, not inside an exception group
                failure = exc
            finally:
                tasks.cancel_scope.cancel()
                if live:
                    self._echo("\r\x1b[2K")
        if failure is not None:
            raise failure
        return answer

    async def _prompt_keys(
        self, kinds: set[str], buttons: list[PromptElement], closable: bool
    ) -> PromptResponse:
        reader = self._reader()
        with reader.raw():
            while True:
                key = await self._key(reader)
                if "accept" in kinds and key in ("y", "Y", "enter"):
                    return PromptResponse(accepted=True)
                if "accept" in kinds and key in ("n", "N"):
                    raise Cancelled(self._t("declined"))
                if closable and key == "enter":
                    return PromptResponse(accepted=True)
                if key.isdigit() and 1 <= int(key) <= len(buttons):
                    answer = await _press(buttons[int(key) - 1])
                    if isinstance(answer, PromptResponse):
                        return answer

    async def _prompt_unattended(
        self, args: PromptArgs, kinds: set[str], countdowns: list[PromptElement]
    ) -> PromptResponse:
        if "accept" in kinds:
            answer = self.defaults.get("prompt")
            if answer is None:
                raise NoChoiceError(
                    f"the prompt {args.title!r} needs accept or decline and nobody can be asked "
                    "here (not a terminal): run it in a terminal, or pass "
                    "ConsoleUI(defaults={'prompt': 'accept'})",
                    choice="prompt",
                    options=["accept", "decline"],
                )
            self._done(f"{args.title}: {answer}")
            if answer == "decline":
                raise Cancelled(self._t("declined"))
            return PromptResponse(accepted=True)
        if not kinds & {"qr", "link", "countdown", "button"}:
            return PromptResponse(accepted=True)
        # Waiting for a wallet (a QR code to scan): the wallet ends the prompt when it answers.
        while True:
            for element in countdowns:
                self._say(self._countdown_text(element), "cyan")
            await anyio.sleep(_PLAIN_COUNTDOWN_EVERY)

    def _draw(self, args: PromptArgs) -> None:
        self.console.print()
        self.console.print(Text(args.title, style="bold"))
        if args.body:
            self.console.print(Text(args.body))
        for element in args.elements:
            self._draw_element(element)

    def _draw_element(self, element: PromptElement) -> None:
        data = element.data if isinstance(element.data, Mapping) else {}
        if element.type == "qr":
            text = element.data if isinstance(element.data, str) else str(element.data)
            if element.label:
                self._hint(element.label)
            for line in qr_lines(text):
                self.console.print(Text(line), no_wrap=True, overflow="ignore", crop=False)
        elif element.type == "link":
            href = str(data.get("href", element.data if isinstance(element.data, str) else ""))
            label = str(data.get("label") or element.label or self._t("prompt.open"))
            self.console.print(
                Text.assemble(
                    ("  \u2192 ", "bold"),
                    (label, Style(bold=True, underline=True, link=href or None)),
                    "  ",
                    (href, "dim"),
                )
            )
        elif element.type == "asset":
            label = str(data.get("label") or element.label or "")
            value = str(data.get("value", ""))
            self.console.print(Text.assemble(f"  {label}: ", (value, "bold yellow")))
        elif element.type == "textarea":
            content = str(
                data.get("content", element.data if isinstance(element.data, str) else "")
            )
            self.console.print(Panel(Text(content), expand=False, border_style="dim"))
        elif element.label and element.type not in ("countdown", "button", "close"):
            self._hint(element.label)

    def _countdown_text(self, element: PromptElement) -> str:
        data = element.data if isinstance(element.data, Mapping) else {}
        label = str(data.get("label") or element.label or self._t("prompt.waiting"))
        end = _end_time(data.get("end"))
        if end is None:
            return label
        left = (end - dt.datetime.now(dt.UTC)).total_seconds()
        if left <= 0:
            return self._t("prompt.expired", label=label)
        return self._t("prompt.remaining", label=label, time=_remaining(int(left)))

    async def _live_countdown(self, element: PromptElement) -> None:
        while True:
            self._echo("\r\x1b[2K")
            self.console.print(Text(self._countdown_text(element), style="cyan"), end="")
            self.console.file.flush()
            await anyio.sleep(1)


# -- helpers ------------------------------------------------------------------------------------


def _chain_step_open(
    context: LoginContext, state: _LoginState, choice: WalletChoice, picked_here: bool
) -> bool:
    supported = choice.config.supported_chains
    if len(supported) == 1:
        return True  # taken without asking
    if picked_here:
        return choice.config.requires_chain_select or len(context.chains) > 1
    return context.ui_requirements.requires_chain_select


def _supported(context: LoginContext, choice: WalletChoice) -> list[ChainDefinition]:
    supported = choice.config.supported_chains
    return [c for c in context.chains if not supported or str(c.id) in supported]


def _short(chain: ChainDefinition) -> str:
    return str(chain.id)[:12] + "\u2026"


def _chain_name(chain: ChainDefinition) -> str:
    if chain.name:
        return chain.name
    from sessionkit.chain import Chains

    known = Chains.by_id(chain.id)
    return known.name if known is not None and known.name else f"Chain {str(chain.id)[:8]}"


async def _public_key(choice: WalletChoice, chain: ChainDefinition) -> PublicKey | None:
    if choice.retrieve_public_key is not None:
        key = await choice.retrieve_public_key(chain.id)
        if key is not None:
            return key
    if choice.metadata.public_key:
        return PublicKey.from_string(choice.metadata.public_key)
    return None


def _ordered(levels: list[str]) -> list[str]:
    """Unique permissions, ``active`` first and ``owner`` last within the listed order."""
    unique = list(dict.fromkeys(levels))

    def rank(level: str) -> int:
        permission = level.split("@", 1)[1]
        return 0 if permission == "active" else 2 if permission == "owner" else 1

    return sorted(unique, key=rank)


def _matching(wanted: str, options: list[_Option]) -> _Option | None:
    lowered = wanted.lower()
    for option in options:
        if option.value == wanted or option.value.lower() == lowered:
            return option
    for option in options:
        if option.label.lower() == lowered:
            return option
    return None


def _button_label(button: PromptElement) -> str:
    data = button.data if isinstance(button.data, Mapping) else {}
    return str(data.get("label") or button.label or "OK")


async def _press(button: PromptElement) -> Any:
    data = button.data if isinstance(button.data, Mapping) else {}
    action = data.get("on_click") or data.get("onClick")
    if action is None:
        return PromptResponse(accepted=True)
    answer = action()
    if inspect.isawaitable(answer):
        answer = await answer
    return answer


def _remaining(seconds: int) -> str:
    """``mm:ss``, ``h:mm:ss`` from an hour, ``Nd h:mm:ss`` from a day."""
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes:02d}:{secs:02d}"
    days, hours = divmod(hours, 24)
    clock = f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{days}d {clock}" if days else clock


def _end_time(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        end = value
    elif isinstance(value, str) and value:
        with contextlib.suppress(ValueError):
            end = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return end if end.tzinfo else end.replace(tzinfo=dt.UTC)
        return None
    else:
        return None
    return end if end.tzinfo else end.replace(tzinfo=dt.UTC)
