"""The plugin template: every kind renders a package whose own tests (the contract) pass."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from sessionkit._template import KINDS, plugin_names, render_plugin
from sessionkit._template.__main__ import main
from sessionkit.errors import ConfigurationError

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize("name", ["", "My-Wallet", "1wallet", "a--b", "a_b", "x" * 41, "wallet-"])
def test_unusable_names_are_refused_with_the_rule(name: str) -> None:
    with pytest.raises(ConfigurationError, match="lowercase letters"):
        plugin_names(name, "wallet")


def test_an_unknown_kind_names_the_kinds() -> None:
    with pytest.raises(ConfigurationError, match="wallet, ui, transact, login, storage"):
        plugin_names("x", "signer")


def test_names_follow_the_first_party_plugins() -> None:
    names = plugin_names("my-wallet", "wallet")
    assert names.distribution == "sessionkit-wallet-my-wallet"
    assert names.module == "sessionkit_wallet_my_wallet"
    assert names.class_name == "MyWalletWallet"
    assert names.plugin_id == "my-wallet"


def test_nothing_is_overwritten(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(ConfigurationError, match="never overwrites"):
        render_plugin("x", "ui", tmp_path)
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_the_module_command_reports_errors_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["Bad", "--kind", "ui", "--to", str(tmp_path / "p")]) == 2
    assert "error: plugin name 'Bad'" in capsys.readouterr().err
    assert main(["good", "--kind", "ui", "--to", str(tmp_path / "p")]) == 0
    assert (tmp_path / "p" / "src" / "sessionkit_ui_good" / "__init__.py").is_file()


def test_a_package_has_its_entry_point_readme_and_ci(tmp_path: Path) -> None:
    path = render_plugin("acme", "storage", tmp_path / "acme")
    pyproject = (path / "pyproject.toml").read_text()
    assert '[project.entry-points.sessionkit]\nacme = "sessionkit_storage_acme"' in pyproject
    assert "@@" not in "".join(p.read_text() for p in path.rglob("*") if p.is_file())
    assert (path / ".github" / "workflows" / "test.yml").is_file()
    assert (path / "src" / "sessionkit_storage_acme" / "py.typed").is_file()
    assert "SessionStorageContract" in (path / "tests" / "test_contract.py").read_text()


@pytest.mark.slow
@pytest.mark.devnet
def test_every_kind_passes_its_contract_suite(tmp_path: Path) -> None:
    """Each kind's package, as rendered, passes its own tests (one devnet for all of them)."""
    packages = [render_plugin(f"demo-{kind}", kind, tmp_path / kind) for kind in KINDS]
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(str(p / "src") for p in packages)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["--import-mode=importlib", "--rootdir", str(tmp_path), "-c", os.devnull]
    command += ["-W", "error", *(str(p / "tests") for p in packages)]
    done = subprocess.run(
        command,
        check=False,
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout
    assert "skipped" not in done.stdout


def test_the_new_plugin_command(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from sessionkit._template._command import new_plugin

    runner = CliRunner()
    done = runner.invoke(new_plugin, ["acme", "--kind", "login", "--to", str(tmp_path / "a")])
    assert done.exit_code == 0, done.output
    assert "wrote sessionkit-login-acme" in done.output
    assert (tmp_path / "a" / "tests" / "test_contract.py").is_file()
    refused = runner.invoke(new_plugin, ["Acme", "--kind", "login", "--to", str(tmp_path / "b")])
    assert refused.exit_code == 2
    assert "lowercase letters" in refused.output
