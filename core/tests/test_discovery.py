"""Real entry-point discovery: throwaway plugin distributions are built as wheels, installed by
an installer (uv) into a scratch virtual environment, and a kit started in that environment
finds them; a broken one is isolated, and a misspelt hook fails loudly in strict mode."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import site
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

WALLET = """
from sessionkit import hookimpl
from sessionkit.antelope import PrivateKey
from sessionkit.testing import KeyWallet

logins = []


class ThrowawayWallet(KeyWallet):
    id = "throwaway-wallet"

    def __init__(self):
        super().__init__(PrivateKey.generate())


@hookimpl
def register_wallet_plugins(register):
    register(ThrowawayWallet)


@hookimpl
def before_login(context):
    logins.append(context)
"""

BROKEN = "import a_module_that_is_not_installed\n"

MISSPELT = """
from sessionkit import hookimpl


@hookimpl
def befor_login(context):
    pass
"""

PROBE = """
import json, sys
from sessionkit import MemoryStorage, SessionKit
from sessionkit.errors import PluginLoadError

chain = {"id": "aa" * 32, "url": "http://127.0.0.1:9"}
strict = sys.argv[1] == "strict"
try:
    kit = SessionKit("discovery", [chain], storage=MemoryStorage(), strict=strict)
except PluginLoadError as error:
    print(json.dumps({"raised": str(error), "plugin": error.plugin,
                      "distribution": error.distribution}))
else:
    print(json.dumps({
        "plugins": [[p.id, p.distribution, p.version, list(p.hooks)] for p in kit.plugins],
        "errors": [[e.plugin, e.distribution, type(e.__cause__).__name__, str(e)]
                   for e in kit.plugin_errors],
        "wallets": [w.id for w in kit.wallet_plugins],
        "where": getattr(sys.modules.get("throwaway_wallet_plugin"), "__file__", None),
    }))
"""


def build_wheel(directory: Path, name: str, module: str, source: str, entry_id: str) -> Path:
    """A minimal, valid pure-Python wheel holding ``module`` and a ``sessionkit`` entry point."""
    normalized = name.replace("-", "_")
    info = f"{normalized}-1.0.dist-info"
    files = {
        f"{module}.py": textwrap.dedent(source).encode(),
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n".encode(),
        f"{info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: sessionkit-tests\nRoot-Is-Purelib: true\n"
            b"Tag: py3-none-any\n"
        ),
        f"{info}/entry_points.txt": f"[sessionkit]\n{entry_id} = {module}\n".encode(),
    }
    record = []
    for path, content in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(content)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = directory / f"{normalized}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return wheel


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A new virtual environment that sees the workspace's packages, plus three plugin wheels."""
    uv = os.environ.get("UV") or shutil.which("uv")
    assert uv, "these tests install wheels with uv, the project's tool: put it on PATH"
    root = tmp_path_factory.mktemp("discovery")
    venv = root / "venv"
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    python = venv / "bin" / "python"
    scratch_site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The workspace's site-packages (sessionkit and its dependencies) as a further site dir,
    # so its own .pth files (the editable installs) are processed too.
    workspace = [p for p in site.getsitepackages() if Path(p).is_dir()]
    lines = "".join(f"import site; site.addsitedir({p!r})\n" for p in workspace)
    (scratch_site / "zz_sessionkit_workspace.pth").write_text(lines)
    wheels = root / "wheels"
    wheels.mkdir()
    made = {
        "good": build_wheel(
            wheels, "throwaway-plugin", "throwaway_wallet_plugin", WALLET, "throwaway"
        ),
        "broken": build_wheel(wheels, "broken-plugin", "broken_plugin", BROKEN, "broken"),
        "misspelt": build_wheel(wheels, "misspelt-plugin", "misspelt_plugin", MISSPELT, "misspelt"),
    }
    return {"uv": Path(uv), "python": python, "site": scratch_site, **made}


def install(scratch: dict[str, Path], *names: str) -> None:
    subprocess.run(
        [
            str(scratch["uv"]),
            "pip",
            "install",
            "--quiet",
            "--offline",
            "--no-deps",
            "--python",
            str(scratch["python"]),
            *(str(scratch[name]) for name in names),
        ],
        check=True,
    )


def uninstall(scratch: dict[str, Path], *distributions: str) -> None:
    subprocess.run(
        [
            str(scratch["uv"]),
            "pip",
            "uninstall",
            "--quiet",
            "--python",
            str(scratch["python"]),
            *distributions,
        ],
        check=True,
    )


def probe(scratch: dict[str, Path], mode: str, allow: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESSIONKIT_")}
    env["SESSIONKIT_PLUGINS"] = allow
    run = subprocess.run(
        [str(scratch["python"]), "-c", PROBE, mode],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result: dict[str, object] = json.loads(run.stdout)
    return result


def test_an_installed_plugin_is_found_in_a_new_environment(scratch: dict[str, Path]) -> None:
    install(scratch, "good")
    try:
        found = probe(scratch, "strict", "throwaway")
        assert found["plugins"] == [
            ["throwaway", "throwaway-plugin", "1.0", ["before_login", "register_wallet_plugins"]]
        ]
        assert found["errors"] == []
        assert found["wallets"] == ["throwaway-wallet"]
        assert str(found["where"]).startswith(str(scratch["site"])), "loaded from the install"
    finally:
        uninstall(scratch, "throwaway-plugin")
    gone = probe(scratch, "lenient", "throwaway")
    assert gone["plugins"] == []


def test_a_broken_plugin_is_isolated_and_strict_mode_raises(scratch: dict[str, Path]) -> None:
    install(scratch, "good", "broken")
    try:
        lenient = probe(scratch, "lenient", "throwaway,broken")
        assert [p[0] for p in lenient["plugins"]] == ["throwaway"]  # type: ignore[union-attr]
        assert lenient["wallets"] == ["throwaway-wallet"]
        ((plugin, distribution, cause, message),) = lenient["errors"]  # type: ignore[misc]
        assert (plugin, distribution, cause) == ("broken", "broken-plugin", "ModuleNotFoundError")
        assert "a_module_that_is_not_installed" in message
        strict = probe(scratch, "strict", "throwaway,broken")
        assert strict["plugin"] == "broken"
        assert strict["distribution"] == "broken-plugin"
        assert "could not be loaded" in str(strict["raised"])
    finally:
        uninstall(scratch, "throwaway-plugin", "broken-plugin")


def test_a_misspelt_hook_fails_loudly_in_strict_mode(scratch: dict[str, Path]) -> None:
    install(scratch, "misspelt")
    try:
        strict = probe(scratch, "strict", "misspelt")
        assert strict["plugin"] == "misspelt"
        assert strict["distribution"] == "misspelt-plugin"
        assert "befor_login" in str(strict["raised"])
        assert "check the spelling" in str(strict["raised"])
        lenient = probe(scratch, "lenient", "misspelt")
        assert lenient["plugins"] == []
        assert [e[0] for e in lenient["errors"]] == ["misspelt"]  # type: ignore[union-attr]
    finally:
        uninstall(scratch, "misspelt-plugin")
