"""The buoy relay client: send a message to a channel, receive the first message of a channel.

A buoy (``buoy-nodejs``, the public one at ``https://cb.anchor.link``) forwards what is POSTed
to ``{relay}/{channel}`` to whoever listens on the WebSocket ``{relay}/{channel}?v=2``, or
keeps the latest undelivered message of the channel until someone does. Channels are
capabilities: whoever knows one can write to it, so they are random UUIDs and never logged.

- ``send`` POSTs raw bytes, with the optional wait headers (``X-Buoy-Wait``: fail with 408
  unless delivered in time; ``X-Buoy-Soft-Wait``: wait, then buffer) and maps the relay's
  statuses to typed errors: 408 `RelayUndelivered`, 410 `RelayRequestCancelled`, any other
  failure `sessionkit.errors.RelayError` with its ``status``.
- ``receive`` speaks protocol v2: each delivery is a binary frame ``42 42 01 <seq>`` +
  payload, acknowledged with ``42 42 02 <seq>``. It keeps the socket alive with pings,
  reconnects with the reference's back-off (``min((tries * 7) ** 2, 5000)`` ms) when the
  connection drops, recycles it every 10 minutes, and returns the first message. A timeout
  raises `sessionkit.errors.WaitTimeout`; cancelling the calling task closes the socket.
  A message larger than ``max_size`` (default `DEFAULT_MAX_MESSAGE_SIZE`) is refused with
  `RelayMessageTooLarge` before it is buffered whole.

Message bodies are never logged; log lines name the relay's host and a message's length only.
"""

from __future__ import annotations

import logging
import math
import uuid
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import urlsplit, urlunsplit

import anyio
import httpcore
import httpx
import wsproto
import wsproto.events
from httpx_ws import (
    AsyncWebSocketSession,
    HTTPXWSException,
    WebSocketDisconnect,
    WebSocketNetworkError,
    WebSocketUpgradeError,
    aconnect_ws,
)
from sessionkit.chain import BytesBody
from sessionkit.errors import ConfigurationError, RelayError, WaitTimeout

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

__all__ = [
    "DEFAULT_BUOY_URL",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "Delivery",
    "RelayMessageTooLarge",
    "RelayProtocolError",
    "RelayRequestCancelled",
    "RelayUndelivered",
    "channel_url",
    "decode_frame",
    "receive",
    "reconnect_delay",
    "send",
]

logger = logging.getLogger("sessionkit_wallet_anchor.buoy")

#: The public relay Anchor and WharfKit use.
DEFAULT_BUOY_URL = "https://cb.anchor.link"
#: The largest message sent or received (bytes). Login callbacks are about 1 KB and sealed
#: requests a few KB; 128 KiB leaves room for large transactions and bounds what a hostile
#: relay can make us hold.
DEFAULT_MAX_MESSAGE_SIZE = 128 * 1024
#: The relay's own cap on the wait headers, in seconds.
MAX_WAIT = 120.0
#: How often the client pings the relay, and how long it waits for the pong.
PING_INTERVAL = 10.0
PING_TIMEOUT = 5.0
#: A socket is recycled (closed and reopened) after this many seconds, as the reference does.
RECYCLE_AFTER = 600.0

_FRAME = b"\x42\x42"
_DELIVERY = 0x01
_ACK = 0x02
_MIN_CHANNEL = 10
_MAX_ANSWER = 64 * 1024  # bytes of a relay's answer to a POST read before giving up on it

#: Where a sent message went: handed to a listener, or kept until one connects.
Delivery = Literal["delivered", "buffered"]


class RelayUndelivered(RelayError):
    """The relay could not hand the message to a listener in time (HTTP 408, ``X-Buoy-Wait``)."""


class RelayRequestCancelled(RelayError):
    """The relay says the request was cancelled (HTTP 410)."""


class RelayMessageTooLarge(RelayError):
    """A message is larger than the limit (``limit`` bytes); nothing of it was kept."""

    def __init__(self, message: str, *, limit: int, status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.limit = limit


class RelayProtocolError(RelayError):
    """The relay sent something protocol v2 does not allow (a malformed delivery frame)."""


def channel_url(buoy_url: str = DEFAULT_BUOY_URL) -> str:
    """A fresh channel on ``buoy_url``: ``{buoy_url}/{uuid4}``."""
    return f"{_http_base(buoy_url)}/{uuid.uuid4()}"


def reconnect_delay(tries: int) -> float:
    """Seconds to wait before reconnect attempt ``tries`` (0 = the first retry): the
    reference's ``min((tries * 7) ** 2, 5000)`` milliseconds."""
    return min((tries * 7) ** 2, 5000) / 1000


async def send(
    client: httpx.AsyncClient,
    url: str,
    message: bytes | str,
    *,
    wait: float | None = None,
    soft_wait: float | None = None,
    max_size: int = DEFAULT_MAX_MESSAGE_SIZE,
    timeout: float = 30.0,  # noqa: ASYNC109 - raised as the typed WaitTimeout
) -> Delivery:
    """POST ``message`` to the channel ``url`` (``{relay}/{channel}``); return where it went.

    ``wait`` (seconds, at most 120) requires delivery to a live listener in that time, else
    `RelayUndelivered`; ``soft_wait`` waits as long and then lets the relay buffer it.
    ``timeout`` bounds the whole exchange beyond the wait (`WaitTimeout` when it runs out).
    """
    target = _channel(url)
    body = message.encode("utf-8") if isinstance(message, str) else bytes(message)
    if not body:
        raise RelayError("a relay message cannot be empty")
    if len(body) > max_size:
        raise RelayMessageTooLarge(
            f"the message is {len(body)} bytes, more than the {max_size} allowed; pass "
            "max_size= to send larger ones",
            limit=max_size,
        )
    headers = {"Content-Type": "application/octet-stream"}
    waited = 0.0
    for header, value in (("X-Buoy-Wait", wait), ("X-Buoy-Soft-Wait", soft_wait)):
        if value is None:
            continue
        if not (isinstance(value, int | float) and 0 < value <= MAX_WAIT):
            raise ConfigurationError(f"{header} is a number of seconds from 1 to {MAX_WAIT:g}")
        headers[header] = str(math.ceil(value))
        waited = max(waited, float(math.ceil(value)))
    limit = waited + timeout
    host = _host(target)
    try:
        with anyio.fail_after(limit):
            request = client.build_request(
                "POST", target, content=body, headers=headers, timeout=httpx.Timeout(limit)
            )
            request.stream = BytesBody(body)  # nothing left to finalize if this is cancelled
            response = await client.send(request, stream=True)
            try:
                await _drain(response)
            finally:
                await response.aclose()
    except TimeoutError:
        raise WaitTimeout(
            f"the relay at {host} did not answer within {limit:g} s", seconds=limit
        ) from None
    except httpx.TimeoutException:
        raise WaitTimeout(
            f"the relay at {host} did not answer within {limit:g} s", seconds=limit
        ) from None
    except httpx.HTTPError as exc:
        raise RelayError(
            f"could not reach the relay at {host}: {type(exc).__name__}; check buoy_url"
        ) from None
    status = response.status_code
    logger.debug("sent %d bytes to a channel on %s: HTTP %d", len(body), host, status)
    if status == 408:
        raise RelayUndelivered(
            f"the relay at {host} could not deliver the message: nobody listened in time",
            status=status,
        )
    if status == 410:
        raise RelayRequestCancelled(
            f"the relay at {host} says the request was cancelled", status=status
        )
    if status == 413:
        raise RelayMessageTooLarge(
            f"the relay at {host} refused the message as too large ({len(body)} bytes)",
            limit=len(body) - 1,
            status=status,
        )
    if status == 202:
        return "buffered"
    if status != 200:
        raise RelayError(f"the relay at {host} answered HTTP {status}", status=status)
    return "delivered" if response.headers.get("X-Buoy-Delivery") == "delivered" else "buffered"


async def _drain(response: httpx.Response) -> None:
    """Read the relay's (short, unused) answer so the connection can be reused, closing the
    stream's iterator here even when cancelled (httpx's would be left to the garbage collector:
    encode/httpx#3686)."""
    if response.is_stream_consumed:  # a transport that read the body itself (MockTransport)
        return
    chunks = cast("AsyncGenerator[bytes, None]", aiter(response.stream))  # type: ignore[arg-type]
    async with aclosing(chunks) as reading:
        received = 0
        async for chunk in reading:
            received += len(chunk)
            if received > _MAX_ANSWER:
                break


async def receive(
    client: httpx.AsyncClient,
    url: str,
    *,
    timeout: float | None = None,  # noqa: ASYNC109 - raised as the typed WaitTimeout
    max_size: int = DEFAULT_MAX_MESSAGE_SIZE,
    ping_interval: float = PING_INTERVAL,
    ping_timeout: float = PING_TIMEOUT,
    recycle_after: float = RECYCLE_AFTER,
    ready: anyio.Event | None = None,
) -> bytes:
    """The first message on the channel ``url``, then the socket is closed.

    Waits at most ``timeout`` seconds (None: until cancelled) and raises `WaitTimeout` after
    that. ``ready`` is set once the first connection is open (a message POSTed before that is
    buffered by the relay and still arrives). Dropped connections are reopened with back-off.
    """
    target = _channel(url)
    ws_url = target + "?v=2"
    host = _host(target)
    try:
        with anyio.fail_after(timeout):
            tries = 0
            while True:
                outcome = await _listen_once(
                    client,
                    ws_url,
                    max_size=max_size,
                    ping_interval=ping_interval,
                    ping_timeout=ping_timeout,
                    recycle_after=recycle_after,
                    ready=ready,
                )
                if isinstance(outcome, bytes):
                    logger.debug("received %d bytes on a channel of %s", len(outcome), host)
                    return outcome
                if isinstance(outcome, RelayError):
                    raise outcome
                if outcome == "recycle":
                    tries = 0
                    continue
                delay = reconnect_delay(tries)
                tries += 1
                logger.debug(
                    "relay %s connection lost (%s); reconnecting in %.2f s", host, outcome, delay
                )
                await anyio.sleep(delay)
    except TimeoutError:
        raise WaitTimeout(
            f"no message arrived from the relay at {host} within {timeout:g} s", seconds=timeout
        ) from None


async def _listen_once(
    client: httpx.AsyncClient,
    ws_url: str,
    *,
    max_size: int,
    ping_interval: float,
    ping_timeout: float,
    recycle_after: float,
    ready: anyio.Event | None,
) -> bytes | RelayError | str:
    """One connection: the message, a fatal error, or why to reconnect (a short text)."""
    host = _host(ws_url)
    try:
        async with aconnect_ws(
            ws_url,
            client,
            max_message_size_bytes=65_536,
            keepalive_ping_interval_seconds=ping_interval,
            keepalive_ping_timeout_seconds=ping_timeout,
            session_class=_BoundedSession,
            timeout=httpx.Timeout(30.0),
        ) as ws:
            assert isinstance(ws, _BoundedSession)
            ws.limit = max_size
            if ready is not None:
                ready.set()
            return await _next_message(ws, host, recycle_after)
    except WebSocketUpgradeError as exc:
        status = exc.response.status_code
        if status >= 500 or status in (408, 429):
            return f"HTTP {status}"
        return RelayError(
            f"the relay at {host} refused to open the channel (HTTP {status}); check buoy_url",
            status=status,
        )
    except _NETWORK_ERRORS as exc:
        return type(exc).__name__
    except BaseExceptionGroup as group:
        # The session's task group wraps what its background tasks raised; a network failure
        # there means reconnect, anything else is a bug to report.
        _, fatal = group.split(_NETWORK_ERRORS)
        if fatal is not None:
            raise
        return "network error"


_NETWORK_ERRORS = (
    WebSocketNetworkError,
    WebSocketDisconnect,
    httpx.TransportError,
    httpcore.NetworkError,
    OSError,
)


async def _next_message(
    ws: _BoundedSession, host: str, recycle_after: float
) -> bytes | str | RelayError:
    with anyio.move_on_after(recycle_after):
        while True:
            try:
                event = await ws.receive()
            except _TooLarge as exc:
                return RelayMessageTooLarge(
                    f"the relay at {host} sent a message larger than {exc.limit} bytes",
                    limit=exc.limit,
                )
            except WebSocketDisconnect as exc:
                return f"closed by the relay ({exc.code})"
            except (WebSocketNetworkError, HTTPXWSException) as exc:
                return type(exc).__name__
            if isinstance(event, wsproto.events.BytesMessage):
                try:
                    payload, ack = decode_frame(bytes(event.data))
                except RelayProtocolError as exc:
                    return RelayProtocolError(f"the relay at {host} {exc}")
                if ack is not None:
                    try:
                        await ws.send_bytes(ack)
                    except HTTPXWSException:
                        # Unacknowledged, the relay keeps the message for the next connection.
                        return "lost while acknowledging"
                return payload
            if isinstance(event, wsproto.events.TextMessage):
                return str(event.data).encode("utf-8")  # raw protocol, text frame
    return "recycle"


def decode_frame(data: bytes) -> tuple[bytes, bytes | None]:
    """A binary WebSocket message from the relay: ``(payload, acknowledgement to send)``.

    A protocol v2 delivery (``42 42 01 <seq>`` + payload) is answered with ``42 42 02 <seq>``;
    anything not starting with ``42 42`` is a raw-protocol message (no acknowledgement); any
    other ``42 42`` frame raises `RelayProtocolError`.
    """
    if data[:2] != _FRAME:
        return data, None
    if len(data) < 4 or data[2] != _DELIVERY:
        kind = data[2] if len(data) > 2 else None
        raise RelayProtocolError(
            f"sent a malformed protocol v2 frame ({len(data)} bytes, type {kind})"
        )
    return data[4:], _FRAME + bytes((_ACK, data[3]))


class _TooLarge(HTTPXWSException):
    def __init__(self, limit: int) -> None:
        super().__init__(f"message larger than {limit} bytes")
        self.limit = limit


class _BoundedSession(AsyncWebSocketSession):
    """httpx-ws's session with a cap on the size of one message while it is assembled.

    httpx-ws joins message fragments without limit; this copy of its receive loop stops at
    ``limit`` bytes, closes the socket (1009, message too big) and reports ``_TooLarge``.
    """

    limit: int = DEFAULT_MAX_MESSAGE_SIZE

    async def _background_receive(self, max_bytes: int) -> None:
        partial: bytearray | None = None
        try:
            while not self._should_close.is_set():
                data = await self._read_stream(max_bytes)
                self.connection.receive_data(data)
                for event in self.connection.events():
                    if isinstance(event, wsproto.events.Ping):
                        reply = self.connection.send(event.response())
                        async with self._write_lock:
                            await self.stream.write(reply)
                        continue
                    if isinstance(event, wsproto.events.Pong):
                        self._ping_manager.ack(event.payload)
                        continue
                    if isinstance(event, wsproto.events.CloseConnection):
                        self._should_close.set()
                    if isinstance(event, wsproto.events.Message):
                        chunk = (
                            event.data.encode("utf-8")
                            if isinstance(event.data, str)
                            else bytes(event.data)
                        )
                        size = len(chunk) + (len(partial) if partial is not None else 0)
                        if size > self.limit:
                            await self.close(1009, "message too big")
                            await self._send_event.send(_TooLarge(self.limit))
                            return
                        if not event.message_finished:
                            partial = bytearray(chunk) if partial is None else partial + chunk
                            continue
                        if partial is None:
                            await self._send_event.send(event)
                            continue
                        whole = bytes(partial + chunk)
                        partial = None
                        joined: wsproto.events.Message[Any] = (
                            wsproto.events.TextMessage(whole.decode("utf-8", "replace"))
                            if isinstance(event, wsproto.events.TextMessage)
                            else wsproto.events.BytesMessage(whole)
                        )
                        await self._send_event.send(joined)
                        continue
                    await self._send_event.send(event)
        except (httpcore.ReadError, httpcore.WriteError, wsproto.utilities.RemoteProtocolError):
            await self.close(1011, "Stream error")
            await self._send_event.send(WebSocketNetworkError())
        except Exception as exc:  # EndOfStream and the like: the connection is gone
            if type(exc).__name__ != "EndOfStream":
                raise
            await self.close(1011, "Stream error")
            await self._send_event.send(WebSocketNetworkError())


def _http_base(url: str) -> str:
    if not isinstance(url, str):
        raise ConfigurationError(f"a relay URL is a string, not {type(url).__name__}")
    parts = urlsplit(url.strip())
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    if scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            "a relay URL is http(s):// or ws(s):// with a host, such as https://cb.anchor.link"
        )
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _channel(url: str) -> str:
    base = _http_base(url)
    channel = urlsplit(base).path.rsplit("/", 1)[-1]
    if len(channel) < _MIN_CHANNEL:
        raise ConfigurationError(
            "a relay channel URL ends with a channel name of at least 10 characters "
            "(a UUID), such as https://cb.anchor.link/<uuid>"
        )
    return base


def _host(url: str) -> str:
    return urlsplit(url).netloc
