"""The login steps, errors and the mounted app, answered over HTTP as the page does (no
browser: the person here reads the server-sent views and posts answers)."""

from __future__ import annotations

import json
import re
import webbrowser
from typing import TYPE_CHECKING, Any, ClassVar

import anyio
import httpx
import pytest
from sessionkit import ChainDefinition, SessionKit
from sessionkit.antelope import PrivateKey
from sessionkit.errors import Cancelled, WaitTimeout, WalletRejected
from sessionkit.storage import MemoryStorage
from sessionkit.testing.doubles import KeyWallet
from sessionkit.ui import PromptArgs, PromptElement, PromptResponse
from sessionkit.wallet import WalletPluginConfig
from sessionkit_ui_web import WebUI
from starlette.applications import Starlette
from starlette.routing import Mount

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.anyio


class HttpPerson:
    """Opens the page's event stream like the page does and answers each view with
    ``decide(view) -> (action, value) | None``; keeps every view it saw."""

    def __init__(self, decide: Callable[[dict[str, Any]], tuple[str, Any] | None]) -> None:
        self.decide = decide
        self.urls: list[str] = []
        self.views: list[dict[str, Any]] = []
        self._opened: anyio.Event | None = None
        self.finished = anyio.Event()

    def opener(self, url: str) -> None:
        self.urls.append(url)
        if self._opened is not None:
            self._opened.set()

    async def act(self) -> None:
        while not self.urls:
            self._opened = anyio.Event()
            await self._opened.wait()
        url = self.urls[-1]
        answered: set[str] = set()
        async with httpx.AsyncClient(timeout=30) as http:
            for _ in range(100):  # a stream ends each time the server pauses between steps
                if await self._listen(http, url, answered):
                    return
                await anyio.sleep(0.1)

    async def _listen(self, http: httpx.AsyncClient, url: str, answered: set[str]) -> bool:
        """Read one event stream (HTTP/1.0 over a plain socket, as simple as it gets) and
        answer its views; True once the final view came or the token is refused."""
        address = httpx.URL(url)
        assert address.port is not None
        async with await anyio.connect_tcp(address.host, address.port) as stream:
            host = address.netloc.decode()
            await stream.send(f"GET {address.path}events HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
            buffer = b""
            head = True
            while True:
                try:
                    buffer += await stream.receive()
                except anyio.EndOfStream:
                    return False
                if head:
                    if b"\r\n\r\n" not in buffer:
                        continue
                    status, buffer = buffer.split(b"\r\n\r\n", 1)
                    if b" 403 " in status.split(b"\r\n", 1)[0]:
                        return True
                    head = False
                while b"\n\n" in buffer:
                    event, buffer = buffer.split(b"\n\n", 1)
                    if event.startswith(b"data: ") and await self._answer(
                        http, url, json.loads(event[6:]), answered
                    ):
                        return True

    async def _answer(
        self, http: httpx.AsyncClient, url: str, view: dict[str, Any], answered: set[str]
    ) -> bool:
        self.views.append(view)
        if view.get("final"):
            self.finished.set()
            return True
        question = view.get("q")
        answer = self.decide(view)
        if answer is not None and question and question not in answered:
            answered.add(question)
            action, value = answer
            if action == "cancel":  # the page's Cancel button
                await http.post(url + "cancel", json={})
            else:
                body = {"q": question, "action": action, "value": value}
                await http.post(url + "answer", json=body)
        return False

    def shown(self, view: str) -> list[dict[str, Any]]:
        return [v for v in self.views if v["view"] == view]


async def run_with(person: HttpPerson, call: Callable[[], Any]) -> Any:
    """``call``'s result (or exception) once the person also saw the page's final view."""
    failure: Exception | None = None
    result: Any = None
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(person.act)
        try:
            with anyio.fail_after(30):
                result = await call()
        except Exception as exc:  # raised as itself below, not inside an exception group
            failure = exc
        with anyio.fail_after(10):
            await person.finished.wait()
        tasks.cancel_scope.cancel()
    if failure is not None:
        raise failure
    return result


class EntryWallet(KeyWallet):
    """A wallet that knows no account: the person types one, the chain confirms it."""

    id: ClassVar[str] = "entry-wallet"

    def __init__(self, key: Any) -> None:
        super().__init__(key)
        self.config = WalletPluginConfig(requires_chain_select=True, requires_permission_entry=True)


@pytest.mark.devnet
async def test_an_account_typed_in_is_looked_up_on_chain(devnet: Any) -> None:
    typed: list[str] = []

    def decide(view: dict[str, Any]) -> tuple[str, Any] | None:
        if view["view"] == "entry":
            name = "nosuchacct1" if not typed else "alice"
            typed.append(name)
            return ("enter", name)
        if view["view"] == "choose" and view["kind"] == "permission":
            return ("choose", "alice@active")
        return None

    person = HttpPerson(decide)
    chain = ChainDefinition(devnet.chain_id, devnet.url, name="devnet")
    wallet = EntryWallet(devnet.accounts["alice"].private_key)
    async with SessionKit(
        "entry",
        [chain],
        ui=WebUI(opener=person.opener),
        wallet_plugins=[wallet],
        storage=MemoryStorage(),
        discover=False,
    ) as kit:
        result = await run_with(person, kit.login)
    assert str(result.session.permission_level) == "alice@active"
    entries = person.shown("entry")
    assert entries[0]["message"] is None
    assert any(e["message"] == "Unable to find account nosuchacct1" for e in entries)
    (choice,) = {json.dumps(v["options"]) for v in person.shown("choose")}
    assert "alice@active" in choice
    assert "alice@owner" in choice
    # One wallet and one chain: taken without asking.
    assert all(v.get("kind") not in ("wallet", "chain") for v in person.views)
    assert person.views[-1]["view"] == "done"


async def test_a_wallet_error_is_shown_on_the_page_as_text(hostile: str) -> None:
    class Refusing(KeyWallet):
        id: ClassVar[str] = "refusing"

        async def login(self, context: Any) -> Any:
            raise WalletRejected(f"declined by {hostile}", reason="rejected")

    class Other(KeyWallet):
        id: ClassVar[str] = "other"

    def decide(view: dict[str, Any]) -> tuple[str, Any] | None:
        if view["view"] == "choose":
            return ("choose", "refusing")
        return None

    person = HttpPerson(decide)
    key = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3"
    wallets = [Refusing(key, permission_level="alice@active"), Other(key)]
    for wallet in wallets:
        wallet.config = WalletPluginConfig(requires_chain_select=False)
    async with SessionKit(
        "errors",
        [ChainDefinition("01" * 32, "http://127.0.0.1:9")],
        ui=WebUI(opener=person.opener),
        wallet_plugins=wallets,
        storage=MemoryStorage(),
        discover=False,
    ) as kit:
        with pytest.raises(WalletRejected):
            await run_with(person, kit.login)
    final = person.views[-1]
    assert final["view"] == "error"
    assert final["title"] == "Error"
    assert final["message"] == f"declined by {hostile}"


async def test_the_app_mounts_into_another_asgi_app() -> None:
    urls: list[str] = []
    opened = anyio.Event()

    def opener(url: str) -> None:
        urls.append(url)
        opened.set()

    ui = WebUI(mount_url="http://app.example/wallet", opener=opener)
    host = Starlette(routes=[Mount("/wallet", app=ui.app)])
    prompt = PromptArgs(title="Mounted", elements=(PromptElement(type="close", label="OK"),))
    transport = httpx.ASGITransport(app=host)
    async with httpx.AsyncClient(transport=transport, base_url="http://app.example") as http:

        async def person() -> None:
            await opened.wait()
            url = urls[0]
            assert url.startswith("http://app.example/wallet/")
            assert (await http.get("http://app.example/wallet/x/state")).status_code == 403
            state = (await http.get(url + "state")).json()
            assert state["prompt"]["title"] == "Mounted"
            page = await http.get(url)
            assert "content-security-policy" in page.headers
            answered = await http.post(
                url + "answer", json={"q": state["q"], "action": "close", "value": None}
            )
            assert answered.status_code == 204

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(person)
            with anyio.fail_after(10):
                assert await ui.prompt(prompt) == PromptResponse(accepted=True)
    assert ui.hub is None


@pytest.mark.devnet
async def test_a_key_without_accounts_says_so_and_the_person_cancels(devnet: Any) -> None:
    key = PrivateKey.generate()
    seen: list[dict[str, Any]] = []

    def decide(view: dict[str, Any]) -> tuple[str, Any] | None:
        seen.append(view)
        if view["view"] == "choose" and view["kind"] == "permission":
            return ("cancel", None)
        return None

    person = HttpPerson(decide)
    chain = ChainDefinition(devnet.chain_id, devnet.url)
    async with SessionKit(
        "no accounts",
        [chain],
        ui=WebUI(opener=person.opener),
        wallet_plugins=[KeyWallet(key)],
        storage=MemoryStorage(),
        discover=False,
    ) as kit:
        with pytest.raises(Cancelled) as caught:
            await run_with(person, kit.login)
    assert caught.value.silent
    step = next(v for v in seen if v.get("kind") == "permission")
    assert step["options"] == []
    assert step["message"] == f"No accounts found matching {key.public_key}"
    assert person.views[-1]["view"] == "cancelled"


async def test_a_declined_prompt_leaves_the_operation_to_show_its_error() -> None:
    def decide(view: dict[str, Any]) -> tuple[str, Any] | None:
        return ("decline", None) if view["view"] == "prompt" else None

    person = HttpPerson(decide)
    ui = WebUI(opener=person.opener)
    prompt = PromptArgs(title="Approve", elements=(PromptElement(type="accept"),))

    async def transaction() -> None:
        await ui.on_transact()
        with pytest.raises(Cancelled, match="declined") as caught:
            await ui.prompt(prompt)
        assert not caught.value.silent
        assert ui.hub is not None  # the transaction's page stays for its outcome
        await ui.on_error(caught.value)

    await run_with(person, transaction)
    final = person.views[-1]
    assert (final["view"], final["message"]) == ("error", "declined on the page")
    assert ui.hub is None


async def test_a_page_nobody_opens_times_out_after_showing_its_address(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(webbrowser, "open", lambda url: False)  # no browser on this machine
    ui = WebUI(open_timeout=0.5)
    prompt = PromptArgs(title="Approve", elements=(PromptElement(type="accept"),))
    with anyio.fail_after(10), pytest.raises(WaitTimeout, match="nobody opened the page"):
        await ui.prompt(prompt)
    printed = capsys.readouterr().err
    address = r"http://127\.0\.0\.1:\d+/[\w-]{32}/"
    assert re.fullmatch(rf"Open this page to continue: {address}\n", printed)
    assert ui.hub is None
    assert ui._listener is None
