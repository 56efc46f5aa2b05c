"""``python -m sessionkit._template NAME --kind KIND [--to DIR]``: write a new plugin package."""

from __future__ import annotations

import argparse
import sys

from sessionkit._template import KINDS, plugin_names, render_plugin
from sessionkit.errors import ConfigurationError


def main(argv: list[str] | None = None) -> int:
    """Render the template; print where the package went and how to test it."""
    parser = argparse.ArgumentParser(prog="python -m sessionkit._template")
    parser.add_argument("name", help="the plugin's short name, e.g. my-wallet")
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--to", default=None, help="directory to create (default: the dist name)")
    args = parser.parse_args(argv)
    try:
        names = plugin_names(args.name, args.kind)
        path = render_plugin(args.name, args.kind, args.to or names.distribution)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {names.distribution} to {path}; test it with: cd {path} && pytest")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
