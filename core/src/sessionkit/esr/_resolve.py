"""Resolving a signing request into the transaction a signer signs, and what comes back.

``resolve_request`` fills in TAPoS, replaces placeholders through the contracts' ABIs and
re-encodes the action data. ``ResolvedSigningRequest`` then builds the callback a wallet sends
(``get_callback``) and is rebuilt from such a callback (``from_payload``);
``extract_signatures`` reads every signature out of one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sessionkit.antelope import (
    ABI,
    Action,
    Checksum256,
    Name,
    PermissionLevel,
    Signature,
    TimePointSec,
    Transaction,
)
from sessionkit.errors import ABINotFoundError, InvalidSigningRequest, InvalidValue
from sessionkit.esr._abi_defs import esr_abi
from sessionkit.esr._parts import abi_map, chain_checksum, has_tapos, is_identity_action
from sessionkit.esr._placeholders import (
    PLACEHOLDER_ACTOR,
    PLACEHOLDER_PERMISSION,
    resolve_placeholders,
)
from sessionkit.esr._uri import DEFAULT_MAX_PAYLOAD_SIZE

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sessionkit.esr._identity import IdentityProof
    from sessionkit.esr._parts import ChainIdLike
    from sessionkit.esr._request import SigningRequest

__all__ = [
    "ABIProvider",
    "CallbackPayload",
    "ResolvedCallback",
    "ResolvedSigningRequest",
    "extract_signatures",
    "payload_request",
    "resolve_payload",
    "resolve_request",
]

#: What a wallet sends back: ``sig``, ``tx``, ``rbn``, ``rid``, ``ex``, ``req``, ``sa``, ``sp``,
#: ``cid``, maybe ``bn`` and more signatures (``sig0``, ``sig1``...), all strings.
CallbackPayload = dict[str, str]

_TEMPLATE = re.compile(r"{{([a-z0-9]+)}}")
# Bounded so a wallet's key of thousands of digits is no signature rather than a huge int().
_NUMBERED_SIG = re.compile(r"sig([0-9]{1,9})")
# rbn and rid are uint16 and uint32: ten digits at most.
_PAYLOAD_NUMBER = re.compile(r"[0-9]{1,10}")
# A name placeholder serialized: uint64 1 or 2, little-endian.
_PLACEHOLDER_BYTES = (b"\x01" + bytes(7), b"\x02" + bytes(7))


class ABIProvider(Protocol):
    """Anything that hands out contract ABIs, such as ``sessionkit.chain.ABICache``."""

    async def get_abi(self, account: Name) -> ABI: ...


@dataclass(frozen=True, slots=True)
class ResolvedCallback:
    """Where and how a wallet reports back: POST ``payload`` as JSON to ``url`` when
    ``background`` (and the URL is http(s)), otherwise open ``url``."""

    url: str
    background: bool
    payload: CallbackPayload = field(repr=False)


class ResolvedSigningRequest:
    """A request resolved for one signer: the exact transaction to sign and its digest."""

    __slots__ = ("_digest", "chain_id", "request", "resolved_transaction", "signer", "transaction")

    def __init__(
        self,
        request: SigningRequest,
        signer: PermissionLevel,
        transaction: Transaction,
        resolved_transaction: dict[str, Any],
        chain_id: Checksum256,
    ) -> None:
        #: The request this was resolved from.
        self.request = request
        #: Who signs.
        self.signer = signer
        #: The transaction with action data encoded: what gets signed.
        self.transaction = transaction
        #: The same transaction as JSON with each action's data decoded through its ABI.
        self.resolved_transaction = resolved_transaction
        #: The chain the transaction is for.
        self.chain_id = chain_id
        self._digest: Checksum256 | None = None

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
        return resolve_payload(payload_request(payload, max_size), payload, abis)

    @classmethod
    async def from_payload_async(
        cls,
        payload: Mapping[str, Any],
        provider: ABIProvider,
        *,
        max_size: int = DEFAULT_MAX_PAYLOAD_SIZE,
    ) -> ResolvedSigningRequest:
        """``from_payload`` with the ABIs fetched from ``provider``."""
        request = payload_request(payload, max_size)
        return resolve_payload(request, payload, await request.fetch_abis(provider))

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
        url = _TEMPLATE.sub(lambda m: payload.get(m.group(1), ""), template)
        return ResolvedCallback(url=url, background=self.request.background, payload=payload)

    def get_identity_proof(self, signature: Signature | str) -> IdentityProof:
        """The identity proof a version 3 identity request yields with ``signature``."""
        from sessionkit.esr._identity import IdentityProof

        scope = self.request.identity_scope
        if scope is None:
            raise InvalidSigningRequest(
                "identity proofs need a version 3 identity request (one with a scope)"
            )
        return IdentityProof(
            chain_id=self.chain_id,
            scope=scope,
            expiration=self.transaction.expiration,
            signer=self.signer,
            signature=Signature.from_json(signature),
        )

    def __repr__(self) -> str:
        return (
            f"ResolvedSigningRequest(signer={str(self.signer)!r}, "
            f"transaction_id={str(self.transaction.id)!r}, chain_id={str(self.chain_id)!r})"
        )


def extract_signatures(payload: Mapping[str, Any]) -> list[Signature]:
    """Every signature in a callback: ``sig``, then ``sigN`` in numeric order (any numbering,
    gaps allowed), without repeats."""
    _check_payload(payload)
    texts: list[object] = []
    if "sig" in payload:
        texts.append(payload["sig"])
    numbered = sorted(
        (int(m.group(1)), key)
        for key in payload
        if isinstance(key, str) and (m := _NUMBERED_SIG.fullmatch(key))
    )
    texts.extend(payload[key] for _, key in numbered)
    signatures: list[Signature] = []
    seen: set[str] = set()
    for text in texts:
        if not isinstance(text, str):
            raise InvalidSigningRequest("callback signatures must be strings")
        if text not in seen:
            seen.add(text)
            signatures.append(Signature.from_string(text))
    return signatures


def resolve_request(
    request: SigningRequest,
    abis: Mapping[str, ABI] | None,
    signer: PermissionLevel | str | Mapping[str, Any],
    *,
    expiration: TimePointSec | datetime | str | None = None,
    ref_block_num: int | None = None,
    ref_block_prefix: int | None = None,
    block_num: int | None = None,
    timestamp: TimePointSec | datetime | str | None = None,
    expire_seconds: int = 60,
    chain_id: ChainIdLike | None = None,
) -> ResolvedSigningRequest:
    """The transaction ``signer`` should sign: placeholders replaced, action data checked
    against ``abis`` (account -> ABI), TAPoS filled in when the request has none.

    This is ``SigningRequest.resolve``. TAPoS comes from ``expiration`` + ``ref_block_num`` +
    ``ref_block_prefix``, or from ``block_num`` + ``ref_block_prefix`` + ``timestamp``
    (+ ``expire_seconds``). Version 3 identity requests get ``expiration`` (or
    ``timestamp``/now + ``expire_seconds``). ``chain_id`` picks the chain of a multi-chain
    request.
    """
    level = PermissionLevel.from_json(signer)
    abi_by_account = abi_map(abis)
    tx = request._raw_transaction_json()
    ref_num, prefix = tx["ref_block_num"], tx["ref_block_prefix"]
    if not request.is_identity and not has_tapos(tx):
        if expiration is not None and ref_block_num is not None and ref_block_prefix is not None:
            expires = _time(expiration)
            ref_num, prefix = ref_block_num, ref_block_prefix
        elif block_num is not None and ref_block_prefix is not None and timestamp is not None:
            expires = _expiration_after(timestamp, expire_seconds)
            ref_num, prefix = block_num, ref_block_prefix
        else:
            raise InvalidSigningRequest(
                "this request needs TAPoS: give expiration, ref_block_num and ref_block_prefix "
                "(or block_num, ref_block_prefix and timestamp)"
            )
        if not 0 <= prefix <= 0xFFFFFFFF or ref_num < 0:
            raise InvalidSigningRequest("ref_block_num and ref_block_prefix must be unsigned")
        ref_num &= 0xFFFF
    elif request.is_identity and request.version > 2:
        if expiration is not None:
            expires = _time(expiration)
        else:
            expires = _expiration_after(timestamp, expire_seconds)
    else:
        expires = TimePointSec.from_json(tx["expiration"])

    signer_pair = (str(level.actor), str(level.permission))
    actions: list[Action] = []
    decoded_actions: list[dict[str, Any]] = []
    for raw_action in tx["actions"]:
        action, decoded = _resolve_action(request, raw_action, abi_by_account, signer_pair)
        actions.append(action)
        decoded_actions.append(decoded)
    header = {
        "ref_block_num": ref_num,
        "ref_block_prefix": prefix,
        "max_net_usage_words": tx["max_net_usage_words"],
        "max_cpu_usage_ms": tx["max_cpu_usage_ms"],
        "delay_sec": tx["delay_sec"],
    }
    transaction = Transaction(
        expiration=expires,
        **header,
        context_free_actions=tuple(Action.from_json(a) for a in tx["context_free_actions"]),
        actions=tuple(actions),
        transaction_extensions=tx["transaction_extensions"] or (),
    )
    resolved_json = {
        "expiration": str(expires),
        **header,
        "context_free_actions": tx["context_free_actions"],
        "actions": decoded_actions,
        "transaction_extensions": tx["transaction_extensions"],
    }
    return ResolvedSigningRequest(
        request, level, transaction, resolved_json, _resolve_chain_id(request, chain_id)
    )


def _resolve_action(
    request: SigningRequest,
    action: Mapping[str, Any],
    abis: Mapping[str, ABI],
    signer: tuple[str, str],
) -> tuple[Action, dict[str, Any]]:
    """The action with placeholders replaced, and its data decoded as JSON."""
    account, name = action["account"], action["name"]
    if is_identity_action(action):
        abi = esr_abi(request.version)
    else:
        found = abis.get(account)
        if found is None:
            raise ABINotFoundError(
                f"no ABI given for {account}: fetch it with request.fetch_abis(abi_cache)"
            )
        abi = found
    data = bytes.fromhex(action["data"])
    try:
        type_name = abi.action_type(name)
        decoded = abi.decode(type_name, data)
    except InvalidValue as exc:
        raise InvalidSigningRequest(
            f"data of action {account or '(identity)'}::{name} does not match its ABI: {exc}"
        ) from exc
    if any(p in data for p in _PLACEHOLDER_BYTES):
        decoded = resolve_placeholders(abi, type_name, decoded, signer)
        data = abi.encode(type_name, decoded)
    authorization = [_resolve_auth(p, signer) for p in action["authorization"]]
    resolved = Action(
        account=Name(account),
        name=Name(name),
        authorization=[PermissionLevel(p["actor"], p["permission"]) for p in authorization],
        data=data,
    )
    decoded_action = {
        "account": account,
        "name": name,
        "authorization": authorization,
        "data": decoded,
    }
    return resolved, decoded_action


def _resolve_auth(level: Mapping[str, str], signer: tuple[str, str]) -> dict[str, str]:
    actor, permission = level["actor"], level["permission"]
    if actor == PLACEHOLDER_ACTOR:
        actor = signer[0]
    if permission in (PLACEHOLDER_PERMISSION, PLACEHOLDER_ACTOR):
        permission = signer[1]
    return {"actor": actor, "permission": permission}


def _resolve_chain_id(request: SigningRequest, chain_id: ChainIdLike | None) -> Checksum256:
    wanted = None if chain_id is None else chain_checksum(chain_id)
    if request.is_multi_chain:
        if wanted is None:
            raise InvalidSigningRequest("a multi-chain request needs chain_id= to resolve")
        allowed = request.chain_ids
        if allowed is not None and wanted not in allowed:
            raise InvalidSigningRequest(f"chain {wanted} is not one this request allows")
        return wanted
    own = request.chain_id
    assert own is not None
    if wanted is not None and wanted != own:
        raise InvalidSigningRequest(f"this request is for chain {own}, not {wanted}")
    return own


def _time(value: TimePointSec | datetime | str) -> TimePointSec:
    if isinstance(value, datetime):
        return TimePointSec.from_datetime(value)
    return TimePointSec.from_json(value)


def _expiration_after(
    timestamp: TimePointSec | datetime | str | None, seconds: int
) -> TimePointSec:
    start = datetime.now(UTC) if timestamp is None else _time(timestamp).to_datetime()
    return TimePointSec.from_datetime(start.replace(microsecond=0) + timedelta(seconds=seconds))


def resolve_payload(
    request: SigningRequest, payload: Mapping[str, Any], abis: Mapping[str, ABI] | None
) -> ResolvedSigningRequest:
    """``request`` resolved as a wallet's callback ``payload`` says, checked against it: the
    chain (``cid``), the account an identity request names (``sa@sp``) and ``tx``."""
    resolved = request.resolve(abis, **_payload_context(payload))
    _check_identity_signer(request, resolved.signer)
    claimed = payload.get("tx")
    if claimed is not None and (
        not isinstance(claimed, str) or claimed.lower() != str(resolved.transaction_id)
    ):
        raise InvalidSigningRequest(
            "the callback's tx is not the id of the transaction it describes "
            f"({resolved.transaction_id})"
        )
    return resolved


def _check_identity_signer(request: SigningRequest, signer: PermissionLevel) -> None:
    """Refuse a login answered by another account or permission than the request names."""
    actor, permission = request.identity, request.identity_permission
    if (actor is not None and actor != signer.actor) or (
        permission is not None and permission != signer.permission
    ):
        wanted = (
            f"{PLACEHOLDER_ACTOR if actor is None else actor}"
            f"@{PLACEHOLDER_PERMISSION if permission is None else permission}"
        )
        raise InvalidSigningRequest(
            f"the identity request asks for {wanted}, the callback answers for {signer}"
        )


def payload_request(
    payload: Mapping[str, Any], max_size: int = DEFAULT_MAX_PAYLOAD_SIZE
) -> SigningRequest:
    """The request a callback echoes in ``req``."""
    from sessionkit.esr._request import SigningRequest  # that module imports this one

    _check_payload(payload)
    return SigningRequest.from_uri(_payload_str(payload, "req"), max_size=max_size)


def _check_payload(payload: object) -> None:
    if not isinstance(payload, Mapping):
        raise InvalidSigningRequest(
            f"a callback payload is a mapping of strings, not {type(payload).__name__}"
        )


def _payload_str(payload: Mapping[str, Any], key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidSigningRequest(f"the callback payload has no {key!r}")
    return value


def _payload_int(payload: Mapping[str, Any], key: str) -> int:
    text = _payload_str(payload, key)
    if _PAYLOAD_NUMBER.fullmatch(text) is None:
        raise InvalidSigningRequest(f"callback field {key!r} is not a number: {text[:20]!r}")
    return int(text)


def _payload_context(payload: Mapping[str, Any]) -> dict[str, Any]:
    cid = payload.get("cid")
    return {
        "signer": PermissionLevel(
            Name(_payload_str(payload, "sa")), Name(_payload_str(payload, "sp"))
        ),
        "expiration": _payload_str(payload, "ex"),
        "ref_block_num": _payload_int(payload, "rbn"),
        "ref_block_prefix": _payload_int(payload, "rid"),
        "chain_id": cid if isinstance(cid, str) and cid else None,
    }
