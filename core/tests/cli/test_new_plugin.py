"""``sessionkit new-plugin`` is a subcommand of the real ``sessionkit`` group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from click.testing import CliRunner
from sessionkit.cli import EXIT_OK, EXIT_USAGE, make_cli

if TYPE_CHECKING:
    from pathlib import Path


def test_new_plugin_writes_a_package_where_asked(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    result = CliRunner().invoke(
        make_cli(discover=False), ["new-plugin", "vault", "--kind", "wallet", "--to", str(target)]
    )
    assert result.exit_code == EXIT_OK, result.output
    assert f"wrote sessionkit-wallet-vault to {target}" in result.output
    assert 'name = "sessionkit-wallet-vault"' in (target / "pyproject.toml").read_text()
    assert (target / "src" / "sessionkit_wallet_vault" / "py.typed").exists()


def test_new_plugin_refuses_a_bad_name_as_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        make_cli(discover=False),
        ["new-plugin", "Not_A_Name", "--kind", "ui", "--to", str(tmp_path / "x")],
    )
    assert result.exit_code == EXIT_USAGE
    assert "Not_A_Name" in result.output
    assert not (tmp_path / "x").exists()
