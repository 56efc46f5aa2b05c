"""The page in a real (headless) chromium: escaping, every prompt element, phone size, dark
scheme, translations, and the ways a person ends an operation (Cancel, closing the tab)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import pytest
from sessionkit import ChainDefinition, SessionKit
from sessionkit.antelope import PrivateKey
from sessionkit.errors import Cancelled
from sessionkit.storage import MemoryStorage
from sessionkit.testing.doubles import KeyWallet
from sessionkit.ui import PromptArgs, PromptElement, PromptResponse
from sessionkit_ui_web import WebUI

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import Browser, PageDriver

pytestmark = pytest.mark.anyio


#: Set to a directory to keep the screenshots (the README's come from here).
SCREENSHOTS = os.environ.get("SESSIONKIT_WEB_SCREENSHOTS")


async def wait_for_view(driver: PageDriver, view: str) -> None:
    page = await driver.show()
    await driver.browser.run(lambda: page.wait_for_selector(f'#view[data-view="{view}"]'))


def evaluate(driver: PageDriver, script: str) -> Callable[[], Any]:
    return lambda: driver.page.evaluate(script)


async def test_wallet_and_chain_strings_are_shown_as_text_never_run(
    driver: PageDriver, act: Any, hostile: str
) -> None:
    ui = WebUI(opener=driver.opener)
    seen: dict[str, Any] = {}

    async def person() -> None:
        await wait_for_view(driver, "prompt")
        run = driver.browser.run
        seen["text"] = await run(lambda: driver.page.inner_text("#view"))
        seen["subtitle"] = await run(lambda: driver.page.inner_text("#subtitle"))
        seen["injected"] = await run(
            evaluate(driver, "document.querySelectorAll('#view img, #view script').length")
        )
        seen["title"] = await run(evaluate(driver, "document.title"))
        seen["js_links"] = await run(
            evaluate(driver, "document.querySelectorAll('a[href^=\"javascript\"]').length")
        )
        seen["textarea"] = await run(lambda: driver.page.input_value("textarea"))
        await driver.respond("accept")

    ui.status(hostile)
    prompt = PromptArgs(
        title=f"Sign with {hostile}",
        body=f"Device {hostile}",
        elements=(
            PromptElement(type="asset", data={"label": hostile, "value": "1.0000 SYS"}),
            PromptElement(type="textarea", data={"content": f"memo: {hostile}"}),
            PromptElement(type="link", data={"href": "javascript:alert(1)", "label": "Open"}),
            PromptElement(type="accept"),
        ),
    )
    assert await act(person, lambda: ui.prompt(prompt)) == PromptResponse()
    assert seen["text"].count(hostile) == 3  # title, body, asset label: as typed
    assert seen["textarea"] == f"memo: {hostile}"
    assert seen["injected"] == 0
    assert seen["js_links"] == 0
    assert seen["title"] != "pwned"


async def test_every_element_on_a_phone_in_both_schemes(
    browser: Browser, driver: PageDriver, tmp_path: Path, act: Any
) -> None:
    phone = browser.new_page(
        viewport={"width": 390, "height": 844},
        color_scheme="dark",
        permissions=["clipboard-read", "clipboard-write"],
    )
    person_at = type(driver)(browser, phone)
    ui = WebUI(opener=person_at.opener)
    clicks: list[str] = []
    seen: dict[str, Any] = {}
    shots = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path

    clicked_event = anyio.Event()

    async def clicked() -> None:
        clicks.append("sign manually")
        clicked_event.set()

    async def person() -> None:
        await wait_for_view(person_at, "prompt")
        run = browser.run
        seen["overflow"] = await run(
            lambda: phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        )
        seen["qr"] = await run(lambda: phone.locator("#view svg").bounding_box())
        seen["dark"] = await run(
            lambda: phone.evaluate("getComputedStyle(document.body).backgroundColor")
        )
        seen["first"] = await run(lambda: phone.inner_text(".remaining"))
        first_read = anyio.current_time()
        await run(lambda: phone.screenshot(path=str(shots / "prompt-phone-dark.png")))
        await run(lambda: phone.emulate_media(color_scheme="light"))
        seen["light"] = await run(
            lambda: phone.evaluate("getComputedStyle(document.body).backgroundColor")
        )
        await run(lambda: phone.screenshot(path=str(shots / "prompt-phone-light.png")))
        await person_at.click('[data-action="expand"]')
        seen["expanded"] = await run(lambda: phone.locator("figure.qr.expanded svg").bounding_box())
        await person_at.click('[data-action="copy"]')
        await run(lambda: phone.wait_for_selector('[data-action="copy"]:text("Copied")'))
        seen["copied"] = await run(lambda: phone.evaluate("navigator.clipboard.readText()"))
        await anyio.sleep(max(0.0, first_read + 1.2 - anyio.current_time()))
        seen["later"] = await run(lambda: phone.inner_text(".remaining"))
        await person_at.respond("button")
        with anyio.fail_after(10):
            await clicked_event.wait()
        await person_at.respond("close")

    end = (datetime.now(UTC) + timedelta(seconds=95)).isoformat()
    prompt = PromptArgs(
        title="Complete using your wallet",
        body="Scan the QR code or open the link on this device.",
        elements=(
            PromptElement(type="qr", data="esr:gmNgZGBY1mTC_MoglIGBIVzX5uxZRqAQGMBoAA"),
            PromptElement(type="link", data={"href": "esr:gmNgZGBY1mTC", "label": "Open wallet"}),
            PromptElement(type="countdown", data={"label": "Waiting for the wallet", "end": end}),
            PromptElement(type="asset", data={"label": "Fee", "value": "0.0100 SYS"}),
            PromptElement(type="textarea", data={"content": "transfer 1.0000 SYS to bob"}),
            PromptElement(type="button", data={"label": "Sign manually", "on_click": clicked}),
            PromptElement(type="close", label="Done"),
        ),
    )
    try:
        answer = await act(person, lambda: ui.prompt(prompt))
    finally:
        browser.close_page(phone)
    assert answer == PromptResponse(accepted=True)
    assert clicks == ["sign manually"]
    assert seen["overflow"] <= 0, "the page scrolls sideways on a phone"
    qr = seen["qr"]
    assert qr is not None
    assert qr["width"] >= 150
    assert qr["x"] >= 0
    assert qr["x"] + qr["width"] <= 390
    assert seen["dark"] == "rgb(15, 18, 23)"
    assert seen["light"] == "rgb(238, 241, 245)"
    assert re.fullmatch(r"01:3\d", seen["first"]), seen["first"]
    assert seen["later"] != seen["first"], "the countdown does not tick"
    assert seen["expanded"]["width"] > qr["width"]
    assert seen["copied"] == "esr:gmNgZGBY1mTC_MoglIGBIVzX5uxZRqAQGMBoAA"
    for name in ("prompt-phone-dark.png", "prompt-phone-light.png"):
        assert (shots / name).stat().st_size > 5000


def two_wallet_kit(ui: WebUI) -> SessionKit:
    key = PrivateKey.generate()

    class FirstWallet(KeyWallet):
        id = "first-wallet"

    class SecondWallet(KeyWallet):
        id = "second-wallet"

    chains = [ChainDefinition("01" * 32, "http://127.0.0.1:9", name="Chain One")]
    return SessionKit(
        "cancel test",
        chains,
        ui=ui,
        wallet_plugins=[FirstWallet(key), SecondWallet(key)],
        storage=MemoryStorage(),
        discover=False,
    )


async def test_the_cancel_button_cancels_the_kits_login_in_the_pages_language(
    driver: PageDriver, act: Any
) -> None:
    ui = WebUI(opener=driver.opener, language="fr")
    ui.add_translations(
        {
            "fr": {
                "login": {"title": "Connexion", "select": {"wallet": "Choisissez un portefeuille"}}
            }
        }
    )
    seen: dict[str, str] = {}

    async def person() -> None:
        await wait_for_view(driver, "choose")
        seen["title"] = await driver.browser.run(lambda: driver.page.inner_text("#title"))
        seen["heading"] = await driver.browser.run(lambda: driver.page.inner_text("#view h2"))
        seen["lang"] = await driver.browser.run(evaluate(driver, "document.documentElement.lang"))
        await driver.click("#cancel")

    async with two_wallet_kit(ui) as kit:
        with pytest.raises(Cancelled) as caught:
            await act(person, kit.login)
    assert caught.value.silent
    assert seen == {"title": "Connexion", "heading": "Choisissez un portefeuille", "lang": "fr"}
    assert ui.hub is None
    assert ui._listener is None


async def test_closing_the_tab_cancels_and_leaves_nothing_running(
    driver: PageDriver, act: Any
) -> None:
    ui = WebUI(opener=driver.opener, close_grace=1.0)
    before = len(anyio.get_running_tasks())

    async def person() -> None:
        await wait_for_view(driver, "prompt")
        await driver.browser.run(driver.page.close)

    prompt = PromptArgs(title="Approve", elements=(PromptElement(type="accept"),))
    started = anyio.current_time()
    with pytest.raises(Cancelled) as caught:
        await act(person, lambda: ui.prompt(prompt))
    assert caught.value.silent
    assert "closed" in str(caught.value)
    assert anyio.current_time() - started < 15
    await anyio.sleep(0.2)
    assert len(anyio.get_running_tasks()) <= before
    assert ui.hub is None
    assert ui._listener is None
