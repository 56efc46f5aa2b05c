"""The ``eosio.token`` ABI, reduced to ``transfer``: what the CPU benches encode and decode."""

from __future__ import annotations

from sessionkit.antelope import ABI

TOKEN_ABI = ABI.from_json(
    {
        "version": "eosio::abi/1.2",
        "structs": [
            {
                "name": "transfer",
                "base": "",
                "fields": [
                    {"name": "from", "type": "name"},
                    {"name": "to", "type": "name"},
                    {"name": "quantity", "type": "asset"},
                    {"name": "memo", "type": "string"},
                ],
            }
        ],
        "actions": [{"name": "transfer", "type": "transfer", "ricardian_contract": ""}],
    }
)
