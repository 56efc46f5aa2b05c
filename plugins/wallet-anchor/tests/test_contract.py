"""AnchorWallet passes the kit's wallet contract on the devnet, through a real local relay,
with a simulated Anchor as the person's phone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from sessionkit.testing import WalletPluginContract
from sessionkit_wallet_anchor import AnchorWallet
from sessionkit_wallet_anchor.testing import AnchorUser, LocalRelay, SimulatedAnchor

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator


@pytest.fixture(scope="module")
def thread_relay() -> Iterator[LocalRelay]:
    """A relay in a thread of its own: its sockets and tasks are not the test's."""
    with LocalRelay() as relay:
        yield relay


class TestAnchorWallet(WalletPluginContract):
    @pytest.fixture
    async def anchor(self, devnet: Any, thread_relay: LocalRelay) -> AsyncIterator[SimulatedAnchor]:
        async with SimulatedAnchor(
            relay_url=thread_relay.url,
            node_url=devnet.url,
            key=devnet.accounts["alice"].private_key,
        ) as anchor:
            yield anchor

    @pytest.fixture
    def wallet(self, devnet: Any, thread_relay: LocalRelay) -> AnchorWallet:
        return AnchorWallet(buoy_url=thread_relay.url, login_timeout=20)

    @pytest.fixture
    def wallet_ui(self, anchor: SimulatedAnchor) -> AnchorUser:
        return anchor.user()
