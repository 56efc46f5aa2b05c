"""Redis servers for the tests (real ``redis-server`` processes) and both anyio backends."""

from __future__ import annotations

import uuid

import pytest
from sessionkit_storage_redis.testing import redis_cluster, redis_server

__all__ = ["redis_cluster", "redis_server"]


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every async test runs on asyncio and on trio."""
    return str(request.param)


@pytest.fixture
def app_name() -> str:
    """An app name no other test uses, so tests sharing a server never see each other's keys."""
    return f"test-{uuid.uuid4().hex[:12]}"
