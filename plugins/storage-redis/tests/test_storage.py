"""`RedisStorage` itself: configuration, what is stored, encryption, TTL, conflicts, ACL."""

from __future__ import annotations

import json
import socket
import subprocess
from typing import TYPE_CHECKING

import anyio
import coredis
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sessionkit import SessionKit
from sessionkit.antelope import PrivateKey
from sessionkit.errors import ConfigurationError, StorageConflictError, StorageError
from sessionkit.testing.doubles import KeyWallet
from sessionkit_storage_redis import DecryptionError, RedisStorage
from sessionkit_storage_redis.testing import RedisServer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sessionkit.storage import Values

CHAIN_ID = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"
KEY = RedisStorage.generate_key()
OTHER_KEY = RedisStorage.generate_key()
SECRET = "PVT_K1_this-is-a-wallet-secret-that-must-not-be-stored-in-clear"


def cli(server: RedisServer, *words: str) -> str:
    """What ``redis-cli --raw`` prints for a command against ``server``, without the newline."""
    out = subprocess.run(
        ["redis-cli", "--raw", "-h", server.host, "-p", str(server.port), *words],
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout.decode()
    return out[:-1] if out.endswith("\n") else out


# -- configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "url="),
        ({"url": "http://localhost"}, "redis://"),
        ({"url": "redis://x", "app_name": "my app"}, "app_name"),
        ({"url": "redis://x", "app_name": "a{b}"}, "app_name"),
        ({"url": "redis://x", "app_name": ""}, "app_name"),
        ({"url": "redis://x", "prefix": "p{x}"}, "prefix"),
        ({"url": "redis://x", "ttl": 0}, "ttl"),
        ({"url": "redis://x", "ttl": float("nan")}, "ttl"),
        ({"url": "redis://x", "ttl": True}, "ttl"),
        ({"url": "redis://x", "ttl": "60"}, "ttl"),
        ({"url": "redis://x", "timeout": 0}, "timeout"),
        ({"url": "redis://x", "max_attempts": 0}, "max_attempts"),
        ({"url": "redis://x", "encryption_key": b"short"}, "16, 24 or 32"),
        ({"url": "redis://x", "encryption_key": "not base64!"}, "base64"),
        ({"url": "redis://x", "encryption_key": 42}, "bytes or base64"),
        ({"url": "unix:///tmp/r.sock", "cluster": True}, "TCP"),
        ({"url": "redis://[::1"}, "does not parse"),
        ({"url": "redis://host:99999/0"}, "does not parse"),
        ({"url": "redis://host:0/0"}, "port is 1-65535"),
        ({"url": "redis://host/zero"}, "database number"),
        ({"url": "redis:///0"}, "names no host"),
        ({"url": "unix://"}, "names no socket"),
        ({"url": b"redis://host"}, "not bytes"),
    ],
)
def test_bad_configuration_says_what_to_give(kwargs: dict[str, object], message: str) -> None:
    kwargs.setdefault("app_name", "app")
    with pytest.raises(ConfigurationError, match=message):
        RedisStorage(**kwargs)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_a_url_option_the_client_refuses_is_a_configuration_error() -> None:
    storage = RedisStorage(url="redis://127.0.0.1:6379/0?db=x", app_name="app")
    with pytest.raises(ConfigurationError, match="cannot make a Redis client"):
        await storage.read("session")


@given(st.text(max_size=60), st.booleans())
def test_any_url_text_is_accepted_or_refused_with_a_configuration_error(
    tail: str, cluster: bool
) -> None:
    for url in (tail, "redis://" + tail, "rediss://u:p@" + tail, "unix://" + tail):
        try:
            storage = RedisStorage(url=url, app_name="app", cluster=cluster)
        except ConfigurationError:
            continue
        assert "app" in repr(storage)


def test_repr_shows_neither_the_password_nor_the_key() -> None:
    storage = RedisStorage(
        url="redis://app:hunter2@127.0.0.1:6379/0",
        app_name="app",
        encryption_key=KEY,
        password="hunter3",
    )
    text = repr(storage)
    assert "hunter2" not in text
    assert "hunter3" not in text
    assert KEY not in text
    assert "app:***@127.0.0.1:6379" in text
    assert "encrypted" in text


def test_keys_carry_the_prefix_and_the_app_as_one_hash_tag() -> None:
    storage = RedisStorage(url="redis://127.0.0.1/0", app_name="my.app", prefix="acme")
    assert storage.redis_key("sessions") == "acme:{my.app}:sessions"
    assert RedisStorage(url="redis://h", app_name="a", prefix="").redis_key("k") == "{a}:k"
    with pytest.raises(StorageError, match="non-empty string"):
        storage.redis_key("")


# -- what is stored -----------------------------------------------------------------------------


async def _persist_secret_session(storage: RedisStorage) -> None:
    async with SessionKit(
        storage.app_name,
        [{"id": CHAIN_ID, "url": "http://127.0.0.1:9"}],
        wallet_plugins=[KeyWallet(PrivateKey.generate())],
        storage=storage,
    ) as kit:
        await kit.restore(
            {
                "chain": CHAIN_ID,
                "actor": "zoebrown",
                "permission": "active",
                "walletPlugin": {"id": "key-wallet", "data": {"requestKey": SECRET}},
            }
        )


@pytest.mark.anyio
async def test_encrypted_sessions_store_no_secret_and_no_account_in_clear(
    redis_server: RedisServer, app_name: str
) -> None:
    storage = RedisStorage(url=redis_server.url, app_name=app_name, encryption_key=KEY)
    await _persist_secret_session(storage)
    keys = sorted(cli(redis_server, "KEYS", f"*{app_name}*").split("\n"))
    assert keys == [f"sessionkit:{{{app_name}}}:session", f"sessionkit:{{{app_name}}}:sessions"]
    for key in keys:
        raw = cli(redis_server, "GET", key)
        assert raw.startswith("$sessionkit-aesgcm$1$")
        for clear in (SECRET, "requestKey", "zoebrown", "key-wallet", CHAIN_ID):
            assert clear not in raw
    sessions = json.loads(await storage.read("sessions") or "[]")
    assert sessions[0]["walletPlugin"]["data"]["requestKey"] == SECRET


@pytest.mark.anyio
async def test_without_a_key_sessions_are_stored_as_the_kits_json(
    redis_server: RedisServer, app_name: str
) -> None:
    storage = RedisStorage(url=redis_server.url, app_name=app_name)
    await _persist_secret_session(storage)
    stored = json.loads(cli(redis_server, "GET", f"sessionkit:{{{app_name}}}:sessions"))
    assert stored[0]["actor"] == "zoebrown"
    assert stored[0]["walletPlugin"]["data"]["requestKey"] == SECRET


@pytest.mark.anyio
async def test_a_wrong_or_missing_key_is_a_clear_error_never_garbage(
    redis_server: RedisServer, app_name: str
) -> None:
    right = RedisStorage(url=redis_server.url, app_name=app_name, encryption_key=KEY)
    await right.write("session", '{"secret": 1}')
    wrong = RedisStorage(url=redis_server.url, app_name=app_name, encryption_key=OTHER_KEY)
    with pytest.raises(DecryptionError, match="not the key it was stored with"):
        await wrong.read("session")
    with pytest.raises(DecryptionError, match="not the key it was stored with"):
        await wrong.update(["session"], lambda current: {"session": "overwritten"})
    plain = RedisStorage(url=redis_server.url, app_name=app_name)
    with pytest.raises(DecryptionError, match="is encrypted: pass the encryption_key"):
        await plain.read("session")
    assert await right.read("session") == '{"secret": 1}'
    # A value is bound to its app and key: copied elsewhere, it does not open.
    raw = cli(redis_server, "GET", right.redis_key("session"))
    cli(redis_server, "SET", right.redis_key("sessions"), raw)
    with pytest.raises(DecryptionError, match="not the key it was stored with"):
        await right.read("sessions")
    # Altered ciphertext is refused, not decrypted to something else.
    cli(redis_server, "SET", right.redis_key("sessions"), raw[:-4] + "AAAA")
    with pytest.raises(DecryptionError):
        await right.read("sessions")
    # A value written without encryption is refused by an encrypting store.
    await plain.write("other", "clear")
    with pytest.raises(DecryptionError, match="stored unencrypted"):
        await right.read("other")


@pytest.mark.anyio
async def test_an_unencrypted_store_refuses_a_value_that_would_read_back_as_encrypted(
    redis_server: RedisServer, app_name: str
) -> None:
    plain = RedisStorage(url=redis_server.url, app_name=app_name)
    with pytest.raises(StorageError, match="marks encrypted values"):
        await plain.write("session", "$sessionkit-aesgcm$1$abc")


# -- TTL ----------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_ttl_expires_an_apps_keys_after_their_last_change(
    redis_server: RedisServer, app_name: str
) -> None:
    storage = RedisStorage(url=redis_server.url, app_name=app_name, ttl=1.5)
    await storage.write("a", "1")
    await storage.update(["a", "b"], lambda current: {"b": "2"})
    for key in ("a", "b"):
        remaining = int(cli(redis_server, "PTTL", storage.redis_key(key)))
        assert 0 < remaining <= 1500
    await anyio.sleep(1.0)
    await storage.update(["a", "b"], lambda current: {"b": "3"})  # refreshes a as well
    assert int(cli(redis_server, "PTTL", storage.redis_key("a"))) > 1000
    await anyio.sleep(1.7)
    assert await storage.read("a") is None
    assert await storage.read("b") is None
    forever = RedisStorage(url=redis_server.url, app_name=app_name)
    await forever.write("c", "1")
    assert cli(redis_server, "PTTL", forever.redis_key("c")) == "-1"


# -- conflicts ----------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_key_that_keeps_changing_is_a_conflict_after_max_attempts(
    redis_server: RedisServer, app_name: str
) -> None:
    storage = RedisStorage(url=redis_server.url, app_name=app_name, max_attempts=3)
    name = storage.redis_key("items")
    calls = []

    def change(current: Values) -> Values:
        # Another writer changes the key between this read and the compare-and-set.
        calls.append(current["items"])
        with socket.create_connection((redis_server.host, redis_server.port)) as conn:
            value = f"other-{len(calls)}".encode()
            conn.sendall(
                b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
                % (len(name), name.encode(), len(value), value)
            )
            assert conn.recv(16) == b"+OK\r\n"
        return {"items": "mine"}

    with pytest.raises(StorageConflictError, match="3 attempts"):
        await storage.update(["items"], change)
    assert calls == [None, "other-1", "other-2"]
    assert await storage.read("items") == "other-3"


@pytest.mark.anyio
async def test_update_refuses_keys_it_was_not_given_and_non_strings(
    redis_server: RedisServer, app_name: str
) -> None:
    storage = RedisStorage(url=redis_server.url, app_name=app_name)
    with pytest.raises(StorageError, match="not among its keys"):
        await storage.update(["a"], lambda current: {"b": "x"})
    with pytest.raises(StorageError, match="must be a string"):
        await storage.update(["a"], lambda current: {"a": 3})  # type: ignore[dict-item]
    assert await storage.read("a") is None
    assert await storage.update([], lambda current: {}) == {}


# -- credentials and clients --------------------------------------------------------------------


@pytest.fixture(scope="module")
def acl_server() -> Iterator[RedisServer]:
    """A server that only lets the ACL user ``app`` (password ``s3cret-pw``) in."""
    with RedisServer(username="app", password="s3cret-pw") as server:
        yield server


@pytest.mark.anyio
async def test_acl_user_and_password(acl_server: RedisServer, app_name: str) -> None:
    storage = RedisStorage(
        url=acl_server.url,
        app_name=app_name,
        username="app",
        password="s3cret-pw",
    )
    await storage.write("session", "1")
    assert await storage.read("session") == "1"
    in_url = RedisStorage(
        url=f"redis://app:s3cret-pw@127.0.0.1:{acl_server.port}/0", app_name=app_name
    )
    assert await in_url.read("session") == "1"
    wrong = RedisStorage(
        url=acl_server.url,
        app_name=app_name,
        username="app",
        password="nope",
    )
    with pytest.raises(StorageError, match="refused the credentials") as caught:
        await wrong.read("session")
    assert "nope" not in str(caught.value)
    anonymous = RedisStorage(url=acl_server.url, app_name=app_name)
    with pytest.raises(StorageError, match="Redis at"):
        await anonymous.read("session")


@pytest.mark.anyio
@pytest.mark.parametrize("decode", [True, False])
async def test_a_client_the_app_opened(
    redis_server: RedisServer, app_name: str, decode: bool
) -> None:
    async with coredis.Redis.from_url(redis_server.url, decode_responses=decode) as client:
        storage = RedisStorage(client=client, app_name=app_name, encryption_key=KEY)
        async with storage:  # nothing to open: the app owns the client
            await storage.update(["a", "b"], lambda current: {"a": "ä", "b": "b"})
            assert await storage.read("a") == "ä"
        assert "client" in repr(storage)
        assert await storage.read("b") == "b"


@pytest.mark.anyio
async def test_nothing_listens_is_a_storage_error_naming_the_server(app_name: str) -> None:
    from sessionkit_storage_redis.testing import free_port

    url = f"redis://127.0.0.1:{free_port()}/0"
    storage = RedisStorage(url=url, app_name=app_name, timeout=2)
    with pytest.raises(StorageError, match=f"could not read from Redis at {url}"):
        await storage.read("session")
    with pytest.raises(StorageError, match="could not update"):
        await storage.update(["a"], lambda current: {"a": "1"})
    async with storage:  # the pool connects on first use
        with pytest.raises(StorageError, match="could not write to"):
            await storage.write("a", "1")


@pytest.mark.anyio
async def test_tls_with_the_servers_certificate(app_name: str) -> None:
    with RedisServer(tls=True) as server:
        assert server.url.startswith("rediss://")
        storage = RedisStorage(url=server.url, app_name=app_name, ssl_context=server.ssl_context())
        async with storage:
            await storage.update(["session"], lambda current: {"session": "over TLS"})
        assert await storage.read("session") == "over TLS"
        untrusting = RedisStorage(url=server.url, app_name=app_name, timeout=3)
        with pytest.raises(StorageError, match="could not read from Redis"):
            await untrusting.read("session")
        cleartext = RedisStorage(
            url=f"redis://127.0.0.1:{server.port}/0", app_name=app_name, timeout=3
        )
        with pytest.raises(StorageError, match="could not read from Redis"):
            await cleartext.read("session")
