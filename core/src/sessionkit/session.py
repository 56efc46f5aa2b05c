"""A `Session`: one account@permission on one chain, signing through its own wallet instance.

``await session.transact(action=...)`` runs WharfKit's pipeline: build a signing request,
let ``before_sign`` hooks change and co-sign it, resolve it (ABIs from the cache, TAPoS from
``get_info``), have the wallet sign, check every signature, run ``after_sign``, broadcast,
decode action return values and run ``after_broadcast``. ``session.serialize()`` gives the
exact dict WharfKit stores, so sessions move between the two kits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, Literal, Self, TypeAlias, overload

import anyio
import msgspec

from sessionkit import antelope
from sessionkit._chainlink import ChainLink
from sessionkit._hookcall import call_async_hook, call_impl, impls_of
from sessionkit._options import add_plugin_translations, flag, listed, mapping, seconds
from sessionkit._requests import (
    PreparedRequest,
    build_request,
    coerce_request,
    prepare_request,
    resolve_prepared,
)
from sessionkit._serialized import (
    decode_session_url,
    dumps,
    encode_session_url,
    loads,
    parse_serialized,
    serialize_session,
)
from sessionkit.antelope import Name, PermissionLevel
from sessionkit.chain import ChainDefinition
from sessionkit.contexts import TransactContext
from sessionkit.errors import (
    Cancelled,
    ChainAPIError,
    ConfigurationError,
    CryptoError,
    InvalidPluginSignature,
    InvalidSignature,
    InvalidValue,
    ModificationNotAllowed,
    PluginError,
    SessionKitError,
    WalletError,
)
from sessionkit.plugins import PluginHost
from sessionkit.transact import (
    ActionReturn,
    ActionReturnType,
    BeforeSignResult,
    Revision,
    TransactResult,
)
from sessionkit.ui import report_cancelled, report_error

if TYPE_CHECKING:
    from types import TracebackType

    import httpx

    from sessionkit.antelope import ABI, Action, Checksum256, Signature, Transaction
    from sessionkit.chain import ABICache, APIClient, SendTransactionResponse
    from sessionkit.esr import ResolvedSigningRequest, SigningRequest
    from sessionkit.storage import SessionStorage
    from sessionkit.ui import UserInterface
    from sessionkit.wallet import WalletPlugin

__all__ = ["AbisLike", "Session", "decode_session", "normalize_abis"]

#: ABIs given by the app: ``{account: ABI or its JSON}`` or ``[{"account": ..., "abi": ...}]``.
AbisLike: TypeAlias = "Mapping[str, ABI | Mapping[str, Any]] | Sequence[Mapping[str, Any]]"

SessionEncoding = Literal["serialized", "json", "encoded", "url"]


def decode_session(text: str, encoding: Literal["url", "json"] = "url") -> dict[str, Any]:
    """The serialized session (WharfKit's dict) in ``session.encode("url")`` or ``"json"``
    text; pass it to ``kit.restore()``. Raises ``InvalidValue`` for anything else."""
    if encoding == "url":
        return decode_session_url(text)
    if encoding == "json":
        try:
            value = loads(text)
        except (TypeError, ValueError, RecursionError) as exc:
            raise InvalidValue(f"not a session in JSON: {exc}") from exc
        return parse_serialized(value, "the session JSON")
    raise InvalidValue(f"unknown session encoding {encoding!r}: use 'url' or 'json'")


class Session:
    """A logged-in account on one chain, with its own wallet plugin instance.

    Made by `SessionKit.login` and `SessionKit.restore`; an app rarely builds one itself.
    Options (``allow_modify``, ``broadcast``, ``expire_seconds``, ``transact_plugins``...) are
    the defaults of every ``transact`` and can be overridden per call.
    """

    def __init__(
        self,
        *,
        chain: ChainDefinition | Mapping[str, Any],
        wallet_plugin: WalletPlugin,
        permission_level: PermissionLevel | str | Mapping[str, str] | None = None,
        actor: str | None = None,
        permission: str | None = None,
        data: Mapping[str, Any] | None = None,
        app_name: str | None = None,
        allow_modify: bool = True,
        broadcast: bool = True,
        expire_seconds: int = 120,
        abis: AbisLike | None = None,
        storage: SessionStorage | None = None,
        ui: UserInterface | None = None,
        http_client: httpx.AsyncClient | None = None,
        transact_plugins: Iterable[object] = (),
        transact_plugins_options: Mapping[str, Any] | None = None,
        validate_plugin_signatures: bool = True,
        plugin_host: PluginHost | None = None,
        chain_link: ChainLink | None = None,
    ) -> None:
        self.chain = ChainDefinition.from_json(chain)
        if permission_level is not None:
            self.permission_level = PermissionLevel.from_json(permission_level)
        elif actor is not None and permission is not None:
            self.permission_level = PermissionLevel(actor, permission)
        else:
            raise ConfigurationError(
                "a Session needs permission_level='account@permission' (or actor= and permission=)"
            )
        self.wallet_plugin = wallet_plugin
        self.data: dict[str, Any] = dict(data or {})
        self.app_name = app_name
        self.allow_modify = flag(allow_modify, "allow_modify")
        self.broadcast = flag(broadcast, "broadcast")
        self.expire_seconds = seconds(expire_seconds)
        self.storage = storage
        self.ui = ui
        self.transact_plugins = listed(transact_plugins, "transact_plugins")
        self.transact_plugins_options = dict(transact_plugins_options or {})
        self.validate_plugin_signatures = flag(
            validate_plugin_signatures, "validate_plugin_signatures"
        )
        if plugin_host is None:
            plugin_host = PluginHost(discover=False, scoped=self.transact_plugins)
        self._host = plugin_host
        self._owns_link = chain_link is None or (
            chain_link.chain is not self.chain and chain_link.chain != self.chain
        )
        if self._owns_link or chain_link is None:
            chain_link = ChainLink(self.chain, http_client)
        self._link = chain_link
        self._initial_abis = normalize_abis(abis)
        self._abi_cache: ABICache | None = None

    # -- what it is -------------------------------------------------------------------------

    @property
    def actor(self) -> str:
        """The account name."""
        return str(self.permission_level.actor)

    @property
    def permission(self) -> str:
        """The permission name."""
        return str(self.permission_level.permission)

    @property
    def chain_id(self) -> Checksum256:
        """The chain's id."""
        return self.chain.id

    @property
    def client(self) -> APIClient:
        """The chain client this session uses."""
        return self._link.client

    @property
    def abi_cache(self) -> ABICache:
        """The session's ABI cache (preloaded with the ``abis`` it was given)."""
        if self._abi_cache is None:
            from sessionkit.chain import ABICache  # loads the ABI codec: not at import

            self._abi_cache = ABICache(self.client)
            _add_abis(self._abi_cache, self._initial_abis)
        return self._abi_cache

    def set_endpoint(self, url: str) -> None:
        """Reach this session's chain through another API URL (other sessions keep theirs)."""
        self.chain = self.chain.with_urls(url)
        self._link = ChainLink(self.chain, self._link.http_client)
        self._owns_link = True
        self._abi_cache = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the chain connections this session opened itself.

        Sessions from a kit share the kit's connections (closed by the kit); a `Session` built
        by hand without ``http_client=`` opens its own: close it with ``async with`` or this.
        """
        if self._owns_link:
            await self._link.aclose()

    def __repr__(self) -> str:
        return (
            f"<Session {self.permission_level} on {str(self.chain.id)[:12]}... "
            f"with {self.wallet_plugin.id!r}>"
        )

    def matches(self, chain_id: Checksum256 | str, actor: str, permission: str) -> bool:
        """True when this session is ``actor@permission`` on ``chain_id``."""
        return (
            str(self.chain.id) == str(chain_id)
            and self.actor == actor
            and self.permission == permission
        )

    # -- serialization ------------------------------------------------------------------------

    def serialize(self) -> dict[str, Any]:
        """The dict WharfKit stores: ``chain``, ``actor``, ``permission``,
        ``walletPlugin: {id, data}``, and ``data`` when the session has some."""
        return serialize_session(self)

    @overload
    def encode(self, encoding: Literal["serialized"] = "serialized") -> dict[str, Any]: ...
    @overload
    def encode(self, encoding: Literal["json", "url"]) -> str: ...
    @overload
    def encode(self, encoding: Literal["encoded"]) -> bytes: ...

    def encode(self, encoding: SessionEncoding = "serialized") -> dict[str, Any] | str | bytes:
        """The session as ``serialized`` (dict), ``json`` (text), ``encoded`` (the bytes of
        WharfKit's ``url_encoded_session``) or ``url`` (their hex, for a URL parameter)."""
        if encoding == "serialized":
            return self.serialize()
        if encoding == "json":
            return dumps(self.serialize())
        if encoding == "encoded":
            return bytes.fromhex(encode_session_url(self.serialize()))
        if encoding == "url":
            return encode_session_url(self.serialize())
        raise InvalidValue(
            f"unknown session encoding {encoding!r}: use 'serialized', 'json', 'encoded' or 'url'"
        )

    # -- signing --------------------------------------------------------------------------------

    async def sign_transaction(
        self, transaction: Transaction | Mapping[str, Any]
    ) -> list[Signature]:
        """Signatures of the wallet for a complete transaction: no hooks, no broadcast.

        The transaction is signed exactly as given: nothing is resolved (no TAPoS, no
        placeholders), as in WharfKit, so the signatures are valid for the app's transaction.
        """
        from sessionkit.antelope import Transaction
        from sessionkit.esr import ResolvedSigningRequest

        tx = (
            transaction
            if isinstance(transaction, Transaction)
            else Transaction.from_json(transaction)
        )
        request = await build_request(self.abi_cache, self.chain.id, transaction=tx)
        context = self._context(allow_modify=False, ui=None, options=self.transact_plugins_options)
        resolved = ResolvedSigningRequest(
            request, self.permission_level, tx, tx.to_json(), self.chain.id
        )
        response = await _wallet_call(
            self.wallet_plugin, "sign", self.wallet_plugin.sign(resolved, context)
        )
        return list(response.signatures)

    async def transact(
        self,
        *,
        action: Action | Mapping[str, Any] | None = None,
        actions: Sequence[Action | Mapping[str, Any]] | None = None,
        transaction: Transaction | Mapping[str, Any] | None = None,
        request: SigningRequest | str | None = None,
        broadcast: bool | None = None,
        allow_modify: bool | None = None,
        expire_seconds: int | None = None,
        abis: AbisLike | None = None,
        transact_plugins: Iterable[object] | None = None,
        transact_plugins_options: Mapping[str, Any] | None = None,
        validate_plugin_signatures: bool | None = None,
    ) -> TransactResult:
        """Sign and (by default) broadcast exactly one of ``action``, ``actions``,
        ``transaction`` or ``request`` (an ESR object or ``esr:`` URI).

        Action data may be a mapping (encoded with the contract's ABI), bytes or hex; the
        placeholders ``............1``/``............2`` stand for this session's account and
        permission. Raises `sessionkit.errors.ModificationNotAllowed` when a hook or the wallet
        changes the transaction under ``allow_modify=False``,
        `sessionkit.errors.InvalidPluginSignature` for a signature that cannot authorize it,
        and the chain's `sessionkit.errors.ChainAPIError` when the node refuses it.
        """
        plugins = (
            self.transact_plugins
            if transact_plugins is None
            else listed(transact_plugins, "transact_plugins")
        )
        with self._host.borrowed(plugins) if plugins else nullcontext():
            return await self._transact(
                plugins,
                action=action,
                actions=actions,
                transaction=transaction,
                request=request,
                broadcast=broadcast,
                allow_modify=allow_modify,
                expire_seconds=expire_seconds,
                abis=abis,
                transact_plugins_options=transact_plugins_options,
                validate_plugin_signatures=validate_plugin_signatures,
            )

    async def _transact(
        self,
        plugins: tuple[object, ...],
        *,
        action: Action | Mapping[str, Any] | None,
        actions: Sequence[Action | Mapping[str, Any]] | None,
        transaction: Transaction | Mapping[str, Any] | None,
        request: SigningRequest | str | None,
        broadcast: bool | None,
        allow_modify: bool | None,
        expire_seconds: int | None,
        abis: AbisLike | None,
        transact_plugins_options: Mapping[str, Any] | None,
        validate_plugin_signatures: bool | None,
    ) -> TransactResult:
        options = (
            self.transact_plugins_options
            if transact_plugins_options is None
            else mapping(transact_plugins_options, "transact_plugins_options")
        )
        pipeline = _Pipeline(
            session=self,
            context=self._context(
                allow_modify=self.allow_modify
                if allow_modify is None
                else flag(allow_modify, "allow_modify"),
                ui=self.ui,
                options=options,
                expire_seconds=expire_seconds,
                abis=abis,
            ),
            plugins=plugins,
            broadcast=self.broadcast if broadcast is None else flag(broadcast, "broadcast"),
            validate=(
                self.validate_plugin_signatures
                if validate_plugin_signatures is None
                else flag(validate_plugin_signatures, "validate_plugin_signatures")
            ),
        )
        ui = self.ui
        try:
            if ui is not None:
                await ui.on_transact()
                for plugin in plugins:
                    add_plugin_translations(ui, plugin)
            if request is not None:
                if any(x is not None for x in (action, actions, transaction)):
                    raise ConfigurationError(
                        "give exactly one of action=, actions=, transaction= or request="
                    )
                prepared = PreparedRequest(coerce_request(request), None, {})
            else:
                prepared = await prepare_request(
                    pipeline.context.abi_cache,
                    self.chain.id,
                    action=action,
                    actions=actions,
                    transaction=transaction,
                )
            result = await pipeline.run(prepared)
            if ui is not None:
                await ui.on_transact_complete()
            return result
        except Exception as error:
            if ui is not None:
                await report_error(ui, error)
            raise
        except anyio.get_cancelled_exc_class():
            if ui is not None:
                await report_cancelled(ui, "transaction")
            raise

    def _context(
        self,
        *,
        allow_modify: bool,
        ui: UserInterface | None,
        options: Mapping[str, Any],
        expire_seconds: int | None = None,
        abis: AbisLike | None = None,
    ) -> TransactContext:
        cache = self.abi_cache
        _add_abis(cache, abis)
        return TransactContext(
            app_name=self.app_name or "",
            chain=self.chain,
            client=self.client,
            abi_cache=cache,
            permission_level=self.permission_level,
            http_client=self._link.http_client,
            expire_seconds=self.expire_seconds
            if expire_seconds is None
            else seconds(expire_seconds),
            allow_modify=allow_modify,
            ui=ui,
            storage=self.storage,
            transact_plugins_options=dict(options),
        )


class _Pipeline:
    """One transact: the steps of WharfKit's ``Session.transact``, in order."""

    def __init__(
        self,
        *,
        session: Session,
        context: TransactContext,
        plugins: tuple[object, ...],
        broadcast: bool,
        validate: bool,
    ) -> None:
        self.session = session
        self.context = context
        self.plugins = plugins
        self.broadcast = broadcast
        self.validate = validate
        self.host = session._host

    async def run(self, prepared: PreparedRequest) -> TransactResult:
        request = prepared.request
        revisions = [
            _revision("original", request, modified=False, allowed=self.context.allow_modify)
        ]
        request, signatures, sources = await self._before_sign(request, revisions)
        resolved = await self._resolve(request, prepared)
        ui = self.context.ui
        if ui is not None:
            await ui.on_sign()
            add_plugin_translations(ui, self.session.wallet_plugin)
        wallet = self.session.wallet_plugin
        response = await _wallet_call(wallet, "sign", wallet.sign(resolved, self.context))
        signatures += list(response.signatures)
        sources += [f"wallet {wallet.id!r}"] * len(response.signatures)
        if response.resolved is not None and (
            response.resolved.transaction.to_bytes() != resolved.transaction.to_bytes()
        ):
            name = wallet.metadata.name or wallet.id
            if not self.context.allow_modify:
                raise ModificationNotAllowed(
                    f"the {name} wallet modified the transaction although modification is not "
                    "allowed (allow_modify=False, or a plugin co-signed it first)"
                )
            resolved = response.resolved
            request = resolved.request
            revisions.append(
                _revision(
                    wallet.id,
                    request.clone(),
                    modified=True,
                    allowed=True,
                    signatures=response.signatures,
                )
            )
        if self.validate:
            await _check_signatures(self.session._link, resolved, signatures, sources)
        result = TransactResult(
            chain=self.session.chain,
            request=request,
            resolved=resolved,
            signer=self.session.permission_level,
            signatures=tuple(signatures),
            revisions=tuple(revisions),
        )
        await self._hook("after_sign", result=result)
        if ui is not None:
            await ui.on_sign_complete()
        if not self.broadcast:
            return result
        if ui is not None:
            await ui.on_broadcast()
        sent = await self.session.client.send_transaction(
            antelope.SignedTransaction(transaction=resolved.transaction, signatures=signatures)
        )
        returns = await _return_values(sent, self.context.abi_cache)
        result = msgspec.structs.replace(result, response=sent, returns=returns)
        await self._hook("after_broadcast", result=result)
        if ui is not None:
            await ui.on_broadcast_complete()
        return result

    async def _resolve(
        self, request: SigningRequest, prepared: PreparedRequest
    ) -> ResolvedSigningRequest:
        """Resolve ``request``: from the prepared actions while no hook has replaced it."""
        if request is not prepared.request or prepared.actions is None:
            return await self.context.resolve(request)
        info = await self.context.get_info()
        header = info.transaction_header(self.context.expire_seconds)
        return resolve_prepared(
            prepared, self.context.permission_level, header, self.session.chain.id
        )

    async def _before_sign(
        self, request: SigningRequest, revisions: list[Revision]
    ) -> tuple[SigningRequest, list[Signature], list[str]]:
        signatures: list[Signature] = []
        sources: list[str] = []
        for impl in impls_of(
            self.host.pm, "before_sign", scoped=self.host.scoped, active=self.plugins
        ):
            answer = await call_impl(
                impl, "before_sign", request=request.clone(), context=self.context
            )
            if answer is None:
                continue
            code = _plugin_code(impl)
            if not isinstance(answer, BeforeSignResult):
                raise PluginError(
                    f"plugin {impl.plugin_name!r}: before_sign returns None or a "
                    f"BeforeSignResult, not {type(answer).__name__}",
                    plugin=impl.plugin_name,
                    hook="before_sign",
                )
            new = answer.request
            modified = new is not None and new != request
            revisions.append(
                _revision(
                    code,
                    new.clone() if modified and new is not None else request,
                    modified=modified,
                    allowed=self.context.allow_modify,
                    signatures=answer.signatures,
                )
            )
            if modified and new is not None:
                if not self.context.allow_modify:
                    raise ModificationNotAllowed(
                        f"plugin {code!r} modified the transaction although "
                        "modification is not allowed (allow_modify=False, or another plugin "
                        "co-signed it first); allow it with allow_modify=True or remove the plugin"
                    )
                request = _updated_request(request, new)
            if answer.signatures:
                from sessionkit.antelope import Signature

                signatures += [Signature.from_json(s) for s in answer.signatures]
                sources += [f"plugin {code!r}"] * len(answer.signatures)
                self.context = msgspec.structs.replace(self.context, allow_modify=False)
        return request, signatures, sources

    async def _hook(self, name: str, *, result: TransactResult) -> None:
        await call_async_hook(
            self.host.pm,
            name,
            scoped=self.host.scoped,
            active=self.plugins,
            result=result,
            context=self.context,
        )


def _plugin_code(impl: Any) -> str:
    """How revisions and errors name a plugin: its ``id``, else its registered name."""
    given = getattr(impl.plugin, "id", None)
    return given if isinstance(given, str) and given else str(impl.plugin_name)


def _updated_request(previous: SigningRequest, new: SigningRequest) -> SigningRequest:
    """``new``, never broadcasting, keeping the info pairs of ``previous`` it does not set.

    WharfKit lets the previous values win; here the hook that made the change wins.
    """
    updated = new.clone()
    updated.set_broadcast(False)
    for key, value in previous.raw_info.items():
        if updated.get_raw_info_key(key) is None:
            updated.set_raw_info_key(key, value)
    return updated


def _revision(
    code: str,
    request: SigningRequest,
    *,
    modified: bool,
    allowed: bool,
    signatures: Iterable[Signature | str] = (),
) -> Revision:
    return Revision(
        code=code,
        modified=modified,
        allow_modify=allowed,
        signing_request=request,
        signatures=tuple(str(s) for s in signatures),
    )


async def _wallet_call(wallet: WalletPlugin, step: str, awaitable: Any) -> Any:
    """Await a wallet method; anything but a SessionKit error becomes a `WalletError`."""
    try:
        return await awaitable
    except (SessionKitError, Cancelled):
        raise
    except Exception as exc:
        raise WalletError(
            f"the {wallet.id!r} wallet failed to {step}: {type(exc).__name__}: {exc}"
        ) from exc


async def _check_signatures(
    link: ChainLink,
    resolved: ResolvedSigningRequest,
    signatures: Sequence[Signature],
    sources: Sequence[str],
) -> None:
    """Every signature must recover, over this transaction's digest, to a key it needs.

    A key already confirmed on this chain is accepted locally; others are checked with the
    node's ``get_required_keys`` once and remembered.
    """
    if not signatures:
        raise InvalidPluginSignature(
            "nobody signed the transaction: the wallet returned no signature"
        )
    digest = resolved.signing_digest
    keys = []
    for signature, source in zip(signatures, sources, strict=True):
        try:
            keys.append(signature.recover(digest))
        except (CryptoError, InvalidSignature) as exc:
            raise InvalidPluginSignature(
                f"a signature from {source} does not recover over this transaction's signing "
                f"digest ({exc})"
            ) from exc
    unknown = [
        (key, source)
        for key, source in zip(keys, sources, strict=True)
        if key not in link.confirmed_keys
    ]
    if not unknown:
        return
    try:
        required = await link.client.get_required_keys(resolved.transaction, keys)
    except ChainAPIError as exc:
        signers = "; ".join(f"{source} signed with {key}" for key, source in unknown)
        raise InvalidPluginSignature(
            f"the signatures cannot authorize this transaction ({signers}): a signature is "
            "missing (the permission needs more keys than signed: add the co-signing plugin or "
            "wallet), or one was made over another transaction or chain, or with a wrong key. "
            f"The chain says: {exc}"
        ) from exc
    needed = {str(key) for key in required}
    for key, source in unknown:
        if str(key) not in needed:
            raise InvalidPluginSignature(
                f"the signature from {source} was made with {key}, a key this transaction does "
                "not need: it signed another transaction or chain, or the wrong key"
            )
        link.confirmed_keys.add(key)


async def _return_values(
    response: SendTransactionResponse, cache: ABICache
) -> tuple[ActionReturn, ...]:
    """Decode every action's return value through its contract's ``action_results``."""
    found = []
    for trace in response.processed.action_traces:
        raw = trace.return_value_hex_data
        if not raw:
            continue
        contract, action = str(trace.act.account), str(trace.act.name)
        result_type, data, error = "", None, None
        try:
            abi = await cache.get_abi(contract)
            result_type = next((r.result_type for r in abi.action_results if r.name == action), "")
            if result_type:
                data = abi.decode(result_type, bytes.fromhex(raw))
            else:
                error = f"the {contract} ABI declares no result type for {action}"
        except (SessionKitError, ValueError) as exc:
            error = f"could not decode the return value of {contract}::{action}: {exc}"
        found.append(
            ActionReturn(
                contract=contract,
                action=action,
                hex=raw,
                data=data,
                return_type=ActionReturnType(name=action, result_type=result_type),
                error=error,
            )
        )
    return tuple(found)


def normalize_abis(abis: AbisLike | None) -> dict[str, ABI]:
    """``abis=`` as ``{account: ABI}``, checked now so a wrong one fails where it is given."""
    given: object = abis
    if not given:
        return {}
    if isinstance(given, str | bytes) or not isinstance(given, Mapping | Sequence):
        raise InvalidValue("abis= is {account: abi} or a list of {'account': ..., 'abi': ...}")
    from sessionkit.antelope import ABI

    pairs: list[tuple[Any, Any]] = []
    if isinstance(given, Mapping):
        pairs = list(given.items())
    else:
        for entry in given:
            if not isinstance(entry, Mapping) or "account" not in entry or "abi" not in entry:
                raise InvalidValue(
                    "abis= is {account: abi} or a list of {'account': ..., 'abi': ...}"
                )
            pairs.append((entry["account"], entry["abi"]))
    out: dict[str, ABI] = {}
    for account, abi in pairs:
        if not isinstance(account, Name | str):
            raise InvalidValue(f"an account in abis= is a name, not {account!r}")
        if isinstance(abi, ABI):
            out[str(Name(account))] = abi
        elif isinstance(abi, Mapping | str | bytes):
            try:
                out[str(Name(account))] = ABI.from_json(
                    dict(abi) if isinstance(abi, Mapping) else abi
                )
            except UnicodeError:
                raise InvalidValue(f"the ABI of {account} in abis= is not valid text") from None
        else:
            raise InvalidValue(
                f"the ABI of {account} in abis= is an ABI, its JSON or a dict, "
                f"not {type(abi).__name__}"
            )
    return out


def _add_abis(cache: ABICache, abis: AbisLike | None) -> None:
    for account, abi in normalize_abis(abis).items():
        cache.set_abi(account, abi)
