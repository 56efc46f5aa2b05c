"""Talking to Antelope chain nodes: the API client, the ABI cache, TAPoS helpers, known chains.

``APIClient`` wraps the ``/v1/chain/*`` endpoints over one pooled httpx client, with failover
across several URLs (see its docstring and docs/chain.md for exactly when it moves on).
"""

from __future__ import annotations

from sessionkit.chain._abicache import ABICache, merge_abis
from sessionkit.chain._chains import ChainDefinition, Chains, Explorer, SystemToken
from sessionkit.chain._client import BROADCAST_PATHS, DEFAULT_TIMEOUT, APIClient
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
    expiration,
    ref_block_num,
    ref_block_prefix,
    transaction_header,
)

__all__ = [
    # client
    "APIClient",
    "BROADCAST_PATHS",
    "DEFAULT_TIMEOUT",
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
    "expiration",
    "ref_block_num",
    "ref_block_prefix",
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
