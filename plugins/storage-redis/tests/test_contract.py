"""`RedisStorage` passes `SessionStorageContract` on one server, encrypted, and on a cluster."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from sessionkit.testing.contracts.storage import SessionStorageContract
from sessionkit_storage_redis import RedisStorage

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sessionkit_storage_redis.testing import RedisClusterServers, RedisServer

KEY = "q9Xb1z8m4eXcVt0yJk2b6Yg3n5Pq7Rs9Tu1Vw3Xy5Z0="


class TestRedisStorage(SessionStorageContract):
    """One server; every operation on its own connection (no ``async with``)."""

    @pytest.fixture
    def storage_kwargs(self, redis_server: RedisServer, app_name: str) -> dict[str, Any]:
        return {"url": redis_server.url, "app_name": app_name, "prefix": "contract"}

    @pytest.fixture
    def storage(self, storage_kwargs: dict[str, Any]) -> RedisStorage:
        return RedisStorage(**storage_kwargs)

    @pytest.fixture
    def storage_spec(self, storage_kwargs: dict[str, Any]) -> dict[str, Any]:
        return {"factory": "sessionkit_storage_redis:RedisStorage", "kwargs": storage_kwargs}


class TestRedisStoragePooled(TestRedisStorage):
    """One server, inside ``async with storage:`` (one connection pool for every operation)."""

    @pytest.fixture
    async def storage(self, storage_kwargs: dict[str, Any]) -> AsyncIterator[RedisStorage]:
        async with RedisStorage(**storage_kwargs) as storage:
            yield storage


class TestEncryptedRedisStorage(TestRedisStorage):
    """Values encrypted with AES-GCM."""

    @pytest.fixture
    def storage_kwargs(self, redis_server: RedisServer, app_name: str) -> dict[str, Any]:
        return {"url": redis_server.url, "app_name": app_name, "encryption_key": KEY}


class TestClusterRedisStorage(TestRedisStorage):
    """A three-master Redis Cluster."""

    @pytest.fixture
    def storage_kwargs(self, redis_cluster: RedisClusterServers, app_name: str) -> dict[str, Any]:
        return {"url": redis_cluster.url, "app_name": app_name, "cluster": True}

    @pytest.fixture
    async def storage(self, storage_kwargs: dict[str, Any]) -> AsyncIterator[RedisStorage]:
        async with RedisStorage(**storage_kwargs) as storage:
            yield storage
