"""docs/cli.md shows each command's ``--help`` as the command prints it: regenerate with
``uv run python core/tests/cli/test_docs.py`` after changing a command."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from click.testing import CliRunner
from sessionkit.cli import make_cli

DOC = Path(__file__).resolve().parents[3] / "docs" / "cli.md"
# <!-- help: sessionkit devnet start --> followed by a ```text fence
BLOCK = re.compile(
    r"(<!-- help: sessionkit(?P<args>[a-z -]*) -->\n```text\n)(?P<body>.*?)(```)", re.S
)


def help_of(args: str) -> str:
    shown = CliRunner().invoke(
        make_cli(discover=False),
        [*args.split(), "--help"],
        terminal_width=100,
        prog_name="sessionkit",
    )
    assert shown.exit_code == 0, shown.output
    return shown.output


def regenerated(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + help_of(m.group("args")) + m.group(4), text)


def test_the_reference_shows_the_current_help() -> None:
    text = DOC.read_text(encoding="utf-8")
    shown = {m.group("args").strip() for m in BLOCK.finditer(text)}
    assert {
        "",
        "login",
        "sessions",
        "transact",
        "logout",
        "plugins",
        "demo",
        "devnet",
        "new-plugin",
    } <= shown
    assert regenerated(text) == text, (
        "docs/cli.md is out of date: run uv run python core/tests/cli/test_docs.py"
    )


if __name__ == "__main__":
    DOC.write_text(regenerated(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    sys.exit(0)
