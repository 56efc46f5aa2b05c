"""The blocking facade (`sessionkit.sync`) over a real login, transfer, restore and logout.

These tests are plain functions: the facade runs its own event loop on a thread (asyncio or
trio), as a script or a notebook would use it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import anyio
import pytest
from sessionkit.errors import ChainAPIError, ConfigurationError, WalletRejected
from sessionkit.storage import FileStorage
from sessionkit.sync import Session as SyncSession
from sessionkit.sync import SessionKit
from sessionkit.testing.doubles import KeyWallet, RecordingUI

if TYPE_CHECKING:
    from pathlib import Path

    from sessionkit.chain import ChainDefinition
    from sessionkit.devnet import Devnet

pytestmark = pytest.mark.devnet


def transfer(sender: str, to: str, quantity: str) -> dict[str, Any]:
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": sender, "permission": "active"}],
        "data": {"from": sender, "to": to, "quantity": quantity, "memo": uuid.uuid4().hex},
    }


def balance(devnet: Devnet, account: str) -> Decimal:
    async def read() -> Decimal:
        async with devnet.client() as client:
            found = await client.get_currency_balance("eosio.token", account, "SYS")
        return Decimal(str(found[0]).split()[0])

    return anyio.run(read)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_sync_kit_logs_in_transacts_restores_and_logs_out(
    devnet: Devnet, devnet_chain: ChainDefinition, tmp_path: Path, backend: str
) -> None:
    ui = RecordingUI()
    with SessionKit(
        "synctest",
        [devnet_chain],
        ui=ui,
        wallet_plugins=[KeyWallet(devnet.accounts["alice"].private_key)],
        storage=FileStorage(directory=tmp_path),
        discover=False,
        backend=backend,
    ) as kit:
        assert repr(kit).startswith("<sync SessionKit 'synctest'")
        assert kit.chains == [devnet_chain]
        result = kit.login(permission_level="alice@active")
        session = result.session
        assert isinstance(session, SyncSession)
        assert session.actor == "alice"  # attributes pass through

        before = balance(devnet, "bob")
        sent = session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
        assert sent.response is not None
        assert balance(devnet, "bob") == before + Decimal("0.0001")
        assert "on_broadcast_complete" in [name for name, _ in ui.calls]

        unsent = session.transact(action=transfer("alice", "bob", "0.0001 SYS"), broadcast=False)
        signatures = session.sign_transaction(unsent.transaction)
        assert signatures[0].recover(unsent.resolved.signing_digest) == (
            devnet.accounts["alice"].public_key
        )

        # Chain errors come through the facade typed, as from the async kit.
        with pytest.raises(ChainAPIError) as caught:
            session.transact(action=transfer("alice", "bob", "999999.0000 SYS"))
        assert caught.value.name == "eosio_assert_message_exception"

        restored = kit.restore()
        assert restored is not None
        assert restored.serialize() == session.serialize()
        assert [s.actor for s in kit.restore_all()] == ["alice"]
        kit.persist_session(restored, set_as_default=False)
        assert [s["default"] for s in kit.get_sessions()] == [True]
        again = restored.transact(action=transfer("alice", "bob", "0.0001 SYS"))
        assert again.response is not None

        kit.logout(restored)
        assert kit.get_sessions() == []
        assert kit.restore() is None
    with pytest.raises(ConfigurationError, match="closed"):
        kit.login(permission_level="alice@active")


def test_sync_kit_raises_wallet_errors_typed(
    devnet: Devnet, devnet_chain: ChainDefinition, tmp_path: Path
) -> None:
    wallet = KeyWallet(devnet.accounts["alice"].private_key, reject=True)
    with (
        SessionKit(
            "synctest",
            [devnet_chain],
            wallet_plugins=[wallet],
            storage=FileStorage(directory=tmp_path),
            discover=False,
        ) as kit,
        pytest.raises(WalletRejected),
    ):
        kit.login(permission_level="alice@active")


def test_sync_kit_refuses_a_wrong_backend(devnet_chain: ChainDefinition) -> None:
    with pytest.raises(ConfigurationError, match="backend"):
        SessionKit("synctest", [devnet_chain], discover=False, backend="curio")
