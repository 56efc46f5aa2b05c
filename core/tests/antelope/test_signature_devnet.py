"""Signatures made here, judged by a real Leap node (the devnet).

The node recovers the signing key from each signature and checks it against the account's
authority, so an accepted transaction proves the recovery header, the low-S / canonical form
and (for R1) our recovery id are what the chain expects.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

import pytest
from devnet_helpers import sign, unsigned_transaction
from sessionkit.antelope import ABI, Action, SignedTransaction, Transaction
from sessionkit.antelope._keys import KeyType, PrivateKey, PublicKey, Signature
from sessionkit.chain import ABICache
from sessionkit.errors import ChainAPIError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sessionkit.chain import APIClient
    from sessionkit.devnet import Devnet

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]

_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz12345"


@pytest.fixture
async def bios_abi(client: APIClient) -> ABI:
    return await ABICache(client).get_abi("eosio")


def _authority(key: PublicKey) -> dict[str, Any]:
    return {"threshold": 1, "keys": [{"key": key, "weight": 1}], "accounts": [], "waits": []}


async def _push(
    client: APIClient, devnet: Devnet, actions: Sequence[Action], keys: Sequence[PrivateKey]
) -> tuple[Transaction, list[Signature]]:
    signed = sign(await unsigned_transaction(client, actions), devnet.chain_id, keys)
    await client.send_transaction(signed)
    return signed.transaction, signed.signatures


async def _account_with_active_key(
    client: APIClient, devnet: Devnet, bios_abi: ABI, active: PublicKey
) -> str:
    """A fresh account (random name) whose active permission is held by ``active``."""
    name = "sig" + "".join(secrets.choice(_NAME_CHARS) for _ in range(9))
    producer = devnet.producer_key
    data = {
        "creator": "eosio",
        "name": name,
        "owner": _authority(producer.public_key),
        "active": _authority(active),
    }
    action = Action.from_data("eosio", "newaccount", ["eosio@active"], data, bios_abi)
    await _push(client, devnet, [action], [producer])
    return name


def _add_permission(bios_abi: ABI, account: str, permission: str, key: PublicKey) -> Action:
    data = {
        "account": account,
        "permission": permission,
        "parent": "active",
        "auth": _authority(key),
    }
    return Action.from_data("eosio", "updateauth", [f"{account}@active"], data, bios_abi)


@pytest.mark.parametrize("key_type", [KeyType.R1, KeyType.K1])
async def test_node_accepts_our_signatures(
    client: APIClient, devnet: Devnet, bios_abi: ABI, key_type: KeyType
) -> None:
    key = PrivateKey.generate(key_type)
    account = await _account_with_active_key(client, devnet, bios_abi, key.public_key)
    for index in range(3):
        action = _add_permission(bios_abi, account, f"extra{index + 1}", key.public_key)
        transaction, [signature] = await _push(client, devnet, [action], [key])
        assert signature.recover(transaction.signing_digest(devnet.chain_id)) == key.public_key
    permissions = await client.call("/v1/chain/get_account", {"account_name": account})
    names = {entry["perm_name"] for entry in permissions["permissions"]}
    assert {"extra1", "extra2", "extra3"} <= names


async def test_node_refuses_a_signature_with_the_wrong_recovery_id(
    client: APIClient, devnet: Devnet, bios_abi: ABI
) -> None:
    """Flipping the recovery id makes the node recover another key: not authorised."""
    key = PrivateKey.generate(KeyType.R1)
    account = await _account_with_active_key(client, devnet, bios_abi, key.public_key)
    action = _add_permission(bios_abi, account, "flipped", key.public_key)
    transaction = await unsigned_transaction(client, [action])
    signature = key.sign_digest(transaction.signing_digest(devnet.chain_id))
    flipped = Signature(KeyType.R1, bytes([63 - signature.data[0]]) + signature.data[1:])
    with pytest.raises(ChainAPIError) as caught:
        await client.send_transaction(SignedTransaction(transaction, [flipped]))
    assert caught.value.name == "unsatisfied_authorization"
