"""The transfer the kit benchmarks make by hand, to measure ``session.transact`` against, and
the kit they measure.

Imported by the scripts next to it (``python bench/x.py`` puts ``bench/`` on the path).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sessionkit import MemoryStorage, SessionKit
from sessionkit.antelope import (
    Action,
    PackedTransaction,
    PermissionLevel,
    SignedTransaction,
    Transaction,
)
from sessionkit.chain import transaction_header
from sessionkit.testing import KeyWallet

if TYPE_CHECKING:
    import httpx
    from sessionkit.antelope import ABI, Checksum256, PrivateKey
    from sessionkit.chain import ChainDefinition

HEADERS = {"content-type": "application/json", "accept": "application/json"}
ALICE = PermissionLevel.from_json("alice@active")


def transfer(memo: str) -> dict[str, Any]:
    """0.0001 SYS from alice to bob, as an action mapping for ``session.transact``."""
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": "alice", "permission": "active"}],
        "data": {"from": "alice", "to": "bob", "quantity": "0.0001 SYS", "memo": memo},
    }


def signed_transfer(
    key: PrivateKey, chain_id: Checksum256 | str, info: dict[str, Any], abi: ABI, memo: str
) -> SignedTransaction:
    """That transfer built with our codec from ``get_info``'s JSON and signed with ``key``."""
    action = Action.from_data("eosio.token", "transfer", [ALICE], transfer(memo)["data"], abi)
    header = transaction_header(info["last_irreversible_block_id"], info["head_block_time"], 120)
    tx = Transaction(**header.to_dict(), actions=(action,))
    return SignedTransaction(tx, [key.sign_digest(tx.signing_digest(chain_id))])


async def transfer_by_hand(
    raw: httpx.AsyncClient,
    url: str,
    key: PrivateKey,
    chain_id: Checksum256 | str,
    abi: ABI,
    *,
    memo: str,
) -> None:
    """Bare httpx ``get_info``, our codec and signing, bare httpx ``send_transaction``, and the
    transaction id read from the answer (as a caller needs it and as the kit returns it)."""
    answer = await raw.post(f"{url}/v1/chain/get_info", content=b"", headers=HEADERS)
    answer.raise_for_status()
    signed = signed_transfer(key, chain_id, answer.json(), abi, memo)
    sent = await raw.post(
        f"{url}/v1/chain/send_transaction",
        content=json.dumps(PackedTransaction.from_signed(signed).to_json()).encode(),
        headers=HEADERS,
    )
    sent.raise_for_status()
    assert sent.json()["transaction_id"]


def key_kit(
    chain: ChainDefinition, key: PrivateKey, http_client: httpx.AsyncClient | None = None
) -> SessionKit:
    """A kit on ``chain`` whose wallet signs with ``key`` in memory: no plugins, no files."""
    return SessionKit(
        "bench",
        [chain],
        wallet_plugins=[KeyWallet(key)],
        storage=MemoryStorage(),
        discover=False,
        http_client=http_client,
    )
