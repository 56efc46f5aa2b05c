"""Anchor through the page on the devnet: a real local relay, a simulated Anchor, the real kit.

The person reads the login request off the page (the "Launch Anchor" link's ``esr:`` href)
and hands it to the simulated Anchor, which signs with alice's devnet key; a transfer then
reaches Anchor sealed over its own channel and is accepted by the chain. A refusal in Anchor
is shown on the page while the kit raises `WalletRejected`.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import pytest
from sessionkit import ChainDefinition, SessionKit
from sessionkit.chain import APIClient
from sessionkit.errors import WalletRejected
from sessionkit.esr import SigningRequest
from sessionkit.storage import MemoryStorage
from sessionkit_ui_web import WebUI
from sessionkit_wallet_anchor import AnchorWallet
from sessionkit_wallet_anchor.testing import LocalRelay, SimulatedAnchor

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

    from sessionkit import Session
    from sessionkit_wallet_anchor.testing import Behaviour

    from conftest import PageDriver

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]

SCREENSHOTS = os.environ.get("SESSIONKIT_WEB_SCREENSHOTS")
PROMPT = '#view[data-view="prompt"]'
ERROR = '#view[data-view="error"]'


@pytest.fixture(scope="module")
def relay() -> Iterator[LocalRelay]:
    """A buoy-compatible relay on loopback, in a thread of its own (works under both loops)."""
    with LocalRelay() as running:
        yield running


@pytest.fixture
async def anchor(devnet: Any, relay: LocalRelay) -> AsyncIterator[SimulatedAnchor]:
    """Anchor holding alice's devnet key, listening on its own channel of the relay."""
    async with SimulatedAnchor(
        relay_url=relay.url, node_url=devnet.url, key=devnet.accounts["alice"].private_key
    ) as simulated:
        yield simulated


def _kit(devnet: Any, relay: LocalRelay, ui: WebUI) -> SessionKit:
    return SessionKit(
        "webanchor",
        [ChainDefinition(devnet.chain_id, devnet.url, name="SessionKit devnet")],
        ui=ui,
        wallet_plugins=[AnchorWallet(buoy_url=relay.url)],
        storage=MemoryStorage(),
        discover=False,
    )


def _transfer(memo: str) -> dict[str, Any]:
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": "alice", "permission": "active"}],
        "data": {"from": "alice", "to": "bob", "quantity": "0.0100 SYS", "memo": memo},
    }


async def _balance(devnet: Any, account: str) -> int:
    async with APIClient(devnet.url) as client:
        return (await client.get_currency_balance("eosio.token", account, "SYS"))[0].units


def _scans_the_page(
    driver: PageDriver, anchor: SimulatedAnchor, seen: dict[str, Any], shot: Path | None = None
) -> Callable[[], Awaitable[None]]:
    """The person: waits for Anchor's prompt on the page, reads the request from its link and
    gives it to Anchor (as a phone would get it), then waits like a person does."""

    async def person() -> None:
        page = await driver.show()
        run = driver.browser.run
        link = f'{PROMPT} a[data-element="link"]'
        await run(lambda: page.wait_for_selector(link))
        seen["title"] = await run(lambda: page.inner_text(f"{PROMPT} h2"))
        seen["qr"] = await run(lambda: page.locator(f'{PROMPT} [data-element="qr"] svg').count())
        seen["countdown"] = await run(lambda: page.inner_text(f"{PROMPT} .remaining"))
        seen["href"] = await run(lambda: page.get_attribute(link, "href"))
        seen["html"] = await run(page.content)
        if shot is not None:
            await run(lambda: page.screenshot(path=str(shot)))
        seen["answer"] = await anchor.scan(seen["href"])
        await anyio.sleep_forever()

    return person


def _answers_after_the_page(
    driver: PageDriver, anchor: SimulatedAnchor, behaviour: Behaviour, seen: dict[str, Any]
) -> Callable[[], Awaitable[None]]:
    """The person during a transaction: Anchor stays silent until the page shows its prompt,
    then answers (``behaviour``) the sealed request that reached it over its channel."""
    anchor.behaviour = "silent"
    asked = len(anchor.requests)

    async def person() -> None:
        page = await driver.show(new=True)
        run = driver.browser.run
        await run(lambda: page.wait_for_selector(f"{PROMPT} .remaining"))
        seen["title"] = await run(lambda: page.inner_text(f"{PROMPT} h2"))
        seen["body"] = await run(lambda: page.inner_text(f"{PROMPT} .body"))
        seen["countdown"] = await run(lambda: page.inner_text(f"{PROMPT} .remaining"))
        seen["button"] = await run(lambda: page.locator(f'{PROMPT} [data-action="button"]').count())
        with anyio.fail_after(10):
            while len(anchor.requests) == asked:  # noqa: ASYNC110
                await anyio.sleep(0.02)
        sealed = anchor.requests[-1]
        seen["sealed"] = sealed
        anchor.behaviour = behaviour
        seen["answer"] = await anchor.scan(sealed.encode(slashes=False))
        await anyio.sleep_forever()

    return person


async def _login(
    kit: SessionKit,
    driver: PageDriver,
    anchor: SimulatedAnchor,
    act: Any,
    seen: dict[str, Any],
    shot: Path | None = None,
) -> Session:
    login = await act(_scans_the_page(driver, anchor, seen, shot), kit.login)
    return login.session  # type: ignore[no-any-return]


async def test_anchor_login_from_the_pages_request_then_a_transfer_over_its_channel(
    devnet: Any,
    relay: LocalRelay,
    anchor: SimulatedAnchor,
    driver: PageDriver,
    tmp_path: Path,
    act: Any,
) -> None:
    ui = WebUI(opener=driver.opener)
    shots = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    seen: dict[str, Any] = {}
    async with _kit(devnet, relay, ui) as kit:
        session = await _login(kit, driver, anchor, act, seen, shots / "anchor-login.png")
        assert ui.hub is None  # the login's page is over

        # The sealed request reaches Anchor over its channel; it answers once the person has
        # seen what the page asks (a silent Anchor first, so the page is never outrun).
        transact: dict[str, Any] = {}
        approves_in_anchor = _answers_after_the_page(driver, anchor, "sign", transact)
        before = await _balance(devnet, "bob")
        memo = uuid.uuid4().hex
        result = await act(approves_in_anchor, lambda: session.transact(action=_transfer(memo)))
        after = await _balance(devnet, "bob")

    # The login: the page showed Anchor's request, which Anchor answered for alice@active.
    assert seen["title"] == "Connect with Anchor"
    assert seen["qr"] == 1
    assert re.fullmatch(r"05:00|04:[0-5]\d", seen["countdown"]), seen["countdown"]
    request = SigningRequest.from_uri(seen["href"])
    assert request.is_identity
    assert request.get_raw_info_key("same_device") == b"\x01"
    assert request.callback.startswith(relay.url + "/")
    assert seen["answer"] is not None
    assert "rejected" not in seen["answer"]
    assert seen["answer"]["link_ch"] == anchor.channel
    assert str(session.permission_level) == "alice@active"
    assert session.chain.id == devnet.chain_id
    wallet = session.wallet_plugin
    assert isinstance(wallet, AnchorWallet)
    assert wallet.data["channelUrl"] == anchor.channel
    assert wallet.data["channelName"] == "Simulated Anchor"
    await relay.wait_for_listeners(0, request.callback)
    # The transfer: shown as Anchor's prompt, sent sealed over the channel, on chain.
    assert transact["title"] == "Complete using Anchor"
    assert "Simulated Anchor" in transact["body"]
    assert re.fullmatch(r"0[0-2]:[0-5]\d", transact["countdown"]), transact["countdown"]
    assert transact["button"] == 1  # "Sign manually or with another device"
    sealed = transact["sealed"]
    assert not sealed.is_identity
    assert sealed.flags == 2  # background only, as Anchor's channel requests are
    assert transact["answer"] is not None
    assert "rejected" not in transact["answer"]
    assert result.response is not None
    assert str(result.transaction_id) == str(result.response.transaction_id)
    assert after == before + 100
    assert len(driver.urls) == 2  # one page for the login, one for the transaction
    assert ui.hub is None
    assert ui._listener is None
    key = devnet.accounts["alice"].private_key
    assert key.to_string() not in seen["html"]
    assert key.to_wif() not in seen["html"]


@pytest.mark.parametrize("stage", ["login", "transact"])
async def test_a_refusal_in_anchor_shows_on_the_page_and_raises_wallet_rejected(
    devnet: Any,
    relay: LocalRelay,
    anchor: SimulatedAnchor,
    driver: PageDriver,
    act: Any,
    stage: str,
) -> None:
    ui = WebUI(opener=driver.opener)
    page = driver.page
    run = driver.browser.run
    seen: dict[str, Any] = {}
    async with _kit(devnet, relay, ui) as kit:
        if stage == "login":
            anchor.behaviour = "reject"
            with pytest.raises(WalletRejected) as refused:
                await _login(kit, driver, anchor, act, seen)
            assert seen["answer"] == {"rejected": refused.value.reason}
            assert await kit.get_sessions() == []
        else:
            session = await _login(kit, driver, anchor, act, seen)
            before = await _balance(devnet, "bob")

            refuses = _answers_after_the_page(driver, anchor, "reject", seen)
            with pytest.raises(WalletRejected) as refused:
                await act(refuses, lambda: session.transact(action=_transfer("refused")))
            assert seen["title"] == "Complete using Anchor"
            assert seen["answer"] == {"rejected": refused.value.reason}
            assert await _balance(devnet, "bob") == before
        await run(lambda: page.wait_for_selector(ERROR))
        title = await run(lambda: page.inner_text("#title"))
        shown = await run(lambda: page.inner_text(ERROR))
    assert refused.value.reason == "Request cancelled from within Anchor."
    assert title == "Error"
    assert str(refused.value) in shown
    assert await run(lambda: page.is_hidden("#cancel"))  # the operation is over
    assert ui.hub is None
    assert ui._listener is None
