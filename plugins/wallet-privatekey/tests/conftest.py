"""Fixtures of the private-key wallet's tests: both async backends, a clean environment, and
a chain administrator that makes new accounts on the devnet (keys shared by two accounts, R1
keys, multi-signature and delegated authorities) with SessionKit's own signing code."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import pytest
from sessionkit import ChainDefinition, MemoryStorage, SessionKit
from sessionkit.antelope import (
    Action,
    KeyType,
    PrivateKey,
    PublicKey,
    SignedTransaction,
    Transaction,
)
from sessionkit.chain import ABICache, APIClient

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

    from sessionkit import SessionStorage, UserInterface, WalletPlugin
    from sessionkit.devnet import Devnet

_T = TypeVar("_T")
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz12345"


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every async test runs on asyncio and on trio."""
    return str(request.param)


@pytest.fixture(autouse=True)
def _no_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees a key the developer's shell happens to export."""
    monkeypatch.delenv("SESSIONKIT_PRIVATE_KEY", raising=False)
    monkeypatch.delenv("SESSIONKIT_PRIVATE_KEY_FILE", raising=False)


@pytest.fixture
def chain(devnet: Devnet) -> ChainDefinition:
    """The devnet as a kit chain."""
    return ChainDefinition(devnet.chain_id, devnet.url, name="devnet")


@pytest.fixture
def alice_key(devnet: Devnet) -> PrivateKey:
    """alice's published devnet key (owner and active)."""
    return devnet.accounts["alice"].private_key


def authority(
    keys: Sequence[PublicKey | tuple[PublicKey, int]] = (),
    accounts: Sequence[tuple[str, int]] = (),
    threshold: int = 1,
) -> dict[str, Any]:
    """An authority as ``newaccount``/``updateauth`` take it, sorted as the chain requires.

    ``keys`` are public keys (weight 1) or ``(key, weight)``; ``accounts`` are
    ``("name@permission", weight)``.
    """
    weighted = [k if isinstance(k, tuple) else (k, 1) for k in keys]
    weighted.sort(key=lambda kw: kw[0].to_abi())
    levels = sorted(
        ((a.split("@")[0], a.split("@")[1], w) for a, w in accounts),
        key=lambda x: (x[0], x[1]),
    )
    return {
        "threshold": threshold,
        "keys": [{"key": key, "weight": weight} for key, weight in weighted],
        "accounts": [
            {"permission": {"actor": actor, "permission": perm}, "weight": weight}
            for actor, perm, weight in levels
        ],
        "waits": [],
    }


class ChainAdmin:
    """Makes accounts and moves tokens on the devnet, signing with the producer's key."""

    def __init__(self, devnet: Devnet, client: APIClient) -> None:
        self.devnet = devnet
        self.client = client
        self.abis = ABICache(client)

    #: Build an authority (see the module function).
    authority = staticmethod(authority)

    @staticmethod
    def new_name(prefix: str = "pk") -> str:
        """A fresh 12-character account name (no two tests, nor backends, share one)."""
        return prefix + "".join(secrets.choice(_NAME_CHARS) for _ in range(12 - len(prefix)))

    async def push(
        self, actions: list[tuple[str, str, str, dict[str, Any]]], *keys: PrivateKey
    ) -> None:
        """Sign ``(contract, action, actor@permission, data)`` actions with ``keys`` and send."""
        built = []
        for contract, name, auth, data in actions:
            abi = await self.abis.get_abi(contract)
            actor, permission = auth.split("@")
            built.append(
                Action.from_data(
                    contract, name, [{"actor": actor, "permission": permission}], data, abi
                )
            )
        info = await self.client.get_info()
        transaction = Transaction(**info.transaction_header(60).to_dict(), actions=tuple(built))
        digest = transaction.signing_digest(info.chain_id)
        signed = SignedTransaction(transaction, [key.sign_digest(digest) for key in keys])
        sent = await self.client.send_transaction(signed)
        # The node indexes keys and accounts (get_accounts_by_authorizers) only once the block
        # holding the transaction is accepted: wait for it, as a login right after would.
        with anyio.fail_after(10):
            for _ in range(200):
                if (await self.client.get_info()).head_block_num >= sent.processed.block_num:
                    break
                await anyio.sleep(0.1)

    async def new_account(
        self,
        active: dict[str, Any] | PublicKey,
        owner: dict[str, Any] | PublicKey | None = None,
        *,
        name: str | None = None,
        funds: str | None = None,
    ) -> str:
        """Create an account (``owner`` defaults to ``active``); ``funds`` come from eosio."""
        name = name or self.new_name()
        active_auth = authority([active]) if isinstance(active, PublicKey) else active
        if owner is None:
            owner_auth = active_auth
        else:
            owner_auth = authority([owner]) if isinstance(owner, PublicKey) else owner
        actions = [
            (
                "eosio",
                "newaccount",
                "eosio@active",
                {"creator": "eosio", "name": name, "owner": owner_auth, "active": active_auth},
            )
        ]
        if funds:
            actions.append(
                (
                    "eosio.token",
                    "transfer",
                    "eosio@active",
                    {"from": "eosio", "to": name, "quantity": funds, "memo": "test funds"},
                )
            )
        await self.push(actions, self.devnet.producer_key)
        return name

    async def balance(self, account: str) -> str:
        """``account``'s SYS balance as text ("0.0000 SYS" when it has none)."""
        balances = await self.client.get_currency_balance("eosio.token", account, "SYS")
        return str(balances[0]) if balances else "0.0000 SYS"


@pytest.fixture
async def admin(devnet: Devnet) -> AsyncIterator[ChainAdmin]:
    """A `ChainAdmin` for the devnet."""
    async with APIClient(devnet.url, timeout=10.0) as client:
        yield ChainAdmin(devnet, client)


def run_in_thread(function: Callable[[], Awaitable[_T]]) -> _T:
    """Run ``function`` in its own event loop in a worker thread (for sync fixtures)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, function).result()


@pytest.fixture(scope="session")
def r1_account(devnet: Devnet) -> tuple[str, PrivateKey]:
    """A funded account whose ``owner`` and ``active`` are one R1 key, made once per run."""
    key = PrivateKey.generate(KeyType.R1)

    async def make() -> str:
        async with APIClient(devnet.url, timeout=10.0) as client:
            return await ChainAdmin(devnet, client).new_account(
                key.public_key, name=ChainAdmin.new_name("rone"), funds="100.0000 SYS"
            )

    return run_in_thread(make), key


@pytest.fixture
def kit_for(chain: ChainDefinition) -> Callable[..., SessionKit]:
    """``kit_for(wallet, ui=None, storage=None, chains=None)``: a kit with only that wallet,
    on the devnet, in memory storage unless given (use it with ``async with``)."""

    def make(
        wallet: WalletPlugin,
        *,
        ui: UserInterface | None = None,
        storage: SessionStorage | None = None,
        chains: Sequence[ChainDefinition] | None = None,
        app_name: str = "privatekey-tests",
    ) -> SessionKit:
        return SessionKit(
            app_name,
            list(chains or [chain]),
            ui=ui,
            wallet_plugins=[wallet],
            storage=storage or MemoryStorage(),
            discover=False,
        )

    return make
