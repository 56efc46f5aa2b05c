"""An app using the console interface: two wallets, two chains, a confirmation before signing.

Run by tests/test_terminal.py in a pseudo-terminal. Reads the devnet from DEVNET_URL and
DEVNET_CHAIN_ID, alice's key from SESSIONKIT_PRIVATE_KEY; prints LOGGED IN, then SENT or
CANCELLED (exit code 130).
"""

from __future__ import annotations

import os
import sys

import anyio
from sessionkit import ChainDefinition, SessionKit, hookimpl
from sessionkit.antelope import PrivateKey
from sessionkit.chain import Chains
from sessionkit.errors import Cancelled
from sessionkit.storage import MemoryStorage
from sessionkit.testing.doubles import KeyWallet
from sessionkit.ui import PromptArgs, PromptElement
from sessionkit_ui_console import ConsoleUI
from sessionkit_wallet_privatekey import PrivateKeyWallet

DEVNET = ChainDefinition(os.environ["DEVNET_CHAIN_ID"], os.environ["DEVNET_URL"], name="Devnet")


class Confirm:
    """Asks the person before anything is signed."""

    id = "confirm"

    @hookimpl
    async def before_sign(self, context: object) -> None:
        ui = context.ui  # type: ignore[attr-defined]
        await ui.prompt(
            PromptArgs(
                title="Send 0.0001 SYS to bob?",
                elements=(
                    PromptElement(
                        type="countdown",
                        data={"label": "Answer within", "end": "2099-01-01T00:00:00"},
                    ),
                    PromptElement(type="accept"),
                ),
            )
        )


async def main() -> int:
    wallets = [PrivateKeyWallet(), KeyWallet(PrivateKey.generate())]
    async with SessionKit(
        "terminal-test",
        [Chains.Jungle4, DEVNET],
        ui=ConsoleUI(),
        wallet_plugins=wallets,
        storage=MemoryStorage(),
        transact_plugins=[Confirm()],
    ) as kit:
        session = (await kit.login()).session
        print(f"LOGGED IN {session.actor}@{session.permission} on {session.chain.name}", flush=True)
        action = {
            "account": "eosio.token",
            "name": "transfer",
            "authorization": [{"actor": session.actor, "permission": session.permission}],
            "data": {"from": session.actor, "to": "bob", "quantity": "0.0001 SYS", "memo": ""},
        }
        try:
            result = await session.transact(action=action)
        except Cancelled as exc:
            print(f"CANCELLED silent={exc.silent}", flush=True)
            return 130
        print(f"SENT {result.transaction_id}", flush=True)
        return 0


sys.exit(anyio.run(main))
