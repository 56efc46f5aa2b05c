"""The README's browser example, run as written, with chromium clicking for the person."""

from __future__ import annotations

import re
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import anyio.from_thread
import anyio.lowlevel
import pytest

if TYPE_CHECKING:
    from conftest import PageDriver

README = Path(__file__).parents[1] / "README.md"

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]


def browser_example() -> str:
    """The README's ```python notest block that opens the browser."""
    blocks = re.findall(r"```python notest\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    (block,) = [b for b in blocks if "WebUI()" in b]
    return block


async def test_the_readme_browser_example_runs(
    devnet: Any, driver: PageDriver, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DEVNET_URL", devnet.url)
    monkeypatch.setenv("DEVNET_CHAIN_ID", str(devnet.chain_id))
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", devnet.accounts["alice"].private_key.to_string())
    monkeypatch.setenv("SESSIONKIT_HOME", str(tmp_path))
    token = anyio.lowlevel.current_token()

    def system_browser(url: str) -> bool:  # what webbrowser.open does: here, our chromium
        anyio.from_thread.run_sync(driver.opener, url, token=token)
        return True

    monkeypatch.setattr(webbrowser, "open", system_browser)
    printed: list[str] = []
    namespace: dict[str, Any] = {"print": lambda *a: printed.append(" ".join(map(str, a)))}
    code = compile(browser_example(), str(README), "exec")

    async def person() -> None:
        await driver.choose("permission", "alice@active")

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(person)
        with anyio.fail_after(60):
            await anyio.to_thread.run_sync(exec, code, namespace)  # its own anyio.run
        tasks.cancel_scope.cancel()
    (line,) = printed
    assert re.fullmatch(r"alice@active sent [0-9a-f]{64}", line), line
    assert len(driver.urls) == 1  # the transfer needed nobody: no second page
