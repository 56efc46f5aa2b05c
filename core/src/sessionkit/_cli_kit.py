"""The ``sessionkit`` commands that use the kit: login, sessions, transact, logout, plugins.

Each command builds a `SessionKit` the way an app would: the chain from ``--chain``/``--url``
(or the running local devnet), the installed wallets, the console user interface when it is
installed (headless otherwise), and the app's file storage (``--app`` names it; sessions live
under ``$SESSIONKIT_HOME/<app>`` or the user data directory).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import click
from rich.table import Table

from sessionkit._cli_common import CONTEXT, SHOWN_BY_UI, examples, output
from sessionkit.errors import Cancelled, ConfigurationError, InvalidValue, SessionNotFound
from sessionkit.hookspecs import hookimpl

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from sessionkit.chain import ChainDefinition
    from sessionkit.contexts import TransactContext
    from sessionkit.kit import SessionKit
    from sessionkit.session import Session

__all__ = ["kit_commands"]

DEFAULT_APP = "sessionkit"  # an Antelope name: Anchor scopes its login proof to it
#: Short names accepted by ``--wallet``, each with the wallet ids it may stand for.
WALLET_ALIASES = {
    "privatekey": ("wallet-plugin-privatekey",),
    "anchor": ("anchor", "wallet-plugin-anchor"),
}
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_F = TypeVar("_F", bound=Callable[..., Any])
_T = TypeVar("_T")


def kit_commands() -> list[click.Command]:
    """The commands to add to the ``sessionkit`` group."""
    return [_login(), _sessions(), _transact(), _logout(), _plugins()]


# -- options shared by the commands ------------------------------------------------------------


def _chain_options(function: _F) -> _F:
    function = click.option(
        "--url",
        envvar="SESSIONKIT_CHAIN_URL",
        metavar="URL",
        help="The chain's API URL (env SESSIONKIT_CHAIN_URL). Alone, the node is asked its "
        "chain id.",
    )(function)
    function = click.option(
        "--chain",
        envvar="SESSIONKIT_CHAIN",
        metavar="ID|NAME",
        help="The chain: its id (64 hex digits), a known name (EOS, Jungle4, Telos, WAX, ...) or "
        "'devnet' (env SESSIONKIT_CHAIN). Default: the running local devnet.",
    )(function)
    return function


def _app_option(function: _F) -> _F:
    return click.option(
        "--app",
        envvar="SESSIONKIT_APP",
        default=DEFAULT_APP,
        show_default=True,
        metavar="NAME",
        help="The app whose sessions to use (env SESSIONKIT_APP); its sessions are stored "
        "under $SESSIONKIT_HOME/NAME or the user data directory.",
    )(function)


def _json_option(function: _F) -> _F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead.")(function)


def _run(make: Callable[[], Awaitable[_T]]) -> _T:
    async def main() -> _T:
        return await make()

    return anyio.run(main)


# -- chains and kits -------------------------------------------------------------------------


async def resolve_chain(chain: str | None, url: str | None) -> ChainDefinition | None:
    """The chain the options name; the running devnet when none is named; None if neither."""
    from sessionkit.chain import APIClient, ChainDefinition, Chains

    if chain is None and url is None:
        return await _devnet_chain(required=False)
    if chain is not None and chain.lower() == "devnet":
        found = await _devnet_chain(required=True)
        return found if url is None else found.with_urls(url) if found else None
    if chain is None:
        assert url is not None
        async with APIClient(url) as client:
            info = await client.get_info()
        known = Chains.by_id(info.chain_id)
        return ChainDefinition(info.chain_id, url, name=known.name if known else None)
    known = None
    if _HEX64.fullmatch(chain):
        known = Chains.by_id(chain)
        if known is None:
            if url is None:
                raise ConfigurationError(
                    f"the chain {chain} is not a known one: give its API URL with --url"
                )
            return ChainDefinition(chain, url)
    else:
        wanted = chain.lower().replace(" ", "")
        for name, value in vars(Chains).items():
            if isinstance(value, ChainDefinition) and wanted in (
                name.lower(),
                (value.name or "").lower().replace(" ", ""),
            ):
                known = value
                break
        if known is None:
            names = sorted(n for n, v in vars(Chains).items() if isinstance(v, ChainDefinition))
            raise ConfigurationError(
                f"no known chain is called {chain!r}: give its id (64 hex digits) with --url, "
                f"'devnet', or one of {names}"
            )
    return known if url is None else known.with_urls(url)


async def _devnet_chain(*, required: bool) -> ChainDefinition | None:
    """The running detached devnet as a chain (asked in a worker thread: it blocks)."""
    return await anyio.to_thread.run_sync(lambda: _running_devnet(required=required))


def _running_devnet(*, required: bool) -> ChainDefinition | None:
    from sessionkit.chain import ChainDefinition
    from sessionkit.devnet import detached_status

    status = detached_status()
    devnet = status.devnet
    if status.phase == "running" and devnet is not None and devnet.chain_id and status.answering:
        return ChainDefinition(devnet.chain_id, devnet.url, name="SessionKit devnet")
    if required:
        raise ConfigurationError(
            "no local devnet is running: start one with 'sessionkit devnet start', or give "
            "--chain and --url"
        )
    return None


def _known_chains(first: ChainDefinition | None) -> list[ChainDefinition]:
    from sessionkit.chain import Chains

    chains = [first] if first is not None else []
    return chains + [c for c in Chains.all() if first is None or c.id != first.id]


def make_kit(app: str, chains: list[ChainDefinition]) -> SessionKit:
    """A kit with the installed wallets and the console interface (headless without it)."""
    from sessionkit.kit import SessionKit

    try:
        kit = SessionKit(app, chains, ui="console")
    except ConfigurationError as exc:
        if "no user interface 'console'" not in str(exc):
            raise
        return SessionKit(app, chains)
    show = kit.ui.on_error

    async def on_error(error: BaseException) -> None:
        """Show it, and remember it was shown so the command does not say it twice."""
        await show(error)
        if not (isinstance(error, Cancelled) and error.silent):  # a silent one is not shown
            SHOWN_BY_UI.append(error)

    kit.ui.on_error = on_error  # type: ignore[method-assign]
    return kit


def _chain_label(chain_id: str, chains: list[ChainDefinition]) -> str:
    for chain in chains:
        if str(chain.id) == chain_id:
            return chain.name or chain_id
    return chain_id[:12] + "\u2026"


def wallet_id(name: str | None, installed: Iterable[str]) -> str | None:
    """The installed wallet id ``name`` means (an id, or a short name such as ``anchor``)."""
    if name is None:
        return None
    ids = set(installed)
    if name in ids:
        return name
    for candidate in WALLET_ALIASES.get(name, ()):
        if candidate in ids:
            return candidate
    return name  # not installed: the kit's error lists what is


def installed_wallets() -> list[str]:
    """The ids of the installed wallets (without making any)."""
    from sessionkit.plugins import PluginHost

    return list(PluginHost(strict=False).registered("wallet"))


async def _find_session(kit: SessionKit, name: str | None) -> Session:
    """The default session, or the stored ``actor@permission`` (on the kit's first chain first)."""
    if name is None:
        session = await kit.restore()
        if session is None:
            raise SessionNotFound(
                f"no session is stored for the app {kit.app_name!r}: log in first "
                "(sessionkit login)"
            )
        return session
    stored = [s for s in await kit.get_sessions() if f"{s['actor']}@{s['permission']}" == name]
    if not stored:
        raise SessionNotFound(
            f"no session {name} is stored for the app {kit.app_name!r}: see 'sessionkit "
            "sessions', or log in with 'sessionkit login --permission ...'"
        )
    stored.sort(key=lambda s: str(kit.chains[0].id) != s["chain"])
    first = stored[0]
    session = await kit.restore(
        {"chain": first["chain"], "actor": first["actor"], "permission": first["permission"]},
        set_as_default=False,
    )
    assert session is not None  # restore() raises when a named session is missing
    return session


# -- login -------------------------------------------------------------------------------------


def _login() -> click.Command:
    @click.command(
        "login",
        context_settings=CONTEXT,
        epilog=examples(
            "sessionkit login",
            "sessionkit login --chain devnet --permission alice@active",
            "SESSIONKIT_PRIVATE_KEY=PVT_K1_... sessionkit login --chain Jungle4",
        ),
    )
    @_chain_options
    @click.option(
        "--wallet",
        envvar="SESSIONKIT_WALLET",
        metavar="ID",
        help="The wallet plugin: its id or 'privatekey' / 'anchor' (env SESSIONKIT_WALLET).",
    )
    @click.option("--permission", metavar="ACCOUNT@PERMISSION", help="The account to log in as.")
    @click.option(
        "--no-default", is_flag=True, help="Keep the current default session the default."
    )
    @_app_option
    @_json_option
    def login(
        *,
        chain: str | None,
        url: str | None,
        wallet: str | None,
        permission: str | None,
        no_default: bool,
        app: str,
        as_json: bool,
    ) -> None:
        """Log in with a wallet and store the session.

        What the options do not fix is asked in the terminal (wallet, chain, account), with
        the accounts of the wallet's key listed; off a terminal the command fails naming the
        option to give. The private-key wallet reads its key from $SESSIONKIT_PRIVATE_KEY (or
        the file named by $SESSIONKIT_PRIVATE_KEY_FILE).
        """

        async def run() -> dict[str, Any]:
            given = await resolve_chain(chain, url)
            chains = _known_chains(given)
            async with make_kit(app, chains) as kit:
                result = await kit.login(
                    chain=given,
                    wallet_plugin=wallet_id(wallet, [w.id for w in kit.wallet_plugins]),
                    permission_level=permission,
                    set_as_default=not no_default,
                )
                session = result.session
                return {**session.serialize(), "chainName": session.chain.name}

        serialized = _run(run)
        out = output()
        if as_json:
            out.json({k: v for k, v in serialized.items() if k != "chainName"})
            return
        chain_name = serialized["chainName"] or serialized["chain"]
        out.say(
            ("Logged in as ", "green"),
            (f"{serialized['actor']}@{serialized['permission']}", "bold green"),
            f" on {chain_name} with {serialized['walletPlugin']['id']}",
        )

    return login


# -- sessions ----------------------------------------------------------------------------------


def _sessions() -> click.Command:
    @click.command(
        "sessions",
        context_settings=CONTEXT,
        epilog=examples("sessionkit sessions", "sessionkit sessions --json"),
    )
    @_app_option
    @_json_option
    def sessions(app: str, as_json: bool) -> None:
        """List the stored sessions (the default one marked with *)."""

        async def run() -> tuple[list[dict[str, Any]], list[ChainDefinition]]:
            chains = _known_chains(await _devnet_chain(required=False))
            async with make_kit(app, chains) as kit:
                return await kit.get_sessions(), chains

        stored, chains = _run(run)
        out = output()
        if as_json:
            out.json(stored)
            return
        if not stored:
            out.say(f"No sessions are stored for the app {app!r} (log in with: sessionkit login)")
            return
        table = Table(title=f"Sessions of {app}", title_justify="left")
        for column in ("", "account", "chain", "wallet"):
            table.add_column(column)
        for session in stored:
            table.add_row(
                "*" if session.get("default") else "",
                f"{session['actor']}@{session['permission']}",
                _chain_label(session["chain"], chains),
                session["walletPlugin"]["id"],
            )
        out.out.print(table)

    return sessions


# -- transact ----------------------------------------------------------------------------------


def _transact() -> click.Command:
    @click.command(
        "transact",
        context_settings=CONTEXT,
        epilog=examples(
            "sessionkit transact --transfer bob '1.0000 SYS' --memo thanks",
            'sessionkit transact \'{"account": "eosio.token", "name": "transfer", "data": '
            '{"from": "alice", "to": "bob", "quantity": "1.0000 SYS", "memo": ""}}\'',
            "sessionkit transact --no-broadcast --transfer bob '0.0001 SYS' > signed.json",
        ),
    )
    @click.argument("action", required=False, metavar="[ACTION_JSON|-]")
    @click.option(
        "--transfer",
        nargs=2,
        metavar="TO QUANTITY",
        help="A token transfer from the session's account (shortcut for the action JSON).",
    )
    @click.option("--memo", default="", help="The transfer's memo.")
    @click.option(
        "--contract",
        default="eosio.token",
        show_default=True,
        help="The token contract of --transfer.",
    )
    @click.option(
        "--session",
        "session_name",
        metavar="ACCOUNT@PERMISSION",
        help="The stored session to use (default: the default session).",
    )
    @click.option(
        "--no-broadcast",
        is_flag=True,
        help="Sign only: print the signed transaction as JSON instead of sending it.",
    )
    @click.option(
        "--confirm",
        is_flag=True,
        help="Show the actions and ask before signing (y accepts; n, Escape or Ctrl-C cancel).",
    )
    @_chain_options
    @_app_option
    @_json_option
    def transact(
        *,
        action: str | None,
        transfer: tuple[str, str] | None,
        memo: str,
        contract: str,
        session_name: str | None,
        no_broadcast: bool,
        confirm: bool,
        chain: str | None,
        url: str | None,
        app: str,
        as_json: bool,
    ) -> None:
        """Sign and broadcast a transaction with a stored session.

        ACTION_JSON is one action ({"account", "name", "data", "authorization"?}), a list of
        them, or {"actions": [...]}; '-' reads it from stdin. An action without
        "authorization" is authorized by the session's account. The session's chain must be
        the one --chain/--url name, a known chain, or the running devnet.
        """
        if (action is None) == (transfer is None):
            raise click.UsageError("give an ACTION_JSON or --transfer TO QUANTITY (one of them)")
        text = sys.stdin.read() if action == "-" else action

        async def run() -> dict[str, Any]:
            given = await resolve_chain(chain, url)
            async with make_kit(app, _known_chains(given)) as kit:
                session = await _find_session(kit, session_name)
                if transfer is not None:
                    actions = [_transfer(session, contract, *transfer, memo)]
                else:
                    actions = _actions_from_json(text or "", session)
                plugins = [_Confirm(actions)] if confirm else []
                result = await session.transact(
                    actions=actions, broadcast=not no_broadcast, transact_plugins=plugins
                )
                signed: dict[str, Any] = {
                    "id": str(result.transaction_id),
                    "signer": str(result.signer),
                    "chain": str(result.chain.id),
                    "transaction": result.transaction.to_json(),
                    "signatures": [str(s) for s in result.signatures],
                }
                if result.response is not None:
                    signed["block_num"] = result.response.processed.block_num
                return signed

        signed = _run(run)
        out = output()
        if no_broadcast or as_json:
            out.json(signed)
            return
        out.say(
            ("Transaction ", "green"),
            (signed["id"], "bold"),
            (f" broadcast by {signed['signer']}", "green"),
            f" (block {signed['block_num']})",
        )

    return transact


class _Confirm:
    """A transact plugin that shows the actions and asks the person before anything is signed."""

    id = "cli-confirm"

    def __init__(self, actions: list[dict[str, Any]]) -> None:
        self.actions = actions

    @hookimpl
    async def before_sign(self, context: TransactContext) -> None:
        from sessionkit.ui import PromptArgs, PromptElement

        if context.ui is None:
            return
        await context.ui.prompt(
            PromptArgs(
                title="Sign this transaction?",
                body=f"As {context.permission_level} on {context.chain.name or context.chain.id}",
                elements=(
                    PromptElement(
                        type="textarea", data={"content": json.dumps(self.actions, indent=2)}
                    ),
                    PromptElement(type="accept"),
                ),
            )
        )


def _transfer(session: Session, contract: str, to: str, quantity: str, memo: str) -> dict[str, Any]:
    return {
        "account": contract,
        "name": "transfer",
        "authorization": [{"actor": session.actor, "permission": session.permission}],
        "data": {"from": session.actor, "to": to, "quantity": quantity, "memo": memo},
    }


def _actions_from_json(text: str, session: Session) -> list[dict[str, Any]]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InvalidValue(
            f"ACTION_JSON is not JSON ({exc}): quote it for the shell, e.g. "
            '\'{"account": "eosio.token", "name": "transfer", "data": {...}}\''
        ) from None
    if isinstance(value, Mapping) and "actions" in value:
        value = value["actions"]
    listed = value if isinstance(value, list) else [value]
    actions = []
    for entry in listed:
        if not isinstance(entry, Mapping) or not {"account", "name"} <= set(entry):
            raise InvalidValue(
                'each action is an object with "account", "name" and "data" (and optionally '
                f'"authorization"), not {json.dumps(entry)[:80]}'
            )
        action = dict(entry)
        action.setdefault(
            "authorization", [{"actor": session.actor, "permission": session.permission}]
        )
        action.setdefault("data", {})
        actions.append(action)
    return actions


# -- logout ------------------------------------------------------------------------------------


def _logout() -> click.Command:
    @click.command(
        "logout",
        context_settings=CONTEXT,
        epilog=examples(
            "sessionkit logout", "sessionkit logout alice@active", "sessionkit logout --all"
        ),
    )
    @click.argument("name", required=False, metavar="[ACCOUNT@PERMISSION]")
    @click.option("--all", "everything", is_flag=True, help="Log out every stored session.")
    @_app_option
    def logout(name: str | None, everything: bool, app: str) -> None:
        """Log out the default session, the one named, or all of them (--all)."""
        if name is not None and everything:
            raise click.UsageError("give ACCOUNT@PERMISSION or --all, not both")

        async def run() -> list[str]:
            chains = _known_chains(await _devnet_chain(required=False))
            async with make_kit(app, chains) as kit:
                stored = await kit.get_sessions()
                if not stored:
                    return []
                if everything:
                    await kit.logout()
                    return [f"{s['actor']}@{s['permission']}" for s in stored]
                if name is None:
                    chosen = [s for s in stored if s.get("default")]
                    if not chosen:
                        raise SessionNotFound(
                            f"no default session is stored for the app {app!r}: name one "
                            "(sessionkit logout ACCOUNT@PERMISSION) or use --all"
                        )
                else:
                    chosen = [s for s in stored if f"{s['actor']}@{s['permission']}" == name]
                    if not chosen:
                        raise SessionNotFound(
                            f"no session {name} is stored for the app {app!r} (see: sessionkit "
                            "sessions)"
                        )
                for session in chosen:
                    await kit.logout(session)
                return [f"{s['actor']}@{s['permission']}" for s in chosen]

        done = _run(run)
        out = output()
        if not done:
            out.say("No sessions were stored")
        for each in done:
            out.say(("Logged out ", "green"), (each, "bold"))

    return logout


# -- plugins -----------------------------------------------------------------------------------


def _plugins() -> click.Command:
    @click.command(
        "plugins",
        context_settings=CONTEXT,
        epilog=examples("sessionkit plugins", "sessionkit plugins --json"),
    )
    @_json_option
    def plugins(as_json: bool) -> None:
        """List the installed plugins: id, distribution, version, hooks, and load errors.

        $SESSIONKIT_PLUGINS and $SESSIONKIT_DISABLE_PLUGINS choose which are loaded.
        """
        from sessionkit.kit import SessionKit

        kit = SessionKit(DEFAULT_APP, _known_chains(None), strict=False)
        found: list[dict[str, Any]] = [
            {
                "id": info.id,
                "distribution": info.distribution,
                "version": info.version,
                "hooks": list(info.hooks),
            }
            for info in kit.plugins
        ]
        errors = [
            {
                "id": error.plugin,
                "distribution": getattr(error, "distribution", None),
                "error": str(error),
            }
            for error in kit.plugin_errors
        ]
        out = output()
        if as_json:
            out.json({"plugins": found, "errors": errors})
            return
        table = Table(title="Installed SessionKit plugins", title_justify="left")
        for column in ("id", "distribution", "version", "hooks"):
            table.add_column(column)
        for info in found:
            table.add_row(
                str(info["id"]),
                str(info["distribution"] or "-"),
                str(info["version"] or "-"),
                ", ".join(info["hooks"]),
            )
        out.out.print(table)
        if not found:
            out.say("No plugins are installed (pip install sessionkit-wallet-privatekey ...)")
        for error in errors:
            out.say(("Not loaded: ", "bold red"), str(error["error"]))

    return plugins
