"""The user interface contract: how the kit and wallets talk to the person.

A user interface drives the login choices (wallet, chain, account), shows prompts from wallets
(a QR code to scan, a link to open, a countdown, an accept/decline question), reports progress,
and shows errors. Subclass `UserInterface` (it brings translations and no-op lifecycle calls)
and implement ``login`` and ``prompt``. `HeadlessUI` is the default: it never asks anything,
and fails with `sessionkit.errors.NoChoiceError` naming the choice it would have needed.

Cancelling works the anyio way: the kit or a wallet cancels the task awaiting ``prompt`` or
``login`` and the interface must clear what it shows; a person cancelling (a Close button,
Ctrl-C) makes the call raise `sessionkit.errors.Cancelled` (``silent=True`` for quiet ones,
which ``on_error`` does not show).
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import anyio
import msgspec

from sessionkit.antelope import Checksum256
from sessionkit.errors import Cancelled, NoChoiceError

if TYPE_CHECKING:
    from sessionkit.antelope import PermissionLevel
    from sessionkit.contexts import LoginContext

__all__ = [
    "HeadlessUI",
    "PromptArgs",
    "PromptElement",
    "PromptElementType",
    "PromptResponse",
    "Translator",
    "UserInterface",
    "UserInterfaceLoginResponse",
    # helpers for plugins that drive a user interface
    "is_silent",
    "report_cancelled",
    "report_error",
]

PromptElementType = Literal[
    "accept", "asset", "button", "close", "countdown", "link", "qr", "textarea"
]

#: ``translate(key, default=..., **values)``: a translation function bound to a namespace.
Translator = Callable[..., str]

logger = logging.getLogger("sessionkit")

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")


class PromptElement(msgspec.Struct, frozen=True, kw_only=True):
    """One element of a prompt, as in the reference (``type``, ``label``, ``data``).

    ``data`` by type: ``qr``: the text to encode (an ``esr:`` URI); ``link``:
    ``{"href", "label", "variant"?}``; ``button``: ``{"label", "on_click": callable,
    "variant"?}``; ``countdown``: ``{"label"?, "end": ISO time}``; ``asset``:
    ``{"label", "value"}``; ``textarea``: ``{"content"}``; ``accept`` and ``close``: nothing
    (``close`` uses ``label``).
    """

    type: PromptElementType
    label: str | None = None
    data: Any = None


class PromptArgs(msgspec.Struct, frozen=True, kw_only=True):
    """A prompt: a title, an optional body and its elements, shown until answered or cancelled.

    ``optional=True`` means a minimal interface may skip showing it.
    """

    title: str
    body: str | None = None
    optional: bool = False
    elements: tuple[PromptElement, ...] = ()


class PromptResponse(msgspec.Struct, frozen=True, kw_only=True):
    """How a prompt ended when it was not cancelled: ``accepted`` (Accept, Close, a button)."""

    accepted: bool = True


class UserInterfaceLoginResponse(msgspec.Struct, frozen=True, kw_only=True):
    """What the person chose during login; None for a choice that was not asked."""

    wallet_plugin_index: int | None = None
    chain_id: Checksum256 | None = None
    permission_level: PermissionLevel | None = None


class UserInterface(ABC):
    """Base class of user interfaces: translations built in, lifecycle calls do nothing.

    Subclasses implement ``login`` and ``prompt`` and usually override ``on_error`` and
    ``status``. Every method but ``status``, ``translate``, ``get_translate`` and
    ``add_translations`` is async.
    """

    id: ClassVar[str] = "ui"

    def __init__(self) -> None:
        self._translations: dict[str, dict[str, Any]] = {}
        self.language = "en"

    @abstractmethod
    async def login(self, context: LoginContext) -> UserInterfaceLoginResponse:
        """Let the person choose what ``context.ui_requirements`` says is still needed."""

    @abstractmethod
    async def prompt(self, args: PromptArgs) -> PromptResponse:
        """Show ``args`` until the person answers; raise `Cancelled` when they decline."""

    async def on_error(self, error: BaseException) -> None:
        """A login or transaction failed or was cancelled: show ``error`` and clear what the
        operation showed. A silent `Cancelled` (the task was cancelled, or the person closed
        the view) must only clear, never be shown (use `is_silent`)."""

    def status(self, message: str) -> None:
        """Show a one-line status, such as "Awaiting response from your wallet"."""

    async def on_login(self) -> None:
        """A login starts."""

    async def on_login_complete(self) -> None:
        """A login succeeded: clear what it showed (a failed one ends with ``on_error``)."""

    async def on_transact(self) -> None:
        """A transaction starts."""

    async def on_transact_complete(self) -> None:
        """A transaction succeeded: clear what it showed (a failed one ends with ``on_error``)."""

    async def on_sign(self) -> None:
        """The wallet is about to be asked for signatures."""

    async def on_sign_complete(self) -> None:
        """The wallet signed."""

    async def on_broadcast(self) -> None:
        """The transaction is being sent to the chain."""

    async def on_broadcast_complete(self) -> None:
        """The chain accepted the transaction."""

    def add_translations(self, translations: Mapping[str, Mapping[str, Any]]) -> None:
        """Merge ``{language: {key or namespace: text or {...}}}`` into the known strings."""
        for language, strings in translations.items():
            _merge(self._translations.setdefault(language, {}), strings)

    def translate(
        self, key: str, default: str | None = None, namespace: str | None = None, **values: Any
    ) -> str:
        """The text for ``namespace.key`` in the current language, English, or ``default``.

        ``{{name}}`` placeholders are filled from ``values``.
        """
        path = [*(namespace.split(".") if namespace else []), *key.split(".")]
        text = _lookup(self._translations.get(self.language, {}), path)
        if text is None:
            text = _lookup(self._translations.get("en", {}), path)
        if text is None:
            text = default if default is not None else key
        return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)

    def get_translate(self, namespace: str | None = None) -> Translator:
        """``translate`` bound to ``namespace`` (a plugin's id)."""

        def translate(key: str, default: str | None = None, **values: Any) -> str:
            return self.translate(key, default, namespace, **values)

        return translate


class HeadlessUI(UserInterface):
    """The interface for code with nobody to ask: it never prompts and says what was missing.

    A wallet and (for wallets that need one) a chain must be given when there are several
    (``login(wallet_plugin=..., chain=...)``); otherwise it raises
    `sessionkit.errors.NoChoiceError` naming the choice and its options. An account left open
    is for the wallet to find, or to refuse naming the accounts it could use.
    """

    id: ClassVar[str] = "headless"

    async def login(self, context: LoginContext) -> UserInterfaceLoginResponse:
        """Take the only wallet and chain; fail naming the options where there are several."""
        index = context.wallet_plugin_index
        if index is None:
            options = [w.id for w in context.wallet_plugins]
            raise NoChoiceError(
                "several wallet plugins can log in and nobody can choose: pass "
                f"login(wallet_plugin=...) with one of {options}",
                choice="wallet",
                options=options,
            )
        config = context.wallet_plugins[index].config
        chain_id = None
        if context.chain is None:
            if len(config.supported_chains) == 1:
                chain_id = Checksum256.from_json(config.supported_chains[0])
            elif config.requires_chain_select and len(context.chains) > 1:
                options = [str(chain.id) for chain in context.chains]
                raise NoChoiceError(
                    "several chains are configured and nobody can choose: pass "
                    f"login(chain=...) with one of {options}",
                    choice="chain",
                    options=options,
                )
        # An account left open is the wallet's to find (or to refuse, naming the options).
        return UserInterfaceLoginResponse(wallet_plugin_index=index, chain_id=chain_id)

    async def prompt(self, args: PromptArgs) -> PromptResponse:
        """Refuse: nobody is there to answer a wallet's prompt."""
        raise NoChoiceError(
            f"a wallet asked a person something ({args.title!r}) but the kit has no user "
            "interface: pass ui= (for example ui='console' with sessionkit-ui-console)",
            choice="prompt",
        )

    async def on_error(self, error: BaseException) -> None:
        """Nothing to show."""


def _merge(target: dict[str, Any], source: Mapping[str, Any]) -> None:
    for key, value in source.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif isinstance(value, Mapping):
            target[key] = {}
            _merge(target[key], value)
        else:
            target[key] = value


def _lookup(strings: Mapping[str, Any], path: list[str]) -> str | None:
    node: Any = strings
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, str) else None


def is_silent(error: BaseException) -> bool:
    """True for a cancellation a user interface must not show."""
    return isinstance(error, Cancelled) and error.silent


#: How long a user interface may take to clear its view after its operation was cancelled.
UI_CLEANUP_SECONDS = 5.0


async def report_error(ui: UserInterface, error: BaseException) -> None:
    """Give ``error`` to ``ui.on_error``; an interface failing at that is logged, so the app
    still gets the error that ended the operation rather than the interface's own."""
    try:
        await ui.on_error(error)
    except Exception:
        logger.warning(
            "the user interface %r failed to show an error (%s: %s)",
            ui,
            type(error).__name__,
            error,
            exc_info=True,
        )


async def report_cancelled(ui: UserInterface, what: str) -> None:
    """Tell ``ui`` that the task running ``what`` was cancelled (a silent `Cancelled`), so it
    clears what it showed. Shielded from the cancellation, and bounded in time."""
    with anyio.move_on_after(UI_CLEANUP_SECONDS, shield=True):
        await report_error(ui, Cancelled(f"the {what} was cancelled", silent=True))
