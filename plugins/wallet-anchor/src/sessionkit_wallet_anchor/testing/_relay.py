"""`LocalRelay`: a buoy-compatible relay on loopback, for tests and offline development.

It speaks what ``buoy-nodejs`` 1.3.0 speaks (reference 8.6): ``POST /{channel}`` with the
``X-Buoy-Wait`` / ``X-Buoy-Soft-Wait`` headers and their statuses (200 + ``X-Buoy-Delivery``,
202, 400, 408, 405, 413), ``OPTIONS`` for CORS, ``GET /health_check``, and WebSocket
listeners on ``/{channel}`` (``?v=2``: binary delivery frames ``42 42 01 <seq>`` that must be
acknowledged with ``42 42 02 <seq>`` within ``ack_timeout``; otherwise raw messages). The
latest undelivered message of each channel is kept for ``buffer_ttl`` seconds and handed to
the next listener. The server pings every ``ping_interval`` seconds and drops sockets that
missed a pong.

Unlike the reference it drops a buffered message only once a v2 listener acknowledged it.

``faults`` (a `RelayFaults`) makes it misbehave on purpose: slow or failing POSTs, refused
upgrades, dropped sockets, garbage frames.

Run it in the current event loop (``async with LocalRelay() as relay``), in a thread of its
own (``with LocalRelay() as relay``), or from a shell:
``python -m sessionkit_wallet_anchor.testing relay --port 7000``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

import anyio
import anyio.abc
import h11
import wsproto
import wsproto.connection
import wsproto.events
import wsproto.utilities

from sessionkit_wallet_anchor.buoy import DEFAULT_MAX_MESSAGE_SIZE, MAX_WAIT

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["LocalRelay", "RelayFaults"]

logger = logging.getLogger("sessionkit_wallet_anchor.testing.relay")

_FRAME = b"\x42\x42"
_MIN_CHANNEL = 10
_READ = 65_536
_CORS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-headers", b"*"),
    (b"access-control-allow-methods", b"POST, OPTIONS"),
    (b"access-control-expose-headers", b"X-Buoy-Delivery"),
]


@dataclass
class RelayFaults:
    """Ways to make a `LocalRelay` misbehave, to test how clients cope. Change them any time.

    - ``post_delay``: seconds to wait before handling each POST (a slow relay);
    - ``post_status``: answer every POST with this status (e.g. 503 or 410), delivering nothing;
    - ``reject_upgrades`` / ``reject_status``: refuse the next n WebSocket upgrades (None: all
      of them while ``reject_status`` is set) with ``reject_status``;
    - ``drop_listeners``: close the next n listener sockets right after they open;
    - ``frames``: raw WebSocket binary messages sent to each new listener before anything else
      (garbage, oversized or malformed v2 frames).
    """

    post_delay: float = 0.0
    post_status: int | None = None
    reject_status: int | None = None
    reject_upgrades: int | None = None
    drop_listeners: int = 0
    frames: list[bytes] = field(default_factory=list)


class _Closed(Exception):
    """The peer went away."""


class _Listener:
    """One WebSocket listener of a channel."""

    def __init__(self, relay: LocalRelay, stream: anyio.abc.ByteStream, ws: Any, v2: bool):
        self.relay = relay
        self.stream = stream
        self.ws: wsproto.connection.Connection = ws
        self.v2 = v2
        self.seq = 0
        self.acks: dict[int, anyio.Event] = {}
        self.lock = anyio.Lock()
        self.closed = anyio.Event()
        self.pong = True

    async def write(self, event: wsproto.events.Event) -> None:
        if self.closed.is_set():
            raise _Closed
        try:
            data = self.ws.send(event)
            async with self.lock:
                await self.stream.send(data)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError) as exc:
            self.closed.set()
            raise _Closed from exc
        except wsproto.utilities.LocalProtocolError as exc:
            self.closed.set()
            raise _Closed from exc

    async def deliver(self, payload: bytes) -> bool:
        """Hand ``payload`` over; True once acknowledged (v2) or written (raw)."""
        try:
            if not self.v2:
                await self.write(wsproto.events.BytesMessage(payload))
                return True
            self.seq = (self.seq + 1) % 255
            seq = self.seq
            acked = self.acks[seq] = anyio.Event()
            await self.write(wsproto.events.BytesMessage(_FRAME + bytes((1, seq)) + payload))
            with anyio.move_on_after(self.relay.ack_timeout):
                await acked.wait()
            self.acks.pop(seq, None)
            if acked.is_set():
                return True
            logger.debug("a listener did not acknowledge a delivery in time: closing it")
            await self.abort()
            return False
        except _Closed:
            return False

    async def abort(self) -> None:
        self.closed.set()
        with contextlib.suppress(Exception):
            await self.stream.aclose()


class _Channel:
    def __init__(self) -> None:
        self.listeners: list[_Listener] = []
        self.buffered: bytes | None = None
        self.buffered_at = 0.0
        self.changed = anyio.Event()

    def notify(self) -> None:
        self.changed.set()
        self.changed = anyio.Event()


class LocalRelay:
    """A buoy relay on ``host:port`` (port 0: any free port; read ``url`` once started)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        max_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        ping_interval: float = 10.0,
        ack_timeout: float = 5.0,
        buffer_ttl: float = 3600.0,
        faults: RelayFaults | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.max_size = max_size
        self.ping_interval = ping_interval
        self.ack_timeout = ack_timeout
        self.buffer_ttl = buffer_ttl
        self.faults = faults if faults is not None else RelayFaults()
        self._channels: dict[str, _Channel] = {}
        self._task_group: anyio.abc.TaskGroup | None = None
        self._listener: anyio.abc.Listener[anyio.abc.SocketStream] | None = None
        self._portal_exit: contextlib.ExitStack | None = None
        #: Every request as ``(method, path-without-query, status)``, for tests to inspect.
        self.log: list[tuple[str, str, int]] = []

    def __repr__(self) -> str:
        state = self.url if self._listener is not None else "stopped"
        return f"<LocalRelay {state}>"

    # -- what tests ask ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://host:port`` once started: pass it as ``buoy_url``."""
        if self._listener is None:
            raise RuntimeError("the relay is not running: use it as a context manager first")
        return f"http://{self.host}:{self.port}"

    def listeners(self, channel: str | None = None) -> int:
        """How many sockets listen on ``channel`` (a name or a channel URL), or on all."""
        if channel is None:
            return sum(len(c.listeners) for c in self._channels.values())
        found = self._channels.get(_channel_name(channel))
        return 0 if found is None else len(found.listeners)

    async def wait_for_listeners(
        self,
        count: int,
        channel: str | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a test helper bounds its own wait by default
    ) -> None:
        """Wait until ``listeners(channel)`` is ``count``.

        A socket the client closed leaves the relay a moment later, once the relay has read the
        close: assert on counts after a close through this, not ``listeners``. Raises
        ``TimeoutError`` naming the count seen when ``timeout`` seconds pass first.
        """
        with anyio.move_on_after(timeout):
            while self.listeners(channel) != count:  # noqa: ASYNC110 - polling a count
                await anyio.sleep(0.01)
            return
        where = "in all" if channel is None else f"on {channel}"
        raise TimeoutError(
            f"the relay still counts {self.listeners(channel)} listeners {where} after "
            f"{timeout} s, not {count}"
        )

    def buffered(self, channel: str) -> bytes | None:
        """The message waiting for a listener on ``channel``, if any."""
        found = self._channels.get(_channel_name(channel))
        return None if found is None else self._fresh_buffer(found)

    # -- running -----------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        listener = await anyio.create_tcp_listener(local_host=self.host, local_port=self.port)
        attribute = anyio.abc.SocketAttribute.local_port
        self.port = listener.extra(attribute)  # noqa: S610 - anyio, not Django
        self._listener = listener
        self._task_group = anyio.create_task_group()
        await self._task_group.__aenter__()
        self._task_group.start_soon(listener.serve, self._handle)
        logger.info("local relay listening on %s", self.url)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._task_group is not None
        assert self._listener is not None
        self._task_group.cancel_scope.cancel()
        try:
            await self._task_group.__aexit__(None, None, None)
        finally:
            with contextlib.suppress(Exception):
                await self._listener.aclose()
            self._listener = None
            self._task_group = None
            self._channels.clear()

    def __enter__(self) -> Self:
        stack = contextlib.ExitStack()
        portal = stack.enter_context(anyio.from_thread.start_blocking_portal())
        stack.enter_context(portal.wrap_async_context_manager(self))
        self._portal_exit = stack
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack, self._portal_exit = self._portal_exit, None
        if stack is not None:
            stack.close()

    async def serve_forever(self) -> None:
        """Run until cancelled (what ``python -m sessionkit_wallet_anchor.testing relay`` does)."""
        async with self:
            print(f"local buoy relay on {self.url} (Ctrl-C stops it)", flush=True)
            await anyio.sleep_forever()

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle(self, stream: anyio.abc.ByteStream) -> None:
        async with stream:
            conn = h11.Connection(h11.SERVER, max_incomplete_event_size=16_384)
            try:
                event = await _next_event(conn, stream)
                if not isinstance(event, h11.Request):
                    return
                await self._request(conn, stream, event)
            except (_Closed, h11.RemoteProtocolError, anyio.EndOfStream):
                return
            except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
                return

    async def _request(
        self, conn: h11.Connection, stream: anyio.abc.ByteStream, request: h11.Request
    ) -> None:
        method = request.method.decode("ascii", "replace").upper()
        target = request.target.decode("ascii", "replace")
        path, _, query = target.partition("?")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in request.headers}
        channel = path.strip("/")
        if method == "GET" and headers.get("upgrade", "").lower() == "websocket":
            await self._upgrade(conn, stream, (channel, query, path), headers)
            return
        body = await _read_body(conn, stream, self.max_size)
        if method == "OPTIONS":
            await self._respond(conn, stream, 200, b"", method=method, path=path)
            return
        if method == "GET" and channel in ("health_check", "test"):
            await self._respond(conn, stream, 200, b"ok", method=method, path=path)
            return
        if method != "POST":
            await self._respond(conn, stream, 405, b"Method not allowed", method=method, path=path)
            return
        if self.faults.post_delay:
            await anyio.sleep(self.faults.post_delay)
        if self.faults.post_status is not None:
            await self._respond(
                conn, stream, self.faults.post_status, b"fault", method=method, path=path
            )
            return
        if body is None:
            await self._respond(conn, stream, 413, b"Payload too large", method=method, path=path)
            return
        if len(channel) < _MIN_CHANNEL or "/" in channel:
            await self._respond(
                conn, stream, 400, b"Invalid channel name", method=method, path=path
            )
            return
        if not body:
            await self._respond(conn, stream, 400, b"Empty body", method=method, path=path)
            return
        try:
            wait = _wait_header(headers.get("x-buoy-wait"))
            soft = _wait_header(headers.get("x-buoy-soft-wait"))
        except ValueError:
            await self._respond(conn, stream, 400, b"Invalid wait", method=method, path=path)
            return
        status, delivery = await self._publish(channel, body, wait, soft)
        extra = [] if delivery is None else [(b"x-buoy-delivery", delivery.encode())]
        await self._respond(conn, stream, status, b"Ok", method=method, path=path, extra=extra)

    async def _respond(
        self,
        conn: h11.Connection,
        stream: anyio.abc.ByteStream,
        status: int,
        body: bytes,
        *,
        method: str,
        path: str,
        extra: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        self.log.append((method, path, status))
        headers = [
            (b"content-type", b"text/plain"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            *_CORS,
            *(extra or []),
        ]
        data = conn.send(h11.Response(status_code=status, headers=headers))
        data += conn.send(h11.Data(data=body)) or b""
        data += conn.send(h11.EndOfMessage()) or b""
        await stream.send(data or b"")

    # -- delivery ----------------------------------------------------------------------------

    def _channel(self, name: str) -> _Channel:
        found = self._channels.get(name)
        if found is None:
            found = self._channels[name] = _Channel()
        return found

    def _fresh_buffer(self, channel: _Channel) -> bytes | None:
        age = time.monotonic() - channel.buffered_at
        if channel.buffered is not None and age > self.buffer_ttl:
            channel.buffered = None
        return channel.buffered

    async def _deliver(self, channel: _Channel, body: bytes) -> bool:
        delivered = False
        for listener in list(channel.listeners):
            if await listener.deliver(body):
                delivered = True
        return delivered

    async def _publish(
        self, name: str, body: bytes, wait: float | None, soft: float | None
    ) -> tuple[int, str | None]:
        channel = self._channel(name)
        if await self._deliver(channel, body):
            return 200, "delivered"
        limit = wait if wait is not None else soft
        if limit:
            with anyio.move_on_after(limit):
                while True:
                    await channel.changed.wait()
                    if await self._deliver(channel, body):
                        return 200, "delivered"
        if wait is not None:
            return 408, None
        channel.buffered = body
        channel.buffered_at = time.monotonic()
        return (202 if soft else 200), "buffered"

    # -- WebSocket ---------------------------------------------------------------------------

    async def _upgrade(
        self,
        conn: h11.Connection,
        stream: anyio.abc.ByteStream,
        target: tuple[str, str, str],
        headers: dict[str, str],
    ) -> None:
        name, query, path = target
        faults = self.faults
        if faults.reject_status is not None and faults.reject_upgrades != 0:
            if faults.reject_upgrades is not None:
                faults.reject_upgrades -= 1
            await self._respond(
                conn, stream, faults.reject_status, b"fault", method="GET", path=path
            )
            return
        key = headers.get("sec-websocket-key")
        if len(name) < _MIN_CHANNEL or "/" in name or not key:
            await self._respond(conn, stream, 400, b"Invalid channel name", method="GET", path=path)
            return
        accept = wsproto.utilities.generate_accept_token(key.encode("latin-1"))
        response = h11.InformationalResponse(
            status_code=101,
            headers=[
                (b"upgrade", b"websocket"),
                (b"connection", b"Upgrade"),
                (b"sec-websocket-accept", accept),
            ],
        )
        await stream.send(conn.send(response) or b"")
        self.log.append(("GET", path, 101))
        trailing, _ = conn.trailing_data
        ws = wsproto.connection.Connection(wsproto.ConnectionType.SERVER)
        if trailing:
            ws.receive_data(trailing)
        listener = _Listener(self, stream, ws, v2="v=2" in query.split("&"))
        if faults.drop_listeners > 0:
            faults.drop_listeners -= 1
            await listener.abort()
            return
        channel = self._channel(name)
        channel.listeners.append(listener)
        channel.notify()
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(self._read_listener, listener)
                tg.start_soon(self._ping_listener, listener)
                tg.start_soon(self._greet, channel, listener)
                await listener.closed.wait()
                tg.cancel_scope.cancel()
        finally:
            with contextlib.suppress(ValueError):
                channel.listeners.remove(listener)
            if not channel.listeners and channel.buffered is None:
                self._channels.pop(name, None)

    async def _greet(self, channel: _Channel, listener: _Listener) -> None:
        try:
            for frame in list(self.faults.frames):
                await listener.write(wsproto.events.BytesMessage(frame))
        except _Closed:
            return
        pending = self._fresh_buffer(channel)
        if pending is None:
            return
        # Taken while it is handed over, so a second new listener does not get it too; put
        # back when this listener never acknowledges it.
        channel.buffered = None
        if not await listener.deliver(pending) and channel.buffered is None:
            channel.buffered = pending

    async def _read_listener(self, listener: _Listener) -> None:
        try:
            while not listener.closed.is_set():
                data = await listener.stream.receive(_READ)
                listener.ws.receive_data(data)
                for event in listener.ws.events():
                    await self._listener_event(listener, event)
        except (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError):
            pass
        except (OSError, _Closed, wsproto.utilities.RemoteProtocolError):
            pass
        listener.closed.set()

    async def _listener_event(self, listener: _Listener, event: wsproto.events.Event) -> None:
        if isinstance(event, wsproto.events.Ping):
            await listener.write(event.response())
        elif isinstance(event, wsproto.events.Pong):
            listener.pong = True
        elif isinstance(event, wsproto.events.CloseConnection):
            with contextlib.suppress(_Closed):
                await listener.write(event.response())
            listener.closed.set()
        elif isinstance(event, wsproto.events.BytesMessage):
            data = bytes(event.data)
            if len(data) == 4 and data[:2] == _FRAME and data[2] == 2:
                acked = listener.acks.get(data[3])
                if acked is not None:
                    acked.set()

    async def _ping_listener(self, listener: _Listener) -> None:
        with contextlib.suppress(_Closed):
            while True:
                await anyio.sleep(self.ping_interval)
                if not listener.pong:
                    logger.debug("a listener missed a pong: closing it")
                    await listener.abort()
                    return
                listener.pong = False
                await listener.write(wsproto.events.Ping(b"buoy"))


async def _next_event(conn: h11.Connection, stream: anyio.abc.ByteStream) -> Any:
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            try:
                data = await stream.receive(_READ)
            except anyio.EndOfStream:
                data = b""
            conn.receive_data(data)
            continue
        return event


async def _read_body(
    conn: h11.Connection, stream: anyio.abc.ByteStream, limit: int
) -> bytes | None:
    """The request body, or None when it is larger than ``limit`` (the rest is discarded)."""
    chunks: list[bytes] = []
    size = 0
    too_large = False
    while True:
        event = await _next_event(conn, stream)
        if isinstance(event, h11.Data):
            size += len(event.data)
            if size > limit:
                too_large = True
                chunks.clear()
            elif not too_large:
                chunks.append(bytes(event.data))
        elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
            break
    return None if too_large else b"".join(chunks)


def _wait_header(value: str | None) -> float | None:
    if value is None:
        return None
    seconds = float(value.strip())
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(value)
    return min(seconds, MAX_WAIT)


def _channel_name(channel: str) -> str:
    if "/" in channel:
        return urlsplit(channel).path.strip("/").rsplit("/", 1)[-1]
    return channel
