"""Reading single keys from a terminal (or a pipe) without blocking the event loop.

`KeyReader` waits with ``anyio.wait_readable`` and reads what arrived, so a cancelled wait
leaves no thread or task behind. On a terminal, ``raw()`` turns off line buffering, echo and
the signal keys, so Ctrl-C arrives as a key (and cancels the prompt) instead of a signal.
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["KeyReader", "InputClosed"]

# How long a lone ESC waits for the rest of an escape sequence (an arrow key) before it counts
# as the Escape key itself.
_ESCAPE_WAIT = 0.05

_SEQUENCES = {
    "[A": "up",
    "[B": "down",
    "[C": "right",
    "[D": "left",
    "OA": "up",
    "OB": "down",
    "OC": "right",
    "OD": "left",
    "[H": "home",
    "[F": "end",
    "[3~": "delete",
}


class InputClosed(Exception):
    """The input ended (end of file): nobody can answer any more."""


class KeyReader:
    """Keys from the file descriptor ``fd``: ``await reader.key()`` returns one key's name.

    Names: a character that is not a control character as itself, ``"enter"``, ``"escape"``,
    ``"ctrl-c"``, ``"ctrl-d"``, ``"backspace"``, ``"tab"``, ``"up"``, ``"down"``, ``"left"``,
    ``"right"``, ``"home"``, ``"end"``, ``"delete"``; anything else as ``"unknown"``.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._pending = ""
        self._decoder_buffer = b""

    @property
    def is_terminal(self) -> bool:
        """True when the descriptor is a terminal (keys come one by one, raw mode applies)."""
        try:
            return os.isatty(self.fd)
        except OSError:
            return False

    @contextlib.contextmanager
    def raw(self) -> Iterator[None]:
        """Key-by-key input without echo or signal keys, restored on exit (terminals only)."""
        if not self.is_terminal:
            yield
            return
        import termios

        saved = termios.tcgetattr(self.fd)
        changed = termios.tcgetattr(self.fd)
        changed[3] &= ~(termios.ICANON | termios.ECHO | termios.ISIG | termios.IEXTEN)
        changed[0] &= ~(termios.ICRNL | termios.IXON)
        changed[6][termios.VMIN] = 1
        changed[6][termios.VTIME] = 0
        termios.tcsetattr(self.fd, termios.TCSANOW, changed)
        try:
            yield
        finally:
            termios.tcsetattr(self.fd, termios.TCSANOW, saved)

    async def _fill(self) -> None:
        await anyio.wait_readable(self.fd)
        chunk = os.read(self.fd, 1024)
        if not chunk:
            raise InputClosed("the input was closed")
        data = self._decoder_buffer + chunk
        try:
            self._pending += data.decode()
            self._decoder_buffer = b""
        except UnicodeDecodeError as exc:
            if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
                self._pending += data[: exc.start].decode()
                self._decoder_buffer = data[exc.start :]
            else:
                self._pending += data.decode(errors="replace")
                self._decoder_buffer = b""

    async def key(self) -> str:
        """The next key (waits for it; cancellable)."""
        while not self._pending:
            await self._fill()
        first = self._pending[0]
        if first == "\x1b":
            if len(self._pending) == 1:
                with anyio.move_on_after(_ESCAPE_WAIT), contextlib.suppress(InputClosed):
                    await self._fill()
            return self._escape()
        self._pending = self._pending[1:]
        if first in "\r\n":
            if first == "\r" and self._pending.startswith("\n"):
                self._pending = self._pending[1:]
            return "enter"
        named = {"\x03": "ctrl-c", "\x04": "ctrl-d", "\x7f": "backspace", "\x08": "backspace"}
        if first in named:
            return named[first]
        if first == "\t":
            return "tab"
        if unicodedata.category(first)[0] != "C":  # not a control: typed text (even U+00A0)
            return first
        return "unknown"

    def _escape(self) -> str:
        rest = self._pending[1:]
        for sequence, name in _SEQUENCES.items():
            if rest.startswith(sequence):
                self._pending = rest[len(sequence) :]
                return name
        if rest[:1] in ("[", "O"):
            # An escape sequence this reader does not know: skip it up to its final byte.
            end = 1
            while end < len(rest) and not (rest[end].isalpha() or rest[end] == "~"):
                end += 1
            self._pending = rest[end + 1 :]
            return "unknown"
        self._pending = rest
        return "escape"
