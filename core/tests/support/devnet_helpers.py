"""Building, signing and sending transactions with our own code, for the devnet-backed tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sessionkit.antelope import Action, PermissionLevel, SignedTransaction, Transaction

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sessionkit.antelope import ABI, Checksum256, PrivateKey
    from sessionkit.chain import APIClient


def transfer_action(
    token_abi: ABI, sender: PermissionLevel | str, to: str, quantity: str, memo: str = ""
) -> Action:
    """An ``eosio.token`` transfer from ``sender``'s account, authorised by ``sender``."""
    authority = PermissionLevel.from_json(sender)
    data = {"from": str(authority.actor), "to": to, "quantity": quantity, "memo": memo}
    return Action.from_data("eosio.token", "transfer", [authority], data, token_abi)


async def unsigned_transaction(
    client: APIClient, actions: Iterable[Action], *, expire_seconds: int = 60, **fields: Any
) -> Transaction:
    """``actions`` under a TAPoS header from the node's current state (``fields`` add to it)."""
    info = await client.get_info()
    header = info.transaction_header(expire_seconds).to_dict()
    return Transaction(**header, actions=tuple(actions), **fields)


def sign(
    transaction: Transaction, chain_id: Checksum256, keys: Iterable[PrivateKey]
) -> SignedTransaction:
    """``transaction`` signed by each of ``keys`` for ``chain_id`` (no context-free data)."""
    digest = transaction.signing_digest(chain_id)
    return SignedTransaction(transaction, [key.sign_digest(digest) for key in keys])
