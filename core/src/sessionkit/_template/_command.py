"""``sessionkit new-plugin NAME --kind KIND``: the template as a subcommand of ``sessionkit``."""

from __future__ import annotations

from pathlib import Path

import click

from sessionkit._template import KINDS, plugin_names, render_plugin
from sessionkit.errors import ConfigurationError


@click.command("new-plugin")
@click.argument("name")
@click.option("--kind", type=click.Choice(KINDS), required=True, help="what the plugin is")
@click.option(
    "--to",
    "destination",
    type=click.Path(path_type=Path),
    default=None,
    help="directory to create (default: ./sessionkit-KIND-NAME)",
)
def new_plugin(name: str, kind: str, destination: Path | None) -> None:
    """Write a new plugin package that passes SessionKit's contract suite for its kind."""
    try:
        names = plugin_names(name, kind)
        path = render_plugin(name, kind, destination or Path(names.distribution))
    except ConfigurationError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"wrote {names.distribution} to {path}")
    click.echo(f'next: cd {path} && pip install -e ".[test]" && pytest')
