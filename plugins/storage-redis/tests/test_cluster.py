"""The kit on a three-master Redis Cluster: one hash slot per app, the same code as one server."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

import pytest
from sessionkit import SessionKit
from sessionkit.antelope import PrivateKey
from sessionkit.testing.doubles import KeyWallet
from sessionkit_storage_redis import RedisStorage

if TYPE_CHECKING:
    from sessionkit_storage_redis.testing import RedisClusterServers

CHAIN_ID = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"
OFFLINE_CHAIN = {"id": CHAIN_ID, "url": "http://127.0.0.1:9"}
KEY = PrivateKey.generate().to_string()


def keyslot(cluster: RedisClusterServers, key: str) -> int:
    out = subprocess.run(
        ["redis-cli", "-p", str(cluster.nodes[0].port), "CLUSTER", "KEYSLOT", key],
        capture_output=True,
        check=True,
        timeout=30,
    )
    return int(out.stdout)


def test_an_apps_keys_share_one_slot_and_apps_spread_over_the_nodes(
    redis_cluster: RedisClusterServers,
) -> None:
    slots = set()
    for n in range(12):
        storage = RedisStorage(url=redis_cluster.url, app_name=f"app{n}", cluster=True)
        own = {keyslot(redis_cluster, storage.redis_key(k)) for k in ("session", "sessions")}
        assert len(own) == 1
        slots |= own
    # Twelve apps fall in more than one third of the 16384 slots: several masters serve them.
    assert max(slots) - min(slots) > 16384 // 3


@pytest.mark.anyio
async def test_storage_redis_on_a_cluster_from_the_environment(
    redis_cluster: RedisClusterServers, app_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SESSIONKIT_REDIS_URL", redis_cluster.url)
    monkeypatch.setenv("SESSIONKIT_REDIS_CLUSTER", "1")
    session = {
        "chain": CHAIN_ID,
        "actor": "carol",
        "permission": "active",
        "walletPlugin": {"id": "key-wallet", "data": {}},
    }
    async with SessionKit(
        app_name, [OFFLINE_CHAIN], wallet_plugins=[KeyWallet(KEY)], storage="redis"
    ) as kit:
        assert isinstance(kit.storage, RedisStorage)
        assert kit.storage.cluster
        await kit.restore(session)
    async with SessionKit(
        app_name, [OFFLINE_CHAIN], wallet_plugins=[KeyWallet(KEY)], storage="redis"
    ) as other:
        restored = await other.restore()
        assert restored is not None
        assert restored.actor == "carol"
        await other.logout(restored)
        assert await other.get_sessions() == []


@pytest.mark.anyio
async def test_no_cluster_at_the_url_is_a_storage_error(app_name: str) -> None:
    from sessionkit.errors import StorageError
    from sessionkit_storage_redis.testing import free_port

    url = f"redis://127.0.0.1:{free_port()}/0"
    storage = RedisStorage(url=url, app_name=app_name, cluster=True, timeout=2)
    with pytest.raises(StorageError, match="Redis at"):
        await storage.read("session")
    with pytest.raises(StorageError, match="could not connect to Redis"):
        async with storage:
            pass
