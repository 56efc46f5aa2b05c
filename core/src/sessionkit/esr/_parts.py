"""A request's parts in the codec's JSON form, made from what callers pass.

A request is held as the ESR ABI's JSON (variants as ``[type, value]``, bytes as hex). These
functions turn actions, transactions, identities, chains and info values into that form (and a
chain variant back into a chain id); creating, editing and resolving requests share them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sessionkit._redact import shown
from sessionkit.antelope import ABI, Action, Checksum256, Name, PermissionLevel, Transaction
from sessionkit.errors import ABINotFoundError, InvalidSigningRequest
from sessionkit.esr._abi_defs import esr_abi
from sessionkit.esr._chains import ChainName, alias_for_chain_id, chain_id_for_alias
from sessionkit.esr._placeholders import PLACEHOLDER_ACTOR, PLACEHOLDER_PERMISSION

__all__ = [
    "PLACEHOLDER_AUTH",
    "ChainIdLike",
    "abi_map",
    "action_json",
    "action_list",
    "chain_checksum",
    "chain_ids_bytes",
    "chain_variant",
    "copy_json",
    "has_tapos",
    "identity_req",
    "info_bytes",
    "is_identity_action",
    "must_be",
    "utf8",
    "null_transaction",
    "transaction_json",
    "variant_chain_id",
]

#: A chain given as an alias number, a ``Checksum256`` or its hex string.
ChainIdLike = int | ChainName | Checksum256 | str

_NULL_EXPIRATION = "1970-01-01T00:00:00"
PLACEHOLDER_AUTH = {"actor": PLACEHOLDER_ACTOR, "permission": PLACEHOLDER_PERMISSION}


def must_be(value: object, kind: type | tuple[type, ...], what: str) -> None:
    """Refuse a ``value`` of another type than ``kind`` with a message naming ``what``."""
    if not isinstance(value, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        names = " or ".join(k.__name__ for k in kinds)
        raise InvalidSigningRequest(f"{what} must be {names}, not {type(value).__name__}")


def utf8(text: str, what: str) -> bytes:
    """``text`` as UTF-8; ``InvalidSigningRequest`` naming ``what`` for a lone surrogate."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidSigningRequest(
            f"{what} is not valid Unicode text (it holds a lone surrogate): {shown(text)}"
        ) from None


def abi_map(abis: Mapping[str, ABI] | None) -> dict[str, ABI]:
    """``abis`` keyed by account name as text; anything but ``{account: ABI}`` is refused."""
    if abis is None:
        return {}
    if not isinstance(abis, Mapping):
        raise InvalidSigningRequest(
            f"abis maps account names to their ABI, e.g. {{'eosio.token': abi}}, not "
            f"{type(abis).__name__}"
        )
    found = {str(k): v for k, v in abis.items()}
    for account, abi in found.items():
        if not isinstance(abi, ABI):
            raise InvalidSigningRequest(
                f"abis[{shown(account)}] is not an ABI (sessionkit.antelope.ABI) but "
                f"{type(abi).__name__}: build one with ABI.from_json(...)"
            )
    return found


def copy_json(value: Any) -> Any:
    """A deep copy of JSON made of dicts and lists."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value


def is_identity_action(action: Mapping[str, Any]) -> bool:
    """True for the ``identity`` action an identity request stands for."""
    return action["account"] in ("", 0) and action["name"] == "identity"


def null_transaction(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A transaction with a null header (TAPoS left to the signer), no limits and no actions,
    with ``fields`` set over it."""
    return {
        "expiration": _NULL_EXPIRATION,
        "ref_block_num": 0,
        "ref_block_prefix": 0,
        "max_net_usage_words": 0,
        "max_cpu_usage_ms": 0,
        "delay_sec": 0,
        "context_free_actions": [],
        "actions": [],
        "transaction_extensions": [],
        **fields,
    }


def has_tapos(tx: Mapping[str, Any]) -> bool:
    """False when the transaction's header is null, leaving TAPoS to the signer."""
    return not (
        str(tx["expiration"]) == _NULL_EXPIRATION
        and tx["ref_block_num"] == 0
        and tx["ref_block_prefix"] == 0
    )


def _hex_data(data: object) -> str:
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data).hex()
    if isinstance(data, str):
        try:
            return bytes.fromhex(data).hex()
        except ValueError:
            raise InvalidSigningRequest(f"action data {shown(data)} is not hex") from None
    raise InvalidSigningRequest(
        f"action data must be a mapping, bytes or hex, not {type(data).__name__}"
    )


def action_list(actions: object, what: str) -> list[Any]:
    """``actions`` as a list, or ``InvalidSigningRequest`` naming ``what`` when it is none."""
    if not isinstance(actions, list | tuple):
        raise InvalidSigningRequest(f"{what} is a list of actions, not {type(actions).__name__}")
    return list(actions)


def action_json(action: Action | Mapping[str, Any], abis: Mapping[str, ABI]) -> dict[str, Any]:
    """An action in the codec's JSON form, its data encoded with ``abis`` when it is a mapping."""
    if isinstance(action, Action):
        as_json: dict[str, Any] = action.to_json()
        return as_json
    if not isinstance(action, Mapping):
        raise InvalidSigningRequest(
            "an action is an Action or a mapping with 'account', 'name', 'authorization' and "
            f"'data', not {type(action).__name__}"
        )
    try:
        account = str(Name(action["account"]))
        name = str(Name(action["name"]))
        levels = action.get("authorization", ())
        if not isinstance(levels, list | tuple):
            raise InvalidSigningRequest(
                "an action's 'authorization' is a list of permission levels such as "
                f"[{{'actor': 'alice', 'permission': 'active'}}], not {type(levels).__name__}"
            )
        authorization = [PermissionLevel.from_json(p).to_json() for p in levels]
        data = action.get("data", b"")
    except KeyError as exc:
        raise InvalidSigningRequest(f"an action needs {exc.args[0]!r}") from None
    if isinstance(data, Mapping):
        abi = abis.get(account)
        if abi is None:
            raise ABINotFoundError(
                f"action {account}::{name} has unencoded data but no ABI was given for "
                f"{account}: pass abis={{{account!r}: abi}}"
            )
        encoded = abi.encode(abi.action_type(name), data).hex()
    else:
        encoded = _hex_data(data)
    return {"account": account, "name": name, "authorization": authorization, "data": encoded}


def transaction_json(
    transaction: Transaction | Mapping[str, Any], abis: Mapping[str, ABI]
) -> dict[str, Any]:
    """A (partial) transaction in JSON form with defaults filled in and its actions encoded."""
    if isinstance(transaction, Transaction):
        tx_json: dict[str, Any] = transaction.to_json()
        return tx_json
    if not isinstance(transaction, Mapping):
        raise InvalidSigningRequest(
            f"a transaction is a Transaction or its JSON mapping, not {type(transaction).__name__}"
        )
    tx = null_transaction(transaction)
    for key in ("actions", "context_free_actions"):
        tx[key] = [action_json(a, abis) for a in action_list(tx[key], f"a transaction's {key!r}")]
    canonical: dict[str, Any] = Transaction.from_json(tx).to_json()
    return canonical


def identity_req(identity: Mapping[str, Any], version: int) -> tuple[list[Any], int]:
    """The ``req`` variant of an identity request, and the version it needs (3 with a scope)."""
    if not isinstance(identity, Mapping):
        raise InvalidSigningRequest(
            "identity is a mapping with an optional 'scope' and 'permission', not "
            f"{type(identity).__name__}"
        )
    scope = identity.get("scope")
    permission = identity.get("permission")
    perm_json = None if permission is None else PermissionLevel.from_json(permission).to_json()
    if scope:
        version = 3
    if version == 2:
        return ["identity", {"permission": perm_json}], version
    return ["identity", {"scope": str(Name(scope or 0)), "permission": perm_json}], version


def chain_variant(chain_id: ChainIdLike) -> list[Any]:
    """The ``variant_id`` of a chain: its alias when it has one, else the full id."""
    _refuse_bool(chain_id)
    if isinstance(chain_id, int):
        chain_id_for_alias(chain_id)
        return ["chain_alias", int(chain_id)]
    kind, value = _checksum_variant(chain_checksum(chain_id))
    return [kind, value]


@lru_cache(maxsize=64)
def _checksum_variant(checksum: Checksum256) -> tuple[str, int | str]:
    """``chain_variant`` of a chain id, remembered: an app makes its requests for a few chains."""
    alias = alias_for_chain_id(checksum)
    if alias != ChainName.UNKNOWN:
        return "chain_alias", alias
    return "chain_id", str(checksum)


def chain_checksum(chain_id: ChainIdLike) -> Checksum256:
    """The chain id of an alias number, a hex string or a ``Checksum256``."""
    _refuse_bool(chain_id)
    if isinstance(chain_id, int):
        return chain_id_for_alias(chain_id)
    return chain_id if isinstance(chain_id, Checksum256) else Checksum256(chain_id)


def _refuse_bool(chain_id: object) -> None:
    # bool is an int to Python: True would silently become alias 1 (EOS).
    if isinstance(chain_id, bool):
        raise InvalidSigningRequest(
            "a chain is an alias number, a chain id or a Checksum256, not a bool"
        )


def chain_ids_bytes(chain_ids: Sequence[ChainIdLike]) -> bytes:
    """The ``chain_ids`` info value: a serialized ``variant_id[]``."""
    if not isinstance(chain_ids, list | tuple):
        raise InvalidSigningRequest(
            f"chain_ids is a list of chain ids or aliases, not {type(chain_ids).__name__}"
        )
    variants = [chain_variant(c) for c in chain_ids]
    return esr_abi(3).encode("variant_id[]", variants)


def variant_chain_id(variant: Sequence[Any]) -> Checksum256:
    """The chain id a ``variant_id`` names."""
    kind, value = variant
    if kind == "chain_id":
        return Checksum256(value)
    return chain_id_for_alias(value)


def info_bytes(value: object) -> bytes:
    """An info value's bytes when no ABI type is given (see ``SigningRequest.create``)."""
    if isinstance(value, str):
        return utf8(value, "an info value")
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, bool):
        return b"\x01" if value else b"\x00"
    to_abi = getattr(value, "to_abi", None)
    if callable(to_abi):
        raw = to_abi()
        if isinstance(raw, bytes):
            return raw
    raise InvalidSigningRequest(
        f"cannot tell how to encode an info value of type {type(value).__name__}: "
        "use set_info_key(key, value, type_name)"
    )
