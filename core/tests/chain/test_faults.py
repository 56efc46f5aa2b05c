"""Fault injection through httpx.MockTransport: timeouts, 5xx, truncated and non-JSON bodies,
and when a request moves on to the next URL. What a real node answers is tested on the devnet."""

from __future__ import annotations

import contextlib
import inspect
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.abc
import httpx
import pytest
from sessionkit.chain import APIClient, GetInfoResponse
from sessionkit.errors import (
    ChainAPIError,
    ChainConnectionError,
    ChainError,
    ChainTimeoutError,
    InvalidValue,
    MalformedResponseError,
)

pytestmark = pytest.mark.anyio

INFO = {
    "server_version": "d133c641",
    "chain_id": "8a34ec7df1b8cd06ff4a8abbaa7cc50300823350cadc59ab296cb00d104d2b8f",
    "head_block_num": 1000,
    "last_irreversible_block_num": 999,
    "last_irreversible_block_id": "000003e7" + "a2b6c3d4e5f60718" * 3 + "293a4b5c",
    "head_block_id": "000003e8" + "a2b6c3d4e5f60718" * 3 + "293a4b5d",
    "head_block_time": "2026-11-29T08:00:00.500",
    "head_block_producer": "eosio",
    "virtual_block_cpu_limit": 200000000,
    "virtual_block_net_limit": "1048576000",
    "block_cpu_limit": 200000,
    "block_net_limit": 1048576,
    "a_field_added_later": {"nested": [1, 2]},
}

OVERDRAWN = {
    "code": 500,
    "message": "Internal Service Error",
    "error": {
        "code": 3050003,
        "name": "eosio_assert_message_exception",
        "what": "eosio_assert_message assertion failure",
        "details": [
            {
                "message": "assertion failure with message: overdrawn balance",
                "file": "cf_system.cpp",
                "line_number": 14,
                "method": "eosio_assert",
            },
            {"message": "pending console output: ", "file": "", "line_number": 0, "method": ""},
        ],
    },
}

Handler = Callable[[httpx.Request], httpx.Response]


class Nodes:
    """A mock network: each host answers with its handler; every request is recorded."""

    def __init__(self, **hosts: Handler) -> None:
        self.hosts = hosts
        self.seen: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.url.host)
        return self.hosts[request.url.host](request)

    def client(self, *hosts: str, timeout: float = 5.0) -> APIClient:
        urls = [f"http://{host}:8888" for host in hosts]
        return APIClient(urls, timeout=timeout, transport=httpx.MockTransport(self))


def answer(body: object = INFO, status: int = 200) -> Handler:
    return lambda request: httpx.Response(status, json=body)


def content(data: bytes, status: int = 200) -> Handler:
    return lambda request: httpx.Response(status, content=data)


def fault(exc_type: type[httpx.TransportError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type("injected", request=request)

    return handler


# -- one endpoint -------------------------------------------------------------------------


async def test_get_info_decodes_and_tolerates_unknown_fields() -> None:
    nodes = Nodes(a=answer())
    async with nodes.client("a") as client:
        info = await client.get_info()
    assert isinstance(info, GetInfoResponse)
    assert info.head_block_num == 1000
    assert info.virtual_block_net_limit == 1048576000
    assert str(info.head_block_producer) == "eosio"
    assert str(info.chain_id) == INFO["chain_id"]


@pytest.mark.parametrize(
    "exc_type", [httpx.ReadTimeout, httpx.WriteTimeout, httpx.ConnectTimeout, httpx.PoolTimeout]
)
async def test_timeouts_become_chain_timeout_errors(exc_type: type[httpx.TransportError]) -> None:
    async with Nodes(a=fault(exc_type)).client("a") as client:
        with pytest.raises(ChainTimeoutError, match="did not answer in time") as caught:
            await client.get_info()
    assert isinstance(caught.value.__cause__, exc_type)


@pytest.mark.parametrize(
    "exc_type", [httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError]
)
async def test_transport_failures_become_connection_errors(
    exc_type: type[httpx.TransportError],
) -> None:
    async with Nodes(a=fault(exc_type)).client("a") as client:
        with pytest.raises(ChainConnectionError, match="could not reach http://a:8888"):
            await client.get_info()


async def test_chain_error_body_becomes_chain_api_error() -> None:
    async with Nodes(a=answer(OVERDRAWN, status=500)).client("a") as client:
        with pytest.raises(ChainAPIError) as caught:
            await client.call("/v1/chain/get_info")
    error = caught.value
    assert str(error) == "assertion failure with message: overdrawn balance"
    assert (error.status, error.code, error.name) == (
        500,
        3050003,
        "eosio_assert_message_exception",
    )
    assert error.what == "eosio_assert_message assertion failure"
    assert error.detail_messages[1] == "pending console output: "
    assert error.url == "http://a:8888/v1/chain/get_info"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_non_chain_5xx_is_an_api_error_with_the_status(status: int) -> None:
    async with Nodes(a=content(b"<html>Bad Gateway</html>", status)).client("a") as client:
        with pytest.raises(ChainAPIError, match=f"HTTP {status}") as caught:
            await client.get_info()
    assert caught.value.status == status
    assert caught.value.name is None


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"server_version": "x", "chain_id": "8a34', id="truncated"),
        pytest.param(b"<html>hello</html>", id="html"),
        pytest.param(b"", id="empty"),
        pytest.param(b'["not", "an", "object"]', id="wrong-shape"),
        pytest.param(b'{"server_version": "x"}', id="missing-fields"),
        pytest.param(b'{"chain_id": "zz"}', id="bad-checksum"),
    ],
)
async def test_malformed_2xx_bodies_are_malformed_response_errors(body: bytes) -> None:
    async with Nodes(a=content(body)).client("a") as client:
        with pytest.raises(MalformedResponseError, match="http://a:8888"):
            await client.get_info()


async def test_generic_call_rejects_non_json() -> None:
    async with Nodes(a=content(b"{truncated")).client("a") as client:
        with pytest.raises(MalformedResponseError, match="invalid JSON"):
            await client.call("/v1/chain/get_info")


async def test_generic_call_returns_raw_json() -> None:
    async with Nodes(a=answer({"anything": [1, "2"]})).client("a") as client:
        assert await client.call("v1/chain/whatever", {"x": 1}) == {"anything": [1, "2"]}


async def test_a_silent_server_times_out() -> None:
    """A real socket that accepts and never answers: the configured timeout applies."""
    import anyio
    import anyio.abc

    async def silent(stream: anyio.abc.SocketStream) -> None:
        async with stream:
            await anyio.sleep(10)

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    async with listener, anyio.create_task_group() as tasks:
        tasks.start_soon(listener.serve, silent)
        async with APIClient(f"http://127.0.0.1:{port}", timeout=0.2) as client:
            with anyio.fail_after(5), pytest.raises(ChainTimeoutError):
                await client.get_info()
        tasks.cancel_scope.cancel()


async def serve_drip(stream: anyio.abc.SocketStream) -> None:
    """Answer 200 at once, then one byte of the body every 0.3 s; give up after 10 s.

    The client hangs up in the middle: that ends the answer (trio reports it, asyncio not).
    """
    with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
        await _drip(stream)


async def _drip(stream: anyio.abc.SocketStream) -> None:
    async with stream:
        request = b""
        while b"\r\n\r\n" not in request:
            request += await stream.receive()
        await stream.send(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
        await stream.send(b"content-length: 1000\r\n\r\n")
        for _ in range(33):
            await stream.send(b" ")
            await anyio.sleep(0.3)


async def serve_info(stream: anyio.abc.SocketStream) -> None:
    """Answer get_info at once, as a healthy node does."""
    body = json.dumps(INFO).encode()
    async with stream:
        request = b""
        while b"\r\n\r\n" not in request:
            request += await stream.receive()
        head = f"HTTP/1.1 200 OK\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n"
        await stream.send(head.encode() + body)


@asynccontextmanager
async def local_server(handler: Callable[[Any], Awaitable[None]]) -> AsyncIterator[str]:
    """A real HTTP server on 127.0.0.1 for the duration of the block; its URL."""
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    async with listener, anyio.create_task_group() as tasks:
        tasks.start_soon(listener.serve, handler)
        yield f"http://127.0.0.1:{port}"
        tasks.cancel_scope.cancel()


async def test_a_server_dripping_its_answer_times_out_within_the_timeout() -> None:
    async with (
        local_server(serve_drip) as url,
        APIClient(url, timeout=1.0) as client,
    ):
        started = time.monotonic()
        with anyio.fail_after(8), pytest.raises(ChainTimeoutError, match="within 1 s"):
            await client.get_info()
        assert time.monotonic() - started < 3.0


async def test_a_dripping_server_fails_over_for_reads_but_not_for_broadcasts() -> None:
    async with local_server(serve_drip) as drip, local_server(serve_info) as healthy:
        with anyio.fail_after(8):
            async with APIClient([drip, healthy], timeout=httpx.Timeout(0.5)) as client:
                info = await client.get_info()
                assert info.head_block_num == INFO["head_block_num"]
            async with APIClient([drip, healthy], timeout=httpx.Timeout(0.5)) as client:
                with pytest.raises(ChainTimeoutError, match=r"within 0\.5 s"):
                    await client.call("/v1/chain/send_transaction", {}, idempotent=False)


# -- several endpoints ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(fault(httpx.ConnectError), id="refused"),
        pytest.param(fault(httpx.ReadTimeout), id="read-timeout"),
        pytest.param(fault(httpx.RemoteProtocolError), id="dropped"),
        pytest.param(content(b"bad gateway", 502), id="502"),
        pytest.param(content(b"", 503), id="503"),
    ],
)
async def test_reads_fail_over(first: Handler) -> None:
    nodes = Nodes(a=first, b=answer())
    async with nodes.client("a", "b") as client:
        info = await client.get_info()
        assert info.head_block_num == 1000
        await client.get_info()
    assert nodes.seen == ["a", "b", "b"], "the answering URL is tried first afterwards"


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(answer(OVERDRAWN, 500), id="chain-error"),
        pytest.param(content(b"not found", 404), id="404"),
        pytest.param(content(b"{truncated"), id="malformed-200"),
    ],
)
async def test_reads_do_not_fail_over_on_an_answer(first: Handler) -> None:
    nodes = Nodes(a=first, b=answer())
    async with nodes.client("a", "b") as client:
        with pytest.raises(ChainError):
            await client.get_info()
    assert nodes.seen == ["a"]


async def test_all_endpoints_failing_names_each() -> None:
    nodes = Nodes(a=fault(httpx.ConnectError), b=fault(httpx.ReadTimeout))
    async with nodes.client("a", "b") as client:
        with pytest.raises(ChainTimeoutError) as caught:
            await client.get_info()
    notes = "\n".join(caught.value.__notes__)
    assert "http://a:8888" in notes
    assert "all 2 endpoints failed" in notes


@pytest.mark.parametrize(
    "path",
    ["/v1/chain/send_transaction", "/v1/chain/send_transaction2", "/v1/chain/push_transaction"],
)
@pytest.mark.parametrize(
    "first",
    [
        pytest.param(fault(httpx.ReadTimeout), id="read-timeout"),
        pytest.param(fault(httpx.RemoteProtocolError), id="dropped"),
        pytest.param(fault(httpx.ReadError), id="read-error"),
        pytest.param(content(b"bad gateway", 502), id="502"),
        pytest.param(content(b"", 503), id="503"),
        pytest.param(answer(OVERDRAWN, 500), id="chain-error"),
    ],
)
async def test_broadcasts_never_resend_after_possible_acceptance(path: str, first: Handler) -> None:
    nodes = Nodes(a=first, b=answer({"transaction_id": "00" * 32}))
    async with nodes.client("a", "b") as client:
        with pytest.raises(ChainError):
            await client.call(path, {"signatures": []})
    assert nodes.seen == ["a"]


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(fault(httpx.ConnectError), id="refused"),
        pytest.param(fault(httpx.ConnectTimeout), id="connect-timeout"),
        pytest.param(fault(httpx.PoolTimeout), id="pool-timeout"),
    ],
)
async def test_broadcasts_fail_over_when_nothing_was_sent(first: Handler) -> None:
    nodes = Nodes(a=first, b=answer({"transaction_id": "00" * 32}))
    async with nodes.client("a", "b") as client:
        result = await client.call("/v1/chain/send_transaction", {"signatures": []})
    assert result == {"transaction_id": "00" * 32}
    assert nodes.seen == ["a", "b"]


async def test_idempotent_flag_overrides_the_default() -> None:
    nodes = Nodes(a=content(b"", 503), b=answer({}))
    async with nodes.client("a", "b") as client:
        with pytest.raises(ChainAPIError):
            await client.call("/v1/chain/get_info", idempotent=False)
        assert await client.call("/v1/chain/send_transaction", {}, idempotent=True) == {}


# -- configuration --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["", "ftp://node", "not a url", "http://"])
def test_bad_urls_are_rejected(url: str) -> None:
    with pytest.raises(InvalidValue):
        APIClient(url)


def test_no_urls_is_rejected() -> None:
    with pytest.raises(InvalidValue):
        APIClient([])


async def test_credentials_in_urls_stay_out_of_messages() -> None:
    nodes = Nodes(a=fault(httpx.ConnectError))
    client = APIClient("http://user:s3cret@a:8888", transport=httpx.MockTransport(nodes))
    async with client:
        with pytest.raises(ChainConnectionError) as caught:
            await client.get_info()
    assert "s3cret" not in str(caught.value)
    assert "s3cret" not in repr(client)


async def test_trailing_slash_is_normalised() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=INFO)

    async with APIClient("http://a:8888/", transport=httpx.MockTransport(handler)) as client:
        await client.get_info()
    assert seen == ["http://a:8888/v1/chain/get_info"]


async def test_aclose_closes_the_pool() -> None:
    client = Nodes(a=answer()).client("a")
    await client.aclose()
    with pytest.raises(ChainError):
        await client.get_info()


@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_works_under_trio() -> None:
    async with Nodes(a=answer()).client("a") as client:
        assert (await client.get_info()).head_block_num == 1000


async def test_invalid_request_paths_are_invalid_values() -> None:
    async with Nodes(a=answer()).client("a") as client:
        with pytest.raises(InvalidValue):
            await client.call("http://elsewhere/v1/chain/get_info")
        with pytest.raises(InvalidValue):
            await client.call("")


async def test_unencodable_bodies_are_invalid_values() -> None:
    async with Nodes(a=answer()).client("a") as client:
        with pytest.raises(InvalidValue, match="JSON"):
            await client.call("/v1/chain/get_info", {"x": object()})


class _StopsMidBody(httpx.AsyncBaseTransport):
    """Starts writing a request's body, then fails as a cancelled or broken write would."""

    def __init__(self) -> None:
        self.bodies: list[Any] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        chunks = aiter(request.stream)  # type: ignore[arg-type]
        self.bodies.append(chunks)
        await anext(chunks)
        raise httpx.WriteError("the connection broke while writing the body")


async def test_a_request_stopped_mid_body_leaves_nothing_to_finalize() -> None:
    """httpx's body stream is an async generator that trio reports when it is left unfinished
    (a request cancelled mid-write); the client's bodies are plain iterators."""
    transport = _StopsMidBody()
    async with httpx.AsyncClient(transport=transport) as http:
        client = APIClient("http://127.0.0.1:9", http_client=http)
        with pytest.raises(ChainConnectionError):
            await client.call("/v1/chain/get_block", {"block_num_or_id": 1})
    assert len(transport.bodies) == 1
    assert not inspect.isasyncgen(transport.bodies[0])
