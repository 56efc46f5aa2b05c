"""Fixtures of the Anchor plugin's tests: both anyio backends, a relay, an HTTP client."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest
from sessionkit_wallet_anchor.testing import LocalRelay

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every async test runs on asyncio and on trio."""
    return str(request.param)


@pytest.fixture
async def relay() -> AsyncIterator[LocalRelay]:
    """A local relay in the test's own event loop (fast pings, so keep-alive is exercised)."""
    async with LocalRelay(ping_interval=0.5, ack_timeout=1.0) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client, as the kit hands one to its wallets."""
    async with httpx.AsyncClient(timeout=10.0) as client:
        yield client
