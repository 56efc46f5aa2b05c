"""What wallets, user interfaces and hooks are told about a login, a transaction or a logout.

Contexts are frozen: the kit hands each step a context that says what has been decided so far
(for a login: the chosen wallet, chain and account; for a transaction: the session's chain,
account and options). They also carry the tools a plugin needs: a chain client, the ABI cache,
the user interface, the app's storage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping, Sequence

    import httpx

    from sessionkit.antelope import Action, Name, PermissionLevel, PublicKey, Transaction
    from sessionkit.chain import ABICache, APIClient, ChainDefinition, GetInfoResponse
    from sessionkit.esr import ResolvedSigningRequest, SigningRequest
    from sessionkit.session import Session
    from sessionkit.storage import SessionStorage
    from sessionkit.ui import UserInterface
    from sessionkit.wallet import WalletPlugin, WalletPluginConfig, WalletPluginMetadata

__all__ = [
    "LoginContext",
    "LogoutContext",
    "TransactContext",
    "UIRequirements",
    "WalletChoice",
]


class UIRequirements(msgspec.Struct, frozen=True, kw_only=True):
    """Which choices the user interface still has to make during a login."""

    requires_wallet_select: bool = True
    requires_chain_select: bool = True
    requires_permission_select: bool = True
    requires_permission_entry: bool = False


class WalletChoice(msgspec.Struct, frozen=True, kw_only=True):
    """A wallet a person can pick at login: what a user interface shows and may ask of it."""

    index: int
    id: str
    config: WalletPluginConfig
    metadata: WalletPluginMetadata
    retrieve_public_key: Callable[[Any], Awaitable[PublicKey | None]] | None = None


class LoginContext(msgspec.Struct, frozen=True, kw_only=True):
    """A login in progress: the choices made so far and the tools to make the rest."""

    app_name: str
    chains: tuple[ChainDefinition, ...]
    ui: UserInterface
    http_client: httpx.AsyncClient
    wallet_plugins: tuple[WalletChoice, ...]
    ui_requirements: UIRequirements = UIRequirements()
    chain: ChainDefinition | None = None
    permission_level: PermissionLevel | None = None
    wallet_plugin_index: int | None = None
    wallet_plugin: WalletPlugin | None = None
    arbitrary: dict[str, Any] = msgspec.field(default_factory=dict)
    storage: SessionStorage | None = None
    clients: Callable[[ChainDefinition], APIClient] | None = None

    def __repr__(self) -> str:
        # Only what was chosen: ``arbitrary`` may hold what the app gives its wallets.
        wallet = None if self.wallet_plugin is None else self.wallet_plugin.id
        chain = None if self.chain is None else str(self.chain.id)
        return (
            f"LoginContext(app_name={self.app_name!r}, chain={chain!r}, "
            f"permission_level={str(self.permission_level) if self.permission_level else None!r}"
            f", wallet_plugin={wallet!r})"
        )

    def get_client(self, chain: ChainDefinition | None = None) -> APIClient:
        """A chain client for ``chain`` (default: the chosen chain), shared with the kit."""
        target = chain if chain is not None else self.chain
        if target is None:
            from sessionkit.errors import ConfigurationError

            raise ConfigurationError("no chain is chosen yet: pass the chain to get_client()")
        if self.clients is None:  # pragma: no cover - the kit always sets it
            from sessionkit.chain import APIClient

            return APIClient(target.urls)
        return self.clients(target)


class LogoutContext(msgspec.Struct, frozen=True, kw_only=True):
    """A session being logged out."""

    session: Session
    app_name: str


class TransactContext(msgspec.Struct, frozen=True, kw_only=True):
    """A transaction in progress on one session's chain and account.

    ``allow_modify`` says whether hooks and the wallet may still change the transaction (it
    turns off once a hook co-signed). ``transact_plugins_options`` are the app's settings for
    transact plugins.
    """

    app_name: str
    chain: ChainDefinition
    client: APIClient
    abi_cache: ABICache
    permission_level: PermissionLevel
    http_client: httpx.AsyncClient
    expire_seconds: int = 120
    allow_modify: bool = True
    ui: UserInterface | None = None
    storage: SessionStorage | None = None
    transact_plugins_options: dict[str, Any] = msgspec.field(default_factory=dict)
    _memo: dict[str, Any] = msgspec.field(default_factory=dict)

    def __repr__(self) -> str:
        # No plugin options: they may hold a co-signing service's API key.
        return (
            f"TransactContext(app_name={self.app_name!r}, chain={str(self.chain.id)!r}, "
            f"permission_level={str(self.permission_level)!r}, "
            f"allow_modify={self.allow_modify!r})"
        )

    @property
    def account_name(self) -> Name:
        """The session's account."""
        return self.permission_level.actor

    @property
    def permission_name(self) -> Name:
        """The session's permission."""
        return self.permission_level.permission

    async def get_info(self) -> GetInfoResponse:
        """The chain's ``get_info``, fetched once per transaction."""
        info = self._memo.get("info")
        if info is None:
            info = await self.client.get_info()
            self._memo["info"] = info
        return info

    async def create_request(
        self,
        *,
        action: Action | Mapping[str, Any] | None = None,
        actions: Sequence[Action | Mapping[str, Any]] | None = None,
        transaction: Transaction | Mapping[str, Any] | None = None,
    ) -> SigningRequest:
        """A signing request for this chain that never broadcasts by itself.

        Action data given as a mapping is encoded with the contract's ABI from the cache.
        """
        from sessionkit._requests import build_request

        return await build_request(
            self.abi_cache, self.chain.id, action=action, actions=actions, transaction=transaction
        )

    async def resolve(
        self, request: SigningRequest, expire_seconds: int | None = None
    ) -> ResolvedSigningRequest:
        """Resolve ``request`` for this session: ABIs from the cache, TAPoS from ``get_info``
        when the request has none, placeholders replaced by the session's account."""
        abis = await request.fetch_abis(self.abi_cache)
        if not request.requires_tapos:
            return request.resolve(abis, self.permission_level, chain_id=self.chain.id)
        info = await self.get_info()
        header = info.transaction_header(expire_seconds or self.expire_seconds)
        return request.resolve(
            abis,
            self.permission_level,
            expiration=header.expiration,
            ref_block_num=header.ref_block_num,
            ref_block_prefix=header.ref_block_prefix,
            chain_id=self.chain.id,
        )
