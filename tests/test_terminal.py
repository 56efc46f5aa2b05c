"""The console interface and the ``sessionkit`` command in a real pseudo-terminal (pexpect).

A person's keys are typed after the screen shows what they answer: menus are chosen by number,
``b`` goes back, Escape and Ctrl-C cancel. Each run must end by itself with the exit code the
command documents, leaving no process behind.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import anyio
import pexpect
import pytest
from sessionkit.chain import APIClient
from sessionkit.errors import ChainConnectionError

if TYPE_CHECKING:
    from sessionkit.devnet import Devnet

SCRIPT = Path(__file__).parent / "scripts" / "console_login.py"
CANCELLED = 130


def environment(tmp_path: Path, devnet: Devnet | None, term: str = "dumb") -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SESSIONKIT_")}
    env = {
        **clean,
        "TERM": term,
        "SESSIONKIT_HOME": str(tmp_path / "home"),
        "SESSIONKIT_DEVNET_STATE_DIR": str(tmp_path / "no-devnet"),
    }
    if devnet is not None:
        env.update(
            {
                "DEVNET_URL": devnet.url,
                "DEVNET_CHAIN_ID": str(devnet.chain_id),
                "SESSIONKIT_CHAIN": str(devnet.chain_id),
                "SESSIONKIT_CHAIN_URL": devnet.url,
                "SESSIONKIT_PRIVATE_KEY": devnet.accounts["alice"].private_key.to_string(),
                "SESSIONKIT_WALLET": "privatekey",
            }
        )
    return env


def spawn(program: str, args: list[str], env: dict[str, str], timeout: float = 60) -> pexpect.spawn:
    return pexpect.spawn(
        program, args, env=env, encoding="utf-8", timeout=timeout, dimensions=(60, 140)
    )


def sessionkit(args: list[str], env: dict[str, str], timeout: float = 60) -> pexpect.spawn:
    return spawn(sys.executable, ["-m", "sessionkit.cli", *args], env, timeout)


def finished(child: pexpect.spawn, timeout: float = 60) -> int:
    child.expect(pexpect.EOF, timeout=timeout)
    child.close()
    assert not child.isalive()
    return int(child.exitstatus if child.exitstatus is not None else -(child.signalstatus or 0))


def number_of(child: pexpect.spawn, label: str) -> str:
    """The menu number shown in front of ``label`` (the menu has just been drawn)."""
    child.expect(r"(?:type|press) (?:a )?number")
    found = re.search(rf"\[(\d+)\] {re.escape(label)}", child.before)
    assert found, f"{label!r} is not in the menu:\n{child.before}"
    return found.group(1)


async def balance(devnet: Devnet, account: str) -> str:
    async with APIClient(devnet.url) as client:
        return str((await client.get_currency_balance("eosio.token", account, "SYS"))[0])


@pytest.mark.devnet
def test_choosing_wallet_chain_and_account_by_keys_with_back_navigation(
    tmp_path: Path, devnet: Devnet
) -> None:
    child = spawn(sys.executable, [str(SCRIPT)], environment(tmp_path, devnet))
    child.expect("Select a wallet")
    child.send(number_of(child, "Key wallet (tests)"))
    child.expect("Select a blockchain")
    child.send("b")  # back: the wallet is asked again
    child.expect("Select a wallet")
    child.send(number_of(child, "Private Key Signer"))
    child.expect("Select a blockchain")
    child.send(number_of(child, "Devnet"))
    child.expect("Select an account")
    child.send(number_of(child, "alice@active"))
    child.expect("LOGGED IN alice@active on Devnet")
    child.expect("y accept")
    child.expect(r"Answer within \d+d \d+:\d\d:\d\d")
    child.send("y")
    child.expect(r"SENT [0-9a-f]{64}")
    assert finished(child) == 0


@pytest.mark.devnet
def test_escape_during_a_prompt_cancels_the_transaction(tmp_path: Path, devnet: Devnet) -> None:
    before = anyio.run(balance, devnet, "bob")
    child = spawn(sys.executable, [str(SCRIPT)], environment(tmp_path, devnet))
    child.expect("Select a wallet")
    child.send(number_of(child, "Private Key Signer"))
    child.expect("Select a blockchain")
    child.send(number_of(child, "Devnet"))
    child.expect("Select an account")
    child.send("\r")  # Enter takes the first: alice@active
    child.expect("y accept")
    child.send("\x1b")
    child.expect("CANCELLED silent=True")
    assert finished(child) == CANCELLED
    assert anyio.run(balance, devnet, "bob") == before


@pytest.mark.devnet
def test_the_command_in_a_terminal(tmp_path: Path, devnet: Devnet) -> None:
    env = environment(tmp_path, devnet)
    login = sessionkit(["login"], env)
    login.expect("Select an account")
    login.send("b")
    login.expect("Nothing to go back to")
    login.send(number_of(login, "alice@active"))
    login.expect("Logged in as alice@active")
    assert finished(login) == 0

    before = anyio.run(balance, devnet, "bob")
    confirm = sessionkit(["transact", "--confirm", "--transfer", "bob", "0.0001 SYS"], env)
    confirm.expect("Sign this transaction?")
    confirm.expect('"quantity": "0.0001 SYS"')
    confirm.expect("y accept")
    confirm.send("\x03")  # Ctrl-C
    confirm.expect("Cancelled")
    assert finished(confirm) == CANCELLED
    assert anyio.run(balance, devnet, "bob") == before

    accept = sessionkit(["transact", "--confirm", "--transfer", "bob", "0.0001 SYS"], env)
    accept.expect("y accept")
    accept.send("y")
    accept.expect(r"Transaction [0-9a-f]{64} broadcast by alice@active")
    assert finished(accept) == 0
    assert anyio.run(balance, devnet, "bob") != before

    sessions = sessionkit(["sessions"], env)
    sessions.expect(r"\*.*alice@active.*wallet-plugin-privatekey")
    assert finished(sessions) == 0
    logout = sessionkit(["logout"], env)
    logout.expect("Logged out alice@active")
    assert finished(logout) == 0


@pytest.mark.devnet
def test_the_demo_in_a_terminal(tmp_path: Path) -> None:
    script = shutil.which("sessionkit", path=str(Path(sys.executable).parent))
    assert script is not None, "the sessionkit console script is not installed"
    demo = spawn(script, ["demo"], environment(tmp_path, None, term="xterm-256color"), 180)
    demo.expect("Start a local Antelope devnet")
    demo.expect(r"Devnet ready at (http://127\.0\.0\.1:\d+)", timeout=180)
    url = demo.match.group(1)
    demo.expect("Select an account")
    demo.expect("alice@active")
    demo.send("1")
    demo.expect("Logged in as ")
    demo.expect(r"transaction [0-9a-f]{64}")
    demo.expect("Restore the session in a fresh kit")
    demo.expect(r"transaction [0-9a-f]{64}")
    demo.expect(r"alice: 9998\.0000 SYS")
    demo.expect("stored sessions left: 0")
    demo.expect("nothing left behind")
    assert finished(demo) == 0

    async def gone() -> None:
        async with APIClient(url, timeout=2) as client:
            await client.get_info()

    with pytest.raises(ChainConnectionError):
        anyio.run(gone)


def drawn_qr(screen: str) -> list[list[bool]]:
    """The modules (True = dark) of the first QR code drawn on ``screen``."""
    from sessionkit_ui_console import BORDER

    halves = {"\u2588": (True, True), "\u2580": (True, False), "\u2584": (False, True)}
    lines = [line.rstrip("\r") for line in screen.split("\n")]
    start = next(i for i, line in enumerate(lines) if line and set(line) <= {*halves, " "})
    block = []
    for line in lines[start:]:
        if not line or not set(line) <= {*halves, " "}:
            break
        block.append(line)
    rows: list[list[bool]] = []
    for line in block:
        rows.append([halves.get(ch, (False, False))[0] for ch in line])
        rows.append([halves.get(ch, (False, False))[1] for ch in line])
    size = len(block[0]) - 2 * BORDER
    return [[not light for light in row[BORDER : BORDER + size]] for row in rows[BORDER:][:size]]


@pytest.mark.devnet
def test_an_anchor_login_read_from_the_screen_through_the_local_relay(
    tmp_path: Path, devnet: Devnet
) -> None:
    from sessionkit.esr import SigningRequest
    from sessionkit_ui_console import qr_matrix
    from sessionkit_wallet_anchor.testing import LocalRelay, SimulatedAnchor

    alice = devnet.accounts["alice"]
    with LocalRelay() as relay, anyio.from_thread.start_blocking_portal() as portal:
        env = {
            **environment(tmp_path, devnet),
            "SESSIONKIT_WALLET": "anchor",
            "SESSIONKIT_ANCHOR_BUOY_URL": relay.url,
        }
        login = sessionkit(["login"], env)
        login.expect(r"(esr:[A-Za-z0-9_\-]+)")
        link = login.match.group(1)  # the same-device variant of the login request
        scanned = SigningRequest.from_uri(link)
        scanned.remove_info_key("same_device")
        uri = scanned.encode(slashes=False)
        # the QR code drawn is that request, module for module: what a phone would read
        assert drawn_qr(login.before) == qr_matrix(uri)
        anchor = SimulatedAnchor(
            relay_url=relay.url, node_url=devnet.url, key=alice.private_key, account="alice@active"
        )
        with portal.wrap_async_context_manager(anchor):
            portal.call(anchor.scan, uri)
            login.expect("Logged in as alice@active")
            assert finished(login) == 0

            before = anyio.run(balance, devnet, "bob")
            # A session restored in another process shows its transaction as a QR code too.
            sent = sessionkit(["transact", "--transfer", "bob", "0.0001 SYS"], env)
            sent.expect(r"(esr:[A-Za-z0-9_\-]+)")
            portal.call(anchor.scan, sent.match.group(1))
            sent.expect(r"Transaction [0-9a-f]{64} broadcast by alice@active")
            assert finished(sent) == 0
            assert anyio.run(balance, devnet, "bob") != before


@pytest.mark.devnet
def test_ctrl_c_during_the_demo_stops_its_devnet(tmp_path: Path) -> None:
    demo = sessionkit(["demo"], environment(tmp_path, None), timeout=180)
    demo.expect(r"Devnet ready at (http://127\.0\.0\.1:\d+)", timeout=180)
    url = demo.match.group(1)
    demo.expect("Select an account")
    demo.send("\x03")
    demo.expect("Cancelled")
    assert finished(demo, timeout=60) == CANCELLED

    async def gone() -> None:
        async with APIClient(url, timeout=2) as client:
            await client.get_info()

    with pytest.raises(ChainConnectionError):
        anyio.run(gone)


@pytest.mark.devnet
def test_the_simulated_anchor_demo_in_a_terminal_scans_the_qr_codes_drawn(tmp_path: Path) -> None:
    env = environment(tmp_path, None, term="xterm-256color")
    demo = sessionkit(["demo", "--wallet", "anchor", "--simulate"], env, timeout=180)
    demo.expect(r"Devnet ready at (http://127\.0\.0\.1:\d+)", timeout=180)
    url = demo.match.group(1)
    demo.expect(r"(esr:[A-Za-z0-9_\-]+)")  # the login request, drawn as a QR code beside it
    assert drawn_qr(demo.before)
    demo.expect("the simulated Anchor scans the QR code")
    demo.expect("Logged in as ")
    demo.expect(r"transaction [0-9a-f]{64}")
    demo.expect("Restore the session in a fresh kit")
    demo.expect("the simulated Anchor scans the QR code")
    demo.expect(r"transaction [0-9a-f]{64}")
    demo.expect("nothing left behind")
    assert finished(demo) == 0

    async def gone() -> None:
        async with APIClient(url, timeout=2) as client:
            await client.get_info()

    with pytest.raises(ChainConnectionError):
        anyio.run(gone)
