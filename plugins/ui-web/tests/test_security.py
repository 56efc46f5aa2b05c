"""The page's server refuses whoever lacks the token, and sends a strict CSP (no browser)."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import anyio
import httpx
import pytest
from sessionkit.errors import ConfigurationError
from sessionkit.ui import PromptArgs, PromptElement
from sessionkit_ui_web import CONTENT_SECURITY_POLICY, WebUI

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.anyio

PROMPT = PromptArgs(title="Approve", elements=(PromptElement(type="accept"),))


@asynccontextmanager
async def showing(ui: WebUI) -> AsyncIterator[str]:
    """A prompt waiting on the page; yields the page's URL (as the opener received it)."""
    urls: list[str] = []
    opened = anyio.Event()

    def opener(url: str) -> None:
        urls.append(url)
        opened.set()

    ui._opener = opener
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(ui.prompt, PROMPT)
        with anyio.fail_after(10):
            await opened.wait()
        yield urls[0]
        tasks.cancel_scope.cancel()


async def test_every_request_without_the_token_is_refused() -> None:
    ui = WebUI(open_timeout=30)
    async with showing(ui) as url, httpx.AsyncClient() as http:
        base, token = url.rstrip("/").rsplit("/", 1)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base)
        assert len(token) >= 32
        page = await http.get(url)
        assert page.status_code == 200
        near_miss = token[:-1] + ("x" if token[-1] != "x" else "y")
        for path in ("/", "/app.js", "/events", "/state", f"/{near_miss}/", "/x/app.js"):
            response = await http.get(base + path)
            assert response.status_code == 403, path
            assert "Approve" not in response.text
        refused = await http.post(f"{base}/nottoken/cancel", json={})
        assert refused.status_code == 403
        # Another Host (DNS rebinding) is refused even with the token.
        rebound = await http.get(url, headers={"host": f"evil.example:{base.rsplit(':', 1)[1]}"})
        assert rebound.status_code == 403
        # A cross-origin answer is refused.
        foreign = await http.post(
            url + "cancel", json={}, headers={"origin": "http://evil.example"}
        )
        assert foreign.status_code == 403
        state = (await http.get(url + "state")).json()
        assert state["view"] == "prompt"
        assert state["prompt"]["title"] == "Approve"
    assert ui.hub is None
    assert ui._listener is None


async def test_the_page_has_a_strict_csp_and_no_inline_script() -> None:
    ui = WebUI(open_timeout=30)
    async with showing(ui) as url, httpx.AsyncClient() as http:
        page = await http.get(url)
        script = await http.get(url + "app.js")
    csp = page.headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert re.findall(r"<script\b[^>]*>", page.text) == ['<script src="app.js" defer>']
    assert not re.search(r"\son\w+\s*=", page.text)  # no inline event handlers either
    assert script.headers["content-type"].startswith("text/javascript")
    assert "innerHTML" not in script.text
    assert "eval(" not in script.text


async def test_a_lone_prompt_cancelled_by_its_caller_leaves_no_server() -> None:
    ui = WebUI(open_timeout=30)
    async with showing(ui) as url:
        pass
    assert ui.hub is None
    async with httpx.AsyncClient() as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(url)


def test_only_loopback_is_served() -> None:
    for host in ("0.0.0.0", "192.168.1.10", "example.com", "::"):
        with pytest.raises(ConfigurationError, match="loopback"):
            WebUI(host=host)
    WebUI(host="::1")
    WebUI(host="localhost")


def test_wrong_options_say_what_to_give() -> None:
    with pytest.raises(ConfigurationError, match="port"):
        WebUI(port=70000)
    with pytest.raises(ConfigurationError, match="close_grace"):
        WebUI(close_grace=-1)
    with pytest.raises(ConfigurationError, match="opener"):
        WebUI(mount_url="/wallet")
    with pytest.raises(ConfigurationError, match="mount_url"):
        WebUI(mount_url="wallet", opener=print)
