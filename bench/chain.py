"""Speed of the chain client against a real local node (the devnet).

Run ``uv run python bench/chain.py``. It starts a devnet, then measures ``get_info`` round trips
per second through ``APIClient`` (typed, decoded response) and through a bare
``httpx.AsyncClient`` sending the same request (same body, same headers, JSON parsed) in the
same run, alternating request by request so both see the same node and machine state, and ABI
cache hits per second. Target: client overhead under 10%.
Prints one JSON object; each rate is the median of several timed rounds.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import TYPE_CHECKING, Any

import anyio
import httpx
from sessionkit.chain import ABICache, APIClient
from sessionkit.devnet import Devnet

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

ROUNDS = 9
REQUESTS = 500
CACHE_HITS = 200_000
HEADERS = {"content-type": "application/json", "accept": "application/json"}


async def rate(operation: Callable[[], Awaitable[Any]], count: int) -> float:
    """Operations per second of ``count`` sequential awaits."""
    start = time.perf_counter()
    for _ in range(count):
        await operation()
    return count / (time.perf_counter() - start)


async def paired_rates(
    first: Callable[[], Awaitable[Any]], second: Callable[[], Awaitable[Any]], count: int
) -> tuple[float, float]:
    """Requests per second of two operations run alternately, one request each in turn.

    The node produces a block every 0.5 s and answers slower meanwhile; alternating request
    by request gives both sides the same share of those stalls.
    """
    spent = [0.0, 0.0]
    clock = time.perf_counter
    for _ in range(count):
        start = clock()
        await first()
        middle = clock()
        await second()
        spent[0] += middle - start
        spent[1] += clock() - middle
    return count / spent[0], count / spent[1]


async def measure(url: str) -> dict[str, Any]:
    path = url + "/v1/chain/get_info"
    async with httpx.AsyncClient() as raw, APIClient(url) as client:

        async def raw_get_info() -> Any:
            response = await raw.post(path, content=b"", headers=HEADERS)
            response.raise_for_status()
            return response.json()

        await paired_rates(raw_get_info, client.get_info, 100)  # warm pools and code paths
        raw_rates: list[float] = []
        client_rates: list[float] = []
        for round_number in range(ROUNDS):
            # Swap who goes first each round, so neither always follows the other.
            if round_number % 2:
                client_rate, raw_rate = await paired_rates(client.get_info, raw_get_info, REQUESTS)
            else:
                raw_rate, client_rate = await paired_rates(raw_get_info, client.get_info, REQUESTS)
            raw_rates.append(raw_rate)
            client_rates.append(client_rate)

        cache = ABICache(client)
        await cache.get_abi("eosio.token")
        hit_rates = [await rate(lambda: cache.get_abi("eosio.token"), CACHE_HITS) for _ in range(3)]

    raw_median = statistics.median(raw_rates)
    client_median = statistics.median(client_rates)
    return {
        "get_info_raw_httpx_per_s": round(raw_median),
        "get_info_api_client_per_s": round(client_median),
        "api_client_overhead_pct": round(100 * (raw_median / client_median - 1), 1),
        "abi_cache_hits_per_s": round(statistics.median(hit_rates)),
        "rounds": ROUNDS,
        "requests_per_round": REQUESTS,
    }


async def main() -> None:
    async with Devnet(progress=None) as devnet:
        figures = await measure(devnet.url)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    anyio.run(main)
