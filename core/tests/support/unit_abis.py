"""ABIs the unit tests carry themselves, so they run on any vector set of the same schema.

``TOKEN`` and ``CUSTOM`` are the ``eosio.token`` and ``conformance.a`` ABIs of the reference
vectors (abi.json) with their ricardian texts shortened; ``SYSTEM`` is a part of the ``eosio``
system ABI: the authority structs, ``updateauth``, a variant and a ricardian clause;
``NAMES_EVERYWHERE`` puts a name in every place an ABI can hold one (placeholder tests).
"""

from __future__ import annotations

from typing import Any

TOKEN: dict[str, Any] = {
    "version": "eosio::abi/1.1",
    "types": [],
    "structs": [
        {"base": "", "name": "account", "fields": [{"name": "balance", "type": "asset"}]},
        {
            "base": "",
            "name": "close",
            "fields": [{"name": "owner", "type": "name"}, {"name": "symbol", "type": "symbol"}],
        },
        {
            "base": "",
            "name": "create",
            "fields": [
                {"name": "issuer", "type": "name"},
                {"name": "maximum_supply", "type": "asset"},
            ],
        },
        {
            "base": "",
            "name": "currency_stats",
            "fields": [
                {"name": "supply", "type": "asset"},
                {"name": "max_supply", "type": "asset"},
                {"name": "issuer", "type": "name"},
            ],
        },
        {
            "base": "",
            "name": "issue",
            "fields": [
                {"name": "to", "type": "name"},
                {"name": "quantity", "type": "asset"},
                {"name": "memo", "type": "string"},
            ],
        },
        {
            "base": "",
            "name": "open",
            "fields": [
                {"name": "owner", "type": "name"},
                {"name": "symbol", "type": "symbol"},
                {"name": "ram_payer", "type": "name"},
            ],
        },
        {
            "base": "",
            "name": "retire",
            "fields": [{"name": "quantity", "type": "asset"}, {"name": "memo", "type": "string"}],
        },
        {
            "base": "",
            "name": "transfer",
            "fields": [
                {"name": "from", "type": "name"},
                {"name": "to", "type": "name"},
                {"name": "quantity", "type": "asset"},
                {"name": "memo", "type": "string"},
            ],
        },
    ],
    "actions": [
        {"name": "close", "type": "close", "ricardian_contract": ""},
        {"name": "create", "type": "create", "ricardian_contract": ""},
        {"name": "issue", "type": "issue", "ricardian_contract": ""},
        {"name": "open", "type": "open", "ricardian_contract": ""},
        {"name": "retire", "type": "retire", "ricardian_contract": ""},
        {"name": "transfer", "type": "transfer", "ricardian_contract": ""},
    ],
    "tables": [
        {
            "name": "accounts",
            "index_type": "i64",
            "key_names": [],
            "key_types": [],
            "type": "account",
        },
        {
            "name": "stat",
            "index_type": "i64",
            "key_names": [],
            "key_types": [],
            "type": "currency_stats",
        },
    ],
    "ricardian_clauses": [],
    "error_messages": [],
    "abi_extensions": [],
    "variants": [],
    "action_results": [],
}

CUSTOM: dict[str, Any] = {
    "version": "eosio::abi/1.1",
    "types": [
        {"new_type_name": "account_name", "type": "name"},
        {"new_type_name": "amount", "type": "asset"},
        {"new_type_name": "name_list", "type": "name[]"},
        {"new_type_name": "maybe_u32", "type": "uint32?"},
        {"new_type_name": "owner_name", "type": "account_name"},
    ],
    "structs": [
        {
            "name": "builtins",
            "base": "",
            "fields": [
                {"name": "f_bool", "type": "bool"},
                {"name": "f_int8", "type": "int8"},
                {"name": "f_int16", "type": "int16"},
                {"name": "f_int32", "type": "int32"},
                {"name": "f_int64", "type": "int64"},
                {"name": "f_int128", "type": "int128"},
                {"name": "f_uint8", "type": "uint8"},
                {"name": "f_uint16", "type": "uint16"},
                {"name": "f_uint32", "type": "uint32"},
                {"name": "f_uint64", "type": "uint64"},
                {"name": "f_uint128", "type": "uint128"},
                {"name": "f_varint32", "type": "varint32"},
                {"name": "f_varuint32", "type": "varuint32"},
                {"name": "f_float32", "type": "float32"},
                {"name": "f_float64", "type": "float64"},
                {"name": "f_float128", "type": "float128"},
                {"name": "f_time_point", "type": "time_point"},
                {"name": "f_time_point_sec", "type": "time_point_sec"},
                {"name": "f_block_timestamp_type", "type": "block_timestamp_type"},
                {"name": "f_name", "type": "name"},
                {"name": "f_bytes", "type": "bytes"},
                {"name": "f_string", "type": "string"},
                {"name": "f_checksum160", "type": "checksum160"},
                {"name": "f_checksum256", "type": "checksum256"},
                {"name": "f_checksum512", "type": "checksum512"},
                {"name": "f_public_key", "type": "public_key"},
                {"name": "f_signature", "type": "signature"},
                {"name": "f_symbol", "type": "symbol"},
                {"name": "f_symbol_code", "type": "symbol_code"},
                {"name": "f_asset", "type": "asset"},
                {"name": "f_extended_asset", "type": "extended_asset"},
            ],
        },
        {
            "name": "point",
            "base": "",
            "fields": [{"name": "x", "type": "int32"}, {"name": "y", "type": "int32"}],
        },
        {"name": "base_a", "base": "", "fields": [{"name": "id", "type": "uint64"}]},
        {"name": "base_b", "base": "base_a", "fields": [{"name": "label", "type": "string"}]},
        {
            "name": "derived",
            "base": "base_b",
            "fields": [
                {"name": "owner", "type": "owner_name"},
                {"name": "tags", "type": "name_list"},
                {"name": "balance", "type": "amount"},
            ],
        },
        {
            "name": "optionals",
            "base": "",
            "fields": [
                {"name": "a", "type": "uint16?"},
                {"name": "b", "type": "string?"},
                {"name": "c", "type": "name[]?"},
                {"name": "d", "type": "maybe_u32"},
                {"name": "e", "type": "point?"},
            ],
        },
        {
            "name": "arrays",
            "base": "",
            "fields": [
                {"name": "u8s", "type": "uint8[]"},
                {"name": "strs", "type": "string[]"},
                {"name": "assets", "type": "asset[]"},
                {"name": "points", "type": "point[]"},
                {"name": "blobs", "type": "bytes[]"},
            ],
        },
        {
            "name": "extensions",
            "base": "",
            "fields": [
                {"name": "a", "type": "uint32"},
                {"name": "b", "type": "string$"},
                {"name": "c", "type": "point$"},
                {"name": "d", "type": "symbol$"},
            ],
        },
        {
            "name": "ext_child",
            "base": "base_a",
            "fields": [{"name": "memo", "type": "string"}, {"name": "extra", "type": "uint64$"}],
        },
        {
            "name": "with_variant",
            "base": "",
            "fields": [
                {"name": "v", "type": "value_variant"},
                {"name": "vs", "type": "value_variant[]"},
                {"name": "ov", "type": "value_variant?"},
            ],
        },
        {
            "name": "nested",
            "base": "",
            "fields": [
                {"name": "inner", "type": "derived"},
                {"name": "points", "type": "point[]"},
                {"name": "maybe", "type": "point?"},
                {"name": "opts", "type": "optionals"},
            ],
        },
    ],
    "actions": [
        {"name": "builtins", "type": "builtins", "ricardian_contract": ""},
        {"name": "derived", "type": "derived", "ricardian_contract": ""},
        {"name": "nested", "type": "nested", "ricardian_contract": ""},
    ],
    "tables": [
        {
            "name": "derived",
            "index_type": "i64",
            "key_names": ["id"],
            "key_types": ["uint64"],
            "type": "derived",
        }
    ],
    "ricardian_clauses": [{"id": "clause.one", "body": "Clause body text"}],
    "error_messages": [],
    "abi_extensions": [],
    "variants": [
        {
            "name": "value_variant",
            "types": ["uint8", "string", "point", "name[]", "asset", "account_name"],
        }
    ],
    "action_results": [{"name": "nested", "result_type": "point"}],
}

SYSTEM: dict[str, Any] = {
    "version": "eosio::abi/1.2",
    "types": [
        {"new_type_name": "block_signing_authority", "type": "variant_block_signing_authority_v0"}
    ],
    "structs": [
        {
            "base": "",
            "name": "authority",
            "fields": [
                {"name": "threshold", "type": "uint32"},
                {"name": "keys", "type": "key_weight[]"},
                {"name": "accounts", "type": "permission_level_weight[]"},
                {"name": "waits", "type": "wait_weight[]"},
            ],
        },
        {
            "base": "",
            "name": "block_signing_authority_v0",
            "fields": [
                {"name": "threshold", "type": "uint32"},
                {"name": "keys", "type": "key_weight[]"},
            ],
        },
        {
            "base": "",
            "name": "key_weight",
            "fields": [{"name": "key", "type": "public_key"}, {"name": "weight", "type": "uint16"}],
        },
        {
            "base": "",
            "name": "permission_level",
            "fields": [{"name": "actor", "type": "name"}, {"name": "permission", "type": "name"}],
        },
        {
            "base": "",
            "name": "permission_level_weight",
            "fields": [
                {"name": "permission", "type": "permission_level"},
                {"name": "weight", "type": "uint16"},
            ],
        },
        {
            "base": "",
            "name": "updateauth",
            "fields": [
                {"name": "account", "type": "name"},
                {"name": "permission", "type": "name"},
                {"name": "parent", "type": "name"},
                {"name": "auth", "type": "authority"},
                {"name": "authorized_by", "type": "name$"},
            ],
        },
        {
            "base": "",
            "name": "wait_weight",
            "fields": [
                {"name": "wait_sec", "type": "uint32"},
                {"name": "weight", "type": "uint16"},
            ],
        },
    ],
    "actions": [{"name": "updateauth", "type": "updateauth", "ricardian_contract": ""}],
    "tables": [],
    "ricardian_clauses": [
        {
            "id": "UserAgreement",
            "body": "# EOS User Agreement\n\n## Definitions\n\n All capitalized, ital",
        }
    ],
    "error_messages": [],
    "abi_extensions": [],
    "variants": [
        {"name": "variant_block_signing_authority_v0", "types": ["block_signing_authority_v0"]}
    ],
    "action_results": [],
}


#: Every way an ABI holds a name (``contract::doit``): plain, aliased, in arrays, optional,
#: variant, base struct, nested struct, binary extension; and a string field beside them.
NAMES_EVERYWHERE: dict[str, Any] = {
    "version": "eosio::abi/1.1",
    "types": [{"new_type_name": "who", "type": "name"}],
    "structs": [
        {"name": "base", "base": "", "fields": [{"name": "owner", "type": "name"}]},
        {"name": "pair", "base": "", "fields": [{"name": "a", "type": "who"}]},
        {
            "name": "everything",
            "base": "base",
            "fields": [
                {"name": "memo", "type": "string"},
                {"name": "many", "type": "name[]"},
                {"name": "maybe", "type": "name?"},
                {"name": "pairs", "type": "pair[]"},
                {"name": "choice", "type": "choice"},
                {"name": "count", "type": "uint64"},
                {"name": "later", "type": "who$"},
            ],
        },
    ],
    "variants": [{"name": "choice", "types": ["string", "name"]}],
    "actions": [{"name": "doit", "type": "everything", "ricardian_contract": ""}],
}
