"""Keeps one node process and its directory, and removes both when its owner goes away.

Run as a script (``python -I _supervisor.py --dir DIR [--detached] -- NODE_ARGV...``), standard
library only, so it starts in a few milliseconds. It starts the node in its own process group
(killed with the supervisor too, through ``PR_SET_PDEATHSIG``), prints
``{"pid": NODE, "supervisor": SUPERVISOR}`` on one line, then waits:

- attached (the default): until its standard input reaches end of file. The owner holds the
  other end of that pipe, so a normal stop (the owner closes it) and a crash or ``kill -9`` of
  the owner (the kernel closes it) both end here, and nothing is left behind;
- detached (``start_detached``): until SIGTERM/SIGINT/SIGHUP or the node exits. It first forks
  and lets its parent exit, so the launcher reaps that parent at once and the supervisor is
  nobody's child: no zombie and no running child are left in the launcher.

Stopping sends SIGTERM to the node's process group, SIGKILL after ``--stop-timeout`` seconds,
then deletes the directory.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import FrameType

_PR_SET_PDEATHSIG = 1


class _Stop(Exception):
    """Raised from a signal handler to leave the wait loop."""


def _die_with_parent() -> None:
    """In the node's child process: be killed if the supervisor dies, whatever the cause."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def _signal_group(pgid: int, signum: int) -> None:
    """Send ``signum`` to a process group, if it still exists."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def stop_node(node: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM the node's group, SIGKILL it after ``timeout`` s, and reap the node."""
    if node.poll() is None:
        _signal_group(node.pid, signal.SIGTERM)
        try:
            node.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(node.pid, signal.SIGKILL)
            node.wait()
    # Helpers the node forked stay in its group: make sure none outlives it.
    _signal_group(node.pid, signal.SIGKILL)


def _wait_for_end_of_input() -> None:
    """Block until standard input is closed (a signal also ends the wait, via `_Stop`)."""
    while os.read(sys.stdin.fileno(), 4096):
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", required=True, help="the node's working directory (deleted)")
    parser.add_argument("--log", required=True, help="file receiving the node's output")
    parser.add_argument("--detached", action="store_true")
    parser.add_argument("--stop-timeout", type=float, default=10.0)
    parser.add_argument("node", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.node[1:] if args.node[:1] == ["--"] else args.node
    if args.detached and os.fork() > 0:
        os._exit(0)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    node: subprocess.Popen[bytes] | None = None
    try:
        with open(args.log, "ab") as log:
            node = subprocess.Popen(
                command,
                cwd=args.dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - this process has one thread
            )
        print(json.dumps({"pid": node.pid, "supervisor": os.getpid()}), flush=True)
        if args.detached:
            node.wait()
        else:
            _wait_for_end_of_input()
    except _Stop:
        pass
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        if node is not None:
            stop_node(node, args.stop_timeout)
        with contextlib.suppress(OSError):
            shutil.rmtree(args.dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
