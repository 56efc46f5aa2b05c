"""``sessionkit demo``: the kit's story on a local devnet, told step by step.

`story` is the code an app writes (docs/cli.md shows it as the getting-started example): a
`SessionKit` with the console user interface and the private-key wallet, a login, a transfer,
the session restored in a fresh kit from storage, a second transfer, a logout. The command
around it starts the devnet first and stops it at the end, whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import TYPE_CHECKING

import click

from sessionkit._cli_common import CONTEXT, Output, examples, output
from sessionkit._cli_kit import installed_wallets, wallet_id
from sessionkit.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sessionkit.chain import APIClient, ChainDefinition
    from sessionkit.storage import SessionStorage

__all__ = ["demo_command", "story"]

DEMO_APP = "sessionkit"  # an Antelope name, as Anchor requires
TRANSFER = "1.0000 SYS"


def demo_command() -> click.Command:
    """The ``demo`` command."""

    @click.command(
        "demo",
        context_settings=CONTEXT,
        epilog=examples("sessionkit demo", "sessionkit demo < /dev/null"),
    )
    @click.option(
        "--wallet",
        type=click.Choice(["privatekey", "anchor"]),
        default="privatekey",
        show_default=True,
        help="The wallet to log in with: the private-key wallet (alice's published devnet "
        "key), or Anchor (shows its login QR code for a phone; needs sessionkit-wallet-anchor, "
        "and a phone that reaches this machine's devnet).",
    )
    @click.option(
        "--simulate",
        is_flag=True,
        help="With --wallet anchor: run a local relay and a simulated Anchor wallet (offline).",
    )
    def demo(wallet: str, simulate: bool) -> None:
        """Tell SessionKit's story on a local devnet, printing each step.

        It starts a devnet (building its environment on first use), logs in as alice with
        the console user interface and the private-key wallet, transfers 1.0000 SYS to bob
        twice (the second time with the session restored from storage by a fresh kit), prints
        the balances and the session, logs out and stops the devnet. Off a terminal it asks
        nothing; in a terminal it lets you choose the account (Enter takes alice@active).
        """
        import anyio

        from sessionkit.devnet import Devnet

        if simulate and wallet != "anchor":
            raise click.UsageError("--simulate goes with --wallet anchor")
        if simulate:
            raise ConfigurationError(
                "--simulate is not available yet: the simulated Anchor and its local relay "
                "live in sessionkit-wallet-anchor's testing module, which the core command may "
                "not import; run the Anchor flow offline with the test "
                "tests/test_terminal.py::test_an_anchor_login_read_from_the_screen_through_the_"
                "local_relay"
            )
        out = output()
        out.step("1. Start a local Antelope devnet (a real Leap node)")
        with Devnet(progress=out.progress) as devnet:
            out.say(f"   Devnet ready at {devnet.url} (chain {str(devnet.chain_id)[:12]}...)")
            alice = devnet.accounts["alice"]
            from sessionkit.chain import ChainDefinition

            chain = ChainDefinition(devnet.chain_id, devnet.url, name="SessionKit devnet")
            with (
                _private_key_in_environment(alice.private_key.to_string()),
                tempfile.TemporaryDirectory(prefix="sessionkit-demo-") as home,
            ):
                from sessionkit.storage import FileStorage

                chosen = wallet_id(wallet, installed_wallets())
                assert chosen is not None
                anyio.run(story, out, chain, chosen, FileStorage(directory=home))
            out.step("10. Stop the devnet")
        out.say(("Done: node stopped, nothing left behind.", "green"))

    return demo


@contextlib.contextmanager
def _private_key_in_environment(key: str) -> Iterator[None]:
    """The private-key wallet reads its key from $SESSIONKIT_PRIVATE_KEY, as a bot's would."""
    names = ("SESSIONKIT_PRIVATE_KEY", "SESSIONKIT_PRIVATE_KEY_FILE")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.pop("SESSIONKIT_PRIVATE_KEY_FILE", None)
    os.environ["SESSIONKIT_PRIVATE_KEY"] = key
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def story(out: Output, chain: ChainDefinition, wallet: str, storage: SessionStorage) -> None:
    """The getting-started code: log in, transfer, restore, transfer again, log out."""
    from sessionkit import SessionKit

    out.step("2. Create a SessionKit with the console user interface and the wallet")
    async with SessionKit(
        DEMO_APP, [chain], ui="console", wallet_plugins=[wallet], storage=storage
    ) as kit:
        out.say(f"   {kit!r}")
        out.step("3. Log in")
        session = (await kit.login()).session
        out.say(("   Logged in as ", "green"), (f"{session.actor}@{session.permission}", "bold"))
        await _balances(out, session.client, "4. Balances", session.actor, "before")
        out.step(f"5. Transfer {TRANSFER} from {session.actor} to bob")
        result = await session.transact(
            action=_transfer(session.actor, session.permission, "first transfer")
        )
        out.say(f"   transaction {result.transaction_id}")

    out.step("6. Restore the session in a fresh kit, from storage")
    async with SessionKit(
        DEMO_APP, [chain], ui="console", wallet_plugins=[wallet], storage=storage
    ) as fresh:
        restored = await fresh.restore()
        if restored is None:  # pragma: no cover - the login above stored it
            raise ConfigurationError("the session was not stored")
        out.say(f"   restored {restored!r}")
        out.say(f"   stored as {restored.serialize()}")
        out.step(f"7. Transfer {TRANSFER} again with the restored session")
        again = await restored.transact(
            action=_transfer(restored.actor, restored.permission, "restored session")
        )
        out.say(f"   transaction {again.transaction_id}")
        await _balances(out, restored.client, "8. Balances", restored.actor, "after")
        out.step("9. Log out")
        await fresh.logout(restored)
        out.say(f"   stored sessions left: {len(await fresh.get_sessions())}")


def _transfer(sender: str, permission: str, memo: str) -> dict[str, object]:
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": sender, "permission": permission}],
        "data": {"from": sender, "to": "bob", "quantity": TRANSFER, "memo": memo},
    }


async def _balances(out: Output, client: APIClient, title: str, sender: str, when: str) -> None:
    out.step(title)
    for account in (sender, "bob"):
        held = await client.get_currency_balance("eosio.token", account, "SYS")
        shown = ", ".join(str(asset) for asset in held) or "nothing"
        out.say(f"   {when:6} {account}: {shown}")
