"""Signing requests and identity proofs against a real Leap node (the devnet).

Identity proofs verify for the account's key and fail with a stable reason otherwise (wrong key,
expired, a multi-key threshold one key cannot meet, unknown account or permission, another
chain); an action request resolved and signed by our code is accepted by the node.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import pytest
from sessionkit.antelope import (
    Asset,
    Checksum256,
    PermissionLevel,
    PrivateKey,
    SignedTransaction,
    TimePointSec,
)
from sessionkit.chain import ABICache
from sessionkit.errors import IdentityProofError
from sessionkit.esr import (
    IdentityProof,
    ResolvedSigningRequest,
    SigningRequest,
    extract_signatures,
    verify_identity_proof,
)

if TYPE_CHECKING:
    from sessionkit.chain import APIClient
    from sessionkit.devnet import Devnet

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]

CALLBACK = "https://example.com/callback?tx={{tx}}&sig={{sig}}&bn={{bn}}"


async def login_proof(
    client: APIClient,
    devnet: Devnet,
    signer: str,
    key: PrivateKey,
    *,
    expire_seconds: int = 120,
) -> IdentityProof:
    """What a wallet holding ``key`` answers to an identity request, as a proof."""
    request = SigningRequest.create_identity(CALLBACK, scope="testapp", chain_id=devnet.chain_id)
    uri = request.encode()
    wallet_side = SigningRequest.from_uri(uri)
    resolved = await wallet_side.resolve_from_chain(client, signer, expire_seconds=expire_seconds)
    callback = resolved.get_callback([key.sign_digest(resolved.signing_digest)])
    assert callback is not None
    return IdentityProof.from_payload(callback.payload)


async def refusal(proof: IdentityProof, client: APIClient, match: str | None = None) -> str:
    """The reason ``proof.verify`` gives for refusing ``proof`` (its message matching ``match``)."""
    with pytest.raises(IdentityProofError, match=match) as caught:
        await proof.verify(client)
    return caught.value.reason


async def test_identity_proof_signed_by_the_account_key_verifies(
    client: APIClient, devnet: Devnet
) -> None:
    alice = devnet.accounts["alice"]
    proof = await login_proof(client, devnet, "alice@active", alice.private_key)
    assert proof.signer == PermissionLevel("alice", "active")
    assert proof.scope == "testapp"
    assert await proof.verify(client) == alice.public_key
    assert await verify_identity_proof(str(proof), devnet.url) == proof


async def test_identity_proof_for_a_named_permission_verifies(
    client: APIClient, devnet: Devnet
) -> None:
    transfer = devnet.permissions["erin@transfer"]
    proof = await login_proof(client, devnet, "erin@transfer", transfer.private_key)
    assert await proof.verify(client) == transfer.public_key
    active_key = devnet.accounts["erin"].private_key
    wrong = await login_proof(client, devnet, "erin@transfer", active_key)
    assert await refusal(wrong, client) == "wrong_key"


async def test_identity_proof_from_a_key_not_on_the_permission_fails(
    client: APIClient, devnet: Devnet
) -> None:
    bob_key = devnet.accounts["bob"].private_key
    proof = await login_proof(client, devnet, "alice@active", bob_key)
    assert await refusal(proof, client, match="not a key of alice@active") == "wrong_key"


async def test_expired_identity_proof_fails(client: APIClient, devnet: Devnet) -> None:
    alice = devnet.accounts["alice"]
    # Expired five seconds before the head block: 0 would race the half-second rounding.
    proof = await login_proof(client, devnet, "alice@active", alice.private_key, expire_seconds=-5)
    with pytest.raises(IdentityProofError, match="expired") as caught:
        await verify_identity_proof(proof, client)
    assert caught.value.reason == "expired"


async def test_one_key_of_a_multi_key_permission_does_not_meet_its_threshold(
    client: APIClient, devnet: Devnet
) -> None:
    team = devnet.accounts["team"]
    assert team.threshold > 1
    proof = await login_proof(client, devnet, "team@active", team.private_keys[1])
    assert await refusal(proof, client, match="threshold") == "threshold"


@pytest.mark.parametrize(
    ("signer", "reason"),
    [("nosuchacct", "no_account"), ("alice@nosuchperm", "no_permission")],
)
async def test_proof_for_a_missing_account_or_permission_fails(
    client: APIClient, devnet: Devnet, signer: str, reason: str
) -> None:
    if "@" not in signer:
        signer += "@active"
    proof = await login_proof(client, devnet, signer, devnet.accounts["alice"].private_key)
    assert await refusal(proof, client) == reason


async def test_proof_for_another_chain_fails(client: APIClient, devnet: Devnet) -> None:
    alice = devnet.accounts["alice"]
    proof = await login_proof(client, devnet, "alice@active", alice.private_key)
    elsewhere = IdentityProof(
        chain_id=Checksum256.hash(b"another chain"),
        scope=proof.scope,
        expiration=proof.expiration,
        signer=proof.signer,
        signature=proof.signature,
    )
    assert await refusal(elsewhere, client) == "wrong_chain"


async def test_resolved_action_request_signed_by_our_code_broadcasts(
    client: APIClient, devnet: Devnet
) -> None:
    alice = devnet.accounts["alice"]
    cache = ABICache(client)
    token = await cache.get_abi(devnet.token_contract)
    quantity = Asset.from_string(f"1.2345 {devnet.token_symbol.code}")
    memo = f"esr {secrets.token_hex(4)}"  # each event loop's run sends its own transaction
    request = SigningRequest.create(
        action={
            "account": devnet.token_contract,
            "name": "transfer",
            "authorization": [{"actor": "............1", "permission": "............2"}],
            "data": {"from": "............1", "to": "bob", "quantity": quantity, "memo": memo},
        },
        chain_id=devnet.chain_id,
        callback=CALLBACK,
        abis={str(devnet.token_contract): token},
    )
    before = await client.get_currency_balance(
        devnet.token_contract, "bob", str(quantity.symbol.code)
    )

    wallet_side = SigningRequest.from_uri(request.encode())
    resolved = await wallet_side.resolve_from_chain(
        client, alice.permission_level, abi_provider=cache
    )
    signature = alice.private_key.sign_digest(resolved.signing_digest)
    result = await client.send_transaction(SignedTransaction(resolved.transaction, [signature], []))

    assert result.transaction_id == resolved.transaction_id
    after = await client.get_currency_balance(
        devnet.token_contract, "bob", str(quantity.symbol.code)
    )
    assert after[0] - before[0] == quantity
    callback = resolved.get_callback([signature], result.processed.block_num)
    assert callback is not None
    assert callback.payload["bn"] == str(result.processed.block_num)
    assert extract_signatures(callback.payload) == [signature]
    rebuilt = await ResolvedSigningRequest.afrom_payload(callback.payload, cache)
    assert rebuilt.transaction == resolved.transaction


async def test_identity_expiration_follows_head_block_time(
    client: APIClient, devnet: Devnet
) -> None:
    alice = devnet.accounts["alice"]
    proof = await login_proof(client, devnet, "alice@active", alice.private_key, expire_seconds=60)
    head = (await client.get_info()).head_block_time.to_datetime()
    assert 50 <= (proof.expiration.to_datetime() - head).total_seconds() <= 61
    assert proof.expiration > TimePointSec.from_datetime(head)
