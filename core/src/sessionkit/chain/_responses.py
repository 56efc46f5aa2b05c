"""What the chain API endpoints answer, as frozen msgspec Structs.

Fields a node adds over time are ignored; fields that older or newer nodes leave out have
defaults. Antelope values arrive as SessionKit types (``Name``, ``Asset``, ``Checksum256``, ...).
"""

from __future__ import annotations

from typing import Any

import msgspec

from sessionkit.antelope import (
    ABI,
    Asset,
    BlockTimestamp,
    Checksum256,
    Name,
    PackedTransaction,
    PermissionLevel,
    PublicKey,
    Signature,
    TimePoint,
    TimePointSec,
)
from sessionkit.chain._tapos import TransactionHeader, transaction_header
from sessionkit.errors import InvalidChecksum, InvalidValue, MalformedResponseError

__all__ = [
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


class Response(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every response: immutable, unknown fields tolerated."""


class GetInfoResponse(Response, frozen=True):
    """``/v1/chain/get_info``: the chain id and where the chain's head is."""

    server_version: str
    chain_id: Checksum256
    head_block_num: int
    last_irreversible_block_num: int
    last_irreversible_block_id: Checksum256
    head_block_id: Checksum256
    head_block_time: TimePoint
    head_block_producer: Name
    virtual_block_cpu_limit: int = 0
    virtual_block_net_limit: int = 0
    block_cpu_limit: int = 0
    block_net_limit: int = 0
    server_version_string: str | None = None
    fork_db_head_block_num: int | None = None
    fork_db_head_block_id: Checksum256 | None = None
    server_full_version_string: str | None = None
    total_cpu_weight: int | None = None
    total_net_weight: int | None = None
    earliest_available_block_num: int | None = None
    last_irreversible_block_time: TimePoint | None = None

    def transaction_header(self, expire_seconds: int = 120) -> TransactionHeader:
        """TAPoS header as WharfKit builds it: last irreversible block, head time + expiry."""
        return transaction_header(
            self.last_irreversible_block_id, self.head_block_time, expire_seconds
        )


class TransactionReceipt(Response, frozen=True):
    """How a transaction was applied (``status``, e.g. ``executed``) and what it used."""

    status: str
    cpu_usage_us: int
    net_usage_words: int


class BlockTransaction(TransactionReceipt, frozen=True):
    """One transaction receipt in a block; ``trx`` is an id or a packed transaction object."""

    trx: Any

    @property
    def transaction_id(self) -> Checksum256:
        """The transaction's id, whichever form ``trx`` has."""
        trx_id = self.trx.get("id") if isinstance(self.trx, dict) else self.trx
        if not isinstance(trx_id, str):
            raise MalformedResponseError("a block transaction has no id")
        try:
            return Checksum256(trx_id)
        except InvalidChecksum as exc:
            raise MalformedResponseError(
                f"a block transaction id is not a checksum: {exc}"
            ) from exc

    def packed(self) -> PackedTransaction | None:
        """The packed transaction (None when the block lists only the id, for deferred ones)."""
        if not isinstance(self.trx, dict):
            return None
        fields = ("signatures", "compression", "packed_context_free_data", "packed_trx")
        try:
            return PackedTransaction.from_json({key: self.trx.get(key) for key in fields})
        except InvalidValue as exc:
            raise MalformedResponseError(f"a block transaction does not parse: {exc}") from exc


class GetBlockResponse(Response, frozen=True):
    """``/v1/chain/get_block``."""

    id: Checksum256
    block_num: int
    ref_block_prefix: int
    timestamp: BlockTimestamp
    producer: Name
    confirmed: int
    previous: Checksum256
    transaction_mroot: Checksum256
    action_mroot: Checksum256
    schedule_version: int
    producer_signature: Signature
    new_producers: Any = None
    header_extensions: list[Any] = []
    block_extensions: list[Any] = []
    transactions: list[BlockTransaction] = []


class GetBlockInfoResponse(Response, frozen=True):
    """``/v1/chain/get_block_info``: a block header without its transactions."""

    id: Checksum256
    block_num: int
    ref_block_num: int
    ref_block_prefix: int
    timestamp: BlockTimestamp
    producer: Name
    confirmed: int
    previous: Checksum256
    transaction_mroot: Checksum256
    action_mroot: Checksum256
    schedule_version: int
    producer_signature: Signature


class KeyWeight(Response, frozen=True):
    key: PublicKey
    weight: int


class PermissionLevelWeight(Response, frozen=True):
    permission: PermissionLevel
    weight: int


class WaitWeight(Response, frozen=True):
    wait_sec: int
    weight: int


class Authority(Response, frozen=True):
    """Who can act for a permission: keys, accounts and waits adding up to ``threshold``."""

    threshold: int
    keys: list[KeyWeight] = []
    accounts: list[PermissionLevelWeight] = []
    waits: list[WaitWeight] = []


class LinkedAction(Response, frozen=True):
    account: Name
    action: Name | None = None


class AccountPermission(Response, frozen=True):
    perm_name: Name
    parent: Name
    required_auth: Authority
    linked_actions: list[LinkedAction] = []


class AccountResourceLimit(Response, frozen=True):
    used: int
    available: int
    max: int
    last_usage_update_time: TimePoint | None = None
    current_used: int | None = None


class GetAccountResponse(Response, frozen=True):
    """``/v1/chain/get_account``; resource fields are -1 on chains without a system contract."""

    account_name: Name
    head_block_num: int
    head_block_time: TimePoint
    privileged: bool
    last_code_update: TimePoint
    created: TimePoint
    ram_quota: int
    net_weight: int
    cpu_weight: int
    net_limit: AccountResourceLimit
    cpu_limit: AccountResourceLimit
    ram_usage: int
    permissions: list[AccountPermission]
    core_liquid_balance: Asset | None = None
    total_resources: Any = None
    self_delegated_bandwidth: Any = None
    refund_request: Any = None
    voter_info: Any = None
    rex_info: Any = None
    subjective_cpu_bill_limit: AccountResourceLimit | None = None
    eosio_any_linked_actions: list[LinkedAction] = []

    def permission(self, name: Name | str) -> AccountPermission:
        """The permission called ``name`` (``KeyError`` if the account has none so named)."""
        for permission in self.permissions:
            if permission.perm_name == name:
                return permission
        raise KeyError(f"{self.account_name} has no permission {name}")


class AccountAuthorizer(Response, frozen=True):
    """One permission that a key or account can satisfy (``get_accounts_by_authorizers``)."""

    account_name: Name
    permission_name: Name
    weight: int
    threshold: int
    authorizing_account: PermissionLevel | None = None
    authorizing_key: PublicKey | None = None


class AccountsByAuthorizersResponse(Response, frozen=True):
    accounts: list[AccountAuthorizer]


class GetAbiResponse(Response, frozen=True):
    """``/v1/chain/get_abi``: the ABI decoded by the node (None when there is no contract)."""

    account_name: Name
    abi: ABI | None = None


class GetRawAbiResponse(Response, frozen=True):
    """``/v1/chain/get_raw_abi``: the binary ABI (empty when there is no contract)."""

    account_name: Name
    code_hash: Checksum256
    abi_hash: Checksum256
    abi: bytes = b""


class GetTableRowsResponse(Response, frozen=True):
    """``/v1/chain/get_table_rows``; ``rows`` are as the node rendered them."""

    rows: list[Any]
    more: bool = False
    next_key: str = ""
    next_key_bytes: str = ""


class GetRequiredKeysResponse(Response, frozen=True):
    required_keys: list[PublicKey]


class GetTransactionStatusResponse(Response, frozen=True):
    """``/v1/chain/get_transaction_status``: ``state`` is e.g. IN_BLOCK, IRREVERSIBLE, UNKNOWN."""

    state: str
    head_number: int
    head_id: Checksum256
    irreversible_number: int
    irreversible_id: Checksum256
    earliest_tracked_block_number: int
    earliest_tracked_block_id: Checksum256
    head_timestamp: TimePoint | None = None
    irreversible_timestamp: TimePoint | None = None
    block_number: int | None = None
    block_id: Checksum256 | None = None
    block_timestamp: TimePoint | None = None
    expiration: TimePointSec | None = None


class ActionTraceAct(Response, frozen=True):
    """The action as executed; ``data`` is decoded when the node knows the ABI, else hex."""

    account: Name
    name: Name
    authorization: list[PermissionLevel]
    data: Any = None
    hex_data: str = ""


class ActionTrace(Response, frozen=True):
    action_ordinal: int
    creator_action_ordinal: int
    receiver: Name
    act: ActionTraceAct
    context_free: bool = False
    elapsed: int = 0
    console: str = ""
    trx_id: Checksum256 | None = None
    block_num: int = 0
    block_time: BlockTimestamp | None = None
    producer_block_id: Checksum256 | None = None
    receipt: dict[str, Any] | None = None
    account_ram_deltas: list[Any] = []
    error: Any = msgspec.field(default=None, name="except")
    error_code: Any = None
    return_value_hex_data: str = ""
    return_value_data: Any = None


class TransactionTrace(Response, frozen=True):
    """What executing a transaction did; ``error`` holds the node's ``except`` on failure."""

    id: Checksum256
    block_num: int = 0
    block_time: BlockTimestamp | None = None
    producer_block_id: Checksum256 | None = None
    receipt: TransactionReceipt | None = None
    elapsed: int = 0
    net_usage: int = 0
    scheduled: bool = False
    action_traces: list[ActionTrace] = []
    account_ram_delta: Any = None
    error: Any = msgspec.field(default=None, name="except")
    error_code: Any = None


class SendTransactionResponse(Response, frozen=True):
    """Answer of the push/send/compute endpoints: the id and the execution trace."""

    transaction_id: Checksum256
    processed: TransactionTrace
