"""The public detached lifecycle (start_detached, detached_status, stop_detached), state first.

A stand-in node (see support/fake_node.py) plays the processes a start leaves behind, so every
moment a start can be killed at is tested without a chain: before launching, after launching
but before the pids are recorded, and a state whose pids are not the running ones. One test
runs the whole lifecycle on a real node.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import anyio
import pytest
from fake_node import fake_environment, read_report, wait_gone
from sessionkit.devnet import (
    DetachedStatus,
    default_state_file,
    detached_status,
    start_detached,
    stop_detached,
)
from sessionkit.devnet._node import NodeProcess, process_alive, process_started
from sessionkit.devnet._state import DevnetState
from sessionkit.errors import DevnetError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from sessionkit.devnet import NodeEnvironment

CHAIN_ID = "8a34ec7df1b8cd06ff4a8abbaa7cc50300823350cadc59ab296cb00d104d2b8f"


@pytest.fixture
def fake_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> NodeEnvironment:
    return fake_environment(tmp_path, monkeypatch)


@pytest.fixture
def node(fake_env: NodeEnvironment, tmp_path: Path) -> Iterator[NodeProcess]:
    """A detached stand-in node, as a start leaves it; stopped at the end whatever happens."""
    launched = NodeProcess.launch(fake_env, detached=True, stop_timeout=2)
    read_report(tmp_path)
    yield launched
    launched.stop(timeout=2)


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "state" / "devnet.json"


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def prepared(node: NodeProcess, **fields: object) -> DevnetState:
    """The state a start writes once the node's directory and ports exist."""
    values: dict[str, object] = {
        "phase": "starting",
        "owner_pid": os.getpid(),
        "owner_started": process_started(os.getpid()) or 0,
        "directory": str(node.directory),
        "http_port": node.ports.http,
        "p2p_port": node.ports.p2p,
        "debug_port": node.ports.debug,
    }
    return DevnetState(**{**values, **fields})  # type: ignore[arg-type]


def running(node: NodeProcess, **fields: object) -> DevnetState:
    base = {"supervisor_pid": node.supervisor_pid, "pid": node.pid, "chain_id": CHAIN_ID}
    return prepared(node, phase="running", **{**base, **fields})


def test_no_state_is_no_devnet(state_file: Path) -> None:
    assert detached_status(state_file) == DetachedStatus("none")
    assert stop_detached(state_file).phase == "none"
    assert not state_file.exists()


def test_the_default_state_file_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SESSIONKIT_DEVNET_STATE_DIR", str(tmp_path))
    assert default_state_file() == tmp_path / "devnet.json"


def test_a_start_killed_before_launching_is_interrupted_and_cleared(state_file: Path) -> None:
    DevnetState(phase="starting", owner_pid=dead_pid(), owner_started=1).save(state_file)
    found = detached_status(state_file)
    assert found.phase == "interrupted"
    assert found.devnet is None
    assert stop_detached(state_file).phase == "interrupted"
    assert not state_file.exists()


def test_a_start_under_way_is_starting(state_file: Path) -> None:
    owner = os.getpid()
    state = DevnetState(phase="starting", owner_pid=owner, owner_started=process_started(owner))
    state.save(state_file)
    assert detached_status(state_file).phase == "starting"


def test_a_node_launched_before_its_pids_were_recorded_is_found_and_stopped(
    node: NodeProcess, state_file: Path, tmp_path: Path
) -> None:
    """Issue 7: a start killed after launching orphaned a node status and stop could not see."""
    report = read_report(tmp_path)
    prepared(node, owner_pid=dead_pid(), owner_started=1).save(state_file)
    found = detached_status(state_file)
    assert found.phase == "interrupted"
    assert found.devnet is not None
    assert found.devnet.directory == node.directory
    assert found.devnet.url == node.url
    assert stop_detached(state_file, timeout=2).phase == "interrupted"
    assert wait_gone(node.pid, node.supervisor_pid, int(str(report["helper"])))
    assert not node.directory.exists()
    assert not state_file.exists()


def test_a_running_node_that_does_not_answer_says_why(node: NodeProcess, state_file: Path) -> None:
    running(node).save(state_file)
    found = detached_status(state_file, timeout=0.5)
    assert found.phase == "running"
    assert not found.answering
    assert found.problem
    assert found.devnet is not None
    assert str(found.devnet.chain_id) == CHAIN_ID
    assert found.devnet.pid == node.pid


@pytest.mark.parametrize("wrong", ["supervisor", "node"])
def test_a_state_with_wrong_pids_is_damaged_and_nothing_is_touched(
    node: NodeProcess, state_file: Path, wrong: str
) -> None:
    """Issue 7: wrong pids made start delete a live node's folder and start a second node."""
    other = dead_pid()
    running(node, **{"supervisor_pid" if wrong == "supervisor" else "pid": other}).save(state_file)
    with pytest.raises(DevnetError, match="does not match the running processes"):
        detached_status(state_file)
    with pytest.raises(DevnetError, match="is damaged"):
        start_detached(state_file, progress=None)
    with pytest.raises(DevnetError, match="stop --force"):
        stop_detached(state_file)
    assert node.alive()
    assert node.directory.is_dir()
    assert state_file.exists()
    found = stop_detached(state_file, force=True, timeout=2)
    assert found.phase == "damaged"
    assert found.problem is not None
    assert "stopped what ran in" in found.problem
    assert wait_gone(node.pid, node.supervisor_pid)
    assert not node.directory.exists()
    assert not state_file.exists()


def test_a_nul_in_the_directory_is_a_damaged_state_not_a_traceback(state_file: Path) -> None:
    state_file.parent.mkdir(parents=True)
    state_file.write_text(
        '{"phase": "starting", "owner_pid": 1, "owner_started": 1, '
        '"directory": "/tmp/sessionkit-devnet-\\u0000", "http_port": 1, "p2p_port": 2, '
        '"debug_port": 3}'
    )
    with pytest.raises(DevnetError, match="NUL"):
        detached_status(state_file)
    found = stop_detached(state_file, force=True)
    assert found.phase == "damaged"
    assert found.problem is not None
    assert "nothing else was touched" in found.problem
    assert not state_file.exists()


def test_a_directory_the_devnet_did_not_make_is_never_deleted(
    node: NodeProcess, state_file: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "sessionkit-devnet-mine"
    mine.mkdir()
    (mine / "config.yaml").write_text("keep")
    prepared(node, directory=str(mine), owner_pid=dead_pid(), owner_started=1).save(state_file)
    with pytest.raises(DevnetError, match="not one the devnet made"):
        detached_status(state_file)
    assert stop_detached(state_file, force=True).phase == "damaged"
    assert (mine / "config.yaml").read_text() == "keep"
    assert node.alive()


@pytest.mark.parametrize("call", [start_detached, detached_status])
def test_the_blocking_calls_refuse_to_run_in_an_event_loop(call: object, state_file: Path) -> None:
    async def inside() -> None:
        with pytest.raises(DevnetError, match=r"to_thread\.run_sync"):
            call(state_file)  # type: ignore[operator]

    anyio.run(inside)


@pytest.mark.devnet
@pytest.mark.slow
def test_start_status_stop_on_a_real_node(state_file: Path) -> None:
    started = start_detached(state_file, progress=None)
    try:
        assert started.chain_id is not None
        assert not started.already_running
        assert process_alive(started.pid or 0)
        found = detached_status(state_file)
        assert found.phase == "running"
        assert found.answering
        assert found.head_block is not None
        again = start_detached(state_file, progress=None)
        assert again.already_running
        assert again.url == started.url
    finally:
        stopped = stop_detached(state_file)
    assert stopped.phase == "running"
    assert not started.directory.exists()
    assert not process_alive(started.pid or 0)
    assert detached_status(state_file).phase == "none"
