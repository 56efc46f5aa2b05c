"""The binary ``abi_def`` form, described as an ABI and coded by the ABI codec itself.

``variants`` and ``action_results`` are binary extensions (older ABIs end before them); like
the reference we always write both. ``abi_extensions`` entries are ``[tag, "hex"]`` in JSON.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sessionkit.errors import ABIError, EncodeError

from ._model import ABI

__all__ = ["abi_def_abi", "abi_def_from_json", "decode_abi_def", "encode_abi_def"]


def _struct(name: str, *fields: str) -> dict[str, Any]:
    pairs = [field.split(" ") for field in fields]
    return {"name": name, "base": "", "fields": [{"name": n, "type": t} for n, t in pairs]}


_ABI_DEF_JSON = {
    "version": "eosio::abi/1.1",
    "structs": [
        _struct("type_def", "new_type_name string", "type string"),
        _struct("field_def", "name string", "type string"),
        _struct("struct_def", "name string", "base string", "fields field_def[]"),
        _struct("action_def", "name name", "type string", "ricardian_contract string"),
        _struct(
            "table_def",
            "name name",
            "index_type string",
            "key_names string[]",
            "key_types string[]",
            "type string",
        ),
        _struct("clause_pair", "id string", "body string"),
        _struct("error_message", "error_code uint64", "error_msg string"),
        _struct("extension", "tag uint16", "value bytes"),
        _struct("variant_def", "name string", "types string[]"),
        _struct("action_result_def", "name name", "result_type string"),
        _struct(
            "abi_def",
            "version string",
            "types type_def[]",
            "structs struct_def[]",
            "actions action_def[]",
            "tables table_def[]",
            "ricardian_clauses clause_pair[]",
            "error_messages error_message[]",
            "abi_extensions extension[]",
            "variants variant_def[]$",
            "action_results action_result_def[]$",
        ),
    ],
}


@cache
def abi_def_abi() -> ABI:
    """The ABI describing ``abi_def`` (its type is named ``"abi_def"``)."""
    return ABI.from_json(_ABI_DEF_JSON)


def decode_abi_def(data: bytes | bytearray | memoryview) -> dict[str, Any]:
    """The ``abi_def`` JSON of binary data (raises ``DecodeError``)."""
    result: dict[str, Any] = abi_def_abi().decode("abi_def", data)
    return result


def abi_def_from_json(decoded: dict[str, Any]) -> dict[str, Any]:
    """Turn decoded ``abi_def`` JSON into ABI JSON (absent sections empty, pairs as lists)."""
    result = dict(decoded)
    result["variants"] = result["variants"] or []
    result["action_results"] = result["action_results"] or []
    result["abi_extensions"] = [[e["tag"], e["value"]] for e in result["abi_extensions"]]
    return result


def encode_abi_def(abi_json: dict[str, Any]) -> bytes:
    """The binary ``abi_def`` of ABI JSON; ``ABIError`` when a name in it is not valid."""
    value = dict(abi_json)
    value["abi_extensions"] = [{"tag": t, "value": v} for t, v in value["abi_extensions"]]
    try:
        return abi_def_abi().encode("abi_def", value)
    except EncodeError as exc:
        raise ABIError(f"the ABI cannot be written as abi_def: {exc}") from exc
