"""Speed of the session stores side by side: `FileStorage`, `MemoryStorage`, `RedisStorage`.

Run ``uv run python bench/storage.py`` (needs ``redis-server`` on PATH: it starts a throwaway
one, with the append-only file fsynced on every write, as durable as the file store). It prints
one JSON object with, for each store:

- ``persist_per_s``: ``kit.persist_session`` of distinct sessions, one after the other (each an
  atomic read-modify-write of the stored list);
- ``restore_per_s``: ``kit.restore({"chain", "actor", "permission"}, set_as_default=False)``
  of one of 200 stored sessions (a read and a parse);
- ``restore_all_1000_ms``: ``kit.restore_all()`` of 1,000 stored sessions.

``RedisStorage`` runs inside ``async with storage:`` (one connection pool), as a long-running
app would; ``redis_per_op`` is the same without it (a connection per operation). Each figure is
the median of several rounds; other processes on the machine move every figure, so compare
figures of one run. The target: Redis within 3x of the file store on loopback.

Measured on a shared 2-CPU machine (load ~4), per second / ms: file 73 persist, 105 restore,
96 ms restore_all; redis (pooled) 88, 164, 96 ms; redis per operation 51, 60, 97 ms.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

import anyio
from sessionkit import SessionKit
from sessionkit.antelope import PrivateKey
from sessionkit.storage import FileStorage, MemoryStorage
from sessionkit.testing.doubles import KeyWallet
from sessionkit_storage_redis import RedisStorage
from sessionkit_storage_redis.testing import RedisServer

if TYPE_CHECKING:
    from collections.abc import Callable

    from sessionkit.storage import SessionStorage

CHAIN_ID = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"
CHAIN = {"id": CHAIN_ID, "url": "http://127.0.0.1:9"}
KEY = PrivateKey.generate().to_string()
ROUNDS = 3
PERSISTS = 100
RESTORES = 200


def actor(n: int) -> str:
    """A distinct account name (letters only) for session ``n``."""
    return "u" + "".join(chr(97 + (n // 26**i) % 26) for i in range(3))


def serialized(n: int) -> dict[str, Any]:
    return {
        "chain": CHAIN_ID,
        "actor": actor(n),
        "permission": "active",
        "walletPlugin": {"id": "key-wallet", "data": {}},
    }


async def measure(storage: SessionStorage) -> dict[str, float]:
    """The three figures for one store (it is emptied between rounds)."""
    persist, restore, restore_all = [], [], []
    async with SessionKit(
        "bench", [CHAIN], wallet_plugins=[KeyWallet(KEY)], storage=storage, discover=False
    ) as kit:
        sessions = []
        for n in range(PERSISTS):
            session = await kit.restore(serialized(n), set_as_default=False)
            assert session is not None
            sessions.append(session)
        for _ in range(ROUNDS):
            await storage.remove("session")
            await storage.remove("sessions")
            start = time.perf_counter()
            for session in sessions[:PERSISTS]:
                await kit.persist_session(session, set_as_default=False)
            persist.append(PERSISTS / (time.perf_counter() - start))

            stored = [{**serialized(n), "default": False} for n in range(RESTORES)]
            await storage.write("sessions", json.dumps(stored))
            start = time.perf_counter()
            for n in range(RESTORES):
                await kit.restore(
                    {"chain": CHAIN_ID, "actor": actor(n), "permission": "active"},
                    set_as_default=False,
                )
            restore.append(RESTORES / (time.perf_counter() - start))

            stored = [{**serialized(n), "default": False} for n in range(1000)]
            await storage.write("sessions", json.dumps(stored))
            start = time.perf_counter()
            assert len(await kit.restore_all()) == 1000
            restore_all.append((time.perf_counter() - start) * 1000)
    return {
        "persist_per_s": round(statistics.median(persist), 1),
        "restore_per_s": round(statistics.median(restore), 1),
        "restore_all_1000_ms": round(statistics.median(restore_all), 1),
    }


async def main(redis: RedisServer, directory: str) -> dict[str, dict[str, float]]:
    stores: dict[str, Callable[[], SessionStorage]] = {
        "file": lambda: FileStorage(directory),
        "memory": MemoryStorage,
        "redis": lambda: RedisStorage(url=redis.url, app_name="bench"),
        "redis_per_op": lambda: RedisStorage(url=redis.url, app_name="bench-per-op"),
    }
    figures = {}
    for name, make in stores.items():
        storage = make()
        async with AsyncExitStack() as stack:
            if name == "redis" and isinstance(storage, RedisStorage):
                await stack.enter_async_context(storage)
            figures[name] = await measure(storage)
    return figures


if __name__ == "__main__":
    with RedisServer() as server, tempfile.TemporaryDirectory() as tmp:
        result = anyio.run(main, server, tmp)
    file, redis = result["file"], result["redis"]
    result["redis_vs_file"] = {
        key: round(redis[key] / file[key], 2)
        if key.endswith("per_s")
        else round(file[key] / redis[key], 2)
        for key in file
    }
    print(json.dumps(result, indent=2))
