"""``sessionkit demo``: the kit's story on a local devnet, told step by step.

`story` is the code an app writes (docs/cli.md shows it as the getting-started example): a
`SessionKit` with the console user interface and the private-key wallet, a login, a transfer,
the session restored in a fresh kit from storage, a second transfer, a logout. The command
around it starts the devnet first and stops it at the end, whatever happens.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import tempfile
import webbrowser
from typing import TYPE_CHECKING, Any

import click

from sessionkit._cli_common import CONTEXT, Output, examples, output
from sessionkit._cli_kit import installed_wallets, wallet_id
from sessionkit.errors import ConfigurationError
from sessionkit.ui import UserInterface

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sessionkit.chain import APIClient, ChainDefinition
    from sessionkit.storage import SessionStorage
    from sessionkit.ui import PromptArgs, PromptResponse

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
        "--ui",
        "ui_id",
        type=click.Choice(["console", "web"]),
        default="console",
        show_default=True,
        help="The user interface: this terminal, or a page in your browser (needs "
        "sessionkit-ui-web; the page's URL is printed too).",
    )
    @click.option(
        "--simulate",
        is_flag=True,
        help="With --wallet anchor: run a local relay and a simulated Anchor wallet that "
        "scans each QR code shown, signing with alice's devnet key (offline; needs "
        "sessionkit-wallet-anchor).",
    )
    def demo(wallet: str, ui_id: str, simulate: bool) -> None:
        """Tell SessionKit's story on a local devnet, printing each step.

        It starts a devnet (building its environment on first use), logs in as alice with
        the user interface and the wallet chosen (the console and the private-key wallet by
        default), transfers 1.0000 SYS to bob twice (the second time with the session
        restored from storage by a fresh kit), prints the balances and the session, logs out
        and stops the devnet. Off a terminal the console asks nothing; in a terminal it lets
        you choose the account (Enter takes alice@active).
        """
        import anyio

        from sessionkit.devnet import Devnet

        if simulate and wallet != "anchor":
            raise click.UsageError("--simulate goes with --wallet anchor")
        simulation = _simulation() if simulate else None
        out = output()
        user_interface = _user_interface(ui_id, out)
        out.step("1. Start a local Antelope devnet (a real Leap node)")
        with Devnet(progress=out.progress) as devnet:
            out.say(f"   Devnet ready at {devnet.url} (chain {str(devnet.chain_id)[:12]}...)")
            alice = devnet.accounts["alice"]
            from sessionkit.chain import ChainDefinition

            chain = ChainDefinition(devnet.chain_id, devnet.url, name="SessionKit devnet")
            with (
                _environment(SESSIONKIT_PRIVATE_KEY=alice.private_key.to_string()),
                tempfile.TemporaryDirectory(prefix="sessionkit-demo-") as home,
            ):
                from sessionkit.storage import FileStorage

                chosen = wallet_id(wallet, installed_wallets())
                assert chosen is not None
                storage = FileStorage(directory=home)
                if simulation is None:
                    anyio.run(story, out, chain, chosen, storage, user_interface)
                else:
                    simulated = functools.partial(
                        _simulated,
                        simulation,
                        out=out,
                        chain=chain,
                        wallet=chosen,
                        storage=storage,
                        ui=user_interface,
                        key=alice.private_key.to_string(),
                    )
                    anyio.run(simulated)
            out.step("10. Stop the devnet")
        out.say(("Done: node stopped, nothing left behind.", "green"))

    return demo


def _plugin_module(module: str, distribution: str, why: str) -> Any:
    """``module`` of an installed plugin, imported when the person asks for it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ConfigurationError(
            f"{why} needs the {distribution} distribution, which is not installed: install "
            f"it (pip install {distribution}, or uv pip install {distribution}) and run the "
            "demo again"
        ) from exc


def _simulation() -> Any:
    return _plugin_module(
        "sessionkit_wallet_anchor.testing", "sessionkit-wallet-anchor", "--simulate"
    )


def _user_interface(ui_id: str, out: Output) -> UserInterface | str:
    """The console's id, or a `WebUI` that prints its page's URL before opening it."""
    if ui_id != "web":
        return ui_id
    from sessionkit.plugins import PluginHost

    registered = PluginHost(strict=False).registered("ui").get("web")
    if registered is None:
        _plugin_module("sessionkit_ui_web", "sessionkit-ui-web", "--ui web")
        raise ConfigurationError(  # pragma: no cover - installed but not registered
            "sessionkit-ui-web is installed but registers no 'web' user interface: reinstall it"
        )

    def opener(url: str) -> None:
        out.say("   Open ", (url, "bold"), " in your browser (opening it now)")
        webbrowser.open(url)

    made = registered.factory(opener=opener)
    if not isinstance(made, UserInterface):  # pragma: no cover - the plugin's contract
        raise ConfigurationError("the 'web' user interface is not a UserInterface")
    return made


async def _simulated(
    testing: Any,
    *,
    out: Output,
    chain: ChainDefinition,
    wallet: str,
    storage: SessionStorage,
    ui: UserInterface | str,
    key: str,
) -> None:
    """The story with Anchor simulated: a local relay, and a phone that scans each QR code."""
    import anyio

    if isinstance(ui, str):  # made here so the phone sees what it shows
        from sessionkit.plugins import PluginHost

        ui = PluginHost(strict=False).registered("ui")[ui].factory()
        assert isinstance(ui, UserInterface)
    async with testing.LocalRelay() as relay:
        out.say(f"   Local relay at {relay.url}; a simulated Anchor holds alice's key")
        anchor = testing.SimulatedAnchor(
            relay_url=relay.url, node_url=chain.url, key=key, account="alice@active"
        )
        async with anchor, anyio.create_task_group() as phone:
            shown = ui.prompt

            async def prompt(args: PromptArgs) -> PromptResponse:
                uri = next((e.data for e in args.elements if e.type == "qr"), None)
                if isinstance(uri, str):
                    phone.start_soon(_scan, out, anchor, uri)
                return await shown(args)

            ui.prompt = prompt  # type: ignore[method-assign]
            with _environment(SESSIONKIT_ANCHOR_BUOY_URL=relay.url):
                await story(out, chain, wallet, storage, ui)
            phone.cancel_scope.cancel()


async def _scan(out: Output, anchor: Any, uri: str) -> None:
    import anyio

    await anyio.sleep(0.5)  # as a person takes their phone
    out.say("   (the simulated Anchor scans the QR code and approves)")
    await anchor.scan(uri)


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Variables the plugins read ($SESSIONKIT_PRIVATE_KEY, as a bot's wallet would), set for
    the demo only."""
    names = (*values, "SESSIONKIT_PRIVATE_KEY_FILE")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.pop("SESSIONKIT_PRIVATE_KEY_FILE", None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def story(
    out: Output,
    chain: ChainDefinition,
    wallet: str,
    storage: SessionStorage,
    ui: UserInterface | str = "console",
) -> None:
    """The getting-started code: log in, transfer, restore, transfer again, log out."""
    from sessionkit import SessionKit

    out.step("2. Create a SessionKit with the user interface and the wallet")
    async with SessionKit(
        DEMO_APP, [chain], ui=ui, wallet_plugins=[wallet], storage=storage
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
        DEMO_APP, [chain], ui=ui, wallet_plugins=[wallet], storage=storage
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
