"""`RedisStorage`: the session storage contract on Redis and Redis Cluster, through coredis."""

from __future__ import annotations

import contextlib
import hashlib
import math
import random
import re
from typing import TYPE_CHECKING, Any, Self, cast
from urllib.parse import unquote, urlsplit, urlunsplit

import anyio
from sessionkit.errors import ConfigurationError, StorageConflictError, StorageError
from sessionkit.storage import SessionStorage, Values

from sessionkit_storage_redis._crypto import MARKER, Cipher, DecryptionError, parse_key
from sessionkit_storage_redis._crypto import generate_key as _generate_key

if TYPE_CHECKING:
    import ssl
    from collections.abc import AsyncIterator, Callable, Sequence
    from contextlib import AbstractAsyncContextManager
    from types import TracebackType

    from coredis.client import Client

__all__ = ["RedisStorage"]

#: Compare-and-set of several keys of one hash slot. ARGV[1] is the TTL in ms (0: none), then
#: for each key the expected value ("=" + value, or "!" for absent), then for each key the new
#: value ("=" + value, "!" to delete, "-" to leave it). Returns 1 when applied, 0 on a conflict.
_CAS = """
local n = #KEYS
local ttl = tonumber(ARGV[1])
for i = 1, n do
  local current = redis.call('GET', KEYS[i])
  local expected = ARGV[1 + i]
  if current == false then
    if expected ~= '!' then return 0 end
  elseif string.sub(expected, 1, 1) ~= '=' or string.sub(expected, 2) ~= current then
    return 0
  end
end
for i = 1, n do
  local new = ARGV[1 + n + i]
  if new == '!' then
    redis.call('DEL', KEYS[i])
  elseif new ~= '-' then
    if ttl > 0 then
      redis.call('SET', KEYS[i], string.sub(new, 2), 'PX', ttl)
    else
      redis.call('SET', KEYS[i], string.sub(new, 2))
    end
  elseif ttl > 0 then
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
end
return 1
"""
_CAS_SHA = hashlib.sha1(_CAS.encode()).hexdigest()  # noqa: S324 - Redis names scripts by SHA-1

#: What anyio raises when a connection's stream breaks under coredis (besides OSError).
_STREAM_ERRORS = (anyio.BrokenResourceError, anyio.ClosedResourceError, anyio.EndOfStream)

_NAME_PART = re.compile(r"[^{}\s]{1,200}")
_PREFIX = re.compile(r"[^{}\s]{0,200}")


class RedisStorage(SessionStorage):
    """Sessions in Redis (or Redis Cluster), shared by every process and host of an app.

    ``RedisStorage(url="redis://host:6379/0", app_name="myapp")`` stores the kit's keys as
    ``<prefix>:{<app_name>}:<key>``: the ``{app_name}`` hash tag keeps an app's keys in one
    hash slot, so ``update`` is one atomic script on a single server and on a cluster
    (``cluster=True``). ``ttl`` (seconds) expires an app's sessions that long after their last
    change. ``encryption_key`` (16/24/32 bytes or base64 of them) encrypts every value with
    AES-GCM. ``username``/``password`` log in (ACL); ``ssl_context`` or a ``rediss://`` URL use
    TLS. ``client=`` uses your own coredis client instead (you enter and close it).

    Without ``async with storage:`` every operation opens and closes its own connection, which
    works anywhere (any task, any event loop); inside ``async with storage:`` one connection
    pool serves every operation, which is much faster for a long-running app.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        app_name: str,
        prefix: str = "sessionkit",
        ttl: float | None = None,
        client: Client[Any] | None = None,
        cluster: bool = False,
        encryption_key: bytes | str | None = None,
        username: str | None = None,
        password: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 10.0,
        max_attempts: int = 100,
    ) -> None:
        if (url is None) == (client is None):
            raise ConfigurationError(
                "RedisStorage needs url='redis://host:port/db' or client=<a coredis client>, "
                "not both"
            )
        if url is not None:
            _check_url(url, cluster=bool(cluster))
        if not isinstance(app_name, str) or _NAME_PART.fullmatch(app_name) is None:
            raise ConfigurationError(
                f"app_name {app_name!r} cannot name Redis keys: use 1 to 200 characters "
                "without spaces or braces"
            )
        if not isinstance(prefix, str) or _PREFIX.fullmatch(prefix) is None:
            raise ConfigurationError(
                f"prefix {prefix!r} cannot start Redis keys: use at most 200 characters "
                "without spaces or braces (braces would change the hash slot)"
            )
        if ttl is not None and (
            isinstance(ttl, bool)
            or not isinstance(ttl, int | float)
            or not math.isfinite(ttl)
            or ttl < 0.001
        ):
            raise ConfigurationError(f"ttl is a number of seconds > 0, or None; not {ttl!r}")
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, int | float)
            or not math.isfinite(timeout)
            or timeout <= 0
        ):
            raise ConfigurationError(f"timeout is a number of seconds > 0, not {timeout!r}")
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
            raise ConfigurationError(f"max_attempts is an int >= 1, not {max_attempts!r}")
        self.app_name = app_name
        self.prefix = prefix
        self.ttl = ttl
        self.cluster = bool(cluster)
        self.timeout = float(timeout)
        self.max_attempts = max_attempts
        self._url = url
        self._username = username
        self._password = password
        self._ssl_context = ssl_context
        self._given = client
        self._cipher = None if encryption_key is None else Cipher(parse_key(encryption_key))
        self._entered: Client[Any] | None = None
        self._stack: contextlib.AsyncExitStack | None = None
        self._depth = 0
        self._turn_lock: anyio.Lock | None = None
        self._turn_loop: object = None

    generate_key = staticmethod(_generate_key)

    def __repr__(self) -> str:
        where = "client" if self._url is None else repr(_redact(self._url))
        extras = ", cluster=True" if self.cluster else ""
        extras += f", ttl={self.ttl}" if self.ttl is not None else ""
        extras += ", encrypted" if self._cipher is not None else ""
        return f"RedisStorage({where}, app_name={self.app_name!r}, prefix={self.prefix!r}{extras})"

    @property
    def encrypted(self) -> bool:
        """True when values are encrypted with an ``encryption_key``."""
        return self._cipher is not None

    def redis_key(self, key: str) -> str:
        """The Redis key that holds the storage key ``key``."""
        _check_key(key)
        head = f"{self.prefix}:" if self.prefix else ""
        return f"{head}{{{self.app_name}}}:{key}"

    # -- lifecycle ------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        """Open one connection pool for every operation until the block ends (same task)."""
        if self._given is not None:
            return self
        if self._depth == 0:
            stack = contextlib.AsyncExitStack()
            with self._translated("connect to"):
                await self._check_reachable()
                try:
                    self._entered = await _enter(stack, self._new_client())
                except BaseException:
                    with contextlib.suppress(Exception):
                        await stack.aclose()
                    raise
            self._stack = stack
        self._depth += 1
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._given is not None or self._depth == 0:
            return
        self._depth -= 1
        if self._depth == 0:
            stack, self._stack, self._entered = self._stack, None, None
            assert stack is not None
            with contextlib.suppress(Exception):
                await stack.aclose()

    async def aclose(self) -> None:
        """Close the pool of ``async with storage:`` early; nothing to do otherwise."""
        while self._depth:
            await self.__aexit__(None, None, None)

    # -- the storage contract -------------------------------------------------------------------

    async def read(self, key: str) -> str | None:
        name = self.redis_key(key)
        with self._translated("read from"):
            async with self._client() as client:
                (raw,) = await self._fetch(client, [name])
        return self._decode(key, raw)

    async def write(self, key: str, value: str) -> None:
        name = self.redis_key(key)
        stored = self._encode(key, value)
        ttl_ms = self._ttl_ms()
        with self._translated("write to"):
            async with self._client() as client:
                with anyio.fail_after(self.timeout):
                    if ttl_ms:
                        await client.set(name, stored, px=ttl_ms)
                    else:
                        await client.set(name, stored)

    async def remove(self, key: str) -> None:
        name = self.redis_key(key)
        with self._translated("write to"):
            async with self._client() as client:
                with anyio.fail_after(self.timeout):
                    await client.delete([name])

    async def update(
        self, keys: Sequence[str], change: Callable[[Values], Values]
    ) -> dict[str, str | None]:
        keys = list(keys)
        names = [self.redis_key(key) for key in keys]
        if not keys:
            change({})
            return {}
        # The tasks of one process take turns: only one per process competes with other
        # processes, instead of every task retrying against every other.
        async with self._turns(), contextlib.AsyncExitStack() as stack:
            stack.enter_context(self._translated("update"))
            client = await stack.enter_async_context(self._client())
            for attempt in range(self.max_attempts):
                raw = [_text(value) for value in await self._fetch(client, names)]
                current = {
                    key: self._decode(key, value) for key, value in zip(keys, raw, strict=True)
                }
                changes = change(current)
                after = _after(keys, current, changes)
                if after == current:
                    return after
                expected = ["!" if value is None else "=" + value for value in raw]
                new = [
                    "-"
                    if key not in changes
                    else "!"
                    if after[key] is None
                    else "=" + self._encode(key, str(after[key]))
                    for key in keys
                ]
                with anyio.fail_after(self.timeout):
                    applied = await _run_script(
                        client, names, [str(self._ttl_ms()), *expected, *new]
                    )
                if applied:
                    return after
                # Another writer got in between: back off a little, at random, and redo.
                await anyio.sleep(random.uniform(0, min(0.05, 0.001 * 2 ** min(attempt, 6))))  # noqa: S311
        raise StorageConflictError(
            f"{self!r}: keys {keys} kept changing under {self.max_attempts} attempts to update "
            "them; try again, or raise max_attempts"
        )

    # -- helpers --------------------------------------------------------------------------------

    def _ttl_ms(self) -> int:
        return 0 if self.ttl is None else max(1, round(self.ttl * 1000))

    def _where(self, key: str) -> str:
        return f"key {self.redis_key(key)!r} of {self!r}"

    def _encode(self, key: str, value: str) -> str:
        if not isinstance(value, str):
            raise StorageError(
                f"the value for {key!r} must be a string, not {type(value).__name__}"
            )
        if self._cipher is not None:
            return self._cipher.seal(self._context(key), value)
        if value.startswith(MARKER):
            raise StorageError(
                f"the value for {key!r} starts with {MARKER!r}, which marks encrypted values; "
                "it would not read back as written"
            )
        return value

    def _decode(self, key: str, raw: object) -> str | None:
        value = _text(raw)
        if value is None:
            return None
        if self._cipher is not None:
            return self._cipher.open(self._context(key), value, self._where(key))
        if value.startswith(MARKER):
            raise DecryptionError(
                f"{self._where(key)} is encrypted: pass the encryption_key it was saved with "
                "(or $SESSIONKIT_REDIS_KEY with storage='redis')"
            )
        return value

    def _context(self, key: str) -> str:
        return f"sessionkit-redis\x00{self.app_name}\x00{key}"

    @contextlib.asynccontextmanager
    async def _client(self) -> AsyncIterator[Client[Any]]:
        client = self._given or self._entered
        if client is not None:
            yield client
            return
        # Connecting is bounded by the client's connect_timeout, each command by fail_after.
        await self._check_reachable()
        failure: Exception | None = None
        async with contextlib.AsyncExitStack() as stack:
            fresh = await _enter(stack, self._new_client())
            try:
                yield fresh
            except Exception as exc:
                # Raised after the client closed: its task group would wrap it in a group.
                failure = exc
        if failure is not None:
            raise failure

    async def _check_reachable(self) -> None:
        """Check that something listens at the URL before a cluster client is made.

        A cluster client's discovery leaves buffers unclosed when its first node refuses the
        connection.
        """
        if not self.cluster or self._url is None:
            return
        parts = urlsplit(self._url)
        with anyio.fail_after(self.timeout):
            probe = await anyio.connect_tcp(parts.hostname or "127.0.0.1", parts.port or 6379)
        await probe.aclose()

    async def _fetch(self, client: Client[Any], names: list[str]) -> list[object]:
        """The values of ``names``; a read on a pooled connection that broke (a restarted
        server) is tried once more on a new one, since reading twice changes nothing."""
        from coredis.exceptions import ConnectionError as RedisConnectionError

        for attempt in (1, 2):
            try:
                with anyio.fail_after(self.timeout):
                    if len(names) == 1:
                        return [await client.get(names[0])]
                    return list(await client.mget(names))
            except (RedisConnectionError, *_STREAM_ERRORS):
                if attempt == 2 or client is not self._entered:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    @contextlib.asynccontextmanager
    async def _turns(self) -> AsyncIterator[None]:
        """Hold this process's turn to update (a lock of the running event loop)."""
        loop = _event_loop()
        if self._turn_lock is None or self._turn_loop is not loop:
            self._turn_lock, self._turn_loop = anyio.Lock(), loop
        async with self._turn_lock:
            yield

    def _new_client(self) -> Client[Any]:
        try:
            return self._make_client()
        except (TypeError, ValueError) as exc:
            where = "" if self._url is None else f" from {_redact(self._url)!r}"
            raise ConfigurationError(f"cannot make a Redis client{where}: {exc}") from exc

    def _make_client(self) -> Client[Any]:
        import coredis
        from coredis.exceptions import ClusterDownError
        from coredis.retry import ConstantRetryPolicy, NoRetryPolicy

        assert self._url is not None
        options: dict[str, Any] = {
            "decode_responses": True,
            "connect_timeout": self.timeout,
            "stream_timeout": self.timeout,
        }
        if self._username is not None:
            options["username"] = self._username
        if self._password is not None:
            options["password"] = self._password
        if self._ssl_context is not None:
            options["ssl_context"] = self._ssl_context
        if not self.cluster:
            # No automatic retry: a write resent after a lost reply could apply twice.
            single = coredis.Redis.from_url(self._url, retry_policy=NoRetryPolicy(), **options)
            _close_buffers_after_run(single)
            return single
        parts = urlsplit(self._url)
        options.setdefault("username", unquote(parts.username) if parts.username else None)
        options.setdefault("password", unquote(parts.password) if parts.password else None)
        if parts.scheme == "rediss" and "ssl_context" not in options:
            options["ssl"] = True
        cluster = coredis.RedisCluster(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 6379,
            # CLUSTERDOWN is answered before anything runs: safe to retry.
            retry_policy=ConstantRetryPolicy((ClusterDownError,), retries=3, delay=0.2),
            skip_full_coverage_check=True,
            **options,
        )
        _close_buffers_after_run(cluster)
        return cluster

    @contextlib.contextmanager
    def _translated(self, action: str) -> Any:
        from coredis.exceptions import AuthenticationError, AuthorizationError, RedisError

        where = "the given client" if self._url is None else _redact(self._url)
        try:
            yield
        except StorageError:
            raise
        except TimeoutError as exc:
            raise StorageError(
                f"could not {action} Redis at {where} within {self.timeout} s; a write may or "
                "may not have happened (each key holds its old or its new value, never a mix)"
            ) from exc
        except (AuthenticationError, AuthorizationError) as exc:
            raise StorageError(
                f"Redis at {where} refused the credentials or the command ({exc}): check "
                "username=/password= (or the URL's user:password@) and the ACL rules"
            ) from exc
        except (RedisError, OSError, *_STREAM_ERRORS) as exc:
            raise StorageError(_lost(action, where, exc)) from exc
        except BaseExceptionGroup as group:
            first = _first_redis_error(group)
            if first is None:
                raise
            raise StorageError(_lost(action, where, first)) from group


def _event_loop() -> object:
    """The running event loop (asyncio) or run (trio): a lock belongs to one of them."""
    import asyncio  # noqa: TID251 - which loop runs, a fact anyio does not expose

    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # not asyncio: anyio's other backend is trio
        import trio

        return trio.lowlevel.current_trio_token()


async def _enter(stack: contextlib.AsyncExitStack, client: Client[Any]) -> Client[Any]:
    # coredis clients are async context managers (anyio's mixin), which mypy cannot see through.
    stack.callback(_close_leftover_streams, client)
    await stack.enter_async_context(cast("AbstractAsyncContextManager[Any]", client))
    return client


_BUFFERS = (
    "_write_buffer_in",
    "_write_buffer_out",
    "_push_message_buffer_in",
    "_push_message_buffer_out",
    "_streamed_message_buffer_in",
    "_streamed_message_buffer_out",
)
_closing_classes: dict[type[Any], type[Any]] = {}


def _close_buffers_after_run(client: Client[Any]) -> None:
    """Make the client's pool build connections that close their in-memory buffers when they
    end: coredis leaves them open when the connection fails before it is up (server down),
    which warns "Unclosed MemoryObjectStream" when they are collected."""
    pool: Any = client.connection_pool
    base = pool.connection_class
    closing = _closing_classes.get(base)
    if closing is None:

        async def run(self: Any, *args: Any, **kwargs: Any) -> None:
            try:
                await base.run(self, *args, **kwargs)
            finally:
                for name in _BUFFERS:
                    stream = getattr(self, name, None)
                    if stream is not None:
                        stream.close()

        closing = _closing_classes[base] = type(base.__name__, (base,), {"run": run})
    pool.connection_class = closing


def _close_leftover_streams(client: Client[Any]) -> None:
    """Close what coredis leaves open after a cluster client exits (its layout's error
    stream), which would otherwise warn "Unclosed MemoryObjectStream" when collected."""
    layout = getattr(getattr(client, "connection_pool", None), "cluster_layout", None)
    streams = getattr(layout, "_error_stream", None)
    if isinstance(streams, tuple):
        for stream in streams:
            close = getattr(stream, "close", None)
            if callable(close):
                close()


async def _run_script(client: Client[Any], keys: list[str], args: list[str]) -> bool:
    from coredis.exceptions import NoScriptError

    try:
        result = await client.evalsha(_CAS_SHA, keys, args)
    except NoScriptError:
        result = await client.eval(_CAS, keys, args)
    return bool(result == 1)


def _lost(action: str, where: str, error: BaseException) -> str:
    return (
        f"could not {action} Redis at {where}: {str(error) or type(error).__name__}; a write "
        "may or may not have happened (each key holds its old or its new value, never a mix)"
    )


def _first_redis_error(group: BaseExceptionGroup[BaseException]) -> BaseException | None:
    from coredis.exceptions import RedisError

    for inner in group.exceptions:
        if isinstance(inner, (RedisError, OSError, TimeoutError, *_STREAM_ERRORS)):
            return inner
        if isinstance(inner, BaseExceptionGroup):
            found = _first_redis_error(inner)
            if found is not None:
                return found
    return None


def _after(
    keys: list[str], current: dict[str, str | None], changes: Values
) -> dict[str, str | None]:
    after = dict(current)
    for key, value in changes.items():
        if key not in current:
            raise StorageError(f"update() changed {key!r}, which was not among its keys {keys}")
        if value is not None and not isinstance(value, str):
            raise StorageError(
                f"the value for {key!r} must be a string, not {type(value).__name__}"
            )
        after[key] = value
    return after


def _text(raw: object) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, bytes):
        return raw.decode("utf-8")
    return str(raw)


def _check_key(key: object) -> None:
    if not isinstance(key, str) or not key:
        raise StorageError(f"a storage key is a non-empty string, not {key!r}")


def _check_url(url: object, *, cluster: bool) -> None:
    """Refuse, at construction, a URL the client would fail on later."""
    hint = "a redis://host:port/db, rediss://host:port/db or unix:///path URL"
    if not isinstance(url, str):
        raise ConfigurationError(f"url is {hint}, not {type(url).__name__}")
    try:
        parts = urlsplit(url)
        port = parts.port
        db = parts.path.strip("/")
    except ValueError as exc:
        raise ConfigurationError(
            f"url {_redact(url)!r} does not parse ({exc}): give {hint}"
        ) from None
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ConfigurationError(f"url must be {hint}, not {_redact(url)!r}")
    if parts.scheme == "unix":
        if cluster:
            raise ConfigurationError("a Redis Cluster is reached over TCP: use redis://")
        if not parts.path:
            raise ConfigurationError(f"url {_redact(url)!r} names no socket: unix:///path")
        return
    if not parts.hostname:
        raise ConfigurationError(f"url {_redact(url)!r} names no host: give {hint}")
    if port == 0 or (db and not db.isdecimal()) or (db.isdecimal() and not db.isascii()):
        raise ConfigurationError(
            f"url {_redact(url)!r}: the port is 1-65535 and the path a database number"
        )


def _redact(url: object) -> str:
    """The URL without its password."""
    text = str(url)
    try:
        parts = urlsplit(text)
        if parts.password is None:
            return text
        user = parts.username or ""
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))
    except ValueError:
        return "<a URL that does not parse>"
