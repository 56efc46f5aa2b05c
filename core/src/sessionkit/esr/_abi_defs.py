"""The signing request structures (EEP-7) as ABI definitions for our ABI codec.

Versions 2 and 3 differ only in the ``identity`` struct (version 3 adds ``scope``), so each
version gets its own ABI. The same ABIs carry the helper structs wallets put in info pairs
(``link_create``, ``link_info``) and the ``identity_proof`` struct.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sessionkit.antelope import ABI

__all__ = ["esr_abi", "esr_abi_json"]


def _fields(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "type": type_} for name, type_ in pairs]


def _struct(name: str, *fields: tuple[str, str], base: str = "") -> dict[str, Any]:
    return {"name": name, "base": base, "fields": _fields(*fields)}


_IDENTITY_V2 = _struct("identity", ("permission", "permission_level?"))
_IDENTITY_V3 = _struct("identity", ("scope", "name"), ("permission", "permission_level?"))

_COMMON_STRUCTS = [
    _struct("permission_level", ("actor", "account_name"), ("permission", "permission_name")),
    _struct(
        "action",
        ("account", "account_name"),
        ("name", "action_name"),
        ("authorization", "permission_level[]"),
        ("data", "bytes"),
    ),
    _struct("extension", ("type", "uint16"), ("data", "bytes")),
    _struct(
        "transaction_header",
        ("expiration", "time_point_sec"),
        ("ref_block_num", "uint16"),
        ("ref_block_prefix", "uint32"),
        ("max_net_usage_words", "varuint32"),
        ("max_cpu_usage_ms", "uint8"),
        ("delay_sec", "varuint32"),
    ),
    _struct(
        "transaction",
        ("context_free_actions", "action[]"),
        ("actions", "action[]"),
        ("transaction_extensions", "extension[]"),
        base="transaction_header",
    ),
    _struct("info_pair", ("key", "string"), ("value", "bytes")),
    _struct(
        "signing_request",
        ("chain_id", "variant_id"),
        ("req", "variant_req"),
        ("flags", "request_flags"),
        ("callback", "string"),
        ("info", "info_pair[]"),
    ),
    _struct("request_signature", ("signer", "name"), ("signature", "signature")),
    _struct(
        "identity_proof",
        ("chainId", "checksum256"),
        ("scope", "name"),
        ("expiration", "time_point_sec"),
        ("signer", "permission_level"),
        ("signature", "signature"),
    ),
    _struct(
        "link_create",
        ("session_name", "name"),
        ("request_key", "public_key"),
        ("user_agent", "string$"),
    ),
    _struct("link_info", ("expiration", "time_point_sec")),
]

_TYPES = [
    {"new_type_name": new, "type": old}
    for new, old in (
        ("account_name", "name"),
        ("action_name", "name"),
        ("permission_name", "name"),
        ("chain_alias", "uint8"),
        ("chain_id", "checksum256"),
        ("request_flags", "uint8"),
    )
]

_VARIANTS = [
    {"name": "variant_id", "types": ["chain_alias", "chain_id"]},
    {"name": "variant_req", "types": ["action", "action[]", "transaction", "identity"]},
]


def esr_abi_json(version: int) -> dict[str, Any]:
    """The ABI JSON of protocol ``version`` (2 or 3)."""
    identity = _IDENTITY_V2 if version == 2 else _IDENTITY_V3
    return {
        "version": "eosio::abi/1.1",
        "types": _TYPES,
        "structs": [*_COMMON_STRUCTS, identity],
        "actions": [{"name": "identity", "type": "identity", "ricardian_contract": ""}],
        "tables": [],
        "ricardian_clauses": [],
        "error_messages": [],
        "abi_extensions": [],
        "variants": _VARIANTS,
        "action_results": [],
    }


@cache
def esr_abi(version: int) -> ABI:
    """The compiled ABI of protocol ``version`` (2 or 3), built once."""
    from sessionkit.antelope import ABI

    return ABI.from_json(esr_abi_json(version))
