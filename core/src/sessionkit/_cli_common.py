"""What the ``sessionkit`` command's modules share: exit codes, output, help text helpers."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from sessionkit.errors import Cancelled, SessionKitError

__all__ = [
    "CONTEXT",
    "EXIT_CANCELLED",
    "EXIT_CODES",
    "EXIT_FAILURE",
    "EXIT_OK",
    "EXIT_USAGE",
    "CommandGroup",
    "Failure",
    "Output",
    "SHOWN_BY_UI",
    "examples",
    "output",
]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_CANCELLED = 130

CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXIT_CODES = f"""\b
Exit codes:
  {EXIT_OK:<4} done
  {EXIT_FAILURE:<4} failed (the message says why and what to do)
  {EXIT_USAGE:<4} usage error (a mistyped command or option)
  {EXIT_CANCELLED:<4} cancelled (Ctrl-C, Escape, or a declined request)"""


#: Errors the user interface has shown already (the command does not repeat them).
SHOWN_BY_UI: list[BaseException] = []


def shown_by_ui(error: BaseException | None) -> bool:
    """Whether the user interface showed ``error`` already."""
    return any(error is shown for shown in SHOWN_BY_UI)


class CommandGroup(click.Group):
    """Turns SessionKit's errors into a message and exit code 1, and cancellations into 130."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Cancelled as exc:
            if not shown_by_ui(exc):
                Output().cancelled(None if exc.silent else str(exc))
            raise click.exceptions.Exit(EXIT_CANCELLED) from None
        except SessionKitError as exc:
            raise Failure(str(exc)) from exc
        except (KeyboardInterrupt, click.Abort):
            Output().cancelled(None)
            raise click.exceptions.Exit(EXIT_CANCELLED) from None


class Failure(click.ClickException):
    """A command failed for a reason its message explains."""

    exit_code = EXIT_FAILURE

    def show(self, file: Any = None) -> None:
        if not shown_by_ui(self.__cause__):
            Output().error(self.message)


class Output:
    """Results on stdout, errors on stderr; rich colours them on terminals, not under NO_COLOR."""

    def __init__(self) -> None:
        options: dict[str, Any] = {"highlight": False, "soft_wrap": True, "emoji": False}
        self.out = Console(**options)
        self.err = Console(stderr=True, **options)

    def say(self, *parts: str | tuple[str, str]) -> None:
        """Print one line made of plain text and ``(text, style)`` parts."""
        self.out.print(Text.assemble(*parts))

    def step(self, message: str) -> None:
        """A numbered or named step of a story (the demo), in bold."""
        self.out.print(Text(message, style="bold"))

    def progress(self, message: str) -> None:
        """A step of a longer operation."""
        self.out.print(Text(f"  ... {message}", style="dim"))

    def json(self, value: Any) -> None:
        """``value`` as indented JSON on stdout (never coloured: it is for programs)."""
        click.echo(json.dumps(value, indent=2, sort_keys=False))

    def error(self, message: str) -> None:
        """A failure, on stderr."""
        self.err.print(Text.assemble(("Error: ", "bold red"), message))

    def cancelled(self, reason: str | None) -> None:
        """A cancellation (Ctrl-C, or the person declined), on stderr."""
        if self.err.is_terminal:
            self.err.print()  # end the line the terminal's ^C is on
        said = f"Cancelled: {reason}" if reason else "Cancelled."
        self.err.print(Text(said, style="yellow"))


def output() -> Output:
    """The current command's `Output`."""
    return click.get_current_context().ensure_object(Output)


def examples(*commands: str) -> str:
    r"""An epilog listing example command lines, kept as written (click's ``\b`` marker)."""
    lines = "\n".join(f"  $ {command}" for command in commands)
    return f"\b\nExample{'s' if len(commands) > 1 else ''}:\n{lines}"
