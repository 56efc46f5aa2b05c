"""The kit on Redis: sessions shared by kits and processes, nothing lost under concurrency."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread
import pytest
from sessionkit import SessionKit
from sessionkit.antelope import PrivateKey
from sessionkit.errors import ConfigurationError
from sessionkit.testing.doubles import KeyWallet
from sessionkit_storage_redis import RedisStorage

if TYPE_CHECKING:
    from pathlib import Path

    from sessionkit.devnet import Devnet
    from sessionkit.storage import SessionStorage
    from sessionkit_storage_redis.testing import RedisServer

pytestmark = pytest.mark.anyio

CHAIN_ID = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"
OFFLINE_CHAIN = {"id": CHAIN_ID, "url": "http://127.0.0.1:9"}
KEY = PrivateKey.generate().to_string()


def stored(actor: str, secret: str = "") -> dict[str, Any]:
    """A serialized session of the test wallet, as an app restores it."""
    return {
        "chain": CHAIN_ID,
        "actor": actor,
        "permission": "active",
        "walletPlugin": {"id": "key-wallet", "data": {"requestKey": secret} if secret else {}},
    }


def offline_kit(app_name: str, storage: SessionStorage | str) -> SessionKit:
    """A kit on the offline chain with the test key's wallet, storing in ``storage``."""
    return SessionKit(app_name, [OFFLINE_CHAIN], wallet_plugins=[KeyWallet(KEY)], storage=storage)


def actor_name(worker: int, n: int) -> str:
    """An Antelope account name for worker ``worker``'s ``n``th session (letters only)."""
    return "w" + chr(97 + worker) + chr(97 + n // 26) + chr(97 + n % 26)


async def test_a_session_persisted_by_one_kit_is_restored_by_another(
    redis_server: RedisServer, app_name: str
) -> None:
    storage = RedisStorage(url=redis_server.url, app_name=app_name)
    async with offline_kit(app_name, storage) as first:
        session = await first.restore(stored("alice", secret="channel-key"))
        assert session is not None
    other = RedisStorage(url=redis_server.url, app_name=app_name)
    async with offline_kit(app_name, other) as second:
        restored = await second.restore()
        assert restored is not None
        assert str(restored.actor) == "alice"
        assert restored.wallet_plugin.data == {"requestKey": "channel-key"}
        await second.logout()
    assert await storage.read("sessions") is None
    assert await storage.read("session") is None


async def test_storage_redis_resolves_through_the_entry_point_and_the_environment(
    redis_server: RedisServer, app_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SESSIONKIT_REDIS_URL", redis_server.url)
    monkeypatch.setenv("SESSIONKIT_REDIS_PREFIX", "envprefix")
    monkeypatch.setenv("SESSIONKIT_REDIS_KEY", RedisStorage.generate_key())
    monkeypatch.setenv("SESSIONKIT_REDIS_TTL", "600")
    async with offline_kit(app_name, "redis") as kit:
        assert isinstance(kit.storage, RedisStorage)
        assert kit.storage.app_name == app_name
        assert kit.storage.prefix == "envprefix"
        assert kit.storage.encrypted
        assert kit.storage.ttl == 600
        await kit.restore(stored("bob"))
        assert [s["actor"] for s in await kit.get_sessions()] == ["bob"]
    raw = _redis_cli(redis_server, "GET", f"envprefix:{{{app_name}}}:sessions")
    assert raw.startswith("$sessionkit-aesgcm$1$")
    assert "bob" not in raw
    ttl = int(_redis_cli(redis_server, "TTL", f"envprefix:{{{app_name}}}:sessions"))
    assert 590 <= ttl <= 600


def _other_clients(server: RedisServer) -> int:
    """Connections to ``server`` besides the ``redis-cli`` asking."""
    listed = _redis_cli(server, "CLIENT", "LIST").splitlines()
    return sum(1 for line in listed if "cmd=client|list" not in line)


async def test_a_kit_holds_the_storage_it_made_open_for_its_block(
    redis_server: RedisServer, app_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SESSIONKIT_REDIS_URL", redis_server.url)
    async with offline_kit(app_name, "redis") as kit:
        await kit.restore(stored("bob"))
        assert await anyio.to_thread.run_sync(_other_clients, redis_server) >= 1
        assert [s["actor"] for s in await kit.get_sessions()] == ["bob"]
    assert await anyio.to_thread.run_sync(_other_clients, redis_server) == 0
    kit = offline_kit(app_name, "redis")
    assert [s["actor"] for s in await kit.get_sessions()] == ["bob"]  # without a block: per call
    assert await anyio.to_thread.run_sync(_other_clients, redis_server) == 0


async def test_a_kit_leaves_a_storage_it_was_given_to_its_owner(
    redis_server: RedisServer, app_name: str
) -> None:
    storage = RedisStorage(url=redis_server.url, app_name=app_name)
    async with offline_kit(app_name, storage) as kit:
        await kit.restore(stored("bob"))
        assert await anyio.to_thread.run_sync(_other_clients, redis_server) == 0


def test_storage_redis_without_the_url_says_what_to_set(
    app_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SESSIONKIT_REDIS_URL", raising=False)
    with pytest.raises(ConfigurationError, match="SESSIONKIT_REDIS_URL"):
        offline_kit(app_name, "redis")
    monkeypatch.setenv("SESSIONKIT_REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("SESSIONKIT_REDIS_TTL", "soon")
    with pytest.raises(ConfigurationError, match="SESSIONKIT_REDIS_TTL"):
        offline_kit(app_name, "redis")


_WORKER = """
import json, sys
import anyio
from sessionkit import SessionKit
from sessionkit.testing.doubles import KeyWallet
from sessionkit_storage_redis import RedisStorage

url, app_name, key = sys.argv[1:4]
worker, count = int(sys.argv[4]), int(sys.argv[5])
CHAIN_ID = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"

def actor_name(worker, n):
    return "w" + chr(97 + worker) + chr(97 + n // 26) + chr(97 + n % 26)

async def one(kit, n):
    session = await kit.restore(
        {"chain": CHAIN_ID, "actor": actor_name(worker, n), "permission": "active",
         "walletPlugin": {"id": "key-wallet", "data": {}}},
        set_as_default=False,
    )
    await kit.persist_session(session, set_as_default=(n % 7 == 0))
    if n % 5 == 0:
        await kit.logout(session)

async def main():
    async with RedisStorage(url=url, app_name=app_name) as storage:
        async with SessionKit(app_name, [{"id": CHAIN_ID, "url": "http://127.0.0.1:9"}],
                              wallet_plugins=[KeyWallet(key)], storage=storage) as kit:
            async with anyio.create_task_group() as tasks:
                for n in range(count):
                    tasks.start_soon(one, kit, n)

anyio.run(main)
"""


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_eight_processes_persisting_and_logging_out_at_once_lose_nothing(
    redis_server: RedisServer, app_name: str
) -> None:
    workers = [
        subprocess.Popen(  # noqa: ASYNC220 - started at once, waited for in threads
            [sys.executable, "-c", _WORKER, redis_server.url, app_name, KEY, str(w), "25"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for w in range(8)
    ]
    for process in workers:
        _, error = await anyio.to_thread.run_sync(process.communicate)
        assert process.returncode == 0, error.decode(errors="replace")[-3000:]
    storage = RedisStorage(url=redis_server.url, app_name=app_name)
    raw = await storage.read("sessions")
    assert raw is not None
    actors = sorted(s["actor"] for s in json.loads(raw))
    expected = sorted(actor_name(w, n) for w in range(8) for n in range(25) if n % 5 != 0)
    assert actors == expected
    assert len(actors) == 160


_RESTORER = """
import json, sys
import anyio
from sessionkit import SessionKit
from sessionkit.testing.doubles import KeyWallet

async def main():
    async with SessionKit(sys.argv[1], [{"id": sys.argv[2], "url": sys.argv[3]}],
                          wallet_plugins=[KeyWallet(sys.argv[4])], storage="redis") as kit:
        session = await kit.restore()
        info = await session.client.get_info()
        print(json.dumps({"actor": str(session.actor), "permission": str(session.permission),
                          "chain": str(session.chain.id), "head": info.head_block_num}))

anyio.run(main)
"""


@pytest.mark.devnet
async def test_a_login_on_one_kit_is_restored_in_another_process(
    devnet: Devnet, redis_server: RedisServer, app_name: str, tmp_path: Path
) -> None:
    alice = devnet.accounts["alice"]
    chain = {"id": str(devnet.chain_id), "url": devnet.url}
    storage = RedisStorage(url=redis_server.url, app_name=app_name)
    async with SessionKit(
        app_name, [chain], wallet_plugins=[KeyWallet(alice.private_key)], storage=storage
    ) as kit:
        result = await kit.login(permission_level="alice@active")
        assert result.session.actor == "alice"
    env = {**os.environ, "SESSIONKIT_REDIS_URL": redis_server.url}
    result = await anyio.to_thread.run_sync(
        lambda: subprocess.run(
            [
                sys.executable,
                "-c",
                _RESTORER,
                app_name,
                str(devnet.chain_id),
                devnet.url,
                alice.private_key.to_string(),
            ],
            capture_output=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-3000:]
    restored = json.loads(result.stdout)
    assert restored["actor"] == "alice"
    assert restored["permission"] == "active"
    assert restored["chain"] == str(devnet.chain_id)
    assert restored["head"] > 0


def _redis_cli(server: RedisServer, *words: str) -> str:
    """What ``redis-cli`` prints for a command against ``server`` (raw, no quoting)."""
    return subprocess.run(
        ["redis-cli", "--raw", "-h", server.host, "-p", str(server.port), *words],
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout.decode()[:-1]
