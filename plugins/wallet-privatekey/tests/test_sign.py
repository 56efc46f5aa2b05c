"""Signing on the devnet: the digest over the session's chain id, canonical K1 and R1
signatures the chain accepts, and the transaction handed back exactly as it came."""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING, Any

import msgspec
import pytest
from sessionkit import ChainDefinition, TransactContext
from sessionkit.antelope import KeyType, PrivateKey
from sessionkit.errors import ConfigurationError, WalletError
from sessionkit.esr import ResolvedSigningRequest
from sessionkit_wallet_privatekey import PrivateKeyWallet

if TYPE_CHECKING:
    from collections.abc import Callable

    from sessionkit import Session, SessionKit
    from sessionkit.devnet import Devnet

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]


def transfer(sender: str, quantity: str = "0.0100 SYS") -> dict[str, Any]:
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": sender, "permission": "active"}],
        "data": {"from": sender, "to": "bob", "quantity": quantity, "memo": uuid.uuid4().hex},
    }


def chain_digest(chain_id: Any, resolved: ResolvedSigningRequest) -> bytes:
    """sha256(chain id, packed transaction, 32 zero bytes), computed here, not by the kit."""
    return hashlib.sha256(
        bytes.fromhex(str(chain_id)) + resolved.transaction.to_bytes() + bytes(32)
    ).digest()


def is_canonical_k1(data: bytes) -> bool:
    """The chain's canonical rule on r and s (header byte, then r and s, 32 bytes each)."""
    r, s = data[1:33], data[33:65]
    return all(not (x[0] & 0x80) and not (x[0] == 0 and not (x[1] & 0x80)) for x in (r, s))


def context_for(session: Session, kit: SessionKit, chain: ChainDefinition | None = None) -> Any:
    return TransactContext(
        app_name=kit.app_name,
        chain=chain or session.chain,
        client=session.client,
        abi_cache=session.abi_cache,
        permission_level=session.permission_level,
        http_client=kit.http_client,
    )


async def test_k1_signatures_are_canonical_over_the_chain_digest(
    devnet: Devnet, alice_key: PrivateKey, kit_for: Callable[..., SessionKit], admin: Any
) -> None:
    async with kit_for(PrivateKeyWallet(alice_key)) as kit:
        session = (await kit.login()).session
        before = await admin.balance("alice")
        result = await session.transact(action=transfer("alice", quantity="0.0700 SYS"))
        after = await admin.balance("alice")
    (signature,) = result.signatures
    digest = chain_digest(devnet.chain_id, result.resolved)
    assert result.resolved.chain_id == devnet.chain_id
    assert signature.key_type is KeyType.K1
    assert 31 <= signature.data[0] <= 34
    assert is_canonical_k1(signature.data)
    assert signature.recover(digest) == alice_key.public_key
    assert alice_key.public_key.verify(digest, signature)
    assert float(before.split()[0]) - float(after.split()[0]) == pytest.approx(0.07)


async def test_many_k1_signatures_are_all_canonical(
    alice_key: PrivateKey, kit_for: Callable[..., SessionKit]
) -> None:
    """About one raw secp256k1 signature in four is not canonical: 40 in a row must all be."""
    wallet = PrivateKeyWallet(alice_key)
    async with kit_for(wallet) as kit:
        session = (await kit.login()).session
        resolved = (await session.transact(action=transfer("alice"), broadcast=False)).resolved
        context = context_for(session, kit)
        for delay in range(40):
            variant = ResolvedSigningRequest(
                resolved.request,
                resolved.signer,
                msgspec.structs.replace(resolved.transaction, delay_sec=delay),
                resolved.resolved_transaction,
                resolved.chain_id,
            )
            (signature,) = (await session.wallet_plugin.sign(variant, context)).signatures
            assert is_canonical_k1(signature.data), delay
            assert signature.recover(variant.signing_digest) == alice_key.public_key


async def test_r1_signatures_are_accepted_by_the_chain(
    devnet: Devnet,
    r1_account: tuple[str, PrivateKey],
    kit_for: Callable[..., SessionKit],
    admin: Any,
) -> None:
    name, key = r1_account
    async with kit_for(PrivateKeyWallet(key.to_string())) as kit:
        session = (await kit.login()).session
        assert session.actor == name
        before = await admin.balance(name)
        result = await session.transact(action=transfer(name, quantity="0.0300 SYS"))
        after = await admin.balance(name)
    (signature,) = result.signatures
    assert signature.key_type is KeyType.R1
    assert str(signature).startswith("SIG_R1_")
    assert key.public_key.verify(chain_digest(devnet.chain_id, result.resolved), signature)
    assert result.response is not None
    assert float(before.split()[0]) - float(after.split()[0]) == pytest.approx(0.03)


async def test_signing_never_changes_the_transaction(
    alice_key: PrivateKey, kit_for: Callable[..., SessionKit]
) -> None:
    async with kit_for(PrivateKeyWallet(alice_key)) as kit:
        session = (await kit.login()).session
        result = await session.transact(action=transfer("alice"), broadcast=False)
        resolved = result.resolved
        packed = resolved.transaction.to_bytes()
        transaction = resolved.transaction
        response = await session.wallet_plugin.sign(resolved, context_for(session, kit))
    assert response.resolved is None
    assert resolved.transaction is transaction
    assert resolved.transaction.to_bytes() == packed
    assert result.transaction == resolved.transaction
    assert [str(s) for s in response.signatures] == [str(s) for s in result.signatures]


async def test_signing_for_another_chain_is_refused(
    alice_key: PrivateKey, kit_for: Callable[..., SessionKit]
) -> None:
    async with kit_for(PrivateKeyWallet(alice_key)) as kit:
        session = (await kit.login()).session
        resolved = (await session.transact(action=transfer("alice"), broadcast=False)).resolved
        elsewhere = ChainDefinition("ef" * 32, "http://127.0.0.1:9")
        with pytest.raises(WalletError) as caught:
            await session.wallet_plugin.sign(resolved, context_for(session, kit, elsewhere))
    message = str(caught.value)
    assert f"resolved for chain {resolved.chain_id}" in message
    assert f"this session is on chain {elsewhere.id}" in message


async def test_signing_without_a_key_says_how_to_give_one(
    alice_key: PrivateKey, kit_for: Callable[..., SessionKit]
) -> None:
    async with kit_for(PrivateKeyWallet(alice_key)) as kit:
        session = (await kit.login()).session
        resolved = (await session.transact(action=transfer("alice"), broadcast=False)).resolved
        keyless = PrivateKeyWallet(env_var=None, key_file_env_var=None)
        with pytest.raises(ConfigurationError, match="no private key to sign"):
            await keyless.sign(resolved, context_for(session, kit))
