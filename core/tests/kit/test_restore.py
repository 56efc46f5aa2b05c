"""Restoring sessions: the default, a named one, all of them, one the TypeScript kit stored,
one from a URL, and one in a new process; restored sessions transact on the devnet.

Sessions "stored by the TypeScript kit" are written here by hand, exactly as WharfKit 1.7 keeps
them in ``localStorage`` (reference sections 6 and 11): the keys ``session`` and ``sessions``,
``JSON.stringify`` text, and the private-key wallet's ``{"privateKey": "PVT_K1_..."}`` data.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
import uuid
from typing import TYPE_CHECKING, Any, ClassVar

import anyio
import pytest
from sessionkit import SessionKit
from sessionkit.antelope import PrivateKey
from sessionkit.errors import ConfigurationError, InvalidValue, SessionNotFound
from sessionkit.session import decode_session
from sessionkit.storage import FileStorage, MemoryStorage, SessionStorage
from sessionkit.testing.doubles import KeyWallet
from sessionkit.wallet import WalletLoginResponse, WalletPlugin, WalletSignResponse

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

    from sessionkit.chain import ChainDefinition
    from sessionkit.contexts import LoginContext, TransactContext
    from sessionkit.devnet import Devnet
    from sessionkit.esr import ResolvedSigningRequest
    from sessionkit.storage import Values

pytestmark = pytest.mark.anyio

EOS = "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906"
JUNGLE = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"
OTHER_CHAINS = [
    {"id": EOS, "url": "https://eos.example"},
    {"id": JUNGLE, "url": "https://j.example"},
]


class WharfPrivateKeyWallet(WalletPlugin):
    """WharfKit's private-key wallet as the reference describes it (section 7): the key lives
    in ``data["privateKey"]`` and is what signs after a restore."""

    id: ClassVar[str] = "wallet-plugin-privatekey"

    def __init__(self, key: PrivateKey | None = None) -> None:
        super().__init__()
        if key is not None:
            self.data = {"privateKey": key.to_string()}

    def restore(self, data: Mapping[str, Any]) -> None:
        key = data.get("privateKey")
        if not isinstance(key, str):
            raise InvalidValue("the stored private-key session has no 'privateKey'")
        PrivateKey.from_string(key)
        super().restore(data)

    async def login(self, context: LoginContext) -> WalletLoginResponse:
        assert context.permission_level is not None
        chain = context.chain or context.chains[0]
        return WalletLoginResponse(chain=chain.id, permission_level=context.permission_level)

    async def sign(
        self, resolved: ResolvedSigningRequest, context: TransactContext
    ) -> WalletSignResponse:
        key = PrivateKey.from_string(self.data["privateKey"])
        return WalletSignResponse(signatures=[key.sign_digest(resolved.signing_digest)])


def stringify(value: Any) -> str:
    """JavaScript's JSON.stringify."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def wharf_entry(
    chain: str, actor: str, key: PrivateKey | None, *, data: Any = None, default: bool
) -> dict[str, Any]:
    """One session as WharfKit 1.7 stores it, key order included."""
    entry: dict[str, Any] = {
        "chain": chain,
        "actor": actor,
        "permission": "active",
        "walletPlugin": {
            "id": "wallet-plugin-privatekey",
            "data": {"privateKey": key.to_string()} if key else {},
        },
    }
    if data is not None:
        entry["data"] = data
    entry["default"] = default
    return entry


def transfer(sender: str, to: str, quantity: str) -> dict[str, Any]:
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": sender, "permission": "active"}],
        "data": {"from": sender, "to": to, "quantity": quantity, "memo": uuid.uuid4().hex},
    }


@pytest.mark.devnet
async def test_sessions_stored_by_the_typescript_kit_restore_and_transact(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    alice, bob = devnet.accounts["alice"], devnet.accounts["bob"]
    chain = str(devnet.chain_id)
    # Sorted as WharfKit sorts them: by chain, then actor, then permission.
    entries = sorted(
        [
            wharf_entry(chain, "alice", alice.private_key, data={"foo": 1}, default=True),
            wharf_entry(chain, "bob", bob.private_key, default=False),
            wharf_entry(EOS, "carol", PrivateKey.generate(), default=True),
        ],
        key=lambda e: (e["chain"], e["actor"], e["permission"]),
    )
    session_text = stringify(entries[[e["actor"] for e in entries].index("alice")])
    sessions_text = stringify(entries)
    storage = MemoryStorage({"session": session_text, "sessions": sessions_text})
    kit = SessionKit(
        "wharfapp",
        [devnet_chain, {"id": EOS, "url": "https://eos.example"}],
        wallet_plugins=[WharfPrivateKeyWallet()],
        storage=storage,
        discover=False,
    )
    async with kit:
        session = await kit.restore()
        assert session is not None
        assert (session.actor, session.data) == ("alice", {"foo": 1})
        # The key stored with the session signs (not the kit's wallet instance, which has none).
        result = await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
        assert result.response is not None
        digest = result.resolved.signing_digest
        assert result.signatures[0].recover(digest) == alice.public_key

        # Re-serialized, each session is the dict WharfKit stored, minus the default flag.
        restored = await kit.restore_all()
        assert [s.serialize() for s in restored] == [
            {k: v for k, v in e.items() if k != "default"} for e in entries
        ]
        bob_session = next(s for s in restored if s.actor == "bob")
        bob_result = await bob_session.transact(action=transfer("bob", "alice", "0.0001 SYS"))
        assert bob_result.signatures[0].recover(bob_result.resolved.signing_digest) == (
            bob.public_key
        )
        # Each restored session kept its own key: the wallet state is not shared.
        assert session.wallet_plugin is not bob_session.wallet_plugin
        assert session.wallet_plugin.data["privateKey"] == alice.private_key.to_string()

        # restore_all changed nothing; restoring alice again rewrites the same text.
        assert await storage.read("session") == session_text
        assert await storage.read("sessions") == sessions_text
        await kit.restore({"chain": chain, "actor": "alice", "permission": "active"})
        assert await storage.read("session") == session_text
        assert await storage.read("sessions") == sessions_text


async def test_restore_finds_the_default_a_chain_default_or_a_named_session() -> None:
    entries = [
        wharf_entry(JUNGLE, "alice", None, default=True),
        wharf_entry(JUNGLE, "bob", None, default=False),
        wharf_entry(EOS, "carol", None, default=True),
        wharf_entry(EOS, "dave", None, default=False),
    ]
    storage = MemoryStorage({"session": stringify(entries[2]), "sessions": stringify(entries)})
    kit = SessionKit(
        "restoretest",
        OTHER_CHAINS,
        wallet_plugins=[KeyWallet(PrivateKey.generate())],
        storage=storage,
        discover=False,
    )
    for entry in entries:
        entry["walletPlugin"]["id"] = "key-wallet"
    await storage.write("session", stringify(entries[2]))
    await storage.write("sessions", stringify(entries))

    default = await kit.restore(set_as_default=False)
    assert default is not None
    assert default.actor == "carol"
    jungle_default = await kit.restore({"chain": JUNGLE}, set_as_default=False)
    assert jungle_default is not None
    assert jungle_default.actor == "alice"
    chain_definition = kit.get_chain_definition(JUNGLE)
    for chain in (JUNGLE, chain_definition, {"id": JUNGLE}):
        named = await kit.restore(
            {"chain": chain, "actor": "bob", "permission": "active"}, set_as_default=False
        )
        assert named is not None
        assert named.actor == "bob"
    assert await storage.read("session") == stringify(entries[2])

    # Restoring bob with the default setting makes him the default, of his chain too.
    await kit.restore({"chain": JUNGLE, "actor": "bob", "permission": "active"})
    assert json.loads(await storage.read("session") or "")["actor"] == "bob"
    flags = {(s["actor"]): s["default"] for s in await kit.get_sessions()}
    assert flags == {"alice": False, "bob": True, "carol": True, "dave": False}

    # restore_all leaves the default where it is (WharfKit moves it to the last entry).
    before = await storage.read("session"), await storage.read("sessions")
    assert [s.actor for s in await kit.restore_all()] == ["alice", "bob", "carol", "dave"]
    assert (await storage.read("session"), await storage.read("sessions")) == before


async def test_restore_errors_say_what_is_missing() -> None:
    storage = MemoryStorage()
    kit = SessionKit(
        "restoretest",
        OTHER_CHAINS,
        wallet_plugins=[KeyWallet(PrivateKey.generate())],
        storage=storage,
        discover=False,
    )
    assert await kit.restore() is None
    with pytest.raises(SessionNotFound, match="no alice@active is stored") as caught:
        await kit.restore({"chain": EOS, "actor": "alice", "permission": "active"})
    assert "walletPlugin" in str(caught.value)
    with pytest.raises(SessionNotFound, match="no default session"):
        await kit.restore({"chain": EOS})
    with pytest.raises(InvalidValue, match="needs the session's 'chain'"):
        await kit.restore({"actor": "alice"})
    with pytest.raises(InvalidValue, match="takes a dict"):
        await kit.restore("alice@active")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="not a chain id"):
        await kit.restore({"chain": "nope"})
    unknown_wallet = {
        "chain": EOS,
        "actor": "alice",
        "permission": "active",
        "walletPlugin": {"id": "wallet-plugin-anchor", "data": {}},
    }
    with pytest.raises(ConfigurationError, match=r"'wallet-plugin-anchor'.*install it"):
        await kit.restore(unknown_wallet)
    unknown_chain = {**unknown_wallet, "chain": "00" * 32, "walletPlugin": {"id": "key-wallet"}}
    with pytest.raises(ConfigurationError, match="no chain with id 0000"):
        await kit.restore(unknown_chain)
    assert await storage.read("sessions") is None


async def test_a_whole_session_restores_when_not_stored_and_is_then_persisted() -> None:
    storage = MemoryStorage()
    kit = SessionKit(
        "restoretest",
        OTHER_CHAINS,
        wallet_plugins=[KeyWallet(PrivateKey.generate())],
        storage=storage,
        discover=False,
    )
    given = {
        "chain": EOS,
        "actor": "alice",
        "permission": "active",
        "walletPlugin": {"id": "key-wallet", "data": {"slot": 2}},
        "data": {"theme": "dark"},
    }
    session = await kit.restore(given)
    assert session is not None
    assert session.serialize() == given
    assert session.wallet_plugin.data == {"slot": 2}
    assert json.loads(await storage.read("session") or "") == {**given, "default": True}


async def test_restore_all_skips_what_cannot_be_restored(caplog: pytest.LogCaptureFixture) -> None:
    entries = [
        {**wharf_entry(EOS, "alice", None, default=True), "walletPlugin": {"id": "key-wallet"}},
        {**wharf_entry("11" * 32, "bob", None, default=True), "walletPlugin": {"id": "key-wallet"}},
    ]
    kit = SessionKit(
        "restoretest",
        OTHER_CHAINS,
        wallet_plugins=[KeyWallet(PrivateKey.generate())],
        storage=MemoryStorage({"sessions": stringify(entries)}),
        discover=False,
    )
    restored = await kit.restore_all()
    assert [s.actor for s in restored] == ["alice"]
    assert "could not restore bob@active" in caplog.text


async def test_a_wallet_refusing_its_stored_data_is_an_error() -> None:
    entry = wharf_entry(EOS, "alice", None, default=True)  # no privateKey in its data
    kit = SessionKit(
        "restoretest",
        OTHER_CHAINS,
        wallet_plugins=[WharfPrivateKeyWallet()],
        storage=MemoryStorage({"session": stringify(entry), "sessions": stringify([entry])}),
        discover=False,
    )
    with pytest.raises(InvalidValue, match="no 'privateKey'"):
        await kit.restore()
    assert await kit.restore_all() == []


@pytest.mark.devnet
async def test_a_session_from_a_url_restores(devnet: Devnet, devnet_chain: ChainDefinition) -> None:
    key = devnet.accounts["alice"].private_key
    sender = SessionKit(
        "urlapp",
        [devnet_chain],
        wallet_plugins=[WharfPrivateKeyWallet(key)],
        storage=MemoryStorage(),
        discover=False,
    )
    async with sender:
        session = (await sender.login(permission_level="alice@active")).session
        session.data["referrer"] = "mail"
        hex_text = session.encode("url")
    receiver = SessionKit(
        "urlapp",
        [devnet_chain],
        wallet_plugins=[WharfPrivateKeyWallet()],
        storage=MemoryStorage(),
        discover=False,
    )
    async with receiver:
        restored = await receiver.restore(decode_session(hex_text))
        assert restored is not None
        assert restored.serialize() == session.serialize()
        assert restored.encode("url") == hex_text
        result = await restored.transact(action=transfer("alice", "carol", "0.0001 SYS"))
        assert result.response is not None


@pytest.mark.devnet
async def test_restore_in_a_new_process(
    devnet: Devnet, devnet_chain: ChainDefinition, tmp_path: Path
) -> None:
    key = devnet.accounts["alice"].private_key
    kit = SessionKit(
        "processapp",
        [devnet_chain],
        wallet_plugins=[KeyWallet(key)],
        storage=FileStorage(directory=tmp_path),
        discover=False,
    )
    async with kit:
        await kit.login(permission_level="alice@active")
    script = textwrap.dedent(
        """
        import json, os, sys, uuid
        from sessionkit.sync import SessionKit
        from sessionkit.storage import FileStorage
        from sessionkit.testing.doubles import KeyWallet

        chain = {"id": os.environ["DEVNET_CHAIN_ID"], "url": os.environ["DEVNET_URL"]}
        wallet = KeyWallet(os.environ["KEY"])
        storage = FileStorage(directory=sys.argv[1])
        with SessionKit("processapp", [chain], wallet_plugins=[wallet], storage=storage,
                        discover=False) as kit:
            session = kit.restore()
            result = session.transact(action={
                "account": "eosio.token", "name": "transfer",
                "authorization": [{"actor": "alice", "permission": "active"}],
                "data": {"from": "alice", "to": "dave", "quantity": "0.0001 SYS",
                         "memo": uuid.uuid4().hex},
            })
            print(json.dumps({"session": session.serialize(),
                              "tx": str(result.transaction_id)}))
        """
    )
    env = {
        **os.environ,
        "DEVNET_URL": devnet.url,
        "DEVNET_CHAIN_ID": str(devnet.chain_id),
        "KEY": key.to_string(),
    }
    with anyio.fail_after(120):
        done = await anyio.run_process(
            [sys.executable, "-c", script, str(tmp_path)], env=env, check=False
        )
    assert done.returncode == 0, done.stderr.decode()
    out = json.loads(done.stdout)
    assert out["session"] == {
        "chain": str(devnet.chain_id),
        "actor": "alice",
        "permission": "active",
        "walletPlugin": {"id": "key-wallet", "data": {}},
    }
    async with devnet.client() as client:
        status = await client.get_transaction_status(out["tx"])
    assert status is not None


async def test_wallet_data_given_to_restore_replaces_the_stored_data() -> None:
    # As in WharfKit: a session arriving with fresh wallet data (a new channel) restores the
    # stored session with that data; the session's own data stays the stored one.
    stored = {
        "chain": EOS,
        "actor": "alice",
        "permission": "active",
        "walletPlugin": {"id": "key-wallet", "data": {"channel": "old"}},
        "data": {"theme": "dark"},
        "default": True,
    }
    storage = MemoryStorage({"session": stringify(stored), "sessions": stringify([stored])})
    kit = SessionKit(
        "restoretest",
        OTHER_CHAINS,
        wallet_plugins=[KeyWallet(PrivateKey.generate())],
        storage=storage,
        discover=False,
    )
    fresh = {
        **{k: stored[k] for k in ("chain", "actor", "permission")},
        "walletPlugin": {"id": "key-wallet", "data": {"channel": "new"}},
        "data": {"theme": "light"},
    }
    session = await kit.restore(fresh)
    assert session is not None
    assert session.wallet_plugin.data == {"channel": "new"}
    assert session.data == {"theme": "dark"}
    assert json.loads(await storage.read("session") or "")["walletPlugin"]["data"] == {
        "channel": "new"
    }
    # Data for another wallet, or none, leaves the stored data alone.
    other = {**fresh, "walletPlugin": {"id": "anchor", "data": {"channel": "x"}}}
    again = await kit.restore(other)
    assert again is not None
    assert again.wallet_plugin.data == {"channel": "new"}
    with pytest.raises(InvalidValue, match=r"walletPlugin\.data"):
        await kit.restore({**fresh, "walletPlugin": {"id": "key-wallet", "data": [1]}})


class BrowserLocalStorage(SessionStorage):
    """WharfKit's ``BrowserLocalStorage`` over a dict standing for a browser's localStorage:
    key ``k`` lives at ``wharf-<prefix>-k`` (so ``wharf--session`` without a prefix)."""

    def __init__(self, local_storage: dict[str, str], prefix: str = "") -> None:
        self.local_storage = local_storage
        self.prefix = prefix

    def _key(self, key: str) -> str:
        return f"wharf-{self.prefix}-{key}"

    async def read(self, key: str) -> str | None:
        return self.local_storage.get(self._key(key))

    async def write(self, key: str, value: str) -> None:
        self.local_storage[self._key(key)] = value

    async def remove(self, key: str) -> None:
        self.local_storage.pop(self._key(key), None)

    async def update(
        self, keys: Sequence[str], change: Callable[[Values], Values]
    ) -> dict[str, str | None]:
        current = {key: await self.read(key) for key in keys}
        for key, value in change(current).items():
            if value is None:
                await self.remove(key)
            else:
                await self.write(key, value)
        return {key: await self.read(key) for key in keys}


async def test_a_browsers_local_storage_loads_as_it_is_and_stays_readable_by_wharfkit() -> None:
    alice = wharf_entry(JUNGLE, "alice", PrivateKey.generate(), data={"foo": 1}, default=True)
    bob = wharf_entry(JUNGLE, "bob", PrivateKey.generate(), default=False)
    local_storage = {
        "wharf--session": stringify(alice),
        "wharf--sessions": stringify([alice, bob]),
        "wharf-web.renderer-settings": '{"theme":"dark"}',  # the web renderer's own key
    }
    kit = SessionKit(
        "browserapp",
        OTHER_CHAINS,
        wallet_plugins=[WharfPrivateKeyWallet()],
        storage=BrowserLocalStorage(local_storage),
        discover=False,
    )
    session = await kit.restore()
    assert session is not None
    assert session.serialize() == {k: v for k, v in alice.items() if k != "default"}
    # Making bob the default rewrites both keys as WharfKit would have written them.
    await kit.restore({"chain": JUNGLE, "actor": "bob", "permission": "active"})
    flipped = [{**alice, "default": False}, {**bob, "default": True}]
    assert local_storage == {
        "wharf--session": stringify({**bob, "default": True}),
        "wharf--sessions": stringify(flipped),
        "wharf-web.renderer-settings": '{"theme":"dark"}',
    }
