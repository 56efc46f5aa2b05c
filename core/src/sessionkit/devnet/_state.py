"""The state file of the devnet started by ``sessionkit devnet start`` (one per user).

It lives in ``<user cache dir>/sessionkit/devnet/run/devnet.json`` (the runtime dir is not
always set on servers and CI) and holds what ``status`` and ``stop`` need: process ids, URL,
ports and directory. It is written atomically and removed by ``stop``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["DevnetState", "state_path"]


def state_path(root: Path) -> Path:
    """Where the state file of the CLI's devnet lives, under the devnet ``root``."""
    return root / "run" / "devnet.json"


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
        """The saved state, or None if there is none (or it is unreadable)."""
        try:
            data = json.loads(path.read_text())
            return cls(**data)
        except (OSError, ValueError, TypeError):
            return None
