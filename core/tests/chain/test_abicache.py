"""ABICache: one fetch per account, failures not cached, set_abi merge as the reference does.

What the node answers is covered in test_devnet.py; here a stub stands in for the client so the
cache's own logic (concurrency, cancellation, invalidation, merging) can be driven precisely.
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest
import unit_abis
from sessionkit.antelope import ABI, Checksum256, Name
from sessionkit.chain import ABICache, GetRawAbiResponse, merge_abis
from sessionkit.errors import (
    ABINotFoundError,
    ChainConnectionError,
    InvalidName,
    MalformedResponseError,
)

pytestmark = pytest.mark.anyio

TOKEN_JSON: dict[str, Any] = unit_abis.TOKEN


class StubClient:
    """Answers get_raw_abi from a dict, optionally slowly or with an error; counts calls."""

    def __init__(self, abis: dict[str, bytes], *, delay: float = 0.0) -> None:
        self.abis = abis
        self.delay = delay
        self.calls: list[str] = []
        self.error: Exception | None = None

    async def get_raw_abi(self, account: Name | str) -> GetRawAbiResponse:
        self.calls.append(str(account))
        await anyio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        zero = Checksum256(b"\0" * 32)
        return GetRawAbiResponse(
            account_name=Name(account),
            code_hash=zero,
            abi_hash=zero,
            abi=self.abis.get(str(account), b""),
        )


def cache_for(client: StubClient) -> ABICache:
    return ABICache(client)  # type: ignore[arg-type]


@pytest.fixture
def token_abi() -> ABI:
    return ABI.from_json(TOKEN_JSON)


async def test_concurrent_callers_share_one_fetch(token_abi: ABI) -> None:
    client = StubClient({"eosio.token": token_abi.to_bytes()}, delay=0.05)
    cache = cache_for(client)
    results: list[ABI] = []

    async def get() -> None:
        results.append(await cache.get_abi("eosio.token"))

    async with anyio.create_task_group() as tasks:
        for _ in range(20):
            tasks.start_soon(get)
    assert client.calls == ["eosio.token"]
    assert len(results) == 20
    assert all(r is results[0] for r in results)
    assert results[0].to_json() == token_abi.to_json()
    assert await cache.get_abi(Name("eosio.token")) is results[0]
    assert client.calls == ["eosio.token"]


async def test_missing_abi_is_not_found_and_not_cached() -> None:
    client = StubClient({})
    cache = cache_for(client)
    for _ in range(2):
        with pytest.raises(ABINotFoundError, match="ABI for alice could not be loaded"):
            await cache.get_abi("alice")
    assert client.calls == ["alice", "alice"]


async def test_failures_reach_every_waiter_and_are_retried(token_abi: ABI) -> None:
    client = StubClient({"eosio.token": token_abi.to_bytes()}, delay=0.05)
    client.error = ChainConnectionError("down")
    cache = cache_for(client)
    errors: list[BaseException] = []

    async def get() -> None:
        try:
            await cache.get_abi("eosio.token")
        except ChainConnectionError as exc:
            errors.append(exc)

    async with anyio.create_task_group() as tasks:
        for _ in range(5):
            tasks.start_soon(get)
    assert len(errors) == 5
    assert client.calls == ["eosio.token"]
    client.error = None
    assert (await cache.get_abi("eosio.token")).action_type("transfer") == "transfer"


async def test_a_cancelled_fetch_lets_waiters_fetch_again(token_abi: ABI) -> None:
    client = StubClient({"eosio.token": token_abi.to_bytes()}, delay=0.2)
    cache = cache_for(client)
    got: list[ABI] = []

    async def first() -> None:
        with anyio.move_on_after(0.05):
            await cache.get_abi("eosio.token")

    async def second() -> None:
        await anyio.sleep(0.01)
        got.append(await cache.get_abi("eosio.token"))

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(first)
            tasks.start_soon(second)
    assert len(got) == 1
    assert client.calls == ["eosio.token", "eosio.token"]


async def test_undecodable_abi_is_malformed() -> None:
    cache = cache_for(StubClient({"bad": b"\xff\xff\xff"}))
    with pytest.raises(MalformedResponseError, match="does not decode"):
        await cache.get_abi("bad")


async def test_set_abi_serves_without_fetching(token_abi: ABI) -> None:
    client = StubClient({})
    cache = cache_for(client)
    cache.set_abi("eosio.token", TOKEN_JSON)
    assert "eosio.token" in cache
    assert (await cache.get_abi("eosio.token")).to_json() == token_abi.to_json()
    cache.set_abi("other", token_abi)
    assert cache.cached("other") is token_abi
    assert client.calls == []


async def test_invalidate_forgets(token_abi: ABI) -> None:
    client = StubClient({"eosio.token": token_abi.to_bytes()})
    cache = cache_for(client)
    await cache.get_abi("eosio.token")
    cache.invalidate("eosio.token")
    assert "eosio.token" not in cache
    await cache.get_abi("eosio.token")
    cache.set_abi("x", token_abi)
    cache.invalidate()
    assert cache.cached("x") is None
    assert client.calls == ["eosio.token", "eosio.token"]


async def test_invalidate_during_a_fetch_keeps_the_stale_result_out(token_abi: ABI) -> None:
    client = StubClient({"eosio.token": token_abi.to_bytes()}, delay=0.05)
    cache = cache_for(client)
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(cache.get_abi, "eosio.token")
        await anyio.sleep(0.01)
        cache.invalidate("eosio.token")
    assert cache.cached("eosio.token") is None


def test_bad_account_names() -> None:
    cache = cache_for(StubClient({}))
    assert "NOT A NAME" not in cache
    assert 5 not in cache
    with pytest.raises(InvalidName):
        cache.set_abi("NOT A NAME", TOKEN_JSON)


# -- merge (reference section 2.4) --------------------------------------------------------------


def partial(**lists: list[Any]) -> dict[str, Any]:
    return {"version": "eosio::abi/1.2", **lists}


def test_merge_keeps_existing_and_appends_new_entries(token_abi: ABI) -> None:
    extra = partial(
        types=[{"new_type_name": "account_name", "type": "name"}],
        structs=[
            {"name": "transfer", "base": "", "fields": [{"name": "changed", "type": "bool"}]},
            {"name": "ping", "base": "", "fields": [{"name": "who", "type": "name"}]},
        ],
        actions=[
            {"name": "transfer", "type": "ping", "ricardian_contract": "changed"},
            {"name": "ping", "type": "ping", "ricardian_contract": ""},
        ],
        ricardian_clauses=[{"id": "c1", "body": "b"}, {"id": "c1", "body": "again"}],
    )
    merged = merge_abis(token_abi, ABI.from_json(extra)).to_json()
    assert merged["version"] == "eosio::abi/1.2"
    assert [s["name"] for s in merged["structs"]] == [
        *(s["name"] for s in TOKEN_JSON["structs"]),
        "ping",
    ]
    transfer = next(s for s in merged["structs"] if s["name"] == "transfer")
    assert transfer == next(s for s in TOKEN_JSON["structs"] if s["name"] == "transfer")
    assert [a["name"] for a in merged["actions"]][-1] == "ping"
    assert next(a for a in merged["actions"] if a["name"] == "transfer")["type"] == "transfer"
    assert merged["types"] == extra["types"]
    assert merged["ricardian_clauses"] == [{"id": "c1", "body": "b"}]
    assert merged["tables"] == TOKEN_JSON["tables"]


def test_merge_keeps_error_messages_and_extensions(token_abi: ABI) -> None:
    first = merge_abis(
        token_abi, ABI.from_json(partial(error_messages=[{"error_code": 1, "error_msg": "a"}]))
    )
    second = merge_abis(
        first,
        ABI.from_json(
            partial(
                error_messages=[
                    {"error_code": 1, "error_msg": "dup"},
                    {"error_code": 2, "error_msg": "b"},
                ]
            )
        ),
    ).to_json()
    assert [e["error_msg"] for e in second["error_messages"]] == ["a", "b"]


async def test_set_abi_merge_and_replace(token_abi: ABI) -> None:
    cache = cache_for(StubClient({}))
    ping = partial(
        structs=[{"name": "ping", "base": "", "fields": []}],
        actions=[{"name": "ping", "type": "ping", "ricardian_contract": ""}],
    )
    cache.set_abi("eosio.token", ping, merge=True)  # nothing cached yet: just set
    assert [a["name"] for a in (await cache.get_abi("eosio.token")).to_json()["actions"]] == [
        "ping"
    ]
    cache.set_abi("eosio.token", token_abi)
    cache.set_abi("eosio.token", ping, merge=True)
    merged = await cache.get_abi("eosio.token")
    assert merged.action_type("ping") == "ping"
    assert merged.action_type("transfer") == "transfer"
    cache.set_abi("eosio.token", ping)
    assert not (await cache.get_abi("eosio.token")).has_type("transfer")
