"""The ``devnet`` fixture skips only where the node cannot run, and never under CI."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from fresh_interpreter import modules_loaded_by
from sessionkit.devnet._python import PYTHON_ENV_VAR

APP_TEST = """\
import pytest
from sessionkit.devnet import Devnet

@pytest.mark.devnet
def test_uses_the_node(devnet):
    assert devnet.url

@pytest.mark.devnet
def test_starts_its_own_node():
    with Devnet(progress=None) as devnet:
        assert devnet.url
"""


def run_app_tests(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a third-party test file that uses the fixture, as an app developer would."""
    (tmp_path / "test_app.py").write_text(APP_TEST)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    environ = {k: v for k, v in os.environ.items() if k != "CI"}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider", "test_app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=environ,
        check=False,
    )


def test_unavailable_platform_skips_with_the_reason(tmp_path) -> None:
    done = run_app_tests(tmp_path, **{PYTHON_ENV_VAR: str(tmp_path / "no-python")})
    assert done.returncode == 0, done.stdout
    assert "2 skipped" in done.stdout
    assert "devnet unavailable on this platform" in done.stdout
    assert PYTHON_ENV_VAR in done.stdout


def test_unavailable_platform_fails_under_ci(tmp_path) -> None:
    done = run_app_tests(tmp_path, CI="true", **{PYTHON_ENV_VAR: str(tmp_path / "no-python")})
    assert done.returncode == 1, done.stdout
    assert "1 failed, 1 error" in done.stdout
    assert "the devnet must run under CI" in done.stdout


def test_plugin_import_is_cheap() -> None:
    heavy = ("sessionkit.devnet._devnet", "sessionkit.antelope._keys", "httpx", "anyio", "msgspec")
    assert modules_loaded_by("import sessionkit.testing.pytest_plugin", heavy) == []


@pytest.mark.parametrize("value", ["true", "1", "yes", "TRUE"])
def test_ci_detection(monkeypatch, value) -> None:
    from sessionkit.testing.pytest_plugin import in_ci

    monkeypatch.setenv("CI", value)
    assert in_ci()
    monkeypatch.setenv("CI", "false")
    assert not in_ci()
    monkeypatch.delenv("CI")
    assert not in_ci()
