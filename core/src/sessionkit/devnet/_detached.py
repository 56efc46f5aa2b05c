"""A devnet that keeps running in the background, remembered by a state file.

`start_detached` starts one (or finds the one running), `detached_status` says how it is and
`stop_detached` stops it and deletes its data; ``sessionkit devnet start | status | stop`` are
these three. The state file is written before anything is launched (see ``_state``), so a start
interrupted at any moment leaves a state through which what it launched is found and removed.
A state that does not match the processes (wrong pids, a pid now used by another process, a
directory the devnet did not make) is damaged: nothing is changed until
``stop_detached(force=True)`` clears it.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from sessionkit.antelope import Checksum256, Name, Symbol
from sessionkit.devnet._accounts import (
    DevnetAccount,
    default_accounts,
    extra_permissions,
    permission_table,
    producer_account,
)
from sessionkit.devnet._bootstrap import TOKEN_CONTRACT, TOKEN_SYMBOL
from sessionkit.devnet._devnet import Devnet, event_loop_running
from sessionkit.devnet._node import (
    NodePorts,
    NodeProcess,
    NodeProcesses,
    check_node_directory,
    node_processes,
    process_started,
    stop_directory,
)
from sessionkit.devnet._state import (
    DamagedState,
    DevnetState,
    loose_directory,
    remove_state,
    state_lock,
    state_path,
)
from sessionkit.devnet._venv import Progress, default_root, print_progress
from sessionkit.errors import DevnetError

if TYPE_CHECKING:
    from sessionkit.chain import APIClient

__all__ = [
    "STATE_DIR_ENV_VAR",
    "DetachedDevnet",
    "DetachedPhase",
    "DetachedStatus",
    "default_state_file",
    "detached_status",
    "start_detached",
    "stop_detached",
]

#: Names the directory of the default state file (``devnet.json``).
STATE_DIR_ENV_VAR = "SESSIONKIT_DEVNET_STATE_DIR"

DetachedPhase = Literal["none", "starting", "interrupted", "running", "gone", "damaged"]


def default_state_file() -> Path:
    """``devnet.json`` in ``$SESSIONKIT_DEVNET_STATE_DIR`` if set, else in the user cache dir."""
    named = os.environ.get(STATE_DIR_ENV_VAR)
    return Path(named) / "devnet.json" if named else state_path(default_root())


@dataclass(frozen=True, slots=True)
class DetachedDevnet:
    """A devnet node running in the background, as its state file describes it.

    ``chain_id``, ``pid`` and ``supervisor_pid`` are None while it is still starting.
    ``already_running`` is True when `start_detached` found it running instead of starting it.
    Its test accounts are `Devnet`'s, with the same PUBLISHED test keys.
    """

    url: str
    directory: Path
    state_file: Path
    chain_id: Checksum256 | None = None
    pid: int | None = None
    supervisor_pid: int | None = None
    already_running: bool = False

    @property
    def accounts(self) -> dict[str, DevnetAccount]:
        """The ``active`` permission of each test account, by account name."""
        return default_accounts()

    @property
    def permissions(self) -> dict[str, DevnetAccount]:
        """Every test permission by ``"name@permission"``, including ``eosio@active``."""
        return permission_table(producer_account(), default_accounts(), extra_permissions())

    @property
    def token_contract(self) -> Name:
        """``eosio.token``."""
        return Name(TOKEN_CONTRACT)

    @property
    def token_symbol(self) -> Symbol:
        """``4,SYS``."""
        return Symbol.from_string(TOKEN_SYMBOL)

    def client(self, **options: Any) -> APIClient:
        """A new `APIClient` on this node (close it, or use ``async with``)."""
        from sessionkit.chain import APIClient

        return APIClient(self.url, **options)


@dataclass(frozen=True, slots=True)
class DetachedStatus:
    """What `detached_status` found, or what `stop_detached` found and removed.

    ``phase`` is one of:

    - ``"none"``: there is no state file, so no detached devnet;
    - ``"starting"``: a start is under way (``devnet`` is None until its directory exists);
    - ``"interrupted"``: a start was killed before it finished; stopping clears what it left;
    - ``"running"``: its supervisor runs; ``head_block`` is set if the node answered,
      otherwise ``problem`` says why not;
    - ``"gone"``: it ran, but its processes are gone (killed, or the machine restarted);
    - ``"damaged"``: only from ``stop_detached(force=True)``: the state file could not be
      trusted (``problem`` says why and what was removed).
    """

    phase: DetachedPhase
    devnet: DetachedDevnet | None = None
    head_block: int | None = None
    problem: str | None = None

    @property
    def answering(self) -> bool:
        """True if the node is running and answered ``get_info``."""
        return self.head_block is not None


def start_detached(
    state_file: Path | str | None = None,
    *,
    progress: Progress | None = print_progress,
    stop_timeout: float = 10.0,
    environment_root: Path | str | None = None,
) -> DetachedDevnet:
    """Start a bootstrapped devnet that outlives this process, or return the one running.

    Blocks (about 2 s; the first start also builds the node environment). What a devnet that
    is gone or an interrupted start left is removed first. Raises `DevnetError`, changing
    nothing, if another start or stop runs for this state file or if the state is damaged.

    Args:
        state_file: the state file (default: `default_state_file`).
        progress: receives one-line progress messages (None: silent).
        stop_timeout: seconds between SIGTERM and SIGKILL when a node is stopped.
        environment_root: where node environments live (default: the user cache dir).
    """
    _refuse_in_event_loop("start_detached")
    path = _state_file(state_file)
    with state_lock(path, wait=False):
        found = _examine(path, locked=True)
        if found.phase == "running" and found.devnet is not None:
            return replace(found.devnet, already_running=True)
        if found.phase != "none":
            _say(progress, f"removing what is left of {_leftover(found)}")
            _remove(found, path, stop_timeout)
        return _start(path, progress, stop_timeout, environment_root)


def detached_status(
    state_file: Path | str | None = None, *, timeout: float = 3.0
) -> DetachedStatus:
    """How the detached devnet is; a running one is asked for its head block (``timeout`` s).

    Changes nothing. Raises `DevnetError` if the state is damaged.
    """
    _refuse_in_event_loop("detached_status")
    found = _examine(_state_file(state_file), locked=False)
    if found.phase != "running" or found.devnet is None:
        return found
    answer = _head_block(found.devnet.url, timeout)
    if isinstance(answer, str):
        return replace(found, problem=answer)
    return replace(found, head_block=answer)


def stop_detached(
    state_file: Path | str | None = None, *, force: bool = False, timeout: float = 10.0
) -> DetachedStatus:
    """Stop the detached devnet, delete its data and its state file; what it found.

    Waits for a start in progress to finish first. Also clears what a devnet that is gone or
    an interrupted start left. A damaged state raises `DevnetError`, changing nothing, unless
    ``force``: then whatever runs in the node directory it names (if it names one the devnet
    made) is stopped, and the state file is deleted.
    """
    path = _state_file(state_file)
    with state_lock(path, wait=True):
        try:
            found = _examine(path, locked=True)
        except DamagedState as damage:
            if not force:
                raise
            return _remove_damaged(path, damage.why, timeout)
        if found.phase != "none":
            _remove(found, path, timeout)
        return found


# -- steps ---------------------------------------------------------------------------------


def _state_file(state_file: Path | str | None) -> Path:
    return default_state_file() if state_file is None else Path(state_file)


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _leftover(found: DetachedStatus) -> str:
    if found.phase == "gone" and found.devnet is not None:
        return f"the devnet that ran at {found.devnet.url}"
    where = f"at {found.devnet.url}" if found.devnet else "before its node launched"
    return f"a devnet start interrupted {where}"


def _refuse_in_event_loop(name: str) -> None:
    if event_loop_running():
        raise DevnetError(
            f"{name}() blocks and cannot run inside an event loop: in async code call it "
            f"through a worker thread, 'await anyio.to_thread.run_sync({name})'"
        )


def _start(
    path: Path, progress: Progress | None, stop_timeout: float, environment_root: Path | str | None
) -> DetachedDevnet:
    record = _StateRecord(path, progress)
    try:
        devnet = Devnet(
            progress=progress,
            stop_timeout=stop_timeout,
            environment_root=environment_root,
            detached=True,
            record=record,
        )
        devnet.start()
        record.bootstrapped(devnet.chain_id)
    except BaseException:
        record.abandon(stop_timeout)
        raise
    devnet.forget()
    started = _devnet_of(record.state, path)
    assert started is not None
    return started


class _StateRecord:
    """Keeps the state file in step with one detached start (a `LaunchRecord`)."""

    def __init__(self, path: Path, progress: Progress | None) -> None:
        self._path = path
        self._progress = progress
        owner = os.getpid()
        self.state = DevnetState(
            phase="starting", owner_pid=owner, owner_started=process_started(owner) or 0
        )
        self.state.save(path)

    def prepared(self, directory: Path, ports: NodePorts) -> None:
        self._save(
            directory=str(directory),
            http_port=ports.http,
            p2p_port=ports.p2p,
            debug_port=ports.debug,
            supervisor_pid=None,
            pid=None,
        )
        _say(self._progress, f"launching a node in {directory}")

    def launched(self, node: NodeProcess) -> None:
        self._save(supervisor_pid=node.supervisor_pid, pid=node.pid)
        _say(self._progress, f"node launched (pid {node.pid}); bootstrapping it")

    def bootstrapped(self, chain_id: Checksum256) -> None:
        self._save(phase="running", chain_id=str(chain_id))

    def abandon(self, timeout: float) -> None:
        """After a failed start: stop whatever it launched and forget it."""
        with contextlib.suppress(DevnetError):
            if self.state.directory is not None:
                stop_directory(Path(self.state.directory), timeout)
            remove_state(self._path)

    def _save(self, **changes: Any) -> None:
        self.state = msgspec.structs.replace(self.state, **changes)
        self.state.save(self._path)


def _examine(path: Path, *, locked: bool) -> DetachedStatus:
    """The phase of the devnet the state file ``path`` describes, judged by its processes.

    Raises `DamagedState` if they do not match it. Under the lock (``locked``), no start can
    be under way, so a "starting" state is an interrupted one.
    """
    state = DevnetState.load(path)
    if state is None:
        return DetachedStatus("none")
    devnet = _devnet_of(state, path)
    found = NodeProcesses((), ()) if devnet is None else _processes(state, devnet.directory, path)
    if state.phase == "starting":
        under_way = not locked and process_started(state.owner_pid) == state.owner_started
        return DetachedStatus("starting" if under_way else "interrupted", devnet)
    return DetachedStatus("running" if found.supervisors else "gone", devnet)


def _devnet_of(state: DevnetState, path: Path) -> DetachedDevnet | None:
    if state.directory is None or state.url is None:
        return None
    return DetachedDevnet(
        url=state.url,
        directory=Path(state.directory),
        state_file=path,
        chain_id=None if state.chain_id is None else Checksum256.from_json(state.chain_id),
        pid=state.pid,
        supervisor_pid=state.supervisor_pid,
    )


def _processes(state: DevnetState, directory: Path, path: Path) -> NodeProcesses:
    """The processes of the state's node directory, if they are the ones it names."""
    try:
        check_node_directory(directory)
    except DevnetError:
        raise DamagedState(path, f"its directory {directory} is not one the devnet made") from None
    found = node_processes(directory)
    problem = _mismatch(state, found, directory)
    if problem is not None:
        raise DamagedState(path, f"it does not match the running processes: {problem}")
    return found


def _mismatch(state: DevnetState, found: NodeProcesses, directory: Path) -> str | None:
    if state.supervisor_pid is None:
        return None  # launched but not recorded yet: what runs there is that start's
    if found.supervisors and found.supervisors != (state.supervisor_pid,):
        return (
            f"it names supervisor pid {state.supervisor_pid}, but the devnet in {directory} "
            f"runs under pid {_pids(found.supervisors)}"
        )
    if found.nodes and not found.supervisors:
        return f"no supervisor runs for {directory}, yet pid {_pids(found.nodes)} runs in it"
    if found.nodes and state.pid not in found.nodes:
        return f"it names node pid {state.pid}, but pid {_pids(found.nodes)} runs in {directory}"
    return None


def _pids(pids: tuple[int, ...]) -> str:
    return ", ".join(str(pid) for pid in pids)


def _remove(found: DetachedStatus, path: Path, timeout: float) -> None:
    if found.devnet is not None:
        stop_directory(found.devnet.directory, timeout)
    remove_state(path)


def _remove_damaged(path: Path, why: str, timeout: float) -> DetachedStatus:
    named = loose_directory(path)
    try:
        directory = None if named is None else check_node_directory(Path(named))
    except DevnetError:
        directory = None
    if directory is None:
        done = "it names no devnet node directory, so nothing else was touched"
    else:
        stop_directory(directory, timeout)
        done = f"stopped what ran in {directory} and deleted it"
    remove_state(path)
    return DetachedStatus("damaged", problem=f"{why}; {done}")


def _head_block(url: str, timeout: float) -> int | str:
    """The node's head block, or why it did not answer."""
    import anyio

    from sessionkit.chain import APIClient
    from sessionkit.errors import ChainError

    async def ask() -> int | str:
        try:
            async with APIClient(url, timeout=timeout) as client:
                return (await client.get_info()).head_block_num
        except ChainError as exc:
            return str(exc)

    return anyio.run(ask)
