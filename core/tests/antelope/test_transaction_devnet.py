"""Transactions built by this package, accepted or refused by a real Leap node (the devnet).

This is where the two choices that the reference vectors cannot settle are checked: a node
takes ``compression: 1`` with zlib-with-header data, and it verifies signatures over the
context-free-data digest as ``SignedTransaction.signing_digest`` computes it (sha256 of the
packed ``bytes[]``), not over the 32 zero bytes the reference always uses.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import pytest
from devnet_helpers import sign, transfer_action, unsigned_transaction
from sessionkit.antelope import (
    ABI,
    Action,
    CompressionType,
    Name,
    PackedTransaction,
    SignedTransaction,
    Transaction,
)
from sessionkit.errors import ChainAPIError

if TYPE_CHECKING:
    from sessionkit.chain import APIClient
    from sessionkit.devnet import Devnet

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]


async def transfer(client: APIClient, token_abi: ABI, memo: str, **extra: object) -> Transaction:
    unique = f"{memo} {secrets.token_hex(4)}"  # asyncio and trio runs must not be duplicates
    action = transfer_action(token_abi, "alice@active", "bob", "0.0001 SYS", unique)
    return await unsigned_transaction(client, [action], **extra)


async def test_node_accepts_zlib_packed_transactions(
    client: APIClient, devnet: Devnet, token_abi: ABI
) -> None:
    transaction = await transfer(client, token_abi, "zlib")
    signed = sign(transaction, devnet.chain_id, [devnet.accounts["alice"].private_key])
    packed = PackedTransaction.from_signed(signed, CompressionType.ZLIB)
    result = await client.send_transaction(packed)
    assert str(result.transaction_id) == str(transaction.id)


async def test_node_checks_signatures_over_the_context_free_data_digest(
    client: APIClient, devnet: Devnet, token_abi: ABI
) -> None:
    free = Action(Name("alice"), Name("nonce"), [], b"\x01")
    transaction = await transfer(client, token_abi, "cfd", context_free_actions=(free,))
    key = devnet.accounts["alice"].private_key
    data = [b"context-free data"]

    reference_digest = transaction.signing_digest(devnet.chain_id)
    refused = SignedTransaction(transaction, [key.sign_digest(reference_digest)], data)
    with pytest.raises(ChainAPIError) as caught:
        await client.send_transaction(PackedTransaction.from_signed(refused))
    assert caught.value.name == "unsatisfied_authorization"

    signed = SignedTransaction(transaction, [], data)
    signature = key.sign_digest(signed.signing_digest(devnet.chain_id))
    accepted = SignedTransaction(transaction, [signature], data)
    result = await client.send_transaction(PackedTransaction.from_signed(accepted))
    assert str(result.transaction_id) == str(transaction.id)
