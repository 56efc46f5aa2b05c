"""`ConsoleUI` passes the kit's user interface contract, driven through a real pseudo-terminal.

The driver acts as a person at the keyboard: it waits until the menu or prompt is drawn,
reads which number the wanted option has, and types keys.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from sessionkit.testing.contracts.ui import UserInterfaceContract
from sessionkit_ui_console import ConsoleUI

if TYPE_CHECKING:
    from terminal import PseudoTerminal

_TITLES = {
    "wallet": "Select a wallet",
    "chain": "Select a blockchain",
    "permission": "Select an account",
}


class TerminalDriver:
    """Types into the pseudo-terminal what a person would."""

    def __init__(self, terminal: PseudoTerminal) -> None:
        self.terminal = terminal

    async def choose(self, kind: str, value: str) -> None:
        await self.terminal.wait_for(re.escape(_TITLES[kind]))
        menu = await self.terminal.wait_for(r"(?s).*?(?=\n  (?:press|type) )")
        wanted = value[:12] if kind == "chain" else value
        for line in menu.group(0).splitlines():
            found = re.search(r"\[(\d+)\] (.*)", line)
            if found and wanted in found.group(2):
                self.terminal.type(found.group(1))
                return
        raise AssertionError(f"{value!r} is not in the menu:\n{menu.group(0)}")

    async def respond(self, action: str) -> None:
        await self.terminal.wait_for(r"y accept · n decline")
        self.terminal.type({"accept": "y", "decline": "n"}[action])


class TestConsoleUIContract(UserInterfaceContract):
    @pytest.fixture
    def ui(self, terminal: PseudoTerminal) -> ConsoleUI:
        return ConsoleUI(input=terminal.slave, output=terminal.output)

    @pytest.fixture
    def ui_driver(self, terminal: PseudoTerminal) -> TerminalDriver:
        return TerminalDriver(terminal)

    def test_the_terminal_is_a_real_one(self, ui: ConsoleUI) -> None:
        assert ui.interactive
