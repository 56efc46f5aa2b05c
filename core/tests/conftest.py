"""Fixtures shared by the core tests (``devnet`` itself comes from sessionkit.testing).

Every ``@pytest.mark.anyio`` test runs twice, on asyncio and on trio: the library uses anyio
only, so it must work under both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sessionkit.chain import ABICache, APIClient

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sessionkit.antelope import ABI
    from sessionkit.devnet import Devnet


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """The event loops async tests run on."""
    return str(request.param)


@pytest.fixture
async def client(devnet: Devnet) -> AsyncIterator[APIClient]:
    """A chain client talking to the session's devnet."""
    async with APIClient(devnet.url, timeout=10.0) as client:
        yield client


@pytest.fixture
async def token_abi(client: APIClient) -> ABI:
    """The devnet's ``eosio.token`` ABI, as the node serves it."""
    return await ABICache(client).get_abi("eosio.token")
