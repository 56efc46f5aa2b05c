"""Chain client tests run on asyncio by default; a few also run on trio."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
