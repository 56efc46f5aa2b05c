"""Resolving a signing request into the transaction a signer signs.

``resolve_request`` fills in TAPoS, replaces placeholders through the contracts' ABIs and
re-encodes the action data; ``resolve_payload`` does the same as a wallet's callback says and
checks the callback against the result. Both work on any ``RequestModel`` and return a
``Resolution``; ``SigningRequest.resolve`` wraps it in a ``ResolvedSigningRequest``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypedDict, TypeVar, Unpack

from sessionkit._redact import shown
from sessionkit.antelope import (
    ABI,
    Action,
    Bytes,
    Checksum256,
    Name,
    PermissionLevel,
    TimePointSec,
    Transaction,
    TransactionExtension,
)
from sessionkit.errors import ABINotFoundError, InvalidSigningRequest, InvalidValue
from sessionkit.esr._abi_defs import esr_abi
from sessionkit.esr._callback import check_payload, payload_int, payload_str
from sessionkit.esr._model import RequestModel, unresolved_transaction
from sessionkit.esr._parts import abi_map, chain_checksum, has_tapos, is_identity_action
from sessionkit.esr._placeholders import (
    PLACEHOLDER_ACTOR,
    PLACEHOLDER_PERMISSION,
    resolve_placeholders,
)
from sessionkit.esr._uri import DEFAULT_MAX_PAYLOAD_SIZE

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sessionkit.esr._parts import ChainIdLike

__all__ = [
    "ABIProvider",
    "Resolution",
    "ResolveOptions",
    "decoded_transaction",
    "payload_request",
    "resolve_payload",
    "resolve_request",
]

# A name placeholder serialized: uint64 1 or 2, little-endian.
_PLACEHOLDER_BYTES = (b"\x01" + bytes(7), b"\x02" + bytes(7))

_Request = TypeVar("_Request", bound=RequestModel)


class ABIProvider(Protocol):
    """Anything that hands out contract ABIs, such as ``sessionkit.chain.ABICache``."""

    async def get_abi(self, account: Name) -> ABI: ...


class ResolveOptions(TypedDict, total=False):
    """The keyword arguments of ``SigningRequest.resolve``, after ``abis`` and ``signer``.

    TAPoS, for a request that does not carry its own, comes from ``expiration`` +
    ``ref_block_num`` + ``ref_block_prefix``, or from ``block_num`` + ``ref_block_prefix`` +
    ``timestamp`` (+ ``expire_seconds``, default 60). Version 3 identity requests get
    ``expiration`` (or ``timestamp``/now + ``expire_seconds``). ``chain_id`` picks the chain of
    a multi-chain request; a single-chain request refuses any other.
    """

    expiration: TimePointSec | datetime | str | None
    ref_block_num: int | None
    ref_block_prefix: int | None
    block_num: int | None
    timestamp: TimePointSec | datetime | str | None
    expire_seconds: int
    chain_id: ChainIdLike | None


class Resolution(NamedTuple):
    """What a request resolves to for one signer (``ResolvedSigningRequest``'s fields)."""

    signer: PermissionLevel
    transaction: Transaction
    resolved_transaction: dict[str, Any]
    chain_id: Checksum256


def resolve_request(
    request: RequestModel,
    abis: Mapping[str, ABI] | None,
    signer: PermissionLevel | str | Mapping[str, Any],
    **options: Unpack[ResolveOptions],
) -> Resolution:
    """The transaction ``signer`` should sign: placeholders replaced, action data checked
    against ``abis`` (account -> ABI), TAPoS filled in when the request has none (see
    ``ResolveOptions``)."""
    level = PermissionLevel.from_json(signer)
    abi_by_account = abi_map(abis)
    tx = unresolved_transaction(request)
    expires, ref_num, prefix = _header(request, tx, options)
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
        transaction_extensions=tuple(
            TransactionExtension.from_json(e) for e in tx["transaction_extensions"] or ()
        ),
    )
    resolved_json = {
        "expiration": str(expires),
        **header,
        "context_free_actions": tx["context_free_actions"],
        "actions": decoded_actions,
        "transaction_extensions": tx["transaction_extensions"],
    }
    chain_id = _resolve_chain_id(request, options.get("chain_id"))
    return Resolution(level, transaction, resolved_json, chain_id)


def decoded_transaction(transaction: Transaction, abis: Mapping[str, ABI]) -> dict[str, Any]:
    """``transaction`` as ``resolve_request`` gives it in JSON: each action's data decoded
    through its contract's ABI in ``abis``, the context-free actions left encoded."""
    tx = transaction.to_json()
    for action in tx["actions"]:
        account, name = action["account"], action["name"]
        abi = abis.get(account)
        if abi is None:
            raise ABINotFoundError(f"no ABI given for {account} to decode its {name} action")
        _, action["data"] = _decoded_data(abi, account, name, bytes.fromhex(action["data"]))
    return tx


def _decoded_data(abi: ABI, account: str, name: str, data: bytes) -> tuple[str, Any]:
    """The action's type in ``abi`` and its ``data`` decoded as that type."""
    try:
        type_name = abi.action_type(name)
        return type_name, abi.decode(type_name, data)
    except InvalidValue as exc:
        raise InvalidSigningRequest(
            f"data of action {account or '(identity)'}::{name} does not match its ABI: {exc}"
        ) from exc


def _header(
    request: RequestModel, tx: Mapping[str, Any], options: ResolveOptions
) -> tuple[TimePointSec, int, int]:
    """``(expiration, ref_block_num, ref_block_prefix)`` of the resolved transaction."""
    expiration = options.get("expiration")
    block_num, timestamp = options.get("block_num"), options.get("timestamp")
    ref_block_num, ref_block_prefix = options.get("ref_block_num"), options.get("ref_block_prefix")
    expire_seconds = options.get("expire_seconds", 60)
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
        if (
            not _is_int(prefix)
            or not _is_int(ref_num)
            or not 0 <= prefix <= 0xFFFFFFFF
            or ref_num < 0
        ):
            raise InvalidSigningRequest(
                "ref_block_num (or block_num) and ref_block_prefix must be unsigned integers, "
                f"not {shown(ref_num)} and {shown(prefix)}"
            )
        ref_num &= 0xFFFF
    elif request.is_identity and request.version > 2:
        if expiration is not None:
            expires = _time(expiration)
        else:
            expires = _expiration_after(timestamp, expire_seconds)
    else:
        expires = TimePointSec.from_json(tx["expiration"])
    return expires, ref_num, prefix


#: The longest expiry a resolve accepts: a day (nodes refuse more than an hour by default).
_MAX_EXPIRE_SECONDS = 86_400


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _resolve_action(
    request: RequestModel,
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
    type_name, decoded = _decoded_data(abi, account, name, data)
    if any(p in data for p in _PLACEHOLDER_BYTES):  # the bytes of a placeholder name, maybe
        replaced = resolve_placeholders(abi, type_name, decoded, signer)
        if replaced != decoded:  # else other values only looked like one (an amount of 1)
            decoded, data = replaced, abi.encode(type_name, replaced)
    authorization = [_resolve_auth(p, signer) for p in action["authorization"]]
    resolved = Action(
        account=Name(account),
        name=Name(name),
        authorization=[PermissionLevel(p["actor"], p["permission"]) for p in authorization],
        data=Bytes(data),
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


def _resolve_chain_id(request: RequestModel, chain_id: ChainIdLike | None) -> Checksum256:
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
    if not _is_int(seconds) or not 0 <= seconds <= _MAX_EXPIRE_SECONDS:
        raise InvalidSigningRequest(
            f"expire_seconds is a whole number of seconds from 0 to {_MAX_EXPIRE_SECONDS}, "
            f"not {shown(seconds)}"
        )
    start = datetime.now(UTC) if timestamp is None else _time(timestamp).to_datetime()
    return TimePointSec.from_datetime(start.replace(microsecond=0) + timedelta(seconds=seconds))


def payload_request(
    kind: type[_Request], payload: Mapping[str, Any], max_size: int = DEFAULT_MAX_PAYLOAD_SIZE
) -> _Request:
    """The request a callback echoes in ``req``, decoded as ``kind`` (at most ``max_size``
    bytes once inflated)."""
    check_payload(payload)
    return kind.from_uri(payload_str(payload, "req"), max_size=max_size)


def resolve_payload(
    request: RequestModel, payload: Mapping[str, Any], abis: Mapping[str, ABI] | None
) -> Resolution:
    """``request`` resolved as a wallet's callback ``payload`` says, checked against it: the
    chain (``cid``), the account an identity request names (``sa@sp``) and ``tx``."""
    cid = payload.get("cid")
    signer = PermissionLevel(Name(payload_str(payload, "sa")), Name(payload_str(payload, "sp")))
    resolved = resolve_request(
        request,
        abis,
        signer,
        expiration=payload_str(payload, "ex"),
        ref_block_num=payload_int(payload, "rbn"),
        ref_block_prefix=payload_int(payload, "rid"),
        chain_id=cid if isinstance(cid, str) and cid else None,
    )
    _check_identity_signer(request, resolved.signer)
    claimed = payload.get("tx")
    transaction_id = resolved.transaction.id
    if claimed is not None and (
        not isinstance(claimed, str) or claimed.lower() != str(transaction_id)
    ):
        raise InvalidSigningRequest(
            f"the callback's tx is not the id of the transaction it describes ({transaction_id})"
        )
    return resolved


def _check_identity_signer(request: RequestModel, signer: PermissionLevel) -> None:
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
