"""The ``sessionkit`` command's kit commands, run as a user would: in a subprocess, on the devnet.

Each test has its own ``SESSIONKIT_HOME`` (so its own stored sessions) and names the devnet
through ``SESSIONKIT_CHAIN``/``SESSIONKIT_CHAIN_URL``; the wallet is the private-key wallet with
alice's published devnet key in ``SESSIONKIT_PRIVATE_KEY``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import anyio
import click
import pytest
from click.testing import CliRunner
from sessionkit import hookimpl
from sessionkit.antelope import Signature, SignedTransaction, Transaction
from sessionkit.chain import APIClient
from sessionkit.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, make_cli

if TYPE_CHECKING:
    from pathlib import Path

    from sessionkit.devnet import Devnet


def sessionkit(
    *args: str, env: dict[str, str], stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sessionkit.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A user's environment with no chain, no key and their own session storage."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SESSIONKIT_")}
    return {
        **clean,
        "SESSIONKIT_HOME": str(tmp_path / "home"),
        "SESSIONKIT_DEVNET_STATE_DIR": str(tmp_path / "no-devnet"),
        "NO_COLOR": "1",
    }


@pytest.fixture
def devnet_env(env: dict[str, str], devnet: Devnet) -> dict[str, str]:
    return {
        **env,
        "SESSIONKIT_CHAIN": str(devnet.chain_id),
        "SESSIONKIT_CHAIN_URL": devnet.url,
        "SESSIONKIT_PRIVATE_KEY": devnet.accounts["alice"].private_key.to_string(),
        "SESSIONKIT_WALLET": "privatekey",
    }


async def balance(devnet: Devnet, account: str) -> str:
    async with APIClient(devnet.url) as client:
        return str((await client.get_currency_balance("eosio.token", account, "SYS"))[0])


# -- without a chain --------------------------------------------------------------------------


def test_version_and_help_everywhere() -> None:
    runner = CliRunner()
    cli = make_cli(discover=False)
    version = runner.invoke(cli, ["--version"])
    assert version.exit_code == EXIT_OK
    assert re.fullmatch(r"sessionkit \d+\.\d+\.\d+\S*\n", version.output)
    for command in ("login", "sessions", "transact", "logout", "plugins", "demo"):
        shown = runner.invoke(make_cli(discover=False), [command, "--help"])
        assert shown.exit_code == EXIT_OK, command
        assert "$ sessionkit " + command in shown.output, command


def test_transact_needs_exactly_one_action(env: dict[str, str]) -> None:
    neither = sessionkit("transact", env=env)
    assert neither.returncode == EXIT_USAGE
    assert "give an ACTION_JSON or --transfer" in neither.stderr
    both = sessionkit("transact", "{}", "--transfer", "bob", "1.0000 SYS", env=env)
    assert both.returncode == EXIT_USAGE


def test_no_session_and_no_chain_are_clear_errors(env: dict[str, str]) -> None:
    done = sessionkit("transact", "--transfer", "bob", "1.0000 SYS", env=env)
    assert done.returncode == EXIT_FAILURE
    assert "log in first (sessionkit login)" in done.stderr
    assert "Traceback" not in done.stderr
    unknown = sessionkit("login", "--chain", "Narnia", env=env)
    assert unknown.returncode == EXIT_FAILURE
    assert "no known chain is called 'Narnia'" in unknown.stderr
    assert "Jungle4" in unknown.stderr
    sessions = sessionkit("sessions", "--json", env=env)
    assert sessions.returncode == EXIT_OK
    assert json.loads(sessions.stdout) == []


def test_plugins_lists_what_is_installed_and_what_failed(env: dict[str, str]) -> None:
    done = sessionkit("plugins", "--json", env=env)
    assert done.returncode == EXIT_OK, done.stderr
    listed = json.loads(done.stdout)
    by_id = {plugin["id"]: plugin for plugin in listed["plugins"]}
    assert by_id["console"]["distribution"] == "sessionkit-ui-console"
    assert "register_user_interfaces" in by_id["console"]["hooks"]
    assert by_id["privatekey"]["version"]
    assert listed["errors"] == []
    table = sessionkit("plugins", env={**env, "SESSIONKIT_PLUGINS": "console"})
    assert "console" in table.stdout
    assert "privatekey" not in table.stdout


class Greeter:
    """A plugin adding a command, as llm plugins do."""

    @hookimpl
    def register_commands(self, cli: click.Group) -> None:
        @cli.command()
        @click.argument("name")
        def hello(name: str) -> None:
            """Say hello."""
            click.echo(f"hello {name}")


class Broken:
    @hookimpl
    def register_commands(self, cli: click.Group) -> None:
        raise RuntimeError("broken plugin")


def test_plugins_add_commands_and_a_broken_one_is_left_out(caplog: Any) -> None:
    cli = make_cli(discover=False, plugins=[Broken(), Greeter()])
    said = CliRunner().invoke(cli, ["hello", "ann"])
    assert said.exit_code == EXIT_OK
    assert said.output == "hello ann\n"
    assert "could not add its commands: broken plugin" in caplog.text
    assert "devnet" in cli.commands


# -- on the devnet ---------------------------------------------------------------------------


@pytest.mark.devnet
def test_login_sessions_transact_logout(devnet: Devnet, devnet_env: dict[str, str]) -> None:
    login = sessionkit("login", env=devnet_env)
    assert login.returncode == EXIT_OK, login.stderr
    assert "Logged in as alice@active on " in login.stdout
    assert "Several accounts (alice@active, alice@owner): the wallet chooses" in login.stderr

    listed = sessionkit("sessions", "--json", env=devnet_env)
    (stored,) = json.loads(listed.stdout)
    assert stored["actor"] == "alice"
    assert stored["default"] is True
    assert stored["chain"] == str(devnet.chain_id)
    assert "PVT_" not in listed.stdout
    table = sessionkit("sessions", env=devnet_env)
    assert re.search(r"\*\s+\S+\s+alice@active", table.stdout), table.stdout

    before = anyio.run(balance, devnet, "carol")
    sent = sessionkit(
        "transact", "--transfer", "carol", "0.0100 SYS", "--memo", "cli", env=devnet_env
    )
    assert sent.returncode == EXIT_OK, sent.stderr
    assert re.search(
        r"Transaction [0-9a-f]{64} broadcast by alice@active \(block \d+\)", sent.stdout
    )
    action = {
        "account": "eosio.token",
        "name": "transfer",
        "data": {"from": "alice", "to": "carol", "quantity": "0.0200 SYS", "memo": "json"},
    }
    from_stdin = sessionkit("transact", "-", "--json", env=devnet_env, stdin=json.dumps(action))
    assert from_stdin.returncode == EXIT_OK, from_stdin.stderr
    assert json.loads(from_stdin.stdout)["block_num"] > 0
    after = anyio.run(balance, devnet, "carol")
    assert float(after.split()[0]) - float(before.split()[0]) == pytest.approx(0.03)

    logout = sessionkit("logout", env=devnet_env)
    assert logout.returncode == EXIT_OK, logout.stderr
    assert "Logged out alice@active" in logout.stdout
    assert json.loads(sessionkit("sessions", "--json", env=devnet_env).stdout) == []


@pytest.mark.devnet
def test_no_broadcast_prints_a_transaction_the_chain_accepts(
    devnet: Devnet, devnet_env: dict[str, str]
) -> None:
    assert sessionkit("login", "--permission", "alice@active", env=devnet_env).returncode == 0
    before = anyio.run(balance, devnet, "dave")
    done = sessionkit(
        "transact", "--no-broadcast", "--transfer", "dave", "0.0300 SYS", env=devnet_env
    )
    assert done.returncode == EXIT_OK, done.stderr
    signed = json.loads(done.stdout)
    assert anyio.run(balance, devnet, "dave") == before  # not sent
    transaction = Transaction.from_json(signed["transaction"])
    assert str(transaction.id) == signed["id"]

    async def send() -> str:
        async with APIClient(devnet.url) as client:
            sent = SignedTransaction(
                transaction, [Signature.from_string(s) for s in signed["signatures"]]
            )
            return str((await client.send_transaction(sent)).transaction_id)

    assert anyio.run(send) == signed["id"]
    assert anyio.run(balance, devnet, "dave") != before


@pytest.mark.devnet
def test_login_failures_say_what_to_do(devnet_env: dict[str, str]) -> None:
    without_key = {k: v for k, v in devnet_env.items() if k != "SESSIONKIT_PRIVATE_KEY"}
    done = sessionkit("login", env=without_key)
    assert done.returncode == EXIT_FAILURE
    assert "$SESSIONKIT_PRIVATE_KEY" in done.stderr
    assert "Traceback" not in done.stderr
    wrong = sessionkit("login", "--permission", "bob@active", env=devnet_env)
    assert wrong.returncode == EXIT_FAILURE
    assert "cannot sign for bob@active" in wrong.stderr
    confirm = sessionkit("login", env=devnet_env)
    assert confirm.returncode == EXIT_OK
    asked = sessionkit("transact", "--confirm", "--transfer", "bob", "0.0001 SYS", env=devnet_env)
    assert asked.returncode == EXIT_FAILURE
    assert "needs accept or decline and nobody can be asked" in asked.stderr
