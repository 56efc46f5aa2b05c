"""A whole story on the devnet through the page: log in choosing wallet, chain and account by
clicks (with back navigation), then approve a transfer with its countdown; it is on chain."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec
import pytest
from sessionkit import ChainDefinition, SessionKit
from sessionkit.chain import APIClient
from sessionkit.storage import MemoryStorage
from sessionkit.testing.doubles import KeyWallet
from sessionkit.ui import PromptArgs, PromptElement
from sessionkit_ui_web import WebUI

if TYPE_CHECKING:
    from sessionkit.contexts import TransactContext
    from sessionkit.esr import ResolvedSigningRequest
    from sessionkit.wallet import WalletSignResponse

    from conftest import PageDriver

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]

SCREENSHOTS = os.environ.get("SESSIONKIT_WEB_SCREENSHOTS")


class ApprovingWallet(KeyWallet):
    """A key wallet that asks the person to approve each transaction, as real wallets do."""

    id: ClassVar[str] = "approving-wallet"

    async def sign(
        self, resolved: ResolvedSigningRequest, context: TransactContext
    ) -> WalletSignResponse:
        assert context.ui is not None
        transaction = resolved.transaction
        action = transaction.actions[0]
        data = action.decode_data(await context.abi_cache.get_abi(action.account))
        await context.ui.prompt(
            PromptArgs(
                title="Approve the transfer",
                body=f"{data['from']} sends {data['quantity']} to {data['to']}",
                elements=(
                    PromptElement(
                        type="asset", data={"label": "Amount", "value": str(data["quantity"])}
                    ),
                    PromptElement(
                        type="countdown",
                        data={"label": "Expires in", "end": str(transaction.expiration)},
                    ),
                    PromptElement(type="textarea", data={"content": f"memo: {data['memo']}"}),
                    PromptElement(type="accept"),
                ),
            )
        )
        return await super().sign(resolved, context)


class OtherWallet(KeyWallet):
    id: ClassVar[str] = "other-wallet"


async def test_login_and_transfer_by_clicks_on_the_devnet(
    devnet: Any, driver: PageDriver, tmp_path: Path, act: Any, hostile: str
) -> None:
    alice = devnet.accounts["alice"]
    other = OtherWallet(alice.private_key)
    other.metadata = msgspec.structs.replace(other.metadata, name=hostile)
    chains = [
        ChainDefinition(devnet.chain_id, devnet.url, name="SessionKit devnet"),
        ChainDefinition("02" * 32, "http://127.0.0.1:9", name="Another chain"),
    ]
    ui = WebUI(opener=driver.opener)
    shots = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    page = driver.page
    run = driver.browser.run
    seen: dict[str, Any] = {}

    async def at(kind: str, shot: str | None = None) -> None:
        await driver.show()
        await run(lambda: page.wait_for_selector(f'#view ul[data-kind="{kind}"]'))
        if shot:
            await run(lambda: page.screenshot(path=str(shots / shot)))

    async def logs_in() -> None:
        await at("wallet", "login-wallet.png")
        seen["wallets"] = await run(lambda: page.inner_text("#view ul"))
        await driver.choose("wallet", "approving-wallet")
        await at("chain", "login-chain.png")
        await driver.choose("chain", str(devnet.chain_id))
        await at("permission", "login-account.png")
        seen["accounts"] = await run(lambda: page.inner_text("#view ul"))
        seen["html"] = await run(page.content)
        await driver.click("#back")  # account -> chain
        await at("chain")
        await driver.click("#back")  # chain -> wallet
        await at("wallet")
        await driver.choose("wallet", "approving-wallet")
        await at("chain")
        await driver.choose("chain", str(devnet.chain_id))
        await at("permission")
        await driver.choose("permission", "alice@active")

    async def approves() -> None:
        await driver.show(new=True)
        await run(lambda: page.wait_for_selector('#view[data-view="prompt"] .remaining'))
        seen["countdown"] = await run(lambda: page.inner_text(".remaining"))
        seen["amount"] = await run(lambda: page.inner_text('[data-element="asset"]'))
        await run(lambda: page.screenshot(path=str(shots / "transact-approve.png")))
        await driver.respond("accept")

    memo = uuid.uuid4().hex
    transfer = {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": "alice", "permission": "active"}],
        "data": {"from": "alice", "to": "bob", "quantity": "0.0100 SYS", "memo": memo},
    }
    async with (
        SessionKit(
            "web flow",
            chains,
            ui=ui,
            wallet_plugins=[ApprovingWallet(alice.private_key), other],
            storage=MemoryStorage(),
            discover=False,
        ) as kit,
        APIClient(devnet.url) as client,
    ):
        before = await client.get_currency_balance("eosio.token", "bob", "SYS")
        login = await act(logs_in, kit.login)
        assert str(login.session.permission_level) == "alice@active"
        assert login.session.chain.id == devnet.chain_id
        assert ui.hub is None  # the login's page is over
        result = await act(approves, lambda: login.session.transact(action=transfer))
        after = await client.get_currency_balance("eosio.token", "bob", "SYS")
    assert result.response is not None
    assert str(result.transaction_id) == str(result.response.transaction_id)
    assert hostile in seen["wallets"]
    assert "alice@active" in seen["accounts"]
    secret = alice.private_key
    assert secret.to_string() not in seen["html"]
    assert secret.to_wif() not in seen["html"]
    assert re.fullmatch(r"0[0-2]:[0-5]\d", seen["countdown"]), seen["countdown"]
    assert "0.0100 SYS" in seen["amount"]
    assert len(driver.urls) == 2  # one page for the login, one for the transaction
    assert driver.urls[0] != driver.urls[1]
    assert [str(a) for a in after] != [str(b) for b in before]
    assert ui.hub is None
    assert ui._listener is None
