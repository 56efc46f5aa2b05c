"""A pseudo-terminal for in-process tests: the UI gets the slave side, the test the master.

A thread drains what the UI draws (so a full terminal buffer never blocks it); the test reads
the screen text (escape sequences stripped) and types keys.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import termios
import threading
from typing import IO, Any, Self

import anyio

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-B]")


def plain(text: str) -> str:
    """``text`` without terminal escape sequences."""
    return ANSI.sub("", text)


class PseudoTerminal:
    """``slave`` (fd) and ``output`` (a text file on it) for the UI; ``screen()``, ``type()``."""

    def __init__(self, columns: int = 120, rows: int = 60) -> None:
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.output: IO[str] = open(  # noqa: SIM115 - closed in close()
            self.slave, "w", encoding="utf-8", closefd=False, buffering=1
        )
        self._data = bytearray()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()
        self.mark = 0

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._data += chunk

    def screen(self) -> str:
        """Everything drawn so far, as plain text."""
        with self._lock:
            raw = bytes(self._data)
        return plain(raw.decode("utf-8", errors="replace")).replace("\r\n", "\n")

    def raw(self) -> str:
        """Everything drawn so far, escape sequences included."""
        with self._lock:
            return bytes(self._data).decode("utf-8", errors="replace")

    async def wait_for(self, pattern: str, seconds: float = 10) -> re.Match[str]:
        """Wait until ``pattern`` appears after the mark; move the mark past it."""
        compiled = re.compile(pattern)
        with anyio.fail_after(seconds):
            while True:
                text = self.screen()
                found = compiled.search(text, self.mark)
                if found:
                    self.mark = found.end()
                    return found
                await anyio.sleep(0.02)

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> None:
        self.output.close()
        os.close(self.slave)
        self._thread.join(timeout=5)
        os.close(self.master)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
