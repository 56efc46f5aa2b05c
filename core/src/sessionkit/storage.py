"""Where sessions are kept between runs: the storage contract, a file store and a memory store.

The kit stores two keys, as WharfKit does: ``session`` (the default session, JSON) and
``sessions`` (every session, a JSON list), so values a browser kit kept in ``localStorage``
load as they are. Every change the kit makes goes through ``update``, one atomic
read-modify-write of several keys, so concurrent writers (tasks, processes, hosts) lose nothing
on any backend that implements it faithfully.

`FileStorage` is the default: one JSON file per app under
``platformdirs.user_data_dir("sessionkit")/<app_name>/`` (or ``$SESSIONKIT_HOME/<app_name>/``),
replaced atomically (temporary file, fsync, rename), mode 0600, with a cross-process lock.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import msgspec

from sessionkit.errors import ConfigurationError, CorruptStorageError, StorageError

__all__ = [
    "SESSIONKIT_HOME",
    "FileStorage",
    "MemoryStorage",
    "SessionStorage",
    "Values",
    "default_directory",
]

#: The environment variable that moves every app's default storage directory.
SESSIONKIT_HOME = "SESSIONKIT_HOME"

#: Current values of some keys; None for a key that is not stored.
Values = Mapping[str, str | None]

_FILE_NAME = "storage.json"
_LOCK_NAME = "storage.lock"
_FORMAT = 1
_SAFE_APP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class SessionStorage(ABC):
    """The storage contract: string values under string keys, and an atomic multi-key update.

    ``update(keys, change)`` reads ``keys``, calls ``change(current)`` and applies what it
    returns (a mapping of keys to new values, None to remove), all atomically with respect to
    every other writer of the same store. ``change`` must be a pure function of its input: a
    backend with optimistic concurrency may call it again after a conflict.
    """

    @abstractmethod
    async def read(self, key: str) -> str | None:
        """The value under ``key``, or None."""

    @abstractmethod
    async def write(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``, replacing what was there."""

    @abstractmethod
    async def remove(self, key: str) -> None:
        """Remove ``key``; no error if it is absent."""

    @abstractmethod
    async def update(
        self, keys: Sequence[str], change: Callable[[Values], Values]
    ) -> dict[str, str | None]:
        """Atomically apply ``change`` to ``keys``; return the values of ``keys`` afterwards."""


class MemoryStorage(SessionStorage):
    """Sessions in a dict, for tests and for servers that keep sessions elsewhere.

    Shared by the tasks of one process only; ``MemoryStorage(initial)`` starts with values.
    """

    def __init__(self, initial: Mapping[str, str] | None = None) -> None:
        self._values: dict[str, str] = dict(initial or {})

    def __repr__(self) -> str:
        return f"MemoryStorage(keys={sorted(self._values)!r})"

    async def read(self, key: str) -> str | None:
        """The value under ``key``, or None."""
        _check_key(key)
        return self._values.get(key)

    async def write(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``."""
        _check_key(key)
        _check_value(key, value)
        self._values[key] = value

    async def remove(self, key: str) -> None:
        """Remove ``key``; no error if it is absent."""
        _check_key(key)
        self._values.pop(key, None)

    async def update(
        self, keys: Sequence[str], change: Callable[[Values], Values]
    ) -> dict[str, str | None]:
        """Apply ``change`` to ``keys`` at once: no await between reading and writing."""
        return _apply(self._values, keys, change)


class _Document(msgspec.Struct, frozen=True, kw_only=True):
    """The file's JSON: a format number and the stored values."""

    format: int
    values: dict[str, str]


_decoder = msgspec.json.Decoder(_Document)
_encoder = msgspec.json.Encoder()


class FileStorage(SessionStorage):
    """Sessions in ``<directory>/storage.json``, safe for several processes at once.

    ``FileStorage(app_name="myapp")`` uses ``default_directory("myapp")``;
    ``FileStorage(directory=path)`` uses ``path``. Every write replaces the file atomically
    (temporary file, fsync, rename) under an exclusive lock on ``storage.lock``, so a writer
    killed mid-write leaves the previous content, and concurrent writers lose nothing. The file
    and its directory are readable by the owner only (0600 / 0700). A file that does not parse
    raises `sessionkit.errors.CorruptStorageError` naming it, and is never overwritten.
    Cancelling a task during an update lets the update finish in its worker thread first.
    """

    def __init__(
        self, directory: str | os.PathLike[str] | None = None, *, app_name: str | None = None
    ) -> None:
        if directory is None and app_name is None:
            raise ConfigurationError("FileStorage needs directory= or app_name=")
        self.directory = (
            Path(directory) if directory is not None else default_directory(str(app_name))
        )
        self.path = self.directory / _FILE_NAME
        self._thread_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FileStorage({str(self.directory)!r})"

    async def read(self, key: str) -> str | None:
        """The value under ``key`` in the file, or None."""
        _check_key(key)
        from anyio import to_thread  # loaded with the first file access, not with the kit

        values = await to_thread.run_sync(self._load_unlocked)
        return values.get(key)

    async def write(self, key: str, value: str) -> None:
        """Store ``value`` under ``key`` (an atomic update of the file)."""
        _check_key(key)
        _check_value(key, value)
        await self.update([key], lambda _: {key: value})

    async def remove(self, key: str) -> None:
        """Remove ``key`` (an atomic update of the file); no error if it is absent."""
        _check_key(key)
        await self.update([key], lambda _: {key: None})

    async def update(
        self, keys: Sequence[str], change: Callable[[Values], Values]
    ) -> dict[str, str | None]:
        """Apply ``change`` under the file lock, in a thread; the file is replaced atomically."""
        for key in keys:
            _check_key(key)
        from anyio import to_thread

        return await to_thread.run_sync(self._update_locked, list(keys), change)

    def _update_locked(
        self, keys: list[str], change: Callable[[Values], Values]
    ) -> dict[str, str | None]:
        with self._locked():
            values = self._load_unlocked()
            before = dict(values)
            result = _apply(values, keys, change)
            if values != before:
                self._save(values)
            return result

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        import fcntl

        self._ensure_directory()
        with self._thread_lock:
            fd = os.open(self.directory / _LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # closing releases the lock

    def _ensure_directory(self) -> None:
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"cannot create the session directory {self.directory}: {exc.strerror}; "
                f"choose another with FileStorage(directory=...) or ${SESSIONKIT_HOME}"
            ) from exc

    def _load_unlocked(self) -> dict[str, str]:
        try:
            content = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise StorageError(f"cannot read {self.path}: {exc.strerror}") from exc
        try:
            document = _decoder.decode(content)
        except (
            msgspec.DecodeError,
            msgspec.ValidationError,
            UnicodeDecodeError,  # msgspec lets invalid UTF-8 inside a string through as this
            RecursionError,
        ) as exc:
            raise CorruptStorageError(
                f"{self.path} is not a SessionKit storage file ({exc}); nothing was changed. "
                "Move it aside (or delete it) to start with no stored sessions.",
                location=str(self.path),
            ) from exc
        if document.format != _FORMAT:
            raise CorruptStorageError(
                f"{self.path} has storage format {document.format}, this SessionKit reads "
                f"format {_FORMAT}: upgrade SessionKit or move the file aside",
                location=str(self.path),
            )
        return document.values

    def _save(self, values: dict[str, str]) -> None:
        content = _encoder.encode(_Document(format=_FORMAT, values=values))
        # Only a writer holding the lock has a temporary file: any other is a killed writer's.
        for stale in self.directory.glob(f".{_FILE_NAME}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()
        temporary = self.directory / f".{_FILE_NAME}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, content)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temporary, self.path)
            _fsync_directory(self.directory)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise StorageError(f"cannot write {self.path}: {exc.strerror}") from exc


def default_directory(app_name: str) -> Path:
    """Where ``FileStorage(app_name=...)`` keeps an app's sessions.

    ``$SESSIONKIT_HOME/<app_name>`` when that variable is set, otherwise
    ``platformdirs.user_data_dir("sessionkit")/<app_name>``.
    """
    if not isinstance(app_name, str) or _SAFE_APP_NAME.fullmatch(app_name) is None:
        raise ConfigurationError(
            f"{app_name!r} cannot name a storage directory: use letters, digits, '.', '_' "
            "and '-' (at most 100), or pass FileStorage(directory=...)"
        )
    home = os.environ.get(SESSIONKIT_HOME)
    if home:
        return Path(home) / app_name
    import platformdirs

    return Path(platformdirs.user_data_dir("sessionkit")) / app_name


def _apply(
    store: dict[str, str], keys: Sequence[str], change: Callable[[Values], Values]
) -> dict[str, str | None]:
    current = {key: store.get(key) for key in keys}
    changes = dict(change(current))
    # Check the whole change before applying any of it: all or nothing.
    for key, value in changes.items():
        if key not in current:
            raise StorageError(
                f"update() changed {key!r}, which was not among its keys {list(keys)}"
            )
        if value is not None:
            _check_value(key, value)
    for key, value in changes.items():
        if value is None:
            store.pop(key, None)
        else:
            store[key] = value
    return {key: store.get(key) for key in keys}


def _check_key(key: object) -> None:
    if not isinstance(key, str) or not key:
        raise StorageError(f"a storage key is a non-empty string, not {key!r}")


def _check_value(key: str, value: object) -> None:
    if not isinstance(value, str):
        raise StorageError(f"the value for {key!r} must be a string, not {type(value).__name__}")


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError as exc:  # pragma: no cover - filesystems that refuse it
        if exc.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(fd)
