"""How the kit keeps sessions: WharfKit's keys and JSON, defaults per chain, logout.

No chain is contacted here: sessions are persisted and restored, never used. The stored text
is compared with what the TypeScript kit writes (``JSON.stringify``: no spaces, keys in the
order ``chain, actor, permission, walletPlugin, data, default``), so either kit reads the
other's storage.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

import anyio
import pytest
from sessionkit import SessionKit
from sessionkit.errors import ConfigurationError, CorruptStorageError, InvalidValue
from sessionkit.session import Session
from sessionkit.storage import FileStorage, MemoryStorage
from sessionkit.testing.doubles import KeyWallet

if TYPE_CHECKING:
    from pathlib import Path

    from sessionkit.contexts import LogoutContext

pytestmark = pytest.mark.anyio

EOS = "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906"
JUNGLE = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"
# A published test key (the devnet's alice); no chain here ever sees it.
KEY = "PVT_K1_TSsXo6cQgnnyFRHBWUcpPYSqUwRpHrvPHLhzdgzEa5bPG8J6j"
CHAINS = [
    {"id": EOS, "url": "https://eos.example"},
    {"id": JUNGLE, "url": "https://jungle.example"},
]


class LoggingOutWallet(KeyWallet):
    """Remembers every logout it was asked for (class-wide: each session has its own copy)."""

    id = "logging-out"
    logouts: ClassVar[list[str]] = []

    async def logout(self, context: LogoutContext) -> None:
        type(self).logouts.append(f"{context.session.permission_level}/{context.app_name}")


def make_kit(storage: Any = None, wallets: list[Any] | None = None, **options: Any) -> SessionKit:
    return SessionKit(
        "persisttest",
        CHAINS,
        wallet_plugins=wallets if wallets is not None else [KeyWallet(KEY), LoggingOutWallet(KEY)],
        storage=storage if storage is not None else MemoryStorage(),
        discover=False,
        **options,
    )


def session_of(
    kit: SessionKit,
    chain: str,
    actor: str,
    permission: str = "active",
    data: dict[str, Any] | None = None,
    wallet: int = 0,
) -> Session:
    return Session(
        chain=kit.get_chain_definition(chain),
        actor=actor,
        permission=permission,
        wallet_plugin=kit.wallet_plugins[wallet].clone(),
        data=data,
    )


def stringify(value: Any) -> str:
    """JavaScript's JSON.stringify."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


async def test_persisted_text_is_what_wharfkit_writes() -> None:
    storage = MemoryStorage()
    kit = make_kit(storage)
    session = session_of(kit, JUNGLE, "alice", data={"foo": 1, "name": "Zoë"})
    await kit.persist_session(session)
    expected = (
        '{"chain":"' + JUNGLE + '","actor":"alice","permission":"active",'
        '"walletPlugin":{"id":"key-wallet","data":{}},"data":{"foo":1,"name":"Zoë"},'
        '"default":true}'
    )
    assert await storage.read("session") == expected
    assert await storage.read("sessions") == f"[{expected}]"


async def test_sessions_are_sorted_with_one_default_per_chain() -> None:
    storage = MemoryStorage()
    kit = make_kit(storage)
    for chain, actor, permission in [
        (JUNGLE, "bob", "active"),
        (EOS, "carol", "owner"),
        (JUNGLE, "alice", "owner"),
        (JUNGLE, "alice", "active"),
        (EOS, "carol", "active"),
    ]:
        await kit.persist_session(session_of(kit, chain, actor, permission))
    sessions = await kit.get_sessions()
    assert [(s["chain"], s["actor"], s["permission"], s["default"]) for s in sessions] == [
        # Sorted by chain id ("73e4..." before "aca3..."), then actor, then permission.
        (JUNGLE, "alice", "active", True),
        (JUNGLE, "alice", "owner", False),
        (JUNGLE, "bob", "active", False),
        (EOS, "carol", "active", True),
        (EOS, "carol", "owner", False),
    ]
    default = json.loads(await storage.read("session") or "")
    assert (default["chain"], default["actor"], default["permission"]) == (
        EOS,
        "carol",
        "active",
    )


async def test_persisting_again_replaces_the_entry() -> None:
    storage = MemoryStorage()
    kit = make_kit(storage)
    await kit.persist_session(session_of(kit, EOS, "alice", data={"v": 1}))
    await kit.persist_session(session_of(kit, EOS, "alice", data={"v": 2}))
    sessions = await kit.get_sessions()
    assert [s["data"] for s in sessions] == [{"v": 2}]


async def test_set_as_default_false_leaves_other_defaults_alone() -> None:
    # WharfKit clears the chain's default even when told not to make this one the default.
    kit = make_kit()
    await kit.persist_session(session_of(kit, EOS, "alice"))
    await kit.persist_session(session_of(kit, EOS, "bob"), set_as_default=False)
    flags = {s["actor"]: s["default"] for s in await kit.get_sessions()}
    assert flags == {"alice": True, "bob": False}
    # Persisting the default again without set_as_default keeps it the default.
    await kit.persist_session(session_of(kit, EOS, "alice", data={"x": 1}), set_as_default=False)
    flags = {s["actor"]: s["default"] for s in await kit.get_sessions()}
    assert flags == {"alice": True, "bob": False}
    default = await kit.restore(set_as_default=False)
    assert default is not None
    assert default.data == {"x": 1}
    with pytest.raises(InvalidValue, match="set_as_default"):
        await kit.persist_session(session_of(kit, EOS, "alice"), set_as_default=1)  # type: ignore[arg-type]


async def test_get_sessions_lists_only_available_wallets() -> None:
    storage = MemoryStorage()
    both = make_kit(storage)
    await both.persist_session(session_of(both, EOS, "alice", wallet=0))
    await both.persist_session(session_of(both, EOS, "bob", wallet=1))
    only_key_wallet = make_kit(storage, [KeyWallet(KEY)])
    assert [s["actor"] for s in await only_key_wallet.get_sessions()] == ["alice"]
    assert [s["actor"] for s in await both.get_sessions()] == ["alice", "bob"]


async def test_logout_of_one_session() -> None:
    LoggingOutWallet.logouts.clear()
    storage = MemoryStorage()
    kit = make_kit(storage)
    alice = session_of(kit, EOS, "alice", wallet=1)
    bob = session_of(kit, JUNGLE, "bob", wallet=1)
    await kit.persist_session(alice)
    await kit.persist_session(bob)
    await kit.logout(bob)
    assert LoggingOutWallet.logouts == ["bob@active/persisttest"]
    assert [s["actor"] for s in await kit.get_sessions()] == ["alice"]
    # bob was the default: the default is gone; alice stays her chain's default.
    assert await storage.read("session") is None
    restored = await kit.restore({"chain": EOS})
    assert restored is not None
    assert restored.actor == "alice"


async def test_logout_of_a_serialized_session_keeps_the_default_of_others() -> None:
    LoggingOutWallet.logouts.clear()
    storage = MemoryStorage()
    kit = make_kit(storage)
    alice = session_of(kit, EOS, "alice", wallet=1)
    await kit.persist_session(session_of(kit, EOS, "bob", wallet=1))
    await kit.persist_session(alice)
    await kit.logout({**session_of(kit, EOS, "bob", wallet=1).serialize(), "default": False})
    assert LoggingOutWallet.logouts == ["bob@active/persisttest"]
    assert json.loads(await storage.read("session") or "")["actor"] == "alice"


async def test_logout_of_everyone_calls_every_wallet() -> None:
    LoggingOutWallet.logouts.clear()
    storage = MemoryStorage()
    kit = make_kit(storage)
    for chain, actor in [(EOS, "alice"), (JUNGLE, "bob"), (JUNGLE, "carol")]:
        await kit.persist_session(session_of(kit, chain, actor, wallet=1))
    await kit.persist_session(session_of(kit, EOS, "dave", wallet=0))
    await kit.logout()
    assert sorted(LoggingOutWallet.logouts) == [
        "alice@active/persisttest",
        "bob@active/persisttest",
        "carol@active/persisttest",
    ]
    assert await storage.read("session") is None
    assert await storage.read("sessions") is None
    assert await kit.get_sessions() == []
    assert await kit.restore() is None


async def test_logout_keeps_entries_of_wallets_this_kit_lacks() -> None:
    # WharfKit drops them from storage as a side effect; another app may still need them.
    storage = MemoryStorage()
    full = make_kit(storage)
    await full.persist_session(session_of(full, EOS, "alice", wallet=0))
    await full.persist_session(session_of(full, EOS, "bob", wallet=1))
    partial = make_kit(storage, [KeyWallet(KEY)])
    await partial.logout(session_of(full, EOS, "alice", wallet=0))
    assert [s["actor"] for s in await full.get_sessions()] == ["bob"]
    # A session of a missing wallet can still be logged out (without the wallet's logout).
    await partial.logout(session_of(full, EOS, "bob", wallet=1).serialize())
    assert await full.get_sessions() == []


async def test_file_storage_is_shared_by_kits_of_one_app(tmp_path: Path) -> None:
    first = make_kit(FileStorage(app_name="persisttest", directory=tmp_path))
    await first.persist_session(session_of(first, JUNGLE, "alice", data={"n": 1}))
    second = make_kit(FileStorage(app_name="persisttest", directory=tmp_path))
    restored = await second.restore()
    assert restored is not None
    assert restored.serialize() == session_of(first, JUNGLE, "alice", data={"n": 1}).serialize()


async def test_default_storage_is_a_file_under_sessionkit_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SESSIONKIT_HOME", str(tmp_path))
    kit = SessionKit("homeapp", CHAINS, wallet_plugins=[KeyWallet(KEY)], discover=False)
    assert isinstance(kit.storage, FileStorage)
    await kit.persist_session(session_of(kit, EOS, "alice"))
    assert kit.storage.directory == tmp_path / "homeapp"
    assert "alice" in (await anyio.Path(kit.storage.path).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("sessions", "[{", "not JSON"),
        ("sessions", '{"chain": 1}', "not a list"),
        ("sessions", '[{"chain": "zz", "actor": "a", "permission": "b"}]', "invalid field|needs"),
        ("sessions", json.dumps([{"chain": EOS, "actor": "a", "permission": "p"}]), "walletPlugin"),
        ("session", "{", "does not parse"),
    ],
)  # fmt: skip
async def test_corrupt_storage_is_an_error_and_is_left_as_is(
    key: str, value: str, message: str
) -> None:
    storage = MemoryStorage({key: value})
    kit = make_kit(storage)
    with pytest.raises(CorruptStorageError, match=message) as caught:
        await kit.persist_session(session_of(kit, EOS, "alice"))
    assert f"key {key!r}" in caught.value.location
    assert await storage.read(key) == value
    reading = kit.get_sessions if key == "sessions" else kit.restore
    with pytest.raises(CorruptStorageError):
        await reading()
    assert await storage.read(key) == value


async def test_kit_options_are_checked() -> None:
    with pytest.raises(ConfigurationError, match="app_name"):
        SessionKit("", CHAINS, discover=False)
    with pytest.raises(ConfigurationError, match="non-empty list"):
        SessionKit("x", [], discover=False)
    with pytest.raises(ConfigurationError, match="non-empty list"):
        SessionKit("x", CHAINS[0], discover=False)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="more than once"):
        SessionKit("x", [CHAINS[0], CHAINS[0]], discover=False)
    with pytest.raises(ConfigurationError, match=r"wallet_plugins=\[\.\.\.\]"):
        SessionKit("x", CHAINS, wallet_plugins=KeyWallet(KEY), discover=False)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="more than once"):
        SessionKit("x", CHAINS, wallet_plugins=[KeyWallet(KEY), KeyWallet(KEY)], discover=False)
    with pytest.raises(ConfigurationError, match="not 42"):
        SessionKit("x", CHAINS, wallet_plugins=[42], discover=False)  # type: ignore[list-item]
    with pytest.raises(ConfigurationError, match="no wallet plugin 'nowhere' is installed"):
        SessionKit("x", CHAINS, wallet_plugins=["nowhere"], discover=False)
    with pytest.raises(ConfigurationError, match="UserInterface"):
        SessionKit("x", CHAINS, ui=3, discover=False)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="SessionStorage"):
        SessionKit("x", CHAINS, storage={}, discover=False)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"httpx\.AsyncClient"):
        SessionKit("x", CHAINS, http_client=object(), discover=False)  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="allow_modify"):
        SessionKit("x", CHAINS, allow_modify="no", discover=False)  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="expire_seconds"):
        SessionKit("x", CHAINS, expire_seconds=0, discover=False)


async def test_set_endpoint_moves_new_sessions_only() -> None:
    kit = make_kit()
    before = session_of(kit, EOS, "alice")
    await kit.persist_session(before)
    kit.set_endpoint(EOS, "https://other.example")
    after = await kit.restore()
    assert after is not None
    assert after.chain.urls == ("https://other.example",)
    assert before.chain.urls == ("https://eos.example",)
    with pytest.raises(ConfigurationError, match="no chain with id"):
        kit.set_endpoint("00" * 32, "https://x.example")
    before.set_endpoint("https://mine.example")
    assert before.chain.urls == ("https://mine.example",)
    assert after.chain.urls == ("https://other.example",)
    await before.aclose()


async def test_data_json_cannot_hold_is_refused_and_nothing_is_stored() -> None:
    storage = MemoryStorage()
    kit = make_kit(storage)
    await kit.persist_session(session_of(kit, EOS, "alice"))
    before = await storage.read("session"), await storage.read("sessions")
    for bad in ({"when": {1, 2}}, {"ratio": float("inf")}, {"obj": object()}):
        with pytest.raises(InvalidValue, match="must be JSON"):
            await kit.persist_session(session_of(kit, EOS, "bob", data=bad))
    assert (await storage.read("session"), await storage.read("sessions")) == before


async def test_a_stored_default_missing_from_the_list_still_restores() -> None:
    # Another kit wrote only the 'session' key: the default restores, and is then listed.
    entry = {
        "chain": EOS,
        "actor": "alice",
        "permission": "active",
        "walletPlugin": {"id": "key-wallet", "data": {}},
        "default": True,
    }
    storage = MemoryStorage({"session": stringify(entry)})
    kit = make_kit(storage)
    restored = await kit.restore()
    assert restored is not None
    assert restored.actor == "alice"
    assert [s["actor"] for s in await kit.get_sessions()] == ["alice"]
