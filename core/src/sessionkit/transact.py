"""What a transaction produces, what ``before_sign`` hooks return, and the transact plugin base.

A transact plugin is any object with ``@hookimpl`` methods named ``before_sign``,
``after_sign`` or ``after_broadcast``; `TransactPlugin` gives it an ``id`` and a place for
translations. Pass plugins to ``SessionKit(transact_plugins=[...])`` (every session),
``kit.login(transact_plugins=[...])`` (that session) or ``session.transact(...,
transact_plugins=[...])`` (that call). Plugins installed through entry points see every
transaction of every session.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec

if TYPE_CHECKING:
    from sessionkit.antelope import Checksum256, PermissionLevel, Signature, Transaction
    from sessionkit.chain import ChainDefinition, SendTransactionResponse
    from sessionkit.esr import ResolvedSigningRequest, SigningRequest

__all__ = [
    "ActionReturn",
    "ActionReturnType",
    "BeforeSignResult",
    "Revision",
    "TransactPlugin",
    "TransactResult",
]


class BeforeSignResult(msgspec.Struct, frozen=True, kw_only=True):
    """A ``before_sign`` hook's answer: a replacement request and/or co-signatures."""

    request: SigningRequest | None = None
    signatures: tuple[Signature, ...] = ()


class Revision(msgspec.Struct, frozen=True, kw_only=True, dict=True):
    """One step in a transaction's history: who (``code``), whether it changed the request,
    whether changes were allowed then, the request afterwards and the signatures it added.
    The first revision is the ``original`` request."""

    code: str
    modified: bool
    allow_modify: bool
    signing_request: SigningRequest
    signatures: tuple[str, ...] = ()

    @cached_property
    def request(self) -> str:
        """The request after this step as an ``esr:`` URI, as WharfKit records it (encoded
        when first read: most apps never read it)."""
        return self.signing_request.encode()


class ActionReturnType(msgspec.Struct, frozen=True, kw_only=True):
    """The ABI ``action_results`` entry used to decode a return value (empty if none)."""

    name: str
    result_type: str


class ActionReturn(msgspec.Struct, frozen=True, kw_only=True):
    """An action's return value: raw ``hex`` and ``data`` decoded through the contract ABI.

    ``data`` is None when the ABI declares no result type or decoding failed (``error`` says
    why); the raw bytes stay in ``hex``.
    """

    contract: str
    action: str
    hex: str
    data: Any
    return_type: ActionReturnType
    error: str | None = None


class TransactResult(msgspec.Struct, frozen=True, kw_only=True):
    """Everything about one ``Session.transact``.

    ``response`` (the chain's answer) and ``returns`` are set only once broadcast.
    """

    chain: ChainDefinition
    request: SigningRequest
    resolved: ResolvedSigningRequest
    signer: PermissionLevel
    signatures: tuple[Signature, ...] = ()
    revisions: tuple[Revision, ...] = ()
    response: SendTransactionResponse | None = None
    returns: tuple[ActionReturn, ...] = ()

    @property
    def transaction(self) -> Transaction:
        """The transaction that was signed (and broadcast)."""
        return self.resolved.transaction

    @property
    def transaction_id(self) -> Checksum256:
        """The id of that transaction."""
        return self.resolved.transaction.id


class TransactPlugin:
    """Convenience base for transact plugins: an ``id`` and ``translations``; add hooks.

    ``translations`` (``{"en": {"key": "text"}}``) are added to the user interface under the
    plugin's ``id`` when a transaction starts.
    """

    id: ClassVar[str] = "transact-plugin"
    translations: ClassVar[dict[str, dict[str, Any]]] = {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.id!r}>"
