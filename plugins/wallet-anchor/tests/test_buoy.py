"""The relay client against a real local relay, including a relay that misbehaves."""

from __future__ import annotations

import inspect
import logging
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.errors import ConfigurationError, RelayError, WaitTimeout
from sessionkit_wallet_anchor import buoy
from sessionkit_wallet_anchor.buoy import (
    RelayMessageTooLarge,
    RelayProtocolError,
    RelayRequestCancelled,
    RelayUndelivered,
)

if TYPE_CHECKING:
    from sessionkit_wallet_anchor.testing import LocalRelay

pytestmark = pytest.mark.anyio


async def test_a_message_sent_before_anyone_listens_is_buffered_then_received(
    relay: LocalRelay, http: httpx.AsyncClient
) -> None:
    channel = buoy.channel_url(relay.url)
    assert await buoy.send(http, channel, b"hello") == "buffered"
    assert relay.buffered(channel) == b"hello"
    assert await buoy.receive(http, channel, timeout=5) == b"hello"
    assert relay.buffered(channel) is None
    await relay.wait_for_listeners(0, channel)


async def test_a_live_listener_gets_the_message_and_acknowledges_it(
    relay: LocalRelay, http: httpx.AsyncClient
) -> None:
    channel = buoy.channel_url(relay.url)
    ready = anyio.Event()
    got: list[bytes] = []

    async def listen() -> None:
        got.append(await buoy.receive(http, channel, timeout=5, ready=ready))

    async with anyio.create_task_group() as tg:
        tg.start_soon(listen)
        await ready.wait()
        await relay.wait_for_listeners(1, channel)
        # "delivered" is only answered once the v2 listener acknowledged the frame.
        assert await buoy.send(http, channel, "ünïcode") == "delivered"
    assert got == ["ünïcode".encode()]
    assert relay.buffered(channel) is None


async def test_wait_headers_map_to_statuses(relay: LocalRelay, http: httpx.AsyncClient) -> None:
    channel = buoy.channel_url(relay.url)
    with pytest.raises(RelayUndelivered) as undelivered:
        await buoy.send(http, channel, b"x", wait=1)
    assert undelivered.value.status == 408
    assert relay.buffered(channel) is None
    assert await buoy.send(http, channel, b"y", soft_wait=1) == "buffered"
    assert relay.log[-1][2] == 202
    assert relay.buffered(channel) == b"y"
    with pytest.raises(ConfigurationError):
        await buoy.send(http, channel, b"z", wait=500)


@pytest.mark.parametrize(
    ("status", "error"), [(410, RelayRequestCancelled), (503, RelayError), (500, RelayError)]
)
async def test_failing_relay_statuses_are_typed(
    relay: LocalRelay, http: httpx.AsyncClient, status: int, error: type[RelayError]
) -> None:
    relay.faults.post_status = status
    with pytest.raises(error) as raised:
        await buoy.send(http, buoy.channel_url(relay.url), b"x")
    assert raised.value.status == status


async def test_a_slow_relay_times_out(relay: LocalRelay, http: httpx.AsyncClient) -> None:
    relay.faults.post_delay = 3
    with anyio.fail_after(2), pytest.raises(WaitTimeout):
        await buoy.send(http, buoy.channel_url(relay.url), b"x", timeout=0.3)


async def test_messages_over_the_limit_are_refused_both_ways(
    relay: LocalRelay, http: httpx.AsyncClient
) -> None:
    channel = buoy.channel_url(relay.url)
    with pytest.raises(RelayMessageTooLarge):
        await buoy.send(http, channel, b"x" * 101, max_size=100)
    relay.max_size = 50
    with pytest.raises(RelayMessageTooLarge) as refused:
        await buoy.send(http, channel, b"x" * 60)
    assert refused.value.status == 413
    relay.faults.frames = [b"\x42\x42\x01\x01" + b"x" * 5000]
    with anyio.fail_after(5), pytest.raises(RelayMessageTooLarge):
        await buoy.receive(http, channel, timeout=3, max_size=1000)
    await relay.wait_for_listeners(0, channel)


@pytest.mark.parametrize(
    "frame", [b"\x42\x42", b"\x42\x42\x01", b"\x42\x42\x07\x01payload", b"\x42\x42\x02\x01"]
)
async def test_malformed_v2_frames_are_a_protocol_error(
    relay: LocalRelay, http: httpx.AsyncClient, frame: bytes
) -> None:
    relay.faults.frames = [frame]
    channel = buoy.channel_url(relay.url)
    with anyio.fail_after(5), pytest.raises(RelayProtocolError):
        await buoy.receive(http, channel, timeout=3)
    await relay.wait_for_listeners(0, channel)


async def test_raw_frames_are_messages_of_a_relay_without_v2(
    relay: LocalRelay, http: httpx.AsyncClient
) -> None:
    relay.faults.frames = [b"raw garbage"]
    assert await buoy.receive(http, buoy.channel_url(relay.url), timeout=3) == b"raw garbage"


async def test_dropped_and_refused_connections_are_retried(
    relay: LocalRelay, http: httpx.AsyncClient
) -> None:
    channel = buoy.channel_url(relay.url)
    await buoy.send(http, channel, b"after retries")
    relay.faults.drop_listeners = 2
    relay.faults.reject_status, relay.faults.reject_upgrades = 503, 2
    with anyio.fail_after(5):
        assert await buoy.receive(http, channel, timeout=4) == b"after retries"
    upgrades = [status for method, _, status in relay.log if method == "GET"]
    assert upgrades == [503, 503, 101, 101, 101]


async def test_a_refused_channel_is_not_retried(relay: LocalRelay, http: httpx.AsyncClient) -> None:
    relay.faults.reject_status = 404
    with anyio.fail_after(3), pytest.raises(RelayError) as refused:
        await buoy.receive(http, buoy.channel_url(relay.url), timeout=2)
    assert refused.value.status == 404


async def test_timeout_and_cancellation_close_the_socket(
    relay: LocalRelay, http: httpx.AsyncClient
) -> None:
    channel = buoy.channel_url(relay.url)
    ready = anyio.Event()
    with pytest.raises(WaitTimeout) as timed_out:
        await buoy.receive(http, channel, timeout=0.5, ready=ready)
    assert timed_out.value.seconds == 0.5
    assert ready.is_set()
    await relay.wait_for_listeners(0, channel)

    before = len(anyio.get_running_tasks())
    with anyio.move_on_after(0.3) as scope:
        await buoy.receive(http, channel)
    assert scope.cancelled_caught
    await relay.wait_for_listeners(0, channel)
    assert len(anyio.get_running_tasks()) <= before


async def test_keepalive_survives_the_relays_pings(
    relay: LocalRelay, http: httpx.AsyncClient
) -> None:
    """The relay pings every 0.5 s and drops sockets that miss a pong: the listener stays."""
    channel = buoy.channel_url(relay.url)
    ready = anyio.Event()
    got: list[bytes] = []

    async def listen() -> None:
        got.append(await buoy.receive(http, channel, timeout=5, ready=ready))

    async with anyio.create_task_group() as tg:
        tg.start_soon(listen)
        await ready.wait()
        await anyio.sleep(1.6)
        assert relay.listeners(channel) == 1
        assert await buoy.send(http, channel, b"still here") == "delivered"
    assert got == [b"still here"]
    assert [s for m, _, s in relay.log if m == "GET"] == [101]


async def test_bodies_and_channels_are_never_logged(
    relay: LocalRelay, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    channel = buoy.channel_url(relay.url)
    await buoy.send(http, channel, b"secret-body-123")
    assert await buoy.receive(http, channel, timeout=3) == b"secret-body-123"
    ours = [r for r in caplog.records if r.name.startswith("sessionkit_wallet_anchor")]
    assert ours, "the client logs what it does (without bodies)"
    text = "\n".join(r.getMessage() for r in ours)
    assert "secret-body-123" not in text
    assert channel.rsplit("/", 1)[-1] not in text


def test_bad_urls_are_configuration_errors() -> None:
    for url in ("ftp://x/0123456789ab", "https:///0123456789", 3):
        with pytest.raises(ConfigurationError):
            buoy.channel_url(url)  # type: ignore[arg-type]
    assert buoy.channel_url("wss://cb.anchor.link/").startswith("https://cb.anchor.link/")
    assert [buoy.reconnect_delay(n) for n in (0, 1, 2, 20)] == [0, 0.049, 0.196, 5.0]


def test_relay_in_its_own_thread_serves_sync_code() -> None:
    import httpx
    from sessionkit_wallet_anchor.testing import LocalRelay

    with LocalRelay() as relay:
        assert httpx.get(relay.url + "/health_check").text == "ok"
        assert httpx.post(relay.url + "/short", content=b"x").status_code == 400
        assert httpx.put(relay.url + "/0123456789ab", content=b"x").status_code == 405
        options = httpx.options(relay.url + "/0123456789ab")
        assert options.headers["access-control-allow-origin"] == "*"
        assert httpx.post(relay.url + "/0123456789ab", content=b"").status_code == 400
        wait0 = httpx.post(relay.url + "/0123456789ab", content=b"x", headers={"X-Buoy-Wait": "0"})
        assert wait0.status_code == 408
    with pytest.raises(RuntimeError):
        _ = relay.url


def test_the_relay_runs_from_a_shell() -> None:
    import signal
    import subprocess
    import sys

    import httpx

    process = subprocess.Popen(
        [sys.executable, "-m", "sessionkit_wallet_anchor.testing", "relay", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "local buoy relay on http://127.0.0.1:" in line
        url = line.split(" on ", 1)[1].split()[0]
        assert httpx.get(url + "/health_check", timeout=5).text == "ok"
        assert httpx.post(url + "/0123456789ab", content=b"x", timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        if process.stdout is not None:
            process.stdout.close()


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=64))
def test_any_frame_is_a_message_or_a_protocol_error(data: bytes) -> None:
    try:
        payload, ack = buoy.decode_frame(data)
    except RelayProtocolError:
        assert data[:2] == b"\x42\x42"
        return
    if ack is None:
        assert payload == data
    else:
        assert (data[:4], ack) == (b"\x42\x42\x01" + data[3:4], b"\x42\x42\x02" + data[3:4])
        assert payload == data[4:]


async def test_the_socket_is_recycled_and_the_message_still_arrives(
    relay: LocalRelay, http: httpx.AsyncClient
) -> None:
    channel = buoy.channel_url(relay.url)
    got: list[bytes] = []

    async def listen() -> None:
        got.append(await buoy.receive(http, channel, timeout=5, recycle_after=0.3))

    async with anyio.create_task_group() as tg:
        tg.start_soon(listen)
        await anyio.sleep(1.0)
        await relay.wait_for_listeners(1, channel)
        await buoy.send(http, channel, b"after recycling")
    assert got == [b"after recycling"]
    assert len([s for m, _, s in relay.log if m == "GET" and s == 101]) >= 3


async def test_waiting_for_a_count_the_relay_never_reaches_says_what_it_saw(
    relay: LocalRelay,
) -> None:
    with pytest.raises(TimeoutError, match=r"still counts 0 listeners on nobody after 0\.05 s"):
        await relay.wait_for_listeners(1, "nobody", timeout=0.05)


async def test_a_send_stopped_mid_body_leaves_nothing_to_finalize() -> None:
    """httpx's own body stream is an async generator that trio reports when a cancelled send
    leaves it unfinished; the relay client's body is a plain iterator."""
    bodies: list[Any] = []

    class StopsMidBody(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            chunks = aiter(request.stream)  # type: ignore[arg-type]
            bodies.append(chunks)
            assert await anext(chunks) == b"x"
            raise httpx.WriteError("the connection broke while writing the body")

    async with httpx.AsyncClient(transport=StopsMidBody()) as client:
        with pytest.raises(RelayError, match="could not reach the relay"):
            await buoy.send(client, buoy.channel_url("https://relay.example"), b"x")
    assert len(bodies) == 1
    assert not inspect.isasyncgen(bodies[0])
