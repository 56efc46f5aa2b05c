"""One chain as a kit reaches it: the API client over the kit's HTTP client, and the keys
already confirmed there (so signature checks ask the node once per key, not per transaction)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from sessionkit.antelope import PublicKey
    from sessionkit.chain import ChainDefinition

__all__ = ["ChainLink"]


class ChainLink:
    """A chain's client and the public keys the node confirmed are needed by its accounts."""

    def __init__(
        self, chain: ChainDefinition, http_client: httpx.AsyncClient | None = None
    ) -> None:
        from sessionkit.chain import APIClient

        self.chain = chain
        self.client = APIClient(chain.urls, http_client=http_client)
        self.http_client = self.client.http_client
        #: Keys as objects: comparing them needs no base58 text, which costs more than a lookup.
        self.confirmed_keys: set[PublicKey] = set()

    async def aclose(self) -> None:
        """Close the client's own connections (a shared HTTP client stays open)."""
        await self.client.aclose()
