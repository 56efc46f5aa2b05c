"""``python -m sessionkit_wallet_anchor.testing relay [--host H] [--port P]``: a local relay."""

from __future__ import annotations

import argparse
import sys

import anyio

from sessionkit_wallet_anchor.testing._relay import LocalRelay


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run what it asks for until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m sessionkit_wallet_anchor.testing")
    commands = parser.add_subparsers(dest="command", required=True)
    relay = commands.add_parser("relay", help="run a buoy-compatible relay on loopback")
    relay.add_argument("--host", default="127.0.0.1", help="address to listen on")
    relay.add_argument("--port", type=int, default=7000, help="port (0: any free one)")
    args = parser.parse_args(argv)
    try:
        anyio.run(LocalRelay(args.host, args.port).serve_forever)
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
