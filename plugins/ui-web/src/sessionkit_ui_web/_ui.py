"""`WebUI`: the kit's choices and the wallets' prompts on a page in the person's browser."""

from __future__ import annotations

import inspect
import ipaddress
import logging
import os
import socket
import sys
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

import anyio
import sniffio
from sessionkit.antelope import Name, PermissionLevel
from sessionkit.errors import (
    AccountNotFound,
    Cancelled,
    ChainError,
    ConfigurationError,
    InvalidValue,
)
from sessionkit.ui import (
    PromptArgs,
    PromptElement,
    PromptResponse,
    UserInterface,
    UserInterfaceLoginResponse,
    is_silent,
)

from sessionkit_ui_web._app import create_app
from sessionkit_ui_web._hub import Hub, Mailbox
from sessionkit_ui_web._qr import qr_svg

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from anyio.abc import TaskGroup
    from sessionkit.antelope import PublicKey
    from sessionkit.chain import ChainDefinition
    from sessionkit.contexts import LoginContext, WalletChoice
    from starlette.types import ASGIApp

__all__ = ["TEXTS", "WebUI"]

logger = logging.getLogger("sessionkit.ui_web")

#: The interface's own texts (keys as in the reference's web renderer) and their English.
TEXTS: dict[str, str] = {
    "login.title": "Login",
    "login.select.wallet": "Select a wallet",
    "login.select.blockchain": "Select a blockchain",
    "login.select.account": "Select an account",
    "login.select.no_accounts": "No accounts found matching {{public_key}}",
    "login.select.lookup_failed": "Looking up the accounts of {{public_key}} failed: {{error}}",
    "login.enter.account": "Enter an account name",
    "lookup": "Look up",
    "login.enter.not_found": "Unable to find account {{name}}",
    "login.complete": "Awaiting response from your wallet.",
    "login.done": "You are logged in. You can close this tab.",
    "transact.title": "Transact",
    "transact.processing": "Processing transaction…",
    "transact.done": "The transaction is done. You can close this tab.",
    "error.title": "Error",
    "done": "Done. You can close this tab.",
    "cancelled": "Cancelled. You can close this tab.",
    "accept": "Accept",
    "decline": "Decline",
    "close": "Close",
    "cancel": "Cancel",
    "back": "Back",
    "copy": "Copy",
    "copied": "Copied",
    "expand": "Expand",
    "connecting": "Connecting…",
}

_SAFE_SCHEMES = frozenset({"http", "https", "esr", "anchor", "web+esr", "mailto"})


class WebUI(UserInterface):
    """A user interface on a local web page: login choices, wallet prompts, status and errors.

    Standalone (the default), each login or transaction that needs the person serves a page on
    ``host`` (loopback only; ``port=0`` picks a free port) with hypercorn in the caller's event
    loop (asyncio or trio), opens it with ``opener(url)`` (default: the system browser), and
    stops serving when it no longer waits for the person: nothing keeps running between calls.
    With ``mount_url=`` it serves nothing: mount `WebUI.app` into your ASGI app at that URL and
    ``opener`` sends the person there. The page's Cancel button, or a page closed for
    ``close_grace`` seconds, makes the waiting call raise a silent `Cancelled`; a page never
    opened within ``open_timeout`` seconds raises `WaitTimeout`. ``language`` picks the
    translations (`add_translations`).
    """

    id: ClassVar[str] = "web"

    def __init__(
        self,
        *,
        opener: Callable[[str], Any] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        mount_url: str | None = None,
        language: str = "en",
        close_grace: float = 3.0,
        open_timeout: float = 300.0,
        linger: float = 2.0,
    ) -> None:
        super().__init__()
        if not _is_loopback(host):
            raise ConfigurationError(
                f"WebUI serves on loopback only, so other machines cannot reach it: host "
                f"{host!r} is not 127.0.0.1, ::1 or localhost (to serve people elsewhere, "
                "mount WebUI.app into your own web app with mount_url=...)"
            )
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ConfigurationError(f"port is 0 (any free port) or 1..65535, not {port!r}")
        for name, value in (
            ("close_grace", close_grace),
            ("open_timeout", open_timeout),
            ("linger", linger),
        ):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ConfigurationError(f"{name} is a number of seconds >= 0, not {value!r}")
        if mount_url is not None and not (
            isinstance(mount_url, str) and mount_url.startswith(("http://", "https://", "/"))
        ):
            raise ConfigurationError(
                f"mount_url is where WebUI.app is mounted ('https://app.example/wallet' or "
                f"'/wallet'), not {mount_url!r}"
            )
        if mount_url is not None and opener is None and mount_url.startswith("/"):
            raise ConfigurationError(
                "a WebUI mounted at a path needs opener=: a function that sends the person to "
                "the page's URL (for example by answering their request with a redirect)"
            )
        if not isinstance(language, str) or not language:
            raise ConfigurationError(f"language is a language code such as 'en', not {language!r}")
        self.language = language
        self._opener = opener
        self._host = "127.0.0.1" if host == "localhost" else host
        self._port = port
        self._mount_url = mount_url.rstrip("/") if mount_url is not None else None
        self._close_grace = float(close_grace)
        self._open_timeout = float(open_timeout)
        self._linger = float(linger)
        self._hub: Hub | None = None
        self._ending: Hub | None = None
        self._listener: socket.socket | None = None
        self._allowed_hosts: frozenset[str] | None = None
        self._in_operation = False
        self._asking = 0
        self._serving = False
        self._opened = False
        self._title = ""
        self._subtitle = ""
        self._base: dict[str, Any] = {"view": "busy", "message": ""}
        self._prompts: list[dict[str, Any]] = []
        self.app: ASGIApp = create_app(self)
        """The page's ASGI app, to mount into your own app (see ``mount_url``)."""

    def __repr__(self) -> str:
        where = self._mount_url or f"{self._host}:{self._port or 'any port'}"
        state = "showing a page" if self._hub is not None else "idle"
        return f"<WebUI {where} {state}>"

    def __del__(self) -> None:
        # A kit operation that ended without telling the UI (a silent cancel from elsewhere)
        # leaves the listening socket open until the next one: close it with the UI.
        listener = getattr(self, "_listener", None)
        if listener is not None:
            listener.close()

    # -- what the app and tests may read ------------------------------------------------------

    @property
    def hub(self) -> Hub | None:
        """The current page's state (None between operations)."""
        return self._hub if self._hub is not None else self._ending

    @property
    def allowed_hosts(self) -> frozenset[str] | None:
        """The ``Host`` values the standalone server answers (None when mounted)."""
        return self._allowed_hosts

    @property
    def url(self) -> str | None:
        """The current page's address, with its secret token (None when no page is shown).

        Keep it to the person it is for: whoever has it can answer for them.
        """
        hub = self._hub
        if hub is None:
            return None
        if self._mount_url is not None:
            return f"{self._mount_url}/{hub.token}/"
        if self._listener is None:
            return None
        port = self._listener.getsockname()[1]
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{port}/{hub.token}/"

    async def aclose(self) -> None:
        """End what is shown and close the listening socket (also done after each operation)."""
        await self._end_episode(None)

    # -- lifecycle ----------------------------------------------------------------------------

    async def on_login(self) -> None:
        await self._start_operation(self._text("login.title"))

    async def on_login_complete(self) -> None:
        await self._end_episode(("done", self._text("login.done")))

    async def on_transact(self) -> None:
        await self._start_operation(self._text("transact.title"))
        self._base = {"view": "busy", "message": self._text("transact.processing")}
        self._refresh()

    async def on_transact_complete(self) -> None:
        await self._end_episode(("done", self._text("transact.done")))

    async def on_sign(self) -> None:
        self.status(self.translate("transact.signing", "Signing…"))

    async def on_sign_complete(self) -> None:
        self.status(self.translate("transact.signed", "Signed"))

    async def on_broadcast(self) -> None:
        self.status(self.translate("transact.broadcasting", "Sending to the chain…"))

    async def on_broadcast_complete(self) -> None:
        self.status(self.translate("transact.broadcasted", "Accepted by the chain"))

    async def on_error(self, error: BaseException) -> None:
        """Show ``str(error)`` on the open page, then end it; a silent `Cancelled` ends quietly."""
        if is_silent(error):
            await self._end_episode(None)
            return
        await self._end_episode(("error", str(error)))

    def status(self, message: str) -> None:
        self._subtitle = str(message)
        self._refresh()

    # -- login ----------------------------------------------------------------------------------

    async def login(self, context: LoginContext) -> UserInterfaceLoginResponse:
        if not self._title:
            self._title = self._text("login.title")
        self._subtitle = context.app_name
        async with self._question_time() as hub:
            answer = await self._login_steps(hub, context)
            self._base = {"view": "busy", "message": self._text("login.complete")}
            self._refresh()
            return answer

    async def _login_steps(self, hub: Hub, context: LoginContext) -> UserInterfaceLoginResponse:
        wallets = context.wallet_plugins
        index = context.wallet_plugin_index
        chain = context.chain
        level = context.permission_level
        entered: str | None = None
        history: list[tuple[int | None, ChainDefinition | None, str | None]] = []
        message: str | None = None
        while True:
            back = bool(history)
            answer: dict[str, Any] | None = None
            if index is None:
                if len(wallets) == 1:
                    index = 0
                    continue
                options = [_wallet_option(w) for w in wallets]
                answer = await self._ask(hub, "choose", "wallet", "login.select.wallet", options)
                if answer["action"] == "choose":
                    history.append((index, chain, entered))
                    index = next(w.index for w in wallets if w.id == answer["value"])
                    continue
            elif chain is None and (chains := _chains_for(wallets[index], context)) is not None:
                if len(chains) == 1:
                    chain = chains[0]
                    continue
                options = [_chain_option(c) for c in chains]
                answer = await self._ask(
                    hub, "choose", "chain", "login.select.blockchain", options, back=back
                )
                if answer["action"] == "choose":
                    history.append((index, chain, entered))
                    chain = next(c for c in chains if str(c.id) == answer["value"])
                    continue
            elif level is None and chain is not None and _needs_permission(wallets[index]):
                choice = wallets[index]
                listed, message = await self._permissions(context, choice, chain, entered)
                if listed is None:  # the person types the account
                    answer = await self._ask(
                        hub,
                        "entry",
                        "permission",
                        "login.enter.account",
                        [],
                        back=back,
                        message=message,
                    )
                    if answer["action"] == "enter" and isinstance(answer["value"], str):
                        history.append((index, chain, entered))
                        entered = answer["value"].strip()
                        continue
                elif len(listed) == 1:
                    level = PermissionLevel.from_string(listed[0])
                    continue
                else:
                    options = [{"value": p, "label": p} for p in listed]
                    answer = await self._ask(
                        hub,
                        "choose",
                        "permission",
                        "login.select.account",
                        options,
                        back=back,
                        message=message,
                    )
                    if answer["action"] == "choose":
                        level = PermissionLevel.from_string(str(answer["value"]))
                        continue
            else:
                return UserInterfaceLoginResponse(
                    wallet_plugin_index=index,
                    chain_id=None if chain is None or context.chain is not None else chain.id,
                    permission_level=level if context.permission_level is None else None,
                )
            if answer["action"] == "back" and history:
                index, chain, entered = history.pop()
                level = None

    async def _permissions(
        self,
        context: LoginContext,
        choice: WalletChoice,
        chain: ChainDefinition,
        entered: str | None,
    ) -> tuple[list[str] | None, str | None]:
        """The ``actor@permission`` list to choose from, or None to ask for an account name;
        with a message to show."""
        client = context.get_client(chain)
        if entered is not None:
            try:
                account = await client.get_account(Name(entered))
            except (AccountNotFound, InvalidValue):
                return None, self._text("login.enter.not_found", name=entered)
            except ChainError as error:
                return None, str(error)
            return [f"{account.account_name}@{p.perm_name}" for p in account.permissions], None
        key: PublicKey | str | None = None
        if choice.config.requires_permission_select:
            if choice.retrieve_public_key is not None:
                key = await choice.retrieve_public_key(chain.id)
            elif choice.metadata.public_key:
                key = choice.metadata.public_key
        if key is None:
            return None, None
        try:
            found = await client.get_accounts_by_authorizers(keys=[key])
        except ChainError as error:
            return [], self._text(
                "login.select.lookup_failed", public_key=str(key), error=str(error)
            )
        levels = (f"{a.account_name}@{a.permission_name}" for a in found.accounts)
        listed = list(dict.fromkeys(levels))
        if not listed:
            return [], self._text("login.select.no_accounts", public_key=str(key))
        return listed, None

    async def _ask(
        self,
        hub: Hub,
        view: str,
        kind: str,
        heading: str,
        options: list[dict[str, str]],
        *,
        back: bool = False,
        message: str | None = None,
    ) -> dict[str, Any]:
        """Show a login step and return the person's valid answer to it."""
        question, mailbox = hub.new_question()
        self._base = {
            "view": view,
            "kind": kind,
            "q": question,
            "heading": self._text(heading),
            "options": options,
            "back": back,
            "message": message,
        }
        self._refresh()
        await self._open_page(hub)
        hub.start_waiting()
        values = {o["value"] for o in options}
        try:
            while True:
                answer = await hub.answer(mailbox)
                action = answer["action"]
                if (
                    (action == "choose" and answer["value"] in values)
                    or (action == "back" and back)
                    or (action == "enter" and view == "entry" and answer["value"])
                ):
                    return answer
        finally:
            hub.forget(question)

    # -- prompts --------------------------------------------------------------------------------

    async def prompt(self, args: PromptArgs) -> PromptResponse:
        async with self._question_time() as hub:
            question, mailbox = hub.new_question()
            elements = args.elements
            view = {
                "view": "prompt",
                "q": question,
                "prompt": {
                    "title": args.title,
                    "body": args.body,
                    "elements": [_element(e, i, self) for i, e in enumerate(elements)],
                },
            }
            self._prompts.append(view)
            self._refresh()
            outcome: PromptResponse | BaseException | None = None
            try:
                await self._open_page(hub)
                hub.start_waiting()
                async with anyio.create_task_group() as callbacks:
                    try:
                        while outcome is None:
                            outcome = await self._prompt_answer(hub, mailbox, elements, callbacks)
                    except Exception as error:  # raised below as itself, not in a group
                        outcome = error
                    callbacks.cancel_scope.cancel()
            finally:
                self._prompts.remove(view)
                hub.forget(question)
                self._refresh()
            if isinstance(outcome, BaseException):
                raise outcome
            assert outcome is not None
            return outcome

    async def _prompt_answer(
        self,
        hub: Hub,
        mailbox: Mailbox,
        elements: tuple[PromptElement, ...],
        callbacks: TaskGroup,
    ) -> PromptResponse | BaseException | None:
        answer = await hub.answer(mailbox)
        action, value = answer["action"], answer.get("value")
        kinds = {e.type for e in elements}
        if action == "_failed" and isinstance(value, BaseException):
            return value
        if action in ("accept", "close") and action in kinds:
            return PromptResponse(accepted=True)
        if action == "decline" and "accept" in kinds:
            return Cancelled("declined on the page")
        if action == "button" and isinstance(value, int) and 0 <= value < len(elements):
            element = elements[value]
            if element.type != "button":
                return None
            data = element.data if isinstance(element.data, dict) else {}
            on_click = data.get("on_click") or data.get("onClick")
            if on_click is None:
                return PromptResponse(accepted=True)
            callbacks.start_soon(_run_callback, on_click, mailbox)
        return None

    # -- episodes, serving, the page ------------------------------------------------------------

    async def _start_operation(self, title: str) -> None:
        if self._asking == 0:
            # A previous operation that ended without a word (a silent cancel elsewhere) still
            # holds its page and socket: close them before this one starts.
            await self._end_episode(None)
        self._in_operation = True
        self._title = title
        self._subtitle = ""
        self._refresh()

    @asynccontextmanager
    async def _question_time(self) -> AsyncIterator[Hub]:
        """While a call waits for the person: the hub, served by hypercorn (standalone)."""
        lone = not self._in_operation and self._asking == 0
        hub = self._current_hub()
        self._asking += 1
        ended = False
        try:
            async with self._served(hub):
                yield hub
        except Cancelled:
            if hub.cancelled or hub.gone:
                ended = True  # the page was cancelled or closed: this operation is over
                with anyio.CancelScope(shield=True):
                    await self._end_episode(("cancelled", self._text("cancelled")))
            raise
        finally:
            self._asking -= 1
            if lone and not ended:
                with anyio.CancelScope(shield=True):
                    await self._end_episode(("done", self._text("done")))

    def _current_hub(self) -> Hub:
        if self._hub is None:
            self._hub = Hub(close_grace=self._close_grace, open_timeout=self._open_timeout)
            self._refresh()
        return self._hub

    @asynccontextmanager
    async def _served(self, hub: Hub) -> AsyncIterator[None]:
        if self._mount_url is not None or self._serving:
            yield
            return
        listener = self._ensure_listener()
        stop = anyio.Event()
        self._serving = True
        failure: Exception | None = None
        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(self._serve, listener, stop)
                try:
                    yield
                except Exception as error:  # raised below as itself, not in an exception group
                    failure = error
                finally:
                    stop.set()
                    hub.end_streams()
        finally:
            self._serving = False
        if failure is not None:
            raise failure

    async def _serve(self, listener: socket.socket, stop: anyio.Event) -> None:
        from hypercorn.config import Config, Sockets
        from hypercorn.utils import wrap_app

        config = Config()
        config.accesslog = None
        config.errorlog = logger
        config.graceful_timeout = 0.5
        config.keep_alive_timeout = 0.5
        sock = socket.socket(fileno=os.dup(listener.fileno()))
        sock.setblocking(False)
        app = wrap_app(cast("Any", self.app), config.wsgi_max_body_size, "asgi")
        if sniffio.current_async_library() == "trio":
            from hypercorn.trio.run import worker_serve as trio_serve

            serve: Any = trio_serve
        else:
            from hypercorn.asyncio.run import worker_serve as asyncio_serve

            serve = asyncio_serve
        # Shielded: a cancelled caller still shuts the server down gracefully (the stop event
        # is set by _served on the way out), so no connection task outlives the call.
        with anyio.CancelScope(shield=True):
            try:
                async with anyio.create_task_group() as tasks:

                    async def backstop() -> None:
                        await stop.wait()
                        await anyio.sleep(5)
                        tasks.cancel_scope.cancel()

                    tasks.start_soon(backstop)
                    await serve(
                        app, config, sockets=Sockets([], [sock], []), shutdown_trigger=stop.wait
                    )
                    tasks.cancel_scope.cancel()
            finally:
                sock.close()

    def _ensure_listener(self) -> socket.socket:
        if self._listener is None:
            family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
            listener = socket.socket(family, socket.SOCK_STREAM)
            try:
                listener.bind((self._host, self._port))
            except OSError as error:
                listener.close()
                raise ConfigurationError(
                    f"WebUI cannot listen on {self._host}:{self._port}: {error} (pass port=0 "
                    "for any free port)"
                ) from error
            listener.listen(64)
            listener.setblocking(False)
            port = listener.getsockname()[1]
            names = {self._host, "localhost"} if self._host == "127.0.0.1" else {self._host}
            self._allowed_hosts = frozenset(
                f"[{n}]:{port}" if ":" in n else f"{n}:{port}" for n in names
            )
            self._listener = listener
        return self._listener

    async def _open_page(self, hub: Hub) -> None:
        if self._opened:
            return
        self._opened = True
        url = self.url
        assert url is not None
        if self._opener is None:
            import webbrowser

            if not await anyio.to_thread.run_sync(webbrowser.open, url):
                # The person's own terminal: the only place the address may be shown.
                print(f"Open this page to continue: {url}", file=sys.stderr, flush=True)
            return
        opened = self._opener(url)
        if inspect.isawaitable(opened):
            await opened

    async def _end_episode(self, final: tuple[str, str] | None) -> None:
        """Show ``(view, message)`` on an open page, then close everything of this episode."""
        hub = self._hub
        frame = self._frame()
        self._hub = None
        self._in_operation = False
        self._opened = False
        self._title = ""
        self._subtitle = ""
        self._base = {"view": "busy", "message": ""}
        self._prompts.clear()
        if hub is not None:
            if final is not None and hub.ever_connected:
                view, message = final
                shown = {**frame, "view": view, "message": message}
                if view == "error":
                    shown["title"] = self._text("error.title")
                version = hub.publish({**shown, "final": True, "back": False})
                self._ending = hub  # its token stays valid until the page has the final view
                try:
                    await self._deliver(hub, version)
                finally:
                    self._ending = None
            hub.end_streams(final=True)
        if self._listener is not None and not self._serving:
            self._listener.close()
            self._listener = None
            self._allowed_hosts = None

    async def _deliver(self, hub: Hub, version: int) -> None:
        """Serve until the page received ``version`` (at most ``linger`` seconds)."""
        with anyio.move_on_after(self._linger):
            async with self._served(hub):
                await hub.wait_delivered(version)

    # -- what the page shows --------------------------------------------------------------------

    def _frame(self) -> dict[str, Any]:
        return {
            "lang": self.language,
            "title": self._title,
            "subtitle": self._subtitle,
            "labels": {
                key: self._text(key)
                for key in (
                    "accept",
                    "decline",
                    "close",
                    "cancel",
                    "back",
                    "copy",
                    "copied",
                    "expand",
                    "connecting",
                    "lookup",
                )
            },
        }

    def _refresh(self) -> None:
        hub = self._hub
        if hub is None:
            return
        view = self._prompts[-1] if self._prompts else self._base
        hub.publish({**self._frame(), **view})

    def _text(self, key: str, /, **values: Any) -> str:
        return self.translate(key, TEXTS.get(key, key), **values)


async def _run_callback(on_click: Callable[[], Any], mailbox: Mailbox) -> None:
    """Run a prompt button's callback; a failure ends the prompt with it."""
    try:
        result = on_click()
        if inspect.isawaitable(result):
            await result
    except Exception as error:
        mailbox.deliver({"action": "_failed", "value": error})


def _is_loopback(host: object) -> bool:
    if host == "localhost":
        return True
    try:
        return isinstance(host, str) and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _wallet_option(choice: WalletChoice) -> dict[str, str]:
    option = {
        "value": choice.id,
        "label": choice.metadata.name or choice.id,
        "detail": choice.metadata.description or "",
    }
    logo = choice.metadata.logo
    if logo is not None:
        for name, uri in (("logo", logo.light), ("logo_dark", logo.dark)):
            if isinstance(uri, str) and uri.startswith("data:image/"):
                option[name] = uri
    return option


def _chain_option(chain: ChainDefinition) -> dict[str, str]:
    return {
        "value": str(chain.id),
        "label": chain.name or str(chain.id)[:12] + "…",
        "detail": str(chain.id),
    }


def _chains_for(choice: WalletChoice, context: LoginContext) -> list[ChainDefinition] | None:
    """The chains to choose from, or None when the wallet picks the chain itself."""
    supported = choice.config.supported_chains
    chains = [c for c in context.chains if not supported or str(c.id) in supported]
    if len(supported) == 1 or choice.config.requires_chain_select:
        if not chains:
            raise ConfigurationError(
                f"the wallet {choice.metadata.name or choice.id!r} supports none of the chains "
                "this login allows"
            )
        return chains
    return None


def _needs_permission(choice: WalletChoice) -> bool:
    config = choice.config
    return config.requires_permission_select or config.requires_permission_entry


def _element(element: PromptElement, index: int, ui: WebUI) -> dict[str, Any]:
    """A prompt element as plain JSON for the page (callbacks and unsafe links left out)."""
    data = element.data if isinstance(element.data, dict) else {}
    shown: dict[str, Any] = {"type": element.type, "index": index, "label": element.label}
    if element.type == "qr":
        text = str(element.data)
        shown.update(text=text, svg=qr_svg(text))
    elif element.type == "link":
        href = str(data.get("href", ""))
        shown.update(
            label=str(data.get("label") or element.label or href),
            href=href if _safe_href(href) else None,
            variant=str(data.get("variant", "primary")),
        )
    elif element.type == "button":
        shown.update(
            label=str(data.get("label") or element.label or ui._text("accept")),
            variant=str(data.get("variant", "primary")),
        )
    elif element.type == "countdown":
        shown.update(label=str(data.get("label") or element.label or ""))
        end = _parse_end(data.get("end"))
        if end is not None:
            remaining = (end - datetime.now(UTC)).total_seconds()
            shown["remaining_ms"] = max(0, int(remaining * 1000))
    elif element.type == "asset":
        shown.update(
            label=str(data.get("label") or element.label or ""), value=str(data.get("value", ""))
        )
    elif element.type == "textarea":
        shown.update(content=str(data.get("content", "")))
    elif element.type == "close":
        shown.update(label=element.label or ui._text("close"))
    return shown


def _safe_href(href: str) -> bool:
    scheme, colon, _ = href.partition(":")
    return bool(colon) and scheme.lower() in _SAFE_SCHEMES


def _parse_end(value: object) -> datetime | None:
    if isinstance(value, datetime):
        end = value
    elif isinstance(value, str):
        try:
            end = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return end if end.tzinfo is not None else end.replace(tzinfo=UTC)
