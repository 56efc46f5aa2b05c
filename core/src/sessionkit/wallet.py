"""The wallet plugin contract: what a wallet offers the kit, and what it answers.

A wallet plugin logs a person in (answering with a chain and an ``account@permission``) and
signs transactions for the session it logged in. Subclass `WalletPlugin`, give it a class
attribute ``id`` and implement ``login`` and ``sign``; offer it to kits through the
``register_wallet_plugins`` hook or pass an instance in ``SessionKit(wallet_plugins=[...])``.

Every `Session` has its own wallet instance: the kit calls the registered factory for each new
session, and ``clone()`` on an instance given directly. What a wallet keeps in ``data`` is
stored with the session (``walletPlugin.data`` in WharfKit's JSON) and handed back through
``restore(data)``.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sessionkit.antelope import Checksum256, PermissionLevel, PublicKey, Signature
    from sessionkit.contexts import LoginContext, LogoutContext, TransactContext
    from sessionkit.esr import IdentityProof, ResolvedSigningRequest

__all__ = [
    "Logo",
    "WalletLoginResponse",
    "WalletPlugin",
    "WalletPluginConfig",
    "WalletPluginMetadata",
    "WalletSignResponse",
]


class WalletPluginConfig(msgspec.Struct, frozen=True, kw_only=True):
    """What a wallet needs the user interface to choose before it logs in.

    ``supported_chains`` lists chain ids (hex) the wallet can use; empty means any.
    """

    requires_chain_select: bool = True
    requires_permission_select: bool = False
    requires_permission_entry: bool = False
    supported_chains: tuple[str, ...] = ()


class Logo(msgspec.Struct, frozen=True, kw_only=True):
    """A logo for light and dark backgrounds (URLs or ``data:`` URIs)."""

    light: str
    dark: str

    @classmethod
    def from_json(cls, value: object) -> Logo:
        """A logo from a string (used for both) or ``{"light": ..., "dark": ...}``."""
        if isinstance(value, Logo):
            return value
        if isinstance(value, str):
            return cls(light=value, dark=value)
        return msgspec.convert(value, cls)


class WalletPluginMetadata(msgspec.Struct, frozen=True, kw_only=True):
    """How a user interface presents a wallet; ``public_key`` lets it list the key's accounts."""

    name: str | None = None
    description: str | None = None
    logo: Logo | None = None
    homepage: str | None = None
    download: str | None = None
    public_key: str | None = None


class WalletLoginResponse(msgspec.Struct, frozen=True, kw_only=True):
    """A wallet's answer to a login: the chain and the account it logged in with.

    The wallet's answer is authoritative: it may differ from what the user interface chose.
    ``identity_proof`` is the signed proof of the login when the wallet gives one (Anchor).
    """

    chain: Checksum256
    permission_level: PermissionLevel
    identity_proof: IdentityProof | None = None


class WalletSignResponse(msgspec.Struct, frozen=True, kw_only=True):
    """A wallet's signatures; ``resolved`` only when the wallet changed the transaction.

    A changed transaction (for example one a resource provider co-signed) is adopted only when
    the session allows modification; otherwise the transact fails.
    """

    signatures: list[Signature]
    resolved: ResolvedSigningRequest | None = None


class WalletPlugin(ABC):
    """Base class of wallet plugins; one instance serves one session.

    Subclasses set ``id`` (lowercase, URL-safe; stored with every session, so never change it),
    and usually ``config``, ``metadata`` and ``translations`` (``{"en": {"key": "text"}}``,
    namespaced under ``id`` by the kit).
    """

    id: ClassVar[str]
    config: WalletPluginConfig = WalletPluginConfig()
    metadata: WalletPluginMetadata = WalletPluginMetadata()
    translations: ClassVar[dict[str, dict[str, Any]]] = {}

    def __init__(self) -> None:
        #: State persisted with the session (JSON-compatible values only).
        self.data: dict[str, Any] = {}

    @abstractmethod
    async def login(self, context: LoginContext) -> WalletLoginResponse:
        """Log the person in on ``context.chain`` (or a chain of ``context.chains``).

        Use ``context.permission_level`` when the user interface chose one. Raise
        `sessionkit.errors.WalletRejected` when the person declines, `sessionkit.errors.Cancelled`
        when the wait is cancelled, `sessionkit.errors.WaitTimeout` when it times out.
        """

    @abstractmethod
    async def sign(
        self, resolved: ResolvedSigningRequest, context: TransactContext
    ) -> WalletSignResponse:
        """Sign ``resolved.transaction`` (its digest is ``resolved.signing_digest``)."""

    async def logout(self, context: LogoutContext) -> None:  # noqa: B027 - optional hook
        """Forget what this session left with the wallet (channels, keys). Optional."""

    async def retrieve_public_key(self, chain_id: Checksum256) -> PublicKey | None:
        """The public key whose accounts a user interface may offer, if the wallet knows it."""
        if self.metadata.public_key is None:
            return None
        from sessionkit.antelope import PublicKey

        return PublicKey.from_string(self.metadata.public_key)

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take back the ``data`` stored with a session. Raise to refuse it (clearly)."""
        self.data = copy.deepcopy(dict(data)) if data else {}

    def serialize(self) -> dict[str, Any]:
        """``{"id": ..., "data": ...}``, the ``walletPlugin`` entry of a stored session."""
        return {"id": self.id, "data": copy.deepcopy(self.data) if self.data else {}}

    def clone(self) -> WalletPlugin:
        """A fresh instance with the same configuration and a copy of the data.

        The kit calls this on an instance given in ``wallet_plugins=[...]`` for each session.
        Override it when a shallow copy would share mutable state.
        """
        twin = copy.copy(self)
        twin.data = copy.deepcopy(self.data) if self.data else {}
        return twin

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.id!r}>"
