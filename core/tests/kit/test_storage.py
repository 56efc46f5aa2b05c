"""Session storage: both stores pass the contract, and FileStorage keeps its file-level promises.

The file promises (design.md, "Storage and secrets"): atomic replace, mode 0600 in a 0700
directory, a cross-process lock, a writer killed with SIGKILL mid-write leaves the previous
value, and a corrupt file is a `CorruptStorageError` naming the file, never emptied or
overwritten.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sessionkit import FileStorage, MemoryStorage, SessionStorage
from sessionkit.errors import ConfigurationError, CorruptStorageError, StorageError
from sessionkit.storage import default_directory
from sessionkit.testing import SessionStorageContract
from sessionkit.testing.contracts.storage import run_writer

# -- the contract ----------------------------------------------------------------------------------


class TestMemoryStorageContract(SessionStorageContract):
    @pytest.fixture
    def storage(self) -> SessionStorage:
        return MemoryStorage()

    @pytest.fixture
    def storage_spec(self, storage: SessionStorage) -> dict[str, Any]:
        return {"factory": "sessionkit.storage:MemoryStorage", "kwargs": {}}

    @pytest.mark.xfail(
        reason="a MemoryStorage lives in one process: other processes cannot share it",
        strict=True,
    )
    async def test_concurrent_updates_from_processes_lose_nothing(
        self, storage: SessionStorage, storage_spec: dict[str, Any]
    ) -> None:
        # One writer of one item shows it as well as 8 x 25 would, in a fraction of the time.
        with run_writer(storage_spec, 0, 1) as process:
            _, error = await anyio.to_thread.run_sync(process.communicate)
        assert process.returncode == 0, error.decode()
        assert await storage.read("items") == '["0-0"]'


class TestFileStorageContract(SessionStorageContract):
    @pytest.fixture
    def storage(self, tmp_path: Path) -> SessionStorage:
        return FileStorage(tmp_path / "store")

    @pytest.fixture
    def storage_spec(self, storage: SessionStorage) -> dict[str, Any]:
        assert isinstance(storage, FileStorage)
        return {
            "factory": "sessionkit.storage:FileStorage",
            "kwargs": {"directory": str(storage.directory)},
        }


# -- where the file lives --------------------------------------------------------------------------


def test_default_directory_follows_sessionkit_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SESSIONKIT_HOME", str(tmp_path))
    assert default_directory("my-app") == tmp_path / "my-app"
    assert FileStorage(app_name="my-app").path == tmp_path / "my-app" / "storage.json"


def test_default_directory_without_home_is_the_platform_data_dir(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import platformdirs

    monkeypatch.delenv("SESSIONKIT_HOME", raising=False)
    expected = Path(platformdirs.user_data_dir("sessionkit")) / "my-app"
    assert default_directory("my-app") == expected


@pytest.mark.parametrize("name", ["", "../escape", "a/b", ".hidden", "x" * 101, "sp ace"])
def test_an_app_name_that_cannot_name_a_directory_is_refused(name: str) -> None:
    with pytest.raises(ConfigurationError, match=r"FileStorage\(directory=\.\.\.\)"):
        FileStorage(app_name=name)


def test_file_storage_needs_a_directory_or_an_app_name() -> None:
    with pytest.raises(ConfigurationError, match="directory= or app_name="):
        FileStorage()


def test_repr_names_the_directory_and_memory_repr_shows_no_values(tmp_path: Path) -> None:
    assert repr(FileStorage(tmp_path)) == f"FileStorage({str(tmp_path)!r})"
    memory = MemoryStorage({"session": "secret-key-material"})
    assert "secret" not in repr(memory)
    assert "session" in repr(memory)


# -- file guarantees -------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_file_and_directory_are_private(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path / "new" / "app")
    await storage.write("session", "{}")
    assert stat.S_IMODE(storage.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(storage.directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((storage.directory / "storage.lock").stat().st_mode) == 0o600


@pytest.mark.anyio
async def test_private_mode_holds_under_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        storage = FileStorage(tmp_path / "app")
        await storage.write("session", "{}")
        await storage.write("session", "{}{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE(storage.path.stat().st_mode) == 0o600


@pytest.mark.anyio
async def test_the_file_is_versioned_json_a_person_can_read(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path)
    await storage.write("sessions", '[{"actor":"alice"}]')
    assert json.loads(storage.path.read_text()) == {
        "format": 1,
        "values": {"sessions": '[{"actor":"alice"}]'},
    }


@pytest.mark.anyio
async def test_an_update_that_changes_nothing_does_not_rewrite_the_file(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path)
    await storage.write("a", "1")
    before = storage.path.stat().st_ino
    result = await storage.update(["a"], lambda current: {"a": current["a"]})
    assert result == {"a": "1"}
    assert storage.path.stat().st_ino == before


@pytest.mark.anyio
async def test_two_instances_on_one_directory_share_values(tmp_path: Path) -> None:
    first, second = FileStorage(tmp_path), FileStorage(tmp_path)
    await first.write("session", "from-first")
    assert await second.read("session") == "from-first"


@pytest.mark.anyio
async def test_concurrent_updates_through_two_instances_lose_nothing(tmp_path: Path) -> None:
    stores = [FileStorage(tmp_path), FileStorage(tmp_path)]

    def append(item: str) -> Any:
        def change(current: Any) -> Any:
            return {"items": json.dumps([*json.loads(current["items"] or "[]"), item])}

        return change

    async with anyio.create_task_group() as tasks:
        for n in range(40):
            tasks.start_soon(stores[n % 2].update, ["items"], append(str(n)))
    raw = await stores[0].read("items")
    assert raw is not None
    assert sorted(json.loads(raw), key=int) == [str(n) for n in range(40)]


@pytest.mark.anyio
async def test_a_directory_that_cannot_be_created_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    storage = FileStorage(blocker / "app")
    with pytest.raises(StorageError, match="cannot create the session directory") as caught:
        await storage.write("session", "{}")
    assert "FileStorage(directory=...)" in str(caught.value)
    assert str(blocker / "app") in str(caught.value)


# -- bad input -------------------------------------------------------------------------------------


@pytest.fixture(params=["memory", "file"])
def any_storage(request: pytest.FixtureRequest, tmp_path: Path) -> SessionStorage:
    """Each store of the core, empty."""
    return MemoryStorage() if request.param == "memory" else FileStorage(tmp_path)


@pytest.mark.anyio
async def test_keys_and_values_are_checked(any_storage: SessionStorage) -> None:
    storage = any_storage
    with pytest.raises(StorageError, match="non-empty string"):
        await storage.read("")
    with pytest.raises(StorageError, match="non-empty string"):
        await storage.write(3, "x")  # type: ignore[arg-type]
    with pytest.raises(StorageError, match="must be a string, not dict"):
        await storage.write("session", {"a": 1})  # type: ignore[arg-type]
    with pytest.raises(StorageError, match="must be a string, not int"):
        await storage.update(["session"], lambda _: {"session": 1})  # type: ignore[dict-item]
    assert await storage.read("session") is None


@pytest.mark.anyio
async def test_an_update_may_change_only_its_own_keys(any_storage: SessionStorage) -> None:
    storage = any_storage
    await storage.write("a", "kept")
    with pytest.raises(StorageError, match=r"changed 'b', which was not among its keys \['a'\]"):
        await storage.update(["a"], lambda _: {"a": "changed", "b": "sneaked"})
    assert await storage.read("b") is None
    assert await storage.read("a") == "kept"


# -- a corrupt file --------------------------------------------------------------------------------

CORRUPT = {
    "not json": b"this is not json",
    "truncated": b'{"format": 1, "values": {"session": "{\\"a',
    "empty": b"",
    "wrong shape": b'{"format": 1, "values": ["a"]}',
    "no format": b'{"values": {}}',
    "non-string value": b'{"format": 1, "values": {"session": 3}}',
    "invalid utf-8": b'{"format": 1, "values": {"session": "\xff\xfe"}}',
    "deep nesting": b"[" * 100_000,
}


@pytest.mark.anyio
@pytest.mark.parametrize("content", list(CORRUPT.values()), ids=list(CORRUPT))
async def test_a_corrupt_file_is_an_error_naming_it_and_is_never_overwritten(
    tmp_path: Path, content: bytes
) -> None:
    storage = FileStorage(tmp_path)
    storage.path.write_bytes(content)
    for attempt in (
        storage.read("session"),
        storage.write("session", "new"),
        storage.remove("session"),
        storage.update(["session"], lambda _: {"session": "new"}),
    ):
        with pytest.raises(CorruptStorageError) as caught:
            await attempt
        message = str(caught.value)
        assert str(storage.path) in message
        assert "Move it aside" in message
        assert caught.value.location == str(storage.path)
    assert storage.path.read_bytes() == content
    assert sorted(os.listdir(tmp_path)) == ["storage.json", "storage.lock"]


@pytest.mark.anyio
async def test_a_newer_format_is_refused_with_what_to_do(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path)
    storage.path.write_text('{"format": 2, "values": {}}')
    with pytest.raises(CorruptStorageError, match=r"format 2.*reads format 1.*upgrade SessionKit"):
        await storage.write("session", "{}")
    assert storage.path.read_text() == '{"format": 2, "values": {}}'


@pytest.mark.anyio
async def test_moving_the_corrupt_file_aside_starts_afresh(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path)
    storage.path.write_text("garbage")
    with pytest.raises(CorruptStorageError):
        await storage.read("session")
    storage.path.rename(tmp_path / "storage.json.bad")
    await storage.write("session", "{}")
    assert await storage.read("session") == "{}"


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(str.encode),
        st.builds(
            lambda values: json.dumps({"format": 1, "values": values}).encode(),
            st.dictionaries(st.text(max_size=5), st.one_of(st.text(max_size=5), st.integers())),
        ),
    )
)
def test_any_file_content_reads_as_values_or_a_corrupt_storage_error(
    tmp_path: Path, content: bytes
) -> None:
    storage = FileStorage(tmp_path)
    storage.path.write_bytes(content)
    try:
        values = storage._load_unlocked()
    except CorruptStorageError as error:
        values = {"location": error.location}
        assert values["location"] == str(storage.path)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in values.items())
    assert storage.path.read_bytes() == content


# -- a writer killed mid-write ---------------------------------------------------------------------

_KILLED_WRITER = """
import os, sys, time
import anyio
from sessionkit.storage import FileStorage

directory, stage = sys.argv[1], sys.argv[2]
storage = FileStorage(directory)
real_replace, real_write = os.replace, os.write

def report_and_hang():
    print("ready", flush=True)
    time.sleep(60)

if stage == "before-replace":
    def replace(src, dst):
        report_and_hang()
        real_replace(src, dst)
    os.replace = replace
elif stage == "mid-write":
    def write(fd, data):
        real_write(fd, data[: len(data) // 2])
        report_and_hang()
    os.write = write

anyio.run(storage.write, "sessions", "NEW" * 100_000)
"""


@pytest.mark.parametrize("stage", ["mid-write", "before-replace"])
def test_a_writer_killed_with_sigkill_leaves_the_previous_value(tmp_path: Path, stage: str) -> None:
    storage = FileStorage(tmp_path)
    anyio.run(storage.write, "sessions", "OLD")
    with subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(tmp_path), stage], stdout=subprocess.PIPE
    ) as writer:
        assert writer.stdout is not None
        try:
            assert writer.stdout.readline() == b"ready\n"
            leftovers = list(tmp_path.glob(".storage.json.*.tmp"))
            assert leftovers, "the writer had no temporary file open"
            os.kill(writer.pid, signal.SIGKILL)
        finally:
            writer.kill()
    assert writer.returncode == -signal.SIGKILL
    assert anyio.run(storage.read, "sessions") == "OLD"
    # the next writer takes the lock the killed one held, and clears its temporary file
    anyio.run(storage.write, "sessions", "NEXT")
    assert anyio.run(storage.read, "sessions") == "NEXT"
    assert list(tmp_path.glob(".storage.json.*.tmp")) == []


_LOOPING_WRITER = """
import sys
import anyio
from sessionkit.storage import FileStorage

storage = FileStorage(sys.argv[1])

async def main():
    previous = await storage.read("sessions")
    n = int(previous[:8]) if previous else 0
    print("ready", flush=True)
    while True:
        n += 1
        await storage.write("sessions", f"{n:08d}" + "x" * 200_000)

anyio.run(main)
"""


def test_killing_a_busy_writer_at_random_moments_never_leaves_a_mix(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path)
    seen: list[int] = []
    for delay in (0.05, 0.11, 0.17, 0.23, 0.31):
        with subprocess.Popen(
            [sys.executable, "-c", _LOOPING_WRITER, str(tmp_path)], stdout=subprocess.PIPE
        ) as writer:
            assert writer.stdout is not None
            try:
                assert writer.stdout.readline() == b"ready\n"
                time.sleep(delay)
                os.kill(writer.pid, signal.SIGKILL)
            finally:
                writer.kill()
        value = anyio.run(storage.read, "sessions")
        assert value is not None
        assert value[8:] == "x" * 200_000
        seen.append(int(value[:8]))
    assert seen == sorted(seen), "a killed writer's value went back in time"
    assert seen[-1] >= 2, "the writers hardly wrote: the test proved nothing"


# -- the lock is held across processes -------------------------------------------------------------


def test_a_second_process_waits_for_the_lock(tmp_path: Path) -> None:
    """While one process holds the lock, another's update waits (it does not skip the lock)."""
    import fcntl

    storage = FileStorage(tmp_path)
    anyio.run(storage.write, "n", "0")
    script = textwrap.dedent(
        """
        import sys, anyio
        from sessionkit.storage import FileStorage
        s = FileStorage(sys.argv[1])
        anyio.run(s.update, ["n"], lambda c: {"n": str(int(c["n"]) + 1)})
        print("done", flush=True)
        """
    )
    fd = os.open(tmp_path / "storage.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        other = subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE
        )
        time.sleep(1.5)
        assert other.poll() is None, "the other process did not wait for the lock"
        # it read under the lock: a value changed now must be what it increments
        content = {"format": 1, "values": {"n": "41"}}
        storage.path.write_text(json.dumps(content))
    finally:
        os.close(fd)
    out, _ = other.communicate(timeout=30)
    assert out == b"done\n"
    assert anyio.run(storage.read, "n") == "42"


def test_a_kit_without_storage_uses_a_file_under_its_app_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sessionkit import SessionKit

    monkeypatch.setenv("SESSIONKIT_HOME", str(tmp_path))
    kit = SessionKit("my-app", [{"id": "aa" * 32, "url": "http://127.0.0.1:9"}], discover=False)
    assert isinstance(kit.storage, FileStorage)
    assert kit.storage.path == tmp_path / "my-app" / "storage.json"


@pytest.mark.anyio
async def test_a_cancelled_update_finishes_before_the_cancellation(tmp_path: Path) -> None:
    """Cancelling a task in the middle of an update never leaves half of it: the update runs to
    its end in its worker thread, then the task is cancelled."""
    storage = FileStorage(tmp_path)
    await storage.write("a", "old")

    def slow(current: Any) -> Any:
        time.sleep(0.3)
        return {"a": "new", "b": "also-new"}

    start = time.monotonic()
    with anyio.move_on_after(0.05) as scope:
        await storage.update(["a", "b"], slow)
        await anyio.sleep(5)  # cancelled at once: the deadline passed during the update
    assert scope.cancelled_caught
    assert 0.3 <= time.monotonic() - start < 3
    assert await storage.read("a") == "new"
    assert await storage.read("b") == "also-new"
