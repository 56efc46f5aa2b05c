"""`SessionStorageContract`: what every session storage backend must guarantee.

Override ``storage`` (a fresh, empty store; the same backing store for every call of
``storage_in_process`` in one test) and ``storage_spec``: a string
``"package.module:factory"`` plus keyword arguments (JSON-compatible) with which another process
builds a store sharing the same data, so the contract can run writers in 8 processes. Both are
required; a backend that cannot be shared between processes (memory) overrides the process test
with ``@pytest.mark.xfail(reason=..., strict=True)``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any, ClassVar

import anyio
import anyio.to_thread
import pytest

from sessionkit.testing.contracts._base import Contract, needs_override

if TYPE_CHECKING:
    from sessionkit.storage import SessionStorage, Values

__all__ = ["SessionStorageContract", "run_writer"]

_WRITER = """
import importlib, json, sys
import anyio
import anyio.to_thread
spec = json.loads(sys.argv[1])
module, name = spec["factory"].split(":")
storage = getattr(importlib.import_module(module), name)(**spec["kwargs"])
worker = int(sys.argv[2])
count = int(sys.argv[3])

def add(item):
    def change(current):
        items = json.loads(current["items"]) if current["items"] else []
        return {"items": json.dumps(items + [item])}
    return change

async def main():
    for n in range(count):
        await storage.update(["items"], add(f"{worker}-{n}"))
    close = getattr(storage, "aclose", None)
    if close is not None:
        await close()

anyio.run(main)
"""


def run_writer(spec: dict[str, Any], worker: int, count: int) -> subprocess.Popen[bytes]:
    """Start a process that appends ``count`` items to the list under ``items``."""
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, json.dumps(spec), str(worker), str(count)],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _append(item: str) -> Any:
    def change(current: Values) -> Values:
        raw = current["items"]
        items = json.loads(raw) if raw else []
        return {"items": json.dumps([*items, item])}

    return change


class SessionStorageContract(Contract):
    """Mixin: ``class TestMyStorage(SessionStorageContract)`` plus ``storage``/``storage_spec``."""

    pytestmark: ClassVar[list[pytest.MarkDecorator]] = [pytest.mark.anyio]

    @pytest.fixture
    def storage(self) -> SessionStorage:
        """A fresh, empty store."""
        raise needs_override("storage", "MyStorage(...)")

    @pytest.fixture
    def storage_spec(self, storage: SessionStorage) -> dict[str, Any]:
        """How another process opens the same store: ``{"factory": "mod:fn", "kwargs": {...}}``."""
        raise needs_override("storage_spec", '{"factory": "mypkg:MyStorage", "kwargs": {...}}')

    async def test_read_of_a_missing_key_is_none(self, storage: SessionStorage) -> None:
        assert await storage.read("session") is None

    async def test_write_read_overwrite_remove(self, storage: SessionStorage) -> None:
        await storage.write("session", '{"a":1}')
        assert await storage.read("session") == '{"a":1}'
        await storage.write("session", "ünïcødé ✓ " + "x" * 100_000)
        assert await storage.read("session") == "ünïcødé ✓ " + "x" * 100_000
        await storage.remove("session")
        assert await storage.read("session") is None
        await storage.remove("session")

    async def test_keys_are_independent(self, storage: SessionStorage) -> None:
        await storage.write("session", "1")
        await storage.write("sessions", "2")
        await storage.remove("session")
        assert await storage.read("sessions") == "2"

    async def test_update_changes_several_keys_at_once(self, storage: SessionStorage) -> None:
        await storage.write("a", "old-a")
        seen: list[dict[str, str | None]] = []

        def change(current: Values) -> Values:
            seen.append(dict(current))
            return {"a": None, "b": "new-b"}

        result = await storage.update(["a", "b"], change)
        assert seen[-1] == {"a": "old-a", "b": None}
        assert result == {"a": None, "b": "new-b"}
        assert await storage.read("a") is None
        assert await storage.read("b") == "new-b"

    async def test_a_failing_update_changes_nothing(self, storage: SessionStorage) -> None:
        await storage.write("a", "kept")

        def change(current: Values) -> Values:
            raise RuntimeError("the change failed")

        with pytest.raises(RuntimeError, match="the change failed"):
            await storage.update(["a"], change)
        assert await storage.read("a") == "kept"

    async def test_an_invalid_change_changes_nothing(self, storage: SessionStorage) -> None:
        """A change touching a key it did not read, or storing a non-string, is refused whole."""
        from sessionkit.errors import StorageError

        await storage.write("a", "kept")
        with pytest.raises(StorageError):
            await storage.update(["a"], lambda _: {"a": "changed", "b": "sneaked"})
        with pytest.raises(StorageError):
            await storage.update(["a", "b"], lambda _: {"a": "changed", "b": 3})  # type: ignore[dict-item]
        assert await storage.read("a") == "kept"
        assert await storage.read("b") is None

    async def test_concurrent_updates_from_tasks_lose_nothing(
        self, storage: SessionStorage
    ) -> None:
        async with anyio.create_task_group() as tasks:
            for n in range(50):
                tasks.start_soon(storage.update, ["items"], _append(str(n)))
        raw = await storage.read("items")
        assert raw is not None
        assert sorted(json.loads(raw), key=int) == [str(n) for n in range(50)]

    async def test_concurrent_updates_of_several_keys_keep_them_consistent(
        self, storage: SessionStorage
    ) -> None:
        """Each update moves one unit from ``a`` to ``b``: with the keys updated together
        atomically, no unit is lost or made up, whatever the interleaving."""
        await storage.update(["a", "b"], lambda _: {"a": "40", "b": "0"})

        def move(current: Values) -> Values:
            a, b = int(current["a"] or 0), int(current["b"] or 0)
            return {"a": str(a - 1), "b": str(b + 1)}

        async with anyio.create_task_group() as tasks:
            for _ in range(40):
                tasks.start_soon(storage.update, ["a", "b"], move)
        assert (await storage.read("a"), await storage.read("b")) == ("0", "40")

    # The writers are separate processes: the test's own event loop only waits for them, so
    # one backend proves as much as two, at half the cost of 8 interpreters starting.
    @pytest.mark.parametrize("anyio_backend", ["asyncio"])
    async def test_concurrent_updates_from_processes_lose_nothing(
        self, storage: SessionStorage, storage_spec: dict[str, Any]
    ) -> None:
        workers = [run_writer(storage_spec, worker, 25) for worker in range(8)]
        for process in workers:
            _, error = await anyio.to_thread.run_sync(process.communicate)
            assert process.returncode == 0, error.decode(errors="replace")[-2000:]
        raw = await storage.read("items")
        assert raw is not None
        items = json.loads(raw)
        assert len(items) == 200
        assert set(items) == {f"{w}-{n}" for w in range(8) for n in range(25)}
