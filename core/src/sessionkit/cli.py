"""The ``sessionkit`` command: ``devnet prepare | start | status | stop`` and ``demo``.

``sessionkit devnet start`` leaves a bootstrapped local node running after the command returns
(its state file is ``<user cache dir>/sessionkit/devnet/run/devnet.json``, or the directory
named by ``SESSIONKIT_DEVNET_STATE_DIR``); ``status`` reports on it and ``stop`` removes it.
``sessionkit demo`` starts a node, signs and broadcasts a token transfer with SessionKit's own
code, prints the balances before and after, and stops the node.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sessionkit.devnet import Devnet

__all__ = ["main"]

STATE_DIR_ENV_VAR = "SESSIONKIT_DEVNET_STATE_DIR"


def _say(message: str) -> None:
    print(message, flush=True)


def _state_file() -> Path:
    from sessionkit.devnet._state import state_path
    from sessionkit.devnet._venv import default_root

    named = os.environ.get(STATE_DIR_ENV_VAR)
    return Path(named) / "devnet.json" if named else state_path(default_root())


def _print_accounts(devnet: Devnet) -> None:
    _say("Test permissions and their keys (PUBLISHED TEST KEYS, for this local devnet only):")
    for label, account in devnet.permissions.items():
        threshold = f" (threshold {account.threshold})" if account.threshold > 1 else ""
        _say(f"  {label}{threshold}")
        for key in account.private_keys:
            _say(f"    {key.public_key}  {key.to_string()}")
    _say(f"WARNING: {devnet.published_keys_warning}")


def devnet_prepare(args: argparse.Namespace) -> int:
    """Build the node environment now (it is otherwise built on first use)."""
    from sessionkit.devnet import ensure_environment

    env = ensure_environment(progress=_progress)
    _say(f"Node environment ready: {env.directory}")
    return 0


def devnet_start(args: argparse.Namespace) -> int:
    """Start a detached devnet and remember it in the state file (one at a time, locked)."""
    from sessionkit.devnet._state import state_lock

    path = _state_file()
    with state_lock(path, wait=False):
        return _start_detached(path)


def _start_detached(path: Path) -> int:
    from sessionkit.devnet import TEST_BALANCE, TOKEN_SUPPLY, Devnet
    from sessionkit.devnet._node import stop_detached, supervisor_running
    from sessionkit.devnet._state import DevnetState

    state = DevnetState.load(path)
    if state is not None:
        if supervisor_running(state.supervisor_pid, Path(state.directory)):
            _say(
                f"A devnet is already running at {state.url} (stop it with: sessionkit devnet stop)"
            )
            return 0
        _say(f"Removing what is left of the devnet that ran at {state.url}")
        stop_detached(state.supervisor_pid, state.pid, Path(state.directory), timeout=10.0)
        path.unlink(missing_ok=True)
    devnet = Devnet(progress=_progress, detached=True)
    devnet.start()
    node = devnet.node
    DevnetState(
        url=devnet.url,
        chain_id=str(devnet.chain_id),
        pid=node.pid,
        supervisor_pid=node.supervisor_pid,
        directory=str(node.directory),
        http_port=node.ports.http,
        p2p_port=node.ports.p2p,
        debug_port=node.ports.debug,
    ).save(path)
    _say(f"Devnet running at {devnet.url}")
    _say(f"Chain id: {devnet.chain_id}")
    _say(f"Token: {TOKEN_SUPPLY} on {devnet.token_contract}, {TEST_BALANCE} per test account")
    _print_accounts(devnet)
    _say("Stop it with: sessionkit devnet stop")
    devnet.forget()
    return 0


def devnet_status(args: argparse.Namespace) -> int:
    """Report on the devnet from the state file: 0 if it runs and answers, 1 otherwise."""
    import anyio

    from sessionkit.devnet._node import process_alive
    from sessionkit.devnet._state import DevnetState

    state = DevnetState.load(_state_file())
    if state is None:
        _say("No devnet is running (start one with: sessionkit devnet start)")
        return 1
    if not process_alive(state.pid):
        _say(f"The devnet at {state.url} is not running any more (pid {state.pid} is gone)")
        return 1

    async def head() -> int | str:
        from sessionkit.chain import APIClient
        from sessionkit.errors import ChainError

        try:
            async with APIClient(state.url, timeout=3.0) as client:
                info = await client.get_info()
        except ChainError as exc:
            return str(exc)
        return info.head_block_num

    answer = anyio.run(head)
    if isinstance(answer, str):
        _say(f"The devnet at {state.url} runs (pid {state.pid}) but is not answering: {answer}")
        _say("Stop it with: sessionkit devnet stop")
        return 1
    _say(f"Devnet running at {state.url}: head block {answer}")
    _say(f"Chain id: {state.chain_id}")
    _say(f"Node pid {state.pid}, directory {state.directory}")
    return 0


def devnet_stop(args: argparse.Namespace) -> int:
    """Stop the devnet named in the state file and forget it (after any start in progress)."""
    from sessionkit.devnet._state import state_lock

    path = _state_file()
    with state_lock(path, wait=True):
        return _stop_detached(path)


def _stop_detached(path: Path) -> int:
    from sessionkit.devnet._node import stop_detached
    from sessionkit.devnet._state import DevnetState

    state = DevnetState.load(path)
    if state is None:
        _say("No devnet is running")
        return 0
    stop_detached(state.supervisor_pid, state.pid, Path(state.directory), timeout=10.0)
    path.unlink(missing_ok=True)
    _say(f"Devnet at {state.url} stopped")
    return 0


def demo(args: argparse.Namespace) -> int:
    """Start a devnet, transfer 1.0000 SYS from alice to bob, show the balances, stop."""
    import anyio

    from sessionkit.devnet import Devnet

    _say("Starting a local Antelope devnet (a real Leap node)...")
    with Devnet(progress=_progress) as devnet:
        _say(f"Devnet ready at {devnet.url} (chain {str(devnet.chain_id)[:12]}...)")
        anyio.run(_demo_transfer, devnet)
        _say("Stopping the devnet...")
    _say("Done: node stopped, nothing left behind.")
    return 0


async def _demo_transfer(devnet: Devnet) -> None:
    from sessionkit.antelope import Action, SignedTransaction, Transaction
    from sessionkit.chain import ABICache

    alice, bob = devnet.accounts["alice"], devnet.accounts["bob"]
    contract = devnet.token_contract
    async with devnet.client() as client:

        async def balances(when: str) -> None:
            for account in (alice, bob):
                held = await client.get_currency_balance(contract, account.name, "SYS")
                shown = ", ".join(str(a) for a in held) or "nothing"
                _say(f"  {when:6} {account.name}: {shown}")

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
        _say(f"Signing a transfer of 1.0000 SYS from alice to bob with {alice.public_key}")
        result = await client.send_transaction(SignedTransaction(transaction, [signature]))
        _say(f"  broadcast: transaction {result.transaction_id}")
        await balances("after")


def _progress(message: str) -> None:
    _say(f"  ... {message}")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``sessionkit`` command."""
    parser = argparse.ArgumentParser(
        prog="sessionkit", description="SessionKit for Python: tools and a demo."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    devnet = commands.add_parser("devnet", help="a local Leap node with test accounts")
    actions = devnet.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser(
        "prepare", help="build the node environment now (about 20 s, once)"
    ).set_defaults(handler=devnet_prepare)
    actions.add_parser("start", help="start a node that keeps running").set_defaults(
        handler=devnet_start
    )
    actions.add_parser("status", help="is the node running?").set_defaults(handler=devnet_status)
    actions.add_parser("stop", help="stop the node and delete its data").set_defaults(
        handler=devnet_stop
    )

    commands.add_parser(
        "demo", help="start a devnet, sign and broadcast a token transfer, stop"
    ).set_defaults(handler=demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sessionkit`` console script."""
    from sessionkit.errors import SessionKitError

    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except SessionKitError as exc:
        print(f"sessionkit: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sessionkit: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
