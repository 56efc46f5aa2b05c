"""The ``sessionkit`` command, run as a user would: in a subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import anyio
import click
import pytest
from click.testing import CliRunner
from sessionkit.chain import APIClient
from sessionkit.cli import EXIT_USAGE, make_cli
from sessionkit.devnet._node import process_alive, stop_directory
from sessionkit.devnet._state import state_lock
from sessionkit.errors import ChainConnectionError


def run_cli(
    *args: str, state_dir: Path, timeout: float = 120, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SESSIONKIT_DEVNET_STATE_DIR": str(state_dir)}
    return subprocess.run(
        [sys.executable, "-m", "sessionkit.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
        cwd=cwd,
    )


def state_naming(directory: str, pid: int, port: int = 9) -> dict[str, object]:
    """A running devnet's state file (as JSON) naming ``directory`` and ``pid``."""
    return {
        "phase": "running",
        "owner_pid": pid,
        "owner_started": 1,
        "directory": directory,
        "http_port": port,
        "p2p_port": port,
        "debug_port": port,
        "supervisor_pid": pid,
        "pid": pid,
        "chain_id": "00" * 32,
    }


def url_of(state: dict[str, object]) -> str:
    return f"http://127.0.0.1:{state['http_port']}"


def write_state(state_dir: Path, state: dict[str, object]) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "devnet.json").write_text(json.dumps(state))


async def head_block(url: str) -> int:
    async with APIClient(url, timeout=3.0) as client:
        return (await client.get_info()).head_block_num


def test_the_group_knows_every_command() -> None:
    cli = make_cli(discover=False)
    assert {"devnet", "demo", "login", "sessions", "transact", "logout", "plugins"} <= set(
        cli.commands
    )
    devnet = cli.commands["devnet"]
    assert isinstance(devnet, click.Group)
    assert set(devnet.commands) == {"prepare", "start", "status", "stop"}
    wrong = CliRunner().invoke(cli, ["devnet", "explode"])
    assert wrong.exit_code == EXIT_USAGE
    assert "No such command 'explode'" in wrong.output


def test_status_and_stop_without_a_devnet(tmp_path) -> None:
    status = run_cli("devnet", "status", state_dir=tmp_path)
    assert status.returncode == 1
    assert "No devnet is running" in status.stdout
    stop = run_cli("devnet", "stop", state_dir=tmp_path)
    assert stop.returncode == 0
    assert "No devnet is running" in stop.stdout


def test_unavailable_platform_is_a_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SESSIONKIT_DEVNET_PYTHON", str(tmp_path / "no-python"))
    done = run_cli("devnet", "prepare", state_dir=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: SESSIONKIT_DEVNET_PYTHON=")
    assert "Traceback" not in done.stderr


def test_stop_never_deletes_a_directory_the_devnet_did_not_make(tmp_path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "precious.txt").write_text("keep me")
    state_dir = tmp_path / "state"
    for named in ("", ".", str(work)):
        write_state(state_dir, state_naming(named, pid=os.getpid()))
        stop = run_cli("devnet", "stop", state_dir=state_dir, cwd=work)
        assert stop.returncode == 1
        assert "is damaged" in stop.stderr
        assert "Nothing was changed" in stop.stderr
        assert "Traceback" not in stop.stderr
        assert (work / "precious.txt").read_text() == "keep me"
    assert process_alive(os.getpid())


def test_a_damaged_state_file_is_a_clear_error(tmp_path) -> None:
    good = state_naming("/tmp/sessionkit-devnet-x", pid=1)
    write_state(tmp_path, {**good, "pid": "1234"})
    for command in ("status", "stop", "start"):
        done = run_cli("devnet", command, state_dir=tmp_path, timeout=30)
        assert done.returncode == 1, command
        assert "Traceback" not in done.stderr
        assert "devnet.json is damaged" in done.stderr
        assert "at `$.pid`" in done.stderr
        assert "sessionkit devnet stop --force" in done.stderr
    assert (tmp_path / "devnet.json").exists()


def test_start_refuses_while_another_start_or_stop_runs(tmp_path) -> None:
    with state_lock(tmp_path / "devnet.json", wait=False):
        try:
            start = run_cli("devnet", "start", state_dir=tmp_path, timeout=30)
        finally:
            stop_from_state_file(tmp_path / "devnet.json")
    assert start.returncode == 1
    assert "another 'sessionkit devnet start' or 'stop' is running" in start.stderr
    assert "sessionkit devnet stop" in start.stderr
    assert not (tmp_path / "devnet.json").exists()


def dead_pid() -> int:
    gone = subprocess.Popen(["true"])
    gone.wait()
    return gone.pid


def stop_from_state_file(state_file: Path) -> None:
    """Stop the devnet the state file names, and any other the commands started for it."""
    if state_file.exists():
        directory = json.loads(state_file.read_text()).get("directory")
        if directory:
            stop_directory(Path(directory), 10.0)
    for _, directory in supervisors_for(state_file.parent):
        stop_directory(directory, 10.0)


def supervisors_for(state_dir: Path) -> list[tuple[int, Path]]:
    """Running devnet supervisors started by commands given this state directory."""
    marker = f"SESSIONKIT_DEVNET_STATE_DIR={state_dir}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(a.endswith(b"_supervisor.py") for a in argv) and marker in environ:
            found.append((int(proc.name), Path(argv[argv.index(b"--dir") + 1].decode())))
    return found


@pytest.mark.devnet
def test_start_cleans_up_a_devnet_whose_supervisor_was_killed(tmp_path) -> None:
    left = Path(tempfile.mkdtemp(prefix="sessionkit-devnet-"))  # what kill -9 leaves behind
    (left / "config.yaml").write_text("")
    write_state(tmp_path, state_naming(str(left), pid=dead_pid()))
    try:
        start = run_cli("devnet", "start", state_dir=tmp_path)
        assert start.returncode == 0, start.stderr
        assert "removing what is left of" in start.stdout
        assert not left.exists()
        state = json.loads((tmp_path / "devnet.json").read_text())
        assert state["directory"] != str(left)
        assert process_alive(state["pid"])
    finally:
        stop_from_state_file(tmp_path / "devnet.json")
        shutil.rmtree(left, ignore_errors=True)


@pytest.mark.devnet
def test_concurrent_starts_start_one_node(tmp_path) -> None:
    env = {**os.environ, "SESSIONKIT_DEVNET_STATE_DIR": str(tmp_path)}
    argv = [sys.executable, "-m", "sessionkit.cli", "devnet", "start"]
    starts = [
        subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        outputs = [start.communicate(timeout=120) for start in starts]
        started = [out for out, _ in outputs if "Devnet running at" in out]
        assert len(started) == 1
        other = next(
            (out, err, start.returncode)
            for (out, err), start in zip(outputs, starts, strict=True)
            if "Devnet running at" not in out
        )
        # Either refused while the first one started, or found it already running.
        assert "already running" in other[0] or "sessionkit devnet stop" in other[1], other
        state = json.loads((tmp_path / "devnet.json").read_text())
        assert f"Devnet running at {url_of(state)}" in started[0]
        assert [pid for pid, _ in supervisors_for(tmp_path)] == [state["supervisor_pid"]]
    finally:
        for start in starts:
            if start.poll() is None:
                start.kill()
                start.wait()
        stop_from_state_file(tmp_path / "devnet.json")


@pytest.mark.devnet
def test_prepare_reports_the_ready_environment(tmp_path) -> None:
    done = run_cli("devnet", "prepare", state_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Node environment ready: " in done.stdout
    directory = Path(done.stdout.split("Node environment ready: ", 1)[1].split()[0])
    assert (directory / "sessionkit-devnet.json").is_file()


@pytest.mark.devnet
def test_start_status_stop_from_a_shell(tmp_path) -> None:
    start = run_cli("devnet", "start", state_dir=tmp_path)
    state_file = tmp_path / "devnet.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else None
    try:
        assert start.returncode == 0, start.stderr
        assert state is not None
        assert f"Devnet running at {url_of(state)}" in start.stdout
        assert "PUBLISHED TEST KEYS" in start.stdout
        assert "alice@active" in start.stdout
        assert "team@active (threshold 2)" in start.stdout
        assert state_file.stat().st_mode & 0o777 == 0o600
        # The command has returned; the node keeps running and answering.
        assert process_alive(state["pid"])
        assert anyio.run(head_block, url_of(state)) > 0

        again = run_cli("devnet", "start", state_dir=tmp_path)
        assert again.returncode == 0
        assert "already running" in again.stdout

        status = run_cli("devnet", "status", state_dir=tmp_path)
        assert status.returncode == 0
        assert url_of(state) in status.stdout
        assert "head block" in status.stdout

        os.kill(state["pid"], signal.SIGSTOP)  # the node runs but cannot answer
        try:
            frozen = run_cli("devnet", "status", state_dir=tmp_path)
        finally:
            os.kill(state["pid"], signal.SIGCONT)
        assert frozen.returncode == 1
        assert "not answering" in frozen.stdout

        stop = run_cli("devnet", "stop", state_dir=tmp_path)
        assert stop.returncode == 0
        assert "stopped" in stop.stdout
        assert not process_alive(state["pid"])
        assert not Path(state["directory"]).exists()
        assert not state_file.exists()
        with pytest.raises(ChainConnectionError):
            anyio.run(head_block, url_of(state))
        assert run_cli("devnet", "status", state_dir=tmp_path).returncode == 1
    finally:
        if state is not None and Path(state["directory"]).exists():
            stop_directory(Path(state["directory"]), 10.0)


@pytest.mark.devnet
def test_demo_transfers_and_cleans_up() -> None:
    script = shutil.which("sessionkit", path=str(Path(sys.executable).parent))
    assert script is not None, "the sessionkit console script is not installed"
    done = subprocess.run(
        [script, "demo"],
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert re.search(r"before alice: 10000\.0000 SYS", out)
    assert re.search(r"before bob: 10000\.0000 SYS", out)
    assert re.search(r"after +alice: 9998\.0000 SYS", out)
    assert re.search(r"after +bob: 10002\.0000 SYS", out)
    assert len(re.findall(r"transaction [0-9a-f]{64}", out)) == 2
    assert "Logged in as alice@active" in out
    assert "stored sessions left: 0" in out
    assert out.rstrip().endswith("nothing left behind.")
    url = re.search(r"http://127\.0\.0\.1:\d+", out)
    assert url is not None
    with pytest.raises(ChainConnectionError):
        anyio.run(head_block, url.group(0))
