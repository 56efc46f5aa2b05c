"""Fixtures of the console interface's tests: both anyio backends, and a pseudo-terminal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from terminal import PseudoTerminal

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def terminal() -> Iterator[PseudoTerminal]:
    """A real pseudo-terminal: the interface draws on and reads keys from its slave side."""
    with PseudoTerminal() as pty:
        yield pty
