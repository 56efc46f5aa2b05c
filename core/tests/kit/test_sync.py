"""The blocking facade (`sessionkit.sync`): the same kit and sessions without ``await``, on
asyncio or trio in a background thread, with errors raised as themselves and the thread gone
once the kit is closed."""

from __future__ import annotations

import json
import threading
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from sessionkit import MemoryStorage
from sessionkit import Session as AsyncSession
from sessionkit import SessionKit as AsyncSessionKit
from sessionkit.errors import ConfigurationError, NoChoiceError
from sessionkit.sync import Session, SessionKit
from sessionkit.testing import KeyWallet

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sessionkit.chain import ChainDefinition
    from sessionkit.devnet import Devnet

CHAIN = {"id": "aa" * 32, "url": "http://127.0.0.1:9"}
STORED = {
    "chain": "aa" * 32,
    "actor": "alice",
    "permission": "active",
    "walletPlugin": {"id": "key-wallet", "data": {}},
}


@pytest.fixture(params=["asyncio", "trio"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def stored() -> MemoryStorage:
    """A store holding one session, as a kit (or WharfKit) left it."""
    entry = {**STORED, "default": True}
    return MemoryStorage({"session": json.dumps(entry), "sessions": json.dumps([entry])})


def portal_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t is not threading.current_thread()}


@pytest.fixture
def sync_kit(backend: str, stored: MemoryStorage) -> Iterator[SessionKit]:
    from sessionkit.antelope import PrivateKey

    with SessionKit(
        "sync-app",
        [CHAIN],
        wallet_plugins=[KeyWallet(PrivateKey.generate())],
        storage=stored,
        discover=False,
        backend=backend,
    ) as kit:
        yield kit


def test_it_runs_the_async_kit_on_the_chosen_backend(sync_kit: SessionKit, backend: str) -> None:
    assert isinstance(sync_kit.async_kit, AsyncSessionKit)
    assert sync_kit.app_name == "sync-app"
    assert [str(c.id) for c in sync_kit.chains] == ["aa" * 32]
    assert sync_kit.plugins == []
    assert repr(sync_kit).startswith("<sync SessionKit 'sync-app'")
    import sniffio

    async def which() -> str:
        return sniffio.current_async_library()

    assert sync_kit._portal.call(which) == backend


def test_restore_get_sessions_and_logout_block(sync_kit: SessionKit) -> None:
    (listed,) = sync_kit.get_sessions()
    assert listed == {**STORED, "default": True}
    session = sync_kit.restore()
    assert isinstance(session, Session)
    assert isinstance(session.async_session, AsyncSession)
    assert session.actor == "alice"
    assert session.serialize() == STORED
    assert repr(session).startswith("<sync Session alice@active")
    (everyone,) = sync_kit.restore_all()
    assert isinstance(everyone, Session)
    assert everyone.serialize() == STORED
    sync_kit.logout(session)
    assert sync_kit.get_sessions() == []
    assert sync_kit.restore() is None


def test_persist_session_takes_a_sync_or_an_async_session(sync_kit: SessionKit) -> None:
    session = sync_kit.restore()
    assert session is not None
    sync_kit.logout()
    assert sync_kit.get_sessions() == []
    sync_kit.persist_session(session, set_as_default=False)
    assert [s["default"] for s in sync_kit.get_sessions()] == [False]
    sync_kit.persist_session(session.async_session)
    assert [s["default"] for s in sync_kit.get_sessions()] == [True]


def test_other_coroutine_methods_block_too(sync_kit: SessionKit) -> None:
    session = sync_kit.restore()
    assert session is not None
    assert session.aclose() is None
    assert sync_kit.aclose() is None
    assert sync_kit.get_chain_definition("aa" * 32).id == session.chain_id


def test_errors_are_raised_as_themselves(backend: str) -> None:
    from sessionkit.antelope import PrivateKey

    wallets = [KeyWallet(PrivateKey.generate()), _OtherWallet(PrivateKey.generate())]
    with SessionKit(
        "sync-app",
        [CHAIN],
        wallet_plugins=wallets,
        storage=MemoryStorage(),
        discover=False,
        backend=backend,
    ) as kit:
        with pytest.raises(NoChoiceError) as caught:
            kit.login()
        assert caught.value.choice == "wallet"


class _OtherWallet(KeyWallet):
    id = "other-wallet"


def test_a_bad_argument_fails_in_the_constructor_and_leaves_no_thread(backend: str) -> None:
    before = portal_threads()
    with pytest.raises(ConfigurationError, match="chains="):
        SessionKit("sync-app", [], backend=backend)
    assert portal_threads() <= before


def test_close_stops_the_thread_and_later_calls_fail_clearly(backend: str) -> None:
    before = portal_threads()
    kit = SessionKit("sync-app", [CHAIN], storage=MemoryStorage(), discover=False, backend=backend)
    assert len(portal_threads() - before) >= 1
    kit.close()
    kit.close()  # twice is fine
    assert portal_threads() <= before
    with pytest.raises(ConfigurationError, match="this SessionKit is closed; make a new one"):
        kit.get_sessions()


def test_it_works_where_an_event_loop_already_runs() -> None:
    """A notebook cell runs inside a running loop that it cannot await: the facade still works."""
    import anyio

    async def cell() -> list[dict[str, Any]]:
        with SessionKit("sync-app", [CHAIN], storage=MemoryStorage(), discover=False) as kit:
            return kit.get_sessions()

    assert anyio.run(cell) == []


# -- on the devnet ---------------------------------------------------------------------------------


@pytest.mark.devnet
def test_login_transact_sign_and_restore_without_await(
    devnet: Devnet, devnet_chain: ChainDefinition, backend: str
) -> None:
    key = devnet.accounts["alice"].private_key
    storage = MemoryStorage()
    with SessionKit(
        "sync-app",
        [devnet_chain],
        wallet_plugins=[KeyWallet(key)],
        storage=storage,
        discover=False,
        backend=backend,
    ) as kit:
        result = kit.login(permission_level="alice@active")
        session = result.session
        assert isinstance(session, Session)
        assert str(result.permission_level) == "alice@active"
        memo = uuid.uuid4().hex
        transfer = {
            "account": "eosio.token",
            "name": "transfer",
            "authorization": [{"actor": "alice", "permission": "active"}],
            "data": {"from": "alice", "to": "bob", "quantity": "0.0001 SYS", "memo": memo},
        }
        sent = session.transact(action=transfer)
        assert sent.response is not None
        assert sent.response.transaction_id == sent.transaction_id
        unsigned = session.transact(action=transfer, broadcast=False)
        signatures = session.sign_transaction(unsigned.transaction)
        digest = unsigned.transaction.signing_digest(devnet_chain.id)
        assert [str(s.recover(digest)) for s in signatures] == [str(key.public_key)]
    with SessionKit(
        "sync-app", [devnet_chain], wallet_plugins=[KeyWallet(key)], storage=storage, discover=False
    ) as again:
        restored = again.restore()
        assert restored is not None
        assert restored.serialize() == session.serialize()


def test_a_script_that_never_closes_its_kit_still_exits(backend: str) -> None:
    import subprocess
    import sys

    script = (
        "from sessionkit import MemoryStorage\n"
        "from sessionkit.sync import SessionKit\n"
        f"kit = SessionKit('s', [{CHAIN!r}], storage=MemoryStorage(), discover=False, "
        f"backend={backend!r})\n"
        "print(kit.get_sessions())\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "[]\n"


def test_an_unknown_backend_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="backend is 'asyncio' or 'trio', not 'curio'"):
        SessionKit("sync-app", [CHAIN], backend="curio")
