"""``sessionkit demo`` run to the end as CI runs it: piped, asking nothing, on its own devnet.

Each run starts its own node (as a person's would) and must stop it: the URL it printed stops
answering once the command returns.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import anyio
import pytest
from click.testing import CliRunner
from sessionkit.chain import APIClient
from sessionkit.cli import EXIT_OK, EXIT_USAGE, make_cli
from sessionkit.errors import ChainConnectionError, ConfigurationError

if TYPE_CHECKING:
    from pathlib import Path

STEPS = (
    "1. Start a local Antelope devnet",
    "2. Create a SessionKit",
    "3. Log in",
    "4. Balances",
    "5. Transfer 1.0000 SYS from alice to bob",
    "6. Restore the session in a fresh kit, from storage",
    "7. Transfer 1.0000 SYS again with the restored session",
    "8. Balances",
    "9. Log out",
    "10. Stop the devnet",
    "Done: node stopped, nothing left behind.",
)


def demo_environment(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SESSIONKIT_")}
    return {
        **clean,
        "SESSIONKIT_HOME": str(tmp_path / "home"),
        "SESSIONKIT_DEVNET_STATE_DIR": str(tmp_path / "no-devnet"),
        "NO_COLOR": "1",
    }


def assert_told_the_story(printed: str) -> str:
    """Check the steps came in order; return the devnet's URL."""
    at = 0
    for step in STEPS:
        found = printed.find(step, at)
        assert found >= 0, f"{step!r} missing (or out of order) in:\n{printed}"
        at = found + len(step)
    assert len(re.findall(r"transaction [0-9a-f]{64}", printed)) == 2, printed
    assert re.search(r"after +alice: 9998\.0000 SYS", printed), printed
    assert "stored sessions left: 0" in printed
    url = re.search(r"Devnet ready at (http://127\.0\.0\.1:\d+)", printed)
    assert url, printed
    return url.group(1)


def assert_stopped(url: str) -> None:
    async def ask() -> None:
        async with APIClient(url, timeout=2) as client:
            await client.get_info()

    with pytest.raises(ChainConnectionError):
        anyio.run(ask)


@pytest.mark.devnet
def test_the_anchor_demo_runs_offline_with_a_simulated_phone(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sessionkit.cli", "demo", "--wallet", "anchor", "--simulate"],
        capture_output=True,
        text=True,
        timeout=240,
        env=demo_environment(tmp_path),
        stdin=subprocess.DEVNULL,
        check=False,
    )
    printed = done.stdout + done.stderr
    assert done.returncode == EXIT_OK, printed
    url = assert_told_the_story(printed)
    assert "Logged in as alice@active" in printed
    assert "Local relay at http://127.0.0.1:" in printed
    # the phone scanned the login's QR code and the restored session's transaction's one
    assert printed.count("the simulated Anchor scans the QR code") == 2, printed
    assert "restored <Session alice@active" in printed
    assert "with 'anchor'>" in printed
    assert_stopped(url)


def test_simulate_goes_with_the_anchor_wallet() -> None:
    shown = CliRunner().invoke(make_cli(discover=False), ["demo", "--simulate"])
    assert shown.exit_code == EXIT_USAGE
    assert "--simulate goes with --wallet anchor" in shown.output


@pytest.mark.devnet
def test_the_web_demo_logs_in_on_the_page_it_prints(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "chromium is not installed (apt-get install chromium)"
    # $BROWSER is how a person picks their browser: 'true' opens nothing, this test does
    env = {**demo_environment(tmp_path), "BROWSER": "true", "PYTHONUNBUFFERED": "1"}
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    printed: list[str] = []
    with subprocess.Popen(
        [sys.executable, "-m", "sessionkit.cli", "demo", "--ui", "web"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as demo:
        try:
            assert demo.stdout is not None
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, headless=True)
                page = browser.new_page()
                for line in demo.stdout:
                    printed.append(line)
                    opened = re.search(r"Open (http://127\.0\.0\.1:\d+/\S+) in your browser", line)
                    if opened:  # a person clicks their account on the page
                        page.goto(opened.group(1))
                        page.click(
                            '#view button[data-kind="permission"][data-value="alice@active"]'
                        )
                    if "Logged in as" in line:
                        break
                browser.close()
            printed.append(demo.stdout.read())
            assert demo.wait(timeout=120) == EXIT_OK, "".join(printed)
        finally:
            if demo.poll() is None:
                demo.kill()
    story = "".join(printed)
    assert "ui 'web'" in story
    assert "Logged in as alice@active" in story
    assert_stopped(assert_told_the_story(story))


def test_a_missing_plugin_names_the_distribution_to_install() -> None:
    from sessionkit._cli_demo import _plugin_module

    with pytest.raises(ConfigurationError, match=r"sessionkit-wallet-nothing.*pip install"):
        _plugin_module("sessionkit_wallet_nothing", "sessionkit-wallet-nothing", "--simulate")
