"""Identity proofs: what a wallet's answer to a login (identity) request proves, and checking it.

A proof is the signature over a transaction that can never run on chain (no TAPoS, account
``""``, action ``identity``), so the signer shows control of a key without spending anything.
``verify`` checks it against the chain: right chain, not expired by head block time, and the
recovered key alone meets the permission's threshold (the reference's rule: key weight >=
threshold - sum of wait weights; delegation to other accounts is not followed).
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from sessionkit.antelope import (
    Action,
    Bytes,
    Checksum256,
    Name,
    PermissionLevel,
    PublicKey,
    Signature,
    TimePointSec,
    Transaction,
)
from sessionkit.errors import (
    ChainAPIError,
    IdentityProofError,
    InvalidIdentityProof,
    InvalidSigningRequest,
    InvalidValue,
    SessionKitError,
)
from sessionkit.esr._callback import payload_str
from sessionkit.esr._model import RequestModel
from sessionkit.esr._resolve import payload_request, resolve_payload

if TYPE_CHECKING:
    from datetime import datetime

    from sessionkit.chain import APIClient, Authority
    from sessionkit.esr._resolve import Resolution

__all__ = ["IdentityProof", "identity_proof", "verify_identity_proof"]

_PREFIX = "EOSIO "
_IDENTITY = Name("identity")
_NO_ACCOUNT = Name.from_int(0)


@dataclass(frozen=True, slots=True)
class IdentityProof:
    """Proof that ``signer`` held a key on ``chain_id`` for app ``scope`` until ``expiration``."""

    chain_id: Checksum256
    scope: Name
    expiration: TimePointSec
    signer: PermissionLevel
    signature: Signature

    # -- forms ----------------------------------------------------------------------------

    @classmethod
    def from_string(cls, text: str) -> Self:
        """Parse the ``EOSIO <base64>`` form (the HTTP ``Authorization`` header style)."""
        if not isinstance(text, str) or not text.startswith(_PREFIX) or text.count(" ") != 1:
            raise InvalidIdentityProof("an identity proof string is 'EOSIO ' followed by base64")
        body = text[len(_PREFIX) :].rstrip("=").replace("-", "+").replace("_", "/")
        if len(body) % 4 == 1:
            raise InvalidIdentityProof("the identity proof's base64 is truncated")
        try:
            data = binascii.a2b_base64(body + "=" * (-len(body) % 4), strict_mode=True)
        except ValueError as exc:  # binascii.Error, or non-ASCII text
            raise InvalidIdentityProof(f"the identity proof is not base64: {exc}") from None
        proof, pos = cls.from_abi(data)
        if pos != len(data):
            raise InvalidIdentityProof(f"{len(data) - pos} unexpected bytes after the proof")
        return proof

    def __str__(self) -> str:
        encoded = binascii.b2a_base64(self.to_abi(), newline=False).rstrip(b"=")
        return _PREFIX + encoded.decode("ascii")

    def to_abi(self) -> bytes:
        """The ``identity_proof`` struct, serialized."""
        return b"".join(
            (
                self.chain_id.to_abi(),
                self.scope.to_abi(),
                self.expiration.to_abi(),
                self.signer.to_abi(),
                self.signature.to_abi(),
            )
        )

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        """Decode one proof at ``pos``; raises ``InvalidIdentityProof`` if it does not decode."""
        try:
            chain_id, pos = Checksum256.from_abi(data, pos)
            scope, pos = Name.from_abi(data, pos)
            expiration, pos = TimePointSec.from_abi(data, pos)
            signer, pos = PermissionLevel.from_abi(data, pos)
            signature, pos = Signature.from_abi(data, pos)
        except InvalidValue as exc:
            raise InvalidIdentityProof(f"identity proof does not decode: {exc}") from exc
        return cls(chain_id, scope, expiration, signer, signature), pos

    @classmethod
    def from_json(cls, value: object) -> Self:
        """From ``{chainId, scope, expiration, signer, signature}``, a proof string or a proof."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            return cls.from_string(value)
        if not isinstance(value, Mapping):
            raise InvalidIdentityProof(f"not an identity proof: {type(value).__name__}")
        try:
            return cls(
                chain_id=Checksum256.from_json(value["chainId"]),
                scope=Name.from_json(value["scope"]),
                expiration=TimePointSec.from_json(value["expiration"]),
                signer=PermissionLevel.from_json(value["signer"]),
                signature=Signature.from_json(value["signature"]),
            )
        except KeyError as exc:
            raise InvalidIdentityProof(f"identity proof lacks {exc.args[0]!r}") from None
        except InvalidValue as exc:
            raise InvalidIdentityProof(f"invalid identity proof: {exc}") from exc

    def to_json(self) -> dict[str, Any]:
        """``{chainId, scope, expiration, signer, signature}`` as the reference writes it."""
        return {
            "chainId": str(self.chain_id),
            "scope": str(self.scope),
            "expiration": str(self.expiration),
            "signer": self.signer.to_json(),
            "signature": str(self.signature),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> IdentityProof:
        """The proof in a wallet's answer to a version 3 identity request: the callback is
        checked as ``ResolvedSigningRequest.from_payload`` checks it (chain, signer, ``tx``),
        then ``get_identity_proof(sig)`` of the rebuilt request."""
        try:
            request = payload_request(RequestModel, payload)
            if request.identity_scope is None:
                raise InvalidIdentityProof("the callback is not for a version 3 identity request")
            signature = payload_str(payload, "sig")
            resolution = resolve_payload(request, payload, None)
            return identity_proof(request, resolution, signature)
        except InvalidIdentityProof:
            raise
        except InvalidValue as exc:
            raise InvalidIdentityProof(f"the login callback does not hold a proof: {exc}") from exc

    # -- checking -------------------------------------------------------------------------

    @property
    def transaction(self) -> Transaction:
        """The transaction the signature signs."""
        data = self.scope.to_abi() + b"\x01" + self.signer.to_abi()
        action = Action(
            account=_NO_ACCOUNT, name=_IDENTITY, authorization=[self.signer], data=Bytes(data)
        )
        return Transaction(
            expiration=self.expiration, ref_block_num=0, ref_block_prefix=0, actions=(action,)
        )

    @property
    def signing_digest(self) -> Checksum256:
        """The digest the wallet signed."""
        return self.transaction.signing_digest(self.chain_id)

    def recover(self) -> PublicKey:
        """The public key that made the signature."""
        try:
            return self.signature.recover(self.signing_digest)
        except SessionKitError as exc:
            raise IdentityProofError(
                f"no public key recovers from the proof's signature: {exc}", reason="bad_signature"
            ) from exc

    def check(
        self, authority: Authority | Mapping[str, Any], now: TimePointSec | datetime
    ) -> PublicKey:
        """Check the proof against a permission's ``authority`` at time ``now``; return the
        signing key. Raises ``IdentityProofError`` (reason ``expired``, ``wrong_key``,
        ``threshold`` or ``bad_signature``)."""
        moment = now if isinstance(now, TimePointSec) else TimePointSec.from_datetime(now)
        if not moment < self.expiration:
            raise IdentityProofError(
                f"identity proof expired at {self.expiration} (chain time is {moment})",
                reason="expired",
            )
        key = self.recover()
        threshold, keys, wait_weight = _authority_parts(authority)
        weight = next((w for k, w in keys if k == key), None)
        if weight is None:
            raise IdentityProofError(
                f"the proof was signed by {key}, which is not a key of {self.signer}",
                reason="wrong_key",
            )
        needed = threshold - wait_weight
        if weight < needed:
            raise IdentityProofError(
                f"key {key} has weight {weight} in {self.signer} but the threshold needs "
                f"{needed}: one key alone cannot prove this permission",
                reason="threshold",
            )
        return key

    async def verify(self, client: APIClient) -> PublicKey:
        """Check the proof against the chain ``client`` talks to; return the signing key.

        Raises ``IdentityProofError`` with ``reason`` ``wrong_chain``, ``no_account``,
        ``no_permission``, ``expired``, ``wrong_key``, ``threshold`` or ``bad_signature``.
        """
        info = await client.get_info()
        if info.chain_id != self.chain_id:
            raise IdentityProofError(
                f"the proof is for chain {self.chain_id}, the node serves {info.chain_id}",
                reason="wrong_chain",
            )
        try:
            account = await client.get_account(self.signer.actor)
        except ChainAPIError as exc:
            raise IdentityProofError(
                f"account {self.signer.actor} does not exist on this chain", reason="no_account"
            ) from exc
        for permission in account.permissions:
            if permission.perm_name == self.signer.permission:
                return self.check(
                    permission.required_auth,
                    TimePointSec.from_datetime(info.head_block_time.to_datetime()),
                )
        raise IdentityProofError(
            f"account {self.signer.actor} has no permission {self.signer.permission}",
            reason="no_permission",
        )


async def verify_identity_proof(
    proof: IdentityProof | str, chain: APIClient | str
) -> IdentityProof:
    """Verify a proof (``EOSIO ...`` string or ``IdentityProof``) against the chain at URL
    ``chain`` (or through an ``APIClient``) and return it; raises ``InvalidIdentityProof`` if
    it does not parse and ``IdentityProofError`` if it does not verify.

    Check ``proof.scope`` (your app) and ``proof.signer`` yourself.
    """
    from sessionkit.chain import APIClient

    parsed = proof if isinstance(proof, IdentityProof) else IdentityProof.from_string(proof)
    if isinstance(chain, str):
        async with APIClient(chain) as client:
            await parsed.verify(client)
    else:
        await parsed.verify(chain)
    return parsed


def identity_proof(
    request: RequestModel, resolution: Resolution, signature: Signature | str
) -> IdentityProof:
    """The proof that ``request`` (a version 3 identity request), resolved as ``resolution``,
    yields with ``signature``; raises ``InvalidSigningRequest`` for any other request."""
    scope = request.identity_scope
    if scope is None:
        raise InvalidSigningRequest(
            "identity proofs need a version 3 identity request (one with a scope)"
        )
    return IdentityProof(
        chain_id=resolution.chain_id,
        scope=scope,
        expiration=resolution.transaction.expiration,
        signer=resolution.signer,
        signature=Signature.from_json(signature),
    )


def _authority_parts(
    authority: Authority | Mapping[str, Any],
) -> tuple[int, list[tuple[PublicKey, int]], int]:
    """``(threshold, [(key, weight)], sum of wait weights)`` of a typed or JSON authority."""
    if isinstance(authority, Mapping):
        keys = [
            (PublicKey.from_string(str(k["key"])), int(k["weight"]))
            for k in authority.get("keys", ())
        ]
        waits = sum(int(w["weight"]) for w in authority.get("waits", ()))
        return int(authority["threshold"]), keys, waits
    keys = [(k.key, k.weight) for k in authority.keys]
    return authority.threshold, keys, sum(w.weight for w in authority.waits)
