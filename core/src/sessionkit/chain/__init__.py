"""Talking to Antelope chain nodes: the API client, the ABI cache, TAPoS helpers, known chains.

``APIClient`` wraps the ``/v1/chain/*`` endpoints over one pooled httpx client, with failover
across several URLs (see its docstring and docs/chain.md for exactly when it moves on).

Names load on first use: importing this package does not import httpx until a client is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sessionkit._lazy import lazy_exports

if TYPE_CHECKING:
    from sessionkit.chain._abicache import ABICache, merge_abis
    from sessionkit.chain._chains import ChainDefinition, Chains, Explorer, SystemToken
    from sessionkit.chain._client import (
        DEFAULT_MAX_RESPONSE_SIZE,
        DEFAULT_TIMEOUT,
        APIClient,
    )
    from sessionkit.chain._request_body import BytesBody
    from sessionkit.chain._responses import (
        AccountAuthorizer,
        AccountPermission,
        AccountResourceLimit,
        AccountsByAuthorizersResponse,
        ActionTrace,
        ActionTraceAct,
        Authority,
        BlockTransaction,
        GetAbiResponse,
        GetAccountResponse,
        GetBlockInfoResponse,
        GetBlockResponse,
        GetInfoResponse,
        GetRawAbiResponse,
        GetRequiredKeysResponse,
        GetTableRowsResponse,
        GetTransactionStatusResponse,
        KeyWeight,
        LinkedAction,
        PermissionLevelWeight,
        SendTransactionResponse,
        TransactionReceipt,
        TransactionTrace,
        WaitWeight,
    )
    from sessionkit.chain._tapos import (
        TransactionHeader,
        block_num_from_id,
        transaction_header,
    )

_EXPORTS: dict[str, str] = {
    "ABICache": "_abicache",
    "merge_abis": "_abicache",
    "ChainDefinition": "_chains",
    "Chains": "_chains",
    "Explorer": "_chains",
    "SystemToken": "_chains",
    "DEFAULT_MAX_RESPONSE_SIZE": "_client",
    "DEFAULT_TIMEOUT": "_client",
    "APIClient": "_client",
    "BytesBody": "_request_body",
    "AccountAuthorizer": "_responses",
    "AccountPermission": "_responses",
    "AccountResourceLimit": "_responses",
    "AccountsByAuthorizersResponse": "_responses",
    "ActionTrace": "_responses",
    "ActionTraceAct": "_responses",
    "Authority": "_responses",
    "BlockTransaction": "_responses",
    "GetAbiResponse": "_responses",
    "GetAccountResponse": "_responses",
    "GetBlockInfoResponse": "_responses",
    "GetBlockResponse": "_responses",
    "GetInfoResponse": "_responses",
    "GetRawAbiResponse": "_responses",
    "GetRequiredKeysResponse": "_responses",
    "GetTableRowsResponse": "_responses",
    "GetTransactionStatusResponse": "_responses",
    "KeyWeight": "_responses",
    "LinkedAction": "_responses",
    "PermissionLevelWeight": "_responses",
    "SendTransactionResponse": "_responses",
    "TransactionReceipt": "_responses",
    "TransactionTrace": "_responses",
    "WaitWeight": "_responses",
    "TransactionHeader": "_tapos",
    "block_num_from_id": "_tapos",
    "transaction_header": "_tapos",
}

__all__ = [
    # client
    "APIClient",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_TIMEOUT",
    "BytesBody",
    # ABI cache
    "ABICache",
    "merge_abis",
    # chains
    "ChainDefinition",
    "Chains",
    "Explorer",
    "SystemToken",
    # TAPoS
    "TransactionHeader",
    "block_num_from_id",
    "transaction_header",
    # responses
    "AccountAuthorizer",
    "AccountPermission",
    "AccountResourceLimit",
    "AccountsByAuthorizersResponse",
    "ActionTrace",
    "ActionTraceAct",
    "Authority",
    "BlockTransaction",
    "GetAbiResponse",
    "GetAccountResponse",
    "GetBlockInfoResponse",
    "GetBlockResponse",
    "GetInfoResponse",
    "GetRawAbiResponse",
    "GetRequiredKeysResponse",
    "GetTableRowsResponse",
    "GetTransactionStatusResponse",
    "KeyWeight",
    "LinkedAction",
    "PermissionLevelWeight",
    "SendTransactionResponse",
    "TransactionReceipt",
    "TransactionTrace",
    "WaitWeight",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)
