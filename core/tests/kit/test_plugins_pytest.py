"""SessionKit's pytest plugin (entry point ``pytest11``) turns strict plugin loading on for test
runs, and an ini option turns it off: checked in a separate pytest run, as a user's project."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

PROBE = """
import os

def test_strict():
    print("STRICT=" + os.environ.get("SESSIONKIT_STRICT_PLUGINS", "unset"))
"""


@pytest.mark.parametrize(
    ("ini", "expected"),
    [("", "STRICT=1"), ("[pytest]\nsessionkit_strict_plugins = false\n", "STRICT=unset")],
)
def test_strict_loading_under_pytest(tmp_path: Path, ini: str, expected: str) -> None:
    (tmp_path / "test_probe.py").write_text(PROBE)
    (tmp_path / "pytest.ini").write_text(ini or "[pytest]\n")
    env = {k: v for k, v in os.environ.items() if k != "SESSIONKIT_STRICT_PLUGINS"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "test_probe.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert expected in run.stdout


def test_this_run_is_strict() -> None:
    assert os.environ.get("SESSIONKIT_STRICT_PLUGINS") == "1"
