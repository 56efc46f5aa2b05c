"""Faults on real servers: a server stopped, killed or restarted, a connection cut mid-write.

The only stand-in is a TCP proxy in front of the real server that cuts the connection at a
chosen moment (before or after the write reaches Redis): the fault a network partition makes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import anyio
import pytest
from sessionkit.errors import StorageError
from sessionkit_storage_redis import RedisStorage
from sessionkit_storage_redis.testing import RedisServer

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from anyio.abc import SocketStream, TaskStatus
    from sessionkit.storage import Values

pytestmark = pytest.mark.anyio


@pytest.fixture
def server() -> Iterator[RedisServer]:
    """A server of this test alone, which it may stop, kill and restart."""
    with RedisServer() as server:
        yield server


def _pair(a: str, b: str) -> Any:
    def change(current: Values) -> Values:
        return {"a": a, "b": b}

    return change


@pytest.mark.parametrize("pooled", [False, True])
async def test_a_stopped_server_is_a_storage_error_then_a_restart_recovers_everything(
    server: RedisServer, app_name: str, pooled: bool
) -> None:
    storage = RedisStorage(url=server.url, app_name=app_name, timeout=3)
    async with storage if pooled else _Nothing():
        await storage.update(["a", "b"], _pair("a1", "b1"))
        server.stop()
        with pytest.raises(StorageError, match="could not update Redis"):
            await storage.update(["a", "b"], _pair("a2", "b2"))
        with pytest.raises(StorageError, match="could not read from Redis"):
            await storage.read("a")
        server.start()
        assert await storage.read("a") == "a1"
        assert await storage.read("b") == "b1"
        await storage.update(["a", "b"], _pair("a3", "b3"))
        assert [await storage.read("a"), await storage.read("b")] == ["a3", "b3"]


@pytest.mark.parametrize("pooled", [False, True])
async def test_reads_after_a_restart_reconnect_by_themselves(
    server: RedisServer, app_name: str, pooled: bool
) -> None:
    storage = RedisStorage(url=server.url, app_name=app_name, timeout=3)
    async with storage if pooled else _Nothing():
        await storage.update(["a", "b"], _pair("a1", "b1"))
        server.restart()  # the pool's connection now leads to the old, gone process
        assert await storage.read("a") == "a1"
        server.restart()
        assert await storage.update(["a", "b"], _pair("a2", "b2")) == {"a": "a2", "b": "b2"}
        assert [await storage.read("a"), await storage.read("b")] == ["a2", "b2"]


async def test_sessions_survive_a_restart_and_a_crash(server: RedisServer, app_name: str) -> None:
    storage = RedisStorage(url=server.url, app_name=app_name)
    await storage.update(["sessions"], lambda current: {"sessions": json.dumps(["alice"])})
    server.restart()
    assert json.loads(await storage.read("sessions") or "null") == ["alice"]
    await storage.update(["sessions"], lambda current: {"sessions": json.dumps(["alice", "bob"])})
    server.kill()  # kill -9: only what reached the append-only file survives
    server.start()
    assert json.loads(await storage.read("sessions") or "null") == ["alice", "bob"]


class CuttingProxy:
    """Forwards TCP to the server; once ``armed``, cuts the connection that sends ``trigger``,
    either before forwarding it (``cut="before"``) or after the server answered it
    (``cut="after"``: the write happened, its answer never arrives)."""

    def __init__(self, target: RedisServer, trigger: bytes, cut: str) -> None:
        self.target = target
        self.trigger = trigger
        self.cut = cut
        self.armed = False
        self.cuts = 0

    async def serve(self, *, task_status: TaskStatus[int]) -> None:
        listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
        async with listener:
            task_status.started(listener.extra(anyio.abc.SocketAttribute.local_port))
            await listener.serve(self._handle)

    async def _handle(self, client: SocketStream) -> None:
        async with client, await anyio.connect_tcp(self.target.host, self.target.port) as server:
            answered_trigger = anyio.Event()
            async with anyio.create_task_group() as tasks:

                async def down() -> None:
                    async for chunk in server:
                        if answered_trigger.is_set():
                            break
                        await client.send(chunk)
                    tasks.cancel_scope.cancel()

                async def up() -> None:
                    async for chunk in client:
                        if self.armed and self.trigger in chunk:
                            self.armed = False
                            self.cuts += 1
                            if self.cut == "before":
                                break
                            answered_trigger.set()
                        await server.send(chunk)
                    tasks.cancel_scope.cancel()

                tasks.start_soon(down)
                tasks.start_soon(up)


@pytest.fixture
async def proxied(server: RedisServer) -> AsyncIterator[tuple[RedisServer, Any]]:
    async with anyio.create_task_group() as tasks:

        async def start(trigger: bytes, cut: str) -> tuple[CuttingProxy, str]:
            proxy = CuttingProxy(server, trigger, cut)
            port = await tasks.start(proxy.serve)
            return proxy, f"redis://127.0.0.1:{port}/0"

        yield server, start
        tasks.cancel_scope.cancel()


@pytest.mark.parametrize(("cut", "survivor"), [("before", "old"), ("after", "new")])
@pytest.mark.parametrize("pooled", [False, True])
async def test_a_connection_cut_mid_write_leaves_old_or_new_never_a_mix(
    proxied: tuple[RedisServer, Any], app_name: str, cut: str, survivor: str, pooled: bool
) -> None:
    server, start = proxied
    proxy, url = await start(b"EVAL", cut)
    direct = RedisStorage(url=server.url, app_name=app_name)
    await direct.update(["a", "b"], _pair("old-a", "old-b"))
    storage = RedisStorage(url=url, app_name=app_name, timeout=5)
    async with storage if pooled else _Nothing():
        assert await storage.read("a") == "old-a"
        proxy.armed = True
        calls = 0

        def change(current: Values) -> Values:
            nonlocal calls
            calls += 1
            return {"a": "new-a", "b": "new-b"}

        with pytest.raises(StorageError, match="a write may or may not have happened"):
            await storage.update(["a", "b"], change)
        assert proxy.cuts == 1
        assert calls == 1  # not resent: a resent write could apply twice
        values = [await direct.read("a"), await direct.read("b")]
        assert values == [f"{survivor}-a", f"{survivor}-b"]
        # The store works again through the same storage object.
        for _ in range(2):
            try:
                await storage.update(["a", "b"], _pair("next-a", "next-b"))
                break
            except StorageError:
                continue
        assert [await direct.read("a"), await direct.read("b")] == ["next-a", "next-b"]


class _Nothing:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None
