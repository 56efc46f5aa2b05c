"""``SigningRequest`` and ``ResolvedSigningRequest``: an EEP-7 request and what it resolves to.

The two classes live together because each builds the other: a request resolves into a
``ResolvedSigningRequest``, which is rebuilt from a wallet's callback by decoding the request it
echoes. The work is done elsewhere, one module per job: ``_model`` (the data, its wire forms and
read-only views), ``_create`` (``create``, ``create_identity``), ``_edit`` (``set_*``,
``append_action``, ``sign``...), ``_resolve`` (resolving) and ``_callback`` (the callback).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Unpack

from sessionkit.antelope import Signature
from sessionkit.errors import InvalidSigningRequest
from sessionkit.esr._abi_defs import esr_abi
from sessionkit.esr._callback import CallbackPayload, ResolvedCallback, fill_template
from sessionkit.esr._create import RequestFactory
from sessionkit.esr._edit import RequestEditor
from sessionkit.esr._identity import identity_proof
from sessionkit.esr._parts import copy_json
from sessionkit.esr._resolve import (
    Resolution,
    decoded_transaction,
    payload_request,
    resolve_payload,
    resolve_request,
)
from sessionkit.esr._uri import DEFAULT_MAX_PAYLOAD_SIZE

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sessionkit.antelope import ABI, Checksum256, PermissionLevel, Transaction
    from sessionkit.chain import APIClient
    from sessionkit.esr._identity import IdentityProof
    from sessionkit.esr._resolve import ABIProvider, ResolveOptions

__all__ = ["ResolvedSigningRequest", "SigningRequest"]


class SigningRequest(RequestFactory, RequestEditor):
    """An ESR: what to sign (actions, a transaction or an identity), for which chain, and
    where the wallet should send the result.

    Build one with ``create`` / ``create_identity``, read one with ``from_uri``, turn it into
    a URI with ``encode``, and into a signable transaction with ``resolve``.
    """

    __slots__ = ()

    @staticmethod
    def protocol_abi(version: int = 3) -> ABI:
        """The ABI of the ESR protocol's own types (``signing_request``, ``identity``,
        ``link_create``...) for protocol ``version`` 2 or 3, e.g. to encode an Anchor link's
        ``info`` entry."""
        if version not in (2, 3):
            raise InvalidSigningRequest(f"ESR protocol versions are 2 and 3, not {version!r}")
        return esr_abi(version)

    def clone(self) -> SigningRequest:
        """An independent copy."""
        return SigningRequest(self._version, copy_json(self._data), self.signature, _raw=self._raw)

    # -- resolving ------------------------------------------------------------------------

    def resolve(
        self,
        abis: Mapping[str, ABI] | None,
        signer: PermissionLevel | str | Mapping[str, Any],
        **options: Unpack[ResolveOptions],
    ) -> ResolvedSigningRequest:
        """The transaction ``signer`` should sign: placeholders replaced, action data checked
        against ``abis`` (account -> ABI), TAPoS filled in when the request has none.

        ``options`` (``ResolveOptions``): ``expiration`` + ``ref_block_num`` +
        ``ref_block_prefix``, or ``block_num`` + ``ref_block_prefix`` + ``timestamp``
        (+ ``expire_seconds``); ``chain_id`` for a multi-chain request.
        """
        return ResolvedSigningRequest(self, *resolve_request(self, abis, signer, **options))

    async def fetch_abis(self, provider: ABIProvider) -> dict[str, ABI]:
        """The ABIs ``resolve`` needs, from ``provider`` (e.g. ``sessionkit.chain.ABICache``)."""
        return {str(account): await provider.get_abi(account) for account in self.required_abis}

    async def resolve_from_chain(
        self,
        client: APIClient,
        signer: PermissionLevel | str | Mapping[str, Any],
        *,
        abi_provider: ABIProvider | None = None,
        expire_seconds: int = 120,
    ) -> ResolvedSigningRequest:
        """``resolve`` with ABIs from ``abi_provider`` (default: a new ``ABICache(client)``), on
        the chain of the node's ``get_info``, with TAPoS and expiration from it when the request
        needs them.

        The node's chain is the one resolved for; a request for another chain is refused, even
        one that carries its own TAPoS.
        """
        from sessionkit.chain import ABICache

        info = await client.get_info()
        abis = await self.fetch_abis(abi_provider or ABICache(client))
        header = info.transaction_header(expire_seconds)
        return self.resolve(
            abis,
            signer,
            expiration=header.expiration,
            ref_block_num=header.ref_block_num,
            ref_block_prefix=header.ref_block_prefix,
            chain_id=info.chain_id,
        )

    # -- dunder ---------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SigningRequest):
            return NotImplemented
        return (
            self._version == other._version
            and self.to_bytes() == other.to_bytes()
            and self.signature == other.signature
        )

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.encode()

    def __repr__(self) -> str:
        return f"SigningRequest({self.encode()!r})"


class ResolvedSigningRequest:
    """A request resolved for one signer: the exact transaction to sign and its digest.

    ``get_callback`` builds what a wallet sends back; ``from_payload`` rebuilds this from it.
    """

    __slots__ = (
        "_abis",
        "_digest",
        "_resolved_transaction",
        "chain_id",
        "request",
        "signer",
        "transaction",
    )

    def __init__(
        self,
        request: SigningRequest,
        signer: PermissionLevel,
        transaction: Transaction,
        resolved_transaction: dict[str, Any] | None,
        chain_id: Checksum256,
        *,
        abis: Mapping[str, ABI] | None = None,
    ) -> None:
        """``resolved_transaction`` None: decoded from ``transaction`` through ``abis`` when
        first read (for a caller that built the transaction from data it holds decoded)."""
        #: The request this was resolved from.
        self.request = request
        #: Who signs.
        self.signer = signer
        #: The transaction with action data encoded: what gets signed.
        self.transaction = transaction
        #: The chain the transaction is for.
        self.chain_id = chain_id
        self._resolved_transaction = resolved_transaction
        self._abis = abis
        self._digest: Checksum256 | None = None

    @property
    def resolved_transaction(self) -> dict[str, Any]:
        """The same transaction as JSON with each action's data decoded through its ABI."""
        if self._resolved_transaction is None:
            self._resolved_transaction = decoded_transaction(self.transaction, self._abis or {})
        return self._resolved_transaction

    @classmethod
    def from_payload(
        cls,
        payload: Mapping[str, Any],
        abis: Mapping[str, ABI] | None = None,
        *,
        max_size: int = DEFAULT_MAX_PAYLOAD_SIZE,
    ) -> ResolvedSigningRequest:
        """Rebuild what a wallet signed from its callback: decode ``req`` (at most ``max_size``
        bytes, as ``from_uri``) and resolve it for ``sa@sp`` with the wallet's
        ``rbn``/``rid``/``ex`` on chain ``cid``. A ``tx`` that is not the rebuilt transaction's
        id is refused."""
        request = payload_request(SigningRequest, payload, max_size)
        return cls(request, *resolve_payload(request, payload, abis))

    @classmethod
    async def afrom_payload(
        cls,
        payload: Mapping[str, Any],
        provider: ABIProvider,
        *,
        max_size: int = DEFAULT_MAX_PAYLOAD_SIZE,
    ) -> ResolvedSigningRequest:
        """``from_payload`` with the ABIs fetched from ``provider``."""
        request = payload_request(SigningRequest, payload, max_size)
        abis = await request.fetch_abis(provider)
        return cls(request, *resolve_payload(request, payload, abis))

    @property
    def serialized_transaction(self) -> bytes:
        """The packed transaction."""
        return self.transaction.to_bytes()

    @property
    def signing_digest(self) -> Checksum256:
        """What the signer signs: sha256(chain id, packed transaction, 32 zero bytes)."""
        if self._digest is None:
            self._digest = self.transaction.signing_digest(self.chain_id)
        return self._digest

    @property
    def transaction_id(self) -> Checksum256:
        """The transaction id."""
        return self.transaction.id

    def get_callback(
        self, signatures: Sequence[Signature | str], block_num: int | None = None
    ) -> ResolvedCallback | None:
        """The callback for these signatures (and the block it landed in, if broadcast), or
        None when the request has no callback.

        Extra signatures are named ``sig0``, ``sig1``... starting with the *second* one, as the
        reference library writes them; ``extract_signatures`` reads any numbering.
        """
        template = self.request.callback
        if not template:
            return None
        sigs = [Signature.from_json(s) for s in signatures]
        if not sigs:
            raise InvalidSigningRequest("a callback needs at least one signature")
        tx = self.transaction
        payload: CallbackPayload = {
            "sig": str(sigs[0]),
            "tx": str(tx.id),
            "rbn": str(tx.ref_block_num),
            "rid": str(tx.ref_block_prefix),
            "ex": str(tx.expiration),
            "req": self.request.encode(),
            "sa": str(self.signer.actor),
            "sp": str(self.signer.permission),
            "cid": str(self.chain_id),
        }
        for n, sig in enumerate(sigs[1:]):
            payload[f"sig{n}"] = str(sig)
        if block_num:
            payload["bn"] = str(block_num)
        url = fill_template(template, payload)
        return ResolvedCallback(url=url, background=self.request.background, payload=payload)

    def get_identity_proof(self, signature: Signature | str) -> IdentityProof:
        """The identity proof a version 3 identity request yields with ``signature``."""
        resolution = Resolution(
            self.signer, self.transaction, self.resolved_transaction, self.chain_id
        )
        return identity_proof(self.request, resolution, signature)

    def __repr__(self) -> str:
        return (
            f"ResolvedSigningRequest(signer={str(self.signer)!r}, "
            f"transaction_id={str(self.transaction.id)!r}, chain_id={str(self.chain_id)!r})"
        )
