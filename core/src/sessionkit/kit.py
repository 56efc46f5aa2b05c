"""`SessionKit`: logs people in through wallet plugins and keeps their sessions.

WharfKit's ``SessionKit`` with Python names: ``await kit.login()``, ``logout``, ``restore``,
``restore_all``, ``get_sessions``, ``persist_session``, ``set_endpoint``. Where WharfKit has a
quirk, this kit fixes it (design.md): persistence is awaited and atomic, ``restore_all`` leaves
the default alone, every session has its own wallet instance, every option given is honoured,
a wallet's answer is checked against what was asked, and errors are typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self

import anyio
import msgspec

from sessionkit._chainlink import ChainLink
from sessionkit._hookcall import call_async_hook
from sessionkit._options import add_plugin_translations, flag, listed, mapping, seconds
from sessionkit._serialized import dumps, loads, parse_serialized
from sessionkit.antelope import Checksum256, PermissionLevel
from sessionkit.chain import ChainDefinition
from sessionkit.contexts import LoginContext, LogoutContext, UIRequirements, WalletChoice
from sessionkit.errors import (
    Cancelled,
    ConfigurationError,
    CorruptStorageError,
    InvalidValue,
    SessionKitError,
    SessionNotFound,
    WalletError,
    WalletResponseError,
)
from sessionkit.login import LoginResult
from sessionkit.plugins import PluginHost, PluginInfo, Registration
from sessionkit.session import AbisLike, Session, normalize_abis
from sessionkit.storage import FileStorage, SessionStorage, Values
from sessionkit.ui import (
    HeadlessUI,
    UserInterface,
    UserInterfaceLoginResponse,
    report_cancelled,
    report_error,
)
from sessionkit.wallet import WalletLoginResponse, WalletPlugin

if TYPE_CHECKING:
    from types import TracebackType

    import httpx

    from sessionkit.errors import PluginLoadError

__all__ = ["ChainLike", "SessionKit"]

logger = logging.getLogger("sessionkit")

#: A chain given to the kit: a ``ChainDefinition`` or WharfKit's ``{"id": ..., "url": ...}``.
ChainLike = ChainDefinition | Mapping[str, Any]

_SESSION_KEY = "session"
_SESSIONS_KEY = "sessions"


class SessionKit:
    """Creates, persists and restores `Session` objects for one app.

    ``chains`` are the chains the app works with; ``ui`` a `UserInterface` (or the id of an
    installed one, such as ``"console"``; default: `HeadlessUI`, which never asks);
    ``wallet_plugins`` wallet instances, classes or ids (default: every installed wallet);
    ``storage`` a `SessionStorage` or the id of an installed one (default: `FileStorage`).
    Plugins come from the ``sessionkit`` entry points (``discover=False`` turns that off) and
    from ``plugins=``; ``strict=True`` raises on a plugin that fails to load instead of
    recording it in ``plugin_errors`` (the default is ``$SESSIONKIT_STRICT_PLUGINS == "1"``,
    which the pytest plugin sets).

    Use ``async with SessionKit(...) as kit:`` (or ``await kit.aclose()``) to close the HTTP
    connections it opened; ``async with`` also holds open a storage made from an id, such as
    ``storage="redis"``, for the length of the block.
    """

    def __init__(
        self,
        app_name: str,
        chains: Sequence[ChainLike],
        *,
        ui: UserInterface | str | None = None,
        wallet_plugins: Iterable[WalletPlugin | str | Callable[[], WalletPlugin]] | None = None,
        storage: SessionStorage | str | None = None,
        allow_modify: bool = True,
        expire_seconds: int = 120,
        login_plugins: Iterable[object] = (),
        transact_plugins: Iterable[object] = (),
        transact_plugins_options: Mapping[str, Any] | None = None,
        abis: AbisLike | None = None,
        http_client: httpx.AsyncClient | None = None,
        plugins: Iterable[object] = (),
        discover: bool = True,
        strict: bool | None = None,
        validate_plugin_signatures: bool = True,
    ) -> None:
        if not isinstance(app_name, str) or not app_name:
            raise ConfigurationError("app_name is the app's name, a non-empty string")
        self.app_name = app_name
        self.chains = _chain_list(chains)
        self.allow_modify = flag(allow_modify, "allow_modify")
        self.expire_seconds = seconds(expire_seconds)
        self.login_plugins = listed(login_plugins, "login_plugins")
        self.transact_plugins = listed(transact_plugins, "transact_plugins")
        self.transact_plugins_options = mapping(
            transact_plugins_options, "transact_plugins_options"
        )
        self.abis = normalize_abis(abis)
        self.validate_plugin_signatures = flag(
            validate_plugin_signatures, "validate_plugin_signatures"
        )
        if http_client is not None and type(http_client).__name__ != "AsyncClient":
            raise ConfigurationError("http_client must be an httpx.AsyncClient")
        self._owns_http = http_client is None
        self._http_client = http_client
        self._host = PluginHost(
            plugins=listed(plugins, "plugins"),
            scoped=(*self.login_plugins, *self.transact_plugins),
            discover=flag(discover, "discover"),
            strict=None if strict is None else flag(strict, "strict"),
        )
        self.ui = self._make_ui(ui)
        self.wallet_plugins = self._make_wallets(wallet_plugins)
        self.storage = self._make_storage(storage)
        self._owns_storage = not isinstance(storage, SessionStorage)
        self._storage_entered = False
        self._links: dict[str, ChainLink] = {}

    # -- lifecycle ------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        """Enter a storage the kit made itself (``storage="redis"``) when it is an async context
        manager, so one connection pool serves the whole block; a storage you gave is yours."""
        enter = getattr(self.storage, "__aenter__", None)
        if self._owns_storage and enter is not None and not self._storage_entered:
            await enter()
            self._storage_entered = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.aclose()
        finally:
            if self._storage_entered:
                self._storage_entered = False
                await self.storage.__aexit__(exc_type, exc, tb)  # type: ignore[attr-defined]

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The HTTP client for every chain request (yours, or one the kit opens on first use)."""
        if self._http_client is None:
            import httpx

            from sessionkit.chain import DEFAULT_TIMEOUT

            self._http_client = httpx.AsyncClient(timeout=DEFAULT_TIMEOUT)
        return self._http_client

    async def aclose(self) -> None:
        """Close the HTTP connections the kit opened (an ``http_client`` you gave stays open)."""
        for link in self._links.values():
            await link.aclose()
        self._links.clear()
        if self._owns_http and self._http_client is not None:
            await self._http_client.aclose()
            self._http_client = None

    def __repr__(self) -> str:
        return (
            f"<SessionKit {self.app_name!r}: {len(self.chains)} chain(s), wallets "
            f"{[w.id for w in self.wallet_plugins]}, ui {self.ui.id!r}>"
        )

    # -- plugins and chains -----------------------------------------------------------------------

    @property
    def plugins(self) -> list[PluginInfo]:
        """The active plugins: id, distribution, version and hooks, in the order they run."""
        return self._host.plugins()

    @property
    def plugin_errors(self) -> list[PluginLoadError]:
        """Plugins that could not be loaded (each error names the plugin and distribution)."""
        return list(self._host.errors)

    def get_chain_definition(
        self, chain_id: Checksum256 | str, chains: Sequence[ChainDefinition] | None = None
    ) -> ChainDefinition:
        """The kit's chain with this id (or one of ``chains``); `ConfigurationError` otherwise."""
        wanted = _chain_id(chain_id)
        for chain in self.chains if chains is None else chains:
            if chain.id == wanted:
                return chain
        raise ConfigurationError(
            f"no chain with id {wanted} is configured; this kit has "
            f"{[str(c.id) for c in self.chains]}"
        )

    def _stored_chain(self, chain_id: str) -> ChainDefinition:
        """The kit's chain for a stored session's (already checked, lower-case hex) chain id:
        the text is compared first, so restoring many sessions parses no chain id again."""
        for chain in self.chains:
            if str(chain.id) == chain_id:
                return chain
        return self.get_chain_definition(chain_id)

    def set_endpoint(self, chain_id: Checksum256 | str, url: str) -> None:
        """Reach a chain through another API URL from now on (existing sessions keep theirs)."""
        chain = self.get_chain_definition(chain_id)
        index = self.chains.index(chain)
        self.chains[index] = chain.with_urls(url)
        self._links.pop(str(chain.id), None)

    def _link(self, chain: ChainDefinition) -> ChainLink:
        link = self._links.get(str(chain.id))
        if link is None or (link.chain is not chain and link.chain != chain):
            link = ChainLink(chain, self.http_client)
            self._links[str(chain.id)] = link
        return link

    # -- login ------------------------------------------------------------------------------------

    async def login(
        self,
        *,
        chain: ChainDefinition | Checksum256 | str | None = None,
        chains: Sequence[Checksum256 | str] | None = None,
        permission_level: PermissionLevel | str | Mapping[str, str] | None = None,
        wallet_plugin: str | None = None,
        set_as_default: bool = True,
        arbitrary: Mapping[str, Any] | None = None,
        login_plugins: Iterable[object] | None = None,
        transact_plugins: Iterable[object] | None = None,
        transact_plugins_options: Mapping[str, Any] | None = None,
    ) -> LoginResult:
        """Log a person in: choose wallet, chain and account (through the UI where needed),
        let the wallet log in, then create and persist the session.

        ``chain`` fixes the chain, ``chains`` limits the choice, ``permission_level`` fixes the
        account (``"alice@active"``), ``wallet_plugin`` the wallet (by id). ``login_plugins``
        and ``transact_plugins`` replace the kit's for this login and its session.
        """
        flag(set_as_default, "set_as_default")  # checked before anyone is asked anything
        active_login = (
            self.login_plugins if login_plugins is None else listed(login_plugins, "login_plugins")
        )
        if transact_plugins is not None:
            transact_plugins = listed(transact_plugins, "transact_plugins")
        arbitrary = mapping(arbitrary, "arbitrary")
        if transact_plugins_options is not None:
            transact_plugins_options = mapping(transact_plugins_options, "transact_plugins_options")
        if chains is not None:
            chains = listed(chains, "chains")
        with self._host.borrowed(active_login):
            return await self._login(
                active_login,
                chain=chain,
                chains=chains,
                permission_level=permission_level,
                wallet_plugin=wallet_plugin,
                set_as_default=set_as_default,
                arbitrary=arbitrary,
                transact_plugins=transact_plugins,
                transact_plugins_options=transact_plugins_options,
            )

    async def _login(
        self,
        active_login: tuple[object, ...],
        *,
        chain: ChainDefinition | Checksum256 | str | None,
        chains: Sequence[Checksum256 | str] | None,
        permission_level: PermissionLevel | str | Mapping[str, str] | None,
        wallet_plugin: str | None,
        set_as_default: bool,
        arbitrary: Mapping[str, Any] | None,
        transact_plugins: Iterable[object] | None,
        transact_plugins_options: Mapping[str, Any] | None,
    ) -> LoginResult:
        ui = self.ui
        try:
            await ui.on_login()
            context = self._login_context(chain, chains, permission_level, wallet_plugin, arbitrary)
            if _needs_ui(context.ui_requirements):
                context = self._apply_ui_choice(context, await ui.login(context))
            context = self._chosen_wallet(context)
            await call_async_hook(
                self._host.pm,
                "before_login",
                scoped=self._host.scoped,
                active=active_login,
                context=context,
            )
            wallet = context.wallet_plugin
            assert wallet is not None
            response = await _wallet_login(wallet, context)
            session_chain = self._answered_chain(context, response, wallet)
            session = self._session(
                session_chain,
                response.permission_level,
                wallet,
                transact_plugins=transact_plugins,
                transact_plugins_options=transact_plugins_options,
            )
            await call_async_hook(
                self._host.pm,
                "after_login",
                scoped=self._host.scoped,
                active=active_login,
                context=context,
                session=session,
            )
            await self.persist_session(
                session, set_as_default=flag(set_as_default, "set_as_default")
            )
            await ui.on_login_complete()
            return LoginResult(session=session, context=context, response=response)
        except Exception as error:
            await report_error(ui, error)
            raise
        except anyio.get_cancelled_exc_class():
            await report_cancelled(ui, "login")
            raise

    def _login_context(
        self,
        chain: ChainDefinition | Checksum256 | str | None,
        chains: Sequence[Checksum256 | str] | None,
        permission_level: PermissionLevel | str | Mapping[str, str] | None,
        wallet_plugin: str | None,
        arbitrary: Mapping[str, Any] | None,
    ) -> LoginContext:
        allowed = (
            tuple(self.get_chain_definition(c) for c in chains) if chains else tuple(self.chains)
        )
        needs = UIRequirements()
        index: int | None = None
        if len(self.wallet_plugins) == 1:
            index = 0
        elif wallet_plugin is not None:
            index = self._wallet_index(wallet_plugin)
        if (
            wallet_plugin is not None
            and index is not None
            and self.wallet_plugins[index].id != wallet_plugin
        ):
            index = self._wallet_index(wallet_plugin)
        if index is not None:
            config = self.wallet_plugins[index].config
            needs = UIRequirements(
                requires_wallet_select=False,
                requires_chain_select=config.requires_chain_select,
                requires_permission_select=config.requires_permission_select,
                requires_permission_entry=config.requires_permission_entry,
            )
            add_plugin_translations(self.ui, self.wallet_plugins[index])
        chosen: ChainDefinition | None = None
        if chain is not None:
            chain_id = chain.id if isinstance(chain, ChainDefinition) else chain
            chosen = self.get_chain_definition(chain_id, allowed)
            needs = msgspec.structs.replace(needs, requires_chain_select=False)
        elif len(allowed) == 1:
            chosen = allowed[0]
            needs = msgspec.structs.replace(needs, requires_chain_select=False)
        else:
            needs = msgspec.structs.replace(needs, requires_chain_select=True)
        level = None
        if permission_level is not None:
            level = PermissionLevel.from_json(permission_level)
            needs = msgspec.structs.replace(
                needs, requires_permission_select=False, requires_permission_entry=False
            )
        return LoginContext(
            app_name=self.app_name,
            chains=allowed,
            chain=chosen,
            permission_level=level,
            ui=self.ui,
            http_client=self.http_client,
            wallet_plugins=self._wallet_choices(),
            wallet_plugin_index=index,
            ui_requirements=needs,
            arbitrary=dict(arbitrary or {}),
            storage=self.storage,
            clients=lambda c: self._link(c).client,
        )

    def _apply_ui_choice(
        self, context: LoginContext, answer: UserInterfaceLoginResponse
    ) -> LoginContext:
        if not isinstance(answer, UserInterfaceLoginResponse):
            raise ConfigurationError(
                f"the user interface's login() returned {type(answer).__name__}, "
                "not a UserInterfaceLoginResponse"
            )
        changes: dict[str, Any] = {}
        if answer.wallet_plugin_index is not None:
            if not 0 <= answer.wallet_plugin_index < len(self.wallet_plugins):
                raise ConfigurationError(
                    "the user interface did not return a valid wallet plugin index"
                )
            changes["wallet_plugin_index"] = answer.wallet_plugin_index
            add_plugin_translations(self.ui, self.wallet_plugins[answer.wallet_plugin_index])
        if answer.chain_id is not None:
            changes["chain"] = self.get_chain_definition(answer.chain_id, context.chains)
        if answer.permission_level is not None:
            changes["permission_level"] = PermissionLevel.from_json(answer.permission_level)
        return msgspec.structs.replace(context, **changes)

    def _chosen_wallet(self, context: LoginContext) -> LoginContext:
        if context.wallet_plugin_index is None:
            raise ConfigurationError(
                "no wallet plugin is available to log in: install one (for example "
                "sessionkit-wallet-privatekey) or pass wallet_plugins=[...]"
            )
        wallet = self.wallet_plugins[context.wallet_plugin_index].clone()
        supported = wallet.config.supported_chains
        if context.chain is not None and supported and str(context.chain.id) not in supported:
            raise ConfigurationError(
                f"the wallet plugin {wallet.metadata.name or wallet.id!r} does not support the "
                f"chain {context.chain.id}"
            )
        return msgspec.structs.replace(context, wallet_plugin=wallet)

    def _answered_chain(
        self, context: LoginContext, response: WalletLoginResponse, wallet: WalletPlugin
    ) -> ChainDefinition:
        if not isinstance(response, WalletLoginResponse):
            raise WalletResponseError(
                f"the {wallet.id!r} wallet's login returned {type(response).__name__}, "
                "not a WalletLoginResponse"
            )
        answered = _chain_id(response.chain)
        if context.chain is not None and answered != context.chain.id:
            raise WalletResponseError(
                f"the {wallet.id!r} wallet logged in on chain {answered}, but chain "
                f"{context.chain.id} was asked for"
            )
        for chain in context.chains:
            if chain.id == answered:
                return chain
        raise WalletResponseError(
            f"the {wallet.id!r} wallet logged in on chain {answered}, which is not one of the "
            "chains this login allowed"
        )

    # -- sessions ----------------------------------------------------------------------------

    def _session(
        self,
        chain: ChainDefinition,
        level: PermissionLevel,
        wallet: WalletPlugin,
        *,
        data: Mapping[str, Any] | None = None,
        transact_plugins: Iterable[object] | None = None,
        transact_plugins_options: Mapping[str, Any] | None = None,
    ) -> Session:
        plugins = self.transact_plugins if transact_plugins is None else tuple(transact_plugins)
        for plugin in plugins:
            self._host.add(plugin, scoped=True)
        link = self._link(chain)
        return Session(
            chain=chain,
            permission_level=level,
            wallet_plugin=wallet,
            data=data,
            app_name=self.app_name,
            allow_modify=self.allow_modify,
            expire_seconds=self.expire_seconds,
            abis=self.abis,
            storage=self.storage,
            ui=self.ui,
            http_client=link.http_client,
            transact_plugins=plugins,
            transact_plugins_options=(
                self.transact_plugins_options
                if transact_plugins_options is None
                else transact_plugins_options
            ),
            validate_plugin_signatures=self.validate_plugin_signatures,
            plugin_host=self._host,
            chain_link=link,
        )

    async def persist_session(self, session: Session, set_as_default: bool = True) -> None:
        """Store ``session`` (replacing its earlier entry); ``set_as_default`` also makes it the
        default session and its chain's default. Atomic against concurrent writers."""
        if not isinstance(session, Session):
            raise InvalidValue(
                f"persist_session takes a Session (from login or restore), not "
                f"{type(session).__name__}"
            )
        serialized = session.serialize()
        flag(set_as_default, "set_as_default")

        def change(current: Values) -> Values:
            sessions = _stored_sessions(current.get(_SESSIONS_KEY), self.storage)
            previous = next((s for s in sessions if _same(s, serialized)), None)
            entry = {
                **serialized,
                "default": set_as_default or bool(previous and previous.get("default")),
            }
            kept = [s for s in sessions if not _same(s, serialized)]
            if set_as_default:
                for other in kept:
                    if other.get("chain") == entry["chain"]:
                        other["default"] = False
            kept.append(entry)
            kept.sort(
                key=lambda s: (str(s.get("chain")), str(s.get("actor")), str(s.get("permission")))
            )
            out: dict[str, str | None] = {_SESSIONS_KEY: dumps(kept)}
            default_raw = current.get(_SESSION_KEY)
            is_default = default_raw is not None and _same(
                _stored_session(default_raw, self.storage), serialized
            )
            if set_as_default or is_default:
                out[_SESSION_KEY] = dumps(entry)
            return _changed_only(current, out)

        await self.storage.update([_SESSION_KEY, _SESSIONS_KEY], change)

    async def get_sessions(self) -> list[dict[str, Any]]:
        """Every stored session (WharfKit's dicts, with ``default``) whose wallet is available."""
        sessions = _stored_sessions(await self.storage.read(_SESSIONS_KEY), self.storage)
        ids = {w.id for w in self.wallet_plugins}
        return [s for s in sessions if s["walletPlugin"]["id"] in ids]

    async def restore(
        self,
        args: Mapping[str, Any] | None = None,
        *,
        set_as_default: bool = True,
        transact_plugins: Iterable[object] | None = None,
        transact_plugins_options: Mapping[str, Any] | None = None,
    ) -> Session | None:
        """Restore a stored session: the default one (None if there is none), or the one
        ``args`` names: ``{"chain": id, "actor": ..., "permission": ...}``, a chain alone (its
        default), or a whole serialized session (used as is when not stored).

        ``set_as_default`` makes the restored session the default, as WharfKit does.
        """
        flag(set_as_default, "set_as_default")
        if args is None:
            raw = await self.storage.read(_SESSION_KEY)
            if raw is None:
                return None
            args = _stored_session(raw, self.storage)
        serialized = _with_given_wallet_data(await self._find_stored(args), args)
        session = self._restored(serialized, transact_plugins, transact_plugins_options)
        if set_as_default:
            await self.persist_session(session, set_as_default=True)
        return session

    async def restore_all(self) -> list[Session]:
        """Restore every stored session whose wallet is available; the default is unchanged.

        A session that cannot be restored (its wallet refuses the stored data, its chain is not
        configured) is skipped and logged; ``restore`` it alone to see the error.
        """
        restored = []
        for serialized in await self.get_sessions():
            try:
                restored.append(self._restored(serialized, None, None))
            except SessionKitError as error:
                logger.warning(
                    "could not restore %s@%s on %s: %s",
                    serialized["actor"],
                    serialized["permission"],
                    serialized["chain"],
                    error,
                )
        return restored

    async def _find_stored(self, args: Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(args, Mapping):
            raise InvalidValue(
                "restore() takes a dict such as {'chain': ..., 'actor': ..., 'permission': ...}"
            )
        chain = args.get("chain")
        if isinstance(chain, ChainDefinition):
            chain = str(chain.id)
        elif isinstance(chain, Mapping):
            chain = chain.get("id")
        if chain is None:
            raise InvalidValue("restore() needs the session's 'chain' (its id)")
        chain_id = str(_chain_id(chain))
        actor, permission = args.get("actor"), args.get("permission")
        sessions = _stored_sessions(await self.storage.read(_SESSIONS_KEY), self.storage)
        for stored in sessions:
            if stored["chain"] != chain_id:
                continue
            if actor is not None and permission is not None:
                if stored["actor"] == str(actor) and stored["permission"] == str(permission):
                    return stored
            elif stored.get("default"):
                return stored
        if actor is not None and permission is not None and "walletPlugin" in args:
            return parse_serialized({**args, "chain": chain_id}, "the session to restore")
        who = f"{actor}@{permission} " if actor and permission else "default session "
        raise SessionNotFound(
            f"no {who}is stored for chain {chain_id}; log in first, or pass the whole session "
            "(with 'walletPlugin') to restore it"
        )

    def _restored(
        self,
        serialized: Mapping[str, Any],
        transact_plugins: Iterable[object] | None,
        transact_plugins_options: Mapping[str, Any] | None,
    ) -> Session:
        plugin_id = serialized["walletPlugin"]["id"]
        prototype = next((w for w in self.wallet_plugins if w.id == plugin_id), None)
        if prototype is None:
            raise ConfigurationError(
                f"the stored session uses the wallet plugin {plugin_id!r}, which this kit does "
                f"not have (it has {[w.id for w in self.wallet_plugins]}); install it or add it "
                "to wallet_plugins"
            )
        wallet = prototype.clone()
        try:
            wallet.restore(dict(serialized["walletPlugin"].get("data") or {}))
        except SessionKitError:
            raise
        except Exception as exc:
            raise WalletError(
                f"the {plugin_id!r} wallet could not take back the data stored with "
                f"{serialized['actor']}@{serialized['permission']}: {type(exc).__name__}: {exc}"
            ) from exc
        return self._session(
            self._stored_chain(serialized["chain"]),
            PermissionLevel(serialized["actor"], serialized["permission"]),
            wallet,
            data=serialized.get("data"),
            transact_plugins=transact_plugins,
            transact_plugins_options=transact_plugins_options,
        )

    async def logout(self, session: Session | Mapping[str, Any] | None = None) -> None:
        """Log out one session (a `Session` or its serialized dict), or every session.

        The wallet's ``logout`` runs for each; the stored entries are removed. Entries of
        wallets this kit does not have are kept (WharfKit drops them).
        """
        if session is None:
            await self._logout_all()
            return
        if not isinstance(session, Session):
            serialized = parse_serialized(session, "the session to log out")
            try:
                session = self._restored(serialized, None, None)
            except SessionKitError as error:
                logger.warning("logging out without the wallet's own logout: %s", error)
                await self._forget(serialized)
                return
        await self._wallet_logout(session)
        await self._forget(session.serialize())

    async def _wallet_logout(self, session: Session) -> None:
        wallet = session.wallet_plugin
        try:
            await wallet.logout(LogoutContext(session=session, app_name=self.app_name))
        except (SessionKitError, Cancelled):
            raise
        except Exception as exc:
            raise WalletError(
                f"the {wallet.id!r} wallet failed to log {session.permission_level} out: "
                f"{type(exc).__name__}: {exc}"
            ) from exc

    async def _forget(self, serialized: Mapping[str, Any]) -> None:
        def change(current: Values) -> Values:
            sessions = _stored_sessions(current.get(_SESSIONS_KEY), self.storage)
            kept = [s for s in sessions if not _same(s, serialized)]
            out: dict[str, str | None] = {_SESSIONS_KEY: dumps(kept) if kept else None}
            raw = current.get(_SESSION_KEY)
            if raw is not None and _same(_stored_session(raw, self.storage), serialized):
                out[_SESSION_KEY] = None
            return _changed_only(current, out)

        await self.storage.update([_SESSION_KEY, _SESSIONS_KEY], change)

    async def _logout_all(self) -> None:
        removed: list[dict[str, Any]] = []

        def change(current: Values) -> Values:
            removed[:] = _stored_sessions(current.get(_SESSIONS_KEY), self.storage)
            return {_SESSION_KEY: None, _SESSIONS_KEY: None}

        await self.storage.update([_SESSION_KEY, _SESSIONS_KEY], change)
        for serialized in removed:
            try:
                await self._wallet_logout(self._restored(serialized, None, None))
            except SessionKitError as error:
                logger.warning(
                    "the wallet's logout of %s@%s failed: %s",
                    serialized["actor"],
                    serialized["permission"],
                    error,
                )

    # -- construction helpers ------------------------------------------------------------------

    def _make_ui(self, ui: UserInterface | str | None) -> UserInterface:
        if ui is None:
            return HeadlessUI()
        if isinstance(ui, UserInterface):
            return ui
        if isinstance(ui, str):
            made = self._registered("ui", ui)()
            if not isinstance(made, UserInterface):
                raise ConfigurationError(f"the user interface {ui!r} is not a UserInterface")
            return made
        raise ConfigurationError(
            f"ui= is a UserInterface or the id of an installed one, not {type(ui).__name__}"
        )

    def _make_storage(self, storage: SessionStorage | str | None) -> SessionStorage:
        if storage is None:
            return FileStorage(app_name=self.app_name)
        if isinstance(storage, SessionStorage):
            return storage
        if isinstance(storage, str):
            made = self._registered("storage", storage)(self.app_name)
            if not isinstance(made, SessionStorage):
                raise ConfigurationError(f"the storage {storage!r} is not a SessionStorage")
            return made
        raise ConfigurationError(
            f"storage= is a SessionStorage or the id of an installed one, not "
            f"{type(storage).__name__}"
        )

    def _make_wallets(
        self, given: Iterable[WalletPlugin | str | Callable[[], WalletPlugin]] | None
    ) -> list[WalletPlugin]:
        wallets: list[WalletPlugin] = []
        if given is None:
            for registration in self._host.registered("wallet").values():
                try:
                    wallets.append(_instantiate(registration.factory, registration.id))
                except SessionKitError as error:
                    if self._host.strict:
                        raise
                    logger.warning("wallet plugin %r is not available: %s", registration.id, error)
        else:
            if isinstance(given, str | WalletPlugin) or not isinstance(given, Iterable):
                raise ConfigurationError("wallet_plugins= is a list: write wallet_plugins=[...]")
            for entry in given:
                if isinstance(entry, WalletPlugin):
                    wallets.append(entry)
                elif isinstance(entry, str):
                    wallets.append(_instantiate(self._registered("wallet", entry), entry))
                elif callable(entry):
                    wallets.append(_instantiate(entry, getattr(entry, "id", repr(entry))))
                else:
                    raise ConfigurationError(
                        "wallet_plugins= holds WalletPlugin instances, classes or ids, "
                        f"not {entry!r}"
                    )
        ids = [w.id for w in wallets]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ConfigurationError(f"wallet plugin id(s) {duplicates} are given more than once")
        return wallets

    def _registered(self, kind: str, plugin_id: str) -> Callable[..., Any]:
        registrations: dict[str, Registration] = self._host.registered(kind)
        found = registrations.get(plugin_id)
        if found is None:
            noun = {"wallet": "wallet plugin", "ui": "user interface", "storage": "storage"}[kind]
            raise ConfigurationError(
                f"no {noun} {plugin_id!r} is installed (installed: {sorted(registrations)}); "
                "install the distribution that provides it (first-party ones are named "
                "sessionkit-wallet-*, sessionkit-ui-*, sessionkit-storage-*), or check "
                "$SESSIONKIT_PLUGINS and $SESSIONKIT_DISABLE_PLUGINS"
            )
        return found.factory

    def _wallet_index(self, plugin_id: str) -> int:
        for index, wallet in enumerate(self.wallet_plugins):
            if wallet.id == plugin_id:
                return index
        raise ConfigurationError(
            f"no wallet plugin {plugin_id!r} in this kit (it has "
            f"{[w.id for w in self.wallet_plugins]})"
        )

    def _wallet_choices(self) -> tuple[WalletChoice, ...]:
        return tuple(
            WalletChoice(
                index=index,
                id=wallet.id,
                config=wallet.config,
                metadata=wallet.metadata,
                retrieve_public_key=wallet.retrieve_public_key,
            )
            for index, wallet in enumerate(self.wallet_plugins)
        )


async def _wallet_login(wallet: WalletPlugin, context: LoginContext) -> WalletLoginResponse:
    try:
        return await wallet.login(context)
    except (SessionKitError, Cancelled):
        raise
    except Exception as exc:
        raise WalletError(
            f"the {wallet.id!r} wallet failed to log in: {type(exc).__name__}: {exc}"
        ) from exc


def _instantiate(factory: Callable[..., Any], plugin_id: str) -> WalletPlugin:
    made = factory()
    if not isinstance(made, WalletPlugin):
        raise ConfigurationError(f"the wallet plugin {plugin_id!r} is not a WalletPlugin")
    return made


def _needs_ui(needs: UIRequirements) -> bool:
    return (
        needs.requires_wallet_select
        or needs.requires_chain_select
        or needs.requires_permission_select
        or needs.requires_permission_entry
    )


def _chain_list(chains: Sequence[ChainLike]) -> list[ChainDefinition]:
    if (
        isinstance(chains, Mapping | str | bytes | ChainDefinition)
        or not isinstance(chains, Sequence)
        or not chains
    ):
        raise ConfigurationError(
            "chains= is a non-empty list of ChainDefinition or {'id': ..., 'url': ...}"
        )
    parsed = [ChainDefinition.from_json(chain) for chain in chains]
    ids = [str(chain.id) for chain in parsed]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigurationError(f"chain id(s) {duplicates} are given more than once")
    return parsed


def _chain_id(value: object) -> Checksum256:
    try:
        return Checksum256.from_json(value)
    except SessionKitError as exc:
        raise ConfigurationError(f"{value!r} is not a chain id (64 hex digits)") from exc


def _with_given_wallet_data(stored: dict[str, Any], args: Mapping[str, Any]) -> dict[str, Any]:
    """The stored session, with the wallet data ``args`` carries for the same wallet.

    As in WharfKit, wallet data given to ``restore`` (a session from a URL, say, with a fresh
    channel) replaces the stored data; the session's own ``data`` stays the stored one.
    """
    given = args.get("walletPlugin")
    if not isinstance(given, Mapping) or given.get("id") != stored["walletPlugin"]["id"]:
        return stored
    data = given.get("data")
    if not data:
        return stored
    if not isinstance(data, Mapping):
        raise InvalidValue("'walletPlugin.data' given to restore() is an object")
    return {**stored, "walletPlugin": {"id": stored["walletPlugin"]["id"], "data": dict(data)}}


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return (
        a.get("chain") == b.get("chain")
        and a.get("actor") == b.get("actor")
        and a.get("permission") == b.get("permission")
    )


def _location(storage: SessionStorage, key: str) -> str:
    path = getattr(storage, "path", None)
    return f"key {key!r} of {path or storage!r}"


def _stored_sessions(raw: str | None, storage: SessionStorage) -> list[dict[str, Any]]:
    if raw is None:
        return []
    where = _location(storage, _SESSIONS_KEY)
    try:
        value = loads(raw)
    except (ValueError, RecursionError) as exc:
        raise CorruptStorageError(
            f"the stored sessions ({where}) are not JSON: {exc}; nothing was changed",
            location=where,
        ) from exc
    if not isinstance(value, list):
        raise CorruptStorageError(
            f"the stored sessions ({where}) are not a list; nothing was changed", location=where
        )
    try:
        return [parse_serialized(entry, f"a session in {where}") for entry in value]
    except InvalidValue as exc:
        raise CorruptStorageError(f"{exc}; nothing was changed", location=where) from exc


def _stored_session(raw: str, storage: SessionStorage) -> dict[str, Any]:
    where = _location(storage, _SESSION_KEY)
    try:
        return parse_serialized(loads(raw), f"the default session in {where}")
    except (ValueError, RecursionError) as exc:
        raise CorruptStorageError(
            f"the default session ({where}) does not parse: {exc}; nothing was changed",
            location=where,
        ) from exc


def _changed_only(current: Values, out: Mapping[str, str | None]) -> dict[str, str | None]:
    return {key: value for key, value in out.items() if current.get(key) != value}
