"""``SigningRequest``: an EEP-7 signing request, created from actions or decoded from a URI.

The class is put together from one module per job: ``_model`` (the data and read-only views),
``_create`` (``create``, ``create_identity``), ``_edit`` (``set_*``, ``append_action``,
``sign``...); this module adds the binary and URI forms, copying, equality and resolving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from sessionkit.antelope import Name, Signature
from sessionkit.errors import InvalidSigningRequest, InvalidValue
from sessionkit.esr._abi_defs import esr_abi
from sessionkit.esr._create import RequestFactory
from sessionkit.esr._edit import RequestEditor
from sessionkit.esr._model import RequestSignature, check_version
from sessionkit.esr._parts import copy_json
from sessionkit.esr._resolve import resolve_request
from sessionkit.esr._uri import (
    DEFAULT_MAX_PAYLOAD_SIZE,
    decode_payload,
    encode_payload,
    inflate_payload,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sessionkit.antelope import ABI, PermissionLevel
    from sessionkit.chain import APIClient
    from sessionkit.esr._resolve import ABIProvider, ResolvedSigningRequest

__all__ = ["SigningRequest"]


class SigningRequest(RequestFactory, RequestEditor):
    """An ESR: what to sign (actions, a transaction or an identity), for which chain, and
    where the wallet should send the result.

    Build one with ``create`` / ``create_identity``, read one with ``from_uri``, turn it into
    a URI with ``encode``, and into a signable transaction with ``resolve``.
    """

    __slots__ = ()

    # -- binary and URI forms -------------------------------------------------------------

    @classmethod
    def from_uri(cls, uri: str, *, max_size: int = DEFAULT_MAX_PAYLOAD_SIZE) -> Self:
        """Decode an ``esr:`` / ``esr://`` / ``web+esr:`` URI; raises ``InvalidSigningRequest``.

        A compressed request may inflate to at most ``max_size`` bytes.
        """
        version, payload = decode_payload(uri, max_size=max_size)
        return cls._from_payload(version, payload)

    @classmethod
    def from_bytes(cls, data: bytes, *, max_size: int = DEFAULT_MAX_PAYLOAD_SIZE) -> Self:
        """Decode the binary form (header byte + payload) that a URI carries in base64."""
        if not data:
            raise InvalidSigningRequest("an empty byte string is not a signing request")
        payload = bytes(data[1:])
        if data[0] & 0x80:
            payload = inflate_payload(payload, max_size)
        return cls._from_payload(data[0] & 0x7F, payload)

    @classmethod
    def _from_payload(cls, version: int, payload: bytes) -> Self:
        check_version(version)
        try:
            data, pos = esr_abi(version).decode_partial("signing_request", payload)
            signature = None
            if pos < len(payload):
                signature = _decode_request_signature(payload, pos)
        except InvalidValue as exc:
            if isinstance(exc, InvalidSigningRequest):
                raise
            raise InvalidSigningRequest(f"signing request data does not decode: {exc}") from exc
        return cls(version, data, signature, _raw=payload[:pos])

    def encode(self, compress: bool = True, slashes: bool = True, scheme: str = "esr") -> str:
        """The request as a URI: ``esr://...`` (``esr:...`` without slashes), deflated when
        that is shorter and ``compress`` is true."""
        payload = self.to_bytes()
        if self.signature is not None:
            payload += self.signature.to_abi()
        return encode_payload(
            self._version, payload, compress=compress, slashes=slashes, scheme=scheme
        )

    def clone(self) -> SigningRequest:
        """An independent copy."""
        return SigningRequest(self._version, copy_json(self._data), self.signature, _raw=self._raw)

    # -- resolving ------------------------------------------------------------------------

    #: ``resolve(abis, signer, *, expiration=..., ...)``: the transaction ``signer`` should
    #: sign (see ``resolve_request``, which this is, so its parameters are written once).
    resolve = resolve_request

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


def _decode_request_signature(payload: bytes, pos: int) -> RequestSignature:
    signer, pos = Name.from_abi(payload, pos)
    signature, pos = Signature.from_abi(payload, pos)
    if pos != len(payload):
        raise InvalidSigningRequest(
            f"{len(payload) - pos} unexpected bytes after the request signature"
        )
    return RequestSignature(signer, signature)
