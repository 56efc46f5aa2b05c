"""A hostile or broken node (issue 7): whatever it answers, the client raises a typed ChainError
within its limits, never a bare UnicodeDecodeError, ValueError or RecursionError, and never
reads more than ``max_response_size`` bytes, as sent or once decompressed.

The faults are injected with httpx.MockTransport and a local socket server; what a real node
answers for a missing account is checked on the devnet.
"""

from __future__ import annotations

import gzip
import json
import time
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anyio
import anyio.abc
import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sessionkit.chain import DEFAULT_MAX_RESPONSE_SIZE, APIClient
from sessionkit.errors import (
    AccountNotFound,
    ChainAPIError,
    ChainError,
    InvalidValue,
    MalformedResponseError,
    ResponseTooLarge,
)

if TYPE_CHECKING:
    from sessionkit.devnet import Devnet

pytestmark = pytest.mark.anyio

Handler = Callable[[httpx.Request], httpx.Response]


def client_of(handler: Handler, **options: Any) -> APIClient:
    return APIClient("http://node:8888", transport=httpx.MockTransport(handler), **options)


class Pieces(httpx.AsyncByteStream):
    """A body delivered in 64 KiB pieces, as a socket delivers it (``content=bytes`` would make
    httpx read and decode it whole inside the mock, before the client sees it). A plain
    iterator, not an async generator, so stopping early leaves nothing to clean up."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    def __aiter__(self) -> Pieces:
        return self

    async def __anext__(self) -> bytes:
        if self._at >= len(self._data):
            raise StopAsyncIteration
        self._at += 65536
        return self._data[self._at - 65536 : self._at]


def body(data: bytes, status: int = 200, **headers: str) -> Handler:
    return lambda request: httpx.Response(status, stream=Pieces(data), headers=headers)


def error_body(**error: object) -> bytes:
    return json.dumps({"code": 500, "message": "Internal Service Error", "error": error}).encode()


async def outcome(handler: Handler, **options: Any) -> object:
    """What ``get_info`` gives: the response, or the ChainError it raised (anything else fails)."""
    async with client_of(handler, **options) as client:
        try:
            return await client.get_info()
        except ChainError as exc:
            return exc


# -- text and numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [200, 500])
async def test_invalid_utf8_in_a_body_is_a_malformed_response(status: int) -> None:
    found = await outcome(body(b'{"chain_id": "\xff\xfe"}', status))
    assert isinstance(found, ChainError)
    if status == 200:
        assert isinstance(found, MalformedResponseError)


async def test_invalid_utf8_in_an_error_name_is_a_chain_error() -> None:
    raw = error_body(code=3050003, name="NAME", what="w", details=[]).replace(b"NAME", b"\xff\xc3")
    found = await outcome(body(raw, 500))
    assert isinstance(found, ChainAPIError)
    assert found.name is not None
    assert "\ufffd" in found.name  # the bad bytes are replaced, the rest is kept


async def test_a_5000_digit_error_code_is_a_chain_error_without_the_code() -> None:
    raw = error_body(code=0, name="x", what="w", details=[]).replace(
        b'"code": 0', b'"code": ' + b"9" * 5000
    )
    found = await outcome(body(raw, 500))
    assert isinstance(found, ChainAPIError)
    assert found.code is None
    assert len(str(found)) < 1000


@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize("status", [200, 500])
async def test_deeply_nested_json_is_a_chain_error(depth: int, status: int) -> None:
    started = time.monotonic()
    found = await outcome(body(b"[" * depth + b"]" * depth, status))
    assert isinstance(found, ChainAPIError if status == 500 else MalformedResponseError)
    nested_error = b'{"error": {"details": ' + b"[" * depth + b"]" * depth + b"}}"
    assert isinstance(await outcome(body(nested_error, 500)), ChainAPIError)
    assert time.monotonic() - started < 5


# -- size ------------------------------------------------------------------------------------


def test_the_cap_is_documented_and_checked() -> None:
    assert DEFAULT_MAX_RESPONSE_SIZE == 16 * 1024 * 1024
    assert APIClient("http://x").max_response_size == DEFAULT_MAX_RESPONSE_SIZE
    assert APIClient("http://x", max_response_size=1000).max_response_size == 1000
    for bad in (0, -1, True, 1.5, "1000", None):
        with pytest.raises(InvalidValue, match="max_response_size"):
            APIClient("http://x", max_response_size=bad)  # type: ignore[arg-type]


async def test_an_oversize_raw_body_is_response_too_large() -> None:
    found = await outcome(body(b" " * 2001), max_response_size=2000)
    assert isinstance(found, ResponseTooLarge)
    assert isinstance(found, MalformedResponseError)
    assert found.limit == 2000
    assert "max_response_size" in str(found)


def gzip_bomb(mebibytes: int) -> bytes:
    """A gzip body of about ``mebibytes`` KiB that inflates to ``mebibytes`` MiB of zeros.

    Built from one compressed MiB repeated (each block is flushed, so the blocks are equal);
    the trailer is wrong, which no reader that stops at its limit ever sees.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1 << 20)
    head = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    return head + block * (mebibytes - 1) + compressor.flush()


@pytest.mark.parametrize("coding", ["gzip", "x-gzip"])
async def test_a_gzip_bomb_stops_at_the_default_cap(coding: str) -> None:
    """2 MB of gzip inflating to 2 GiB: refused after 16 MiB, in well under a second or two."""
    bomb = gzip_bomb(2048)
    assert len(bomb) < 2_200_000
    started = time.monotonic()
    found = await outcome(body(bomb, **{"content-encoding": coding}))
    assert isinstance(found, ResponseTooLarge)
    assert "decompressed" in str(found)
    assert found.limit == DEFAULT_MAX_RESPONSE_SIZE
    assert time.monotonic() - started < 5


async def test_a_deflate_bomb_and_a_declared_size_are_refused() -> None:
    bomb = zlib.compress(bytes(4 << 20), 9)
    found = await outcome(body(bomb, **{"content-encoding": "deflate"}), max_response_size=10_000)
    assert isinstance(found, ResponseTooLarge)
    raw_deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw = raw_deflate.compress(bytes(4 << 20)) + raw_deflate.flush()
    found = await outcome(body(raw, **{"content-encoding": "deflate"}), max_response_size=10_000)
    assert isinstance(found, ResponseTooLarge)


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip, compress"])
async def test_a_coding_not_asked_for_is_malformed(coding: str) -> None:
    found = await outcome(body(b"{}", **{"content-encoding": coding}))
    assert isinstance(found, MalformedResponseError)
    assert "not asked for" in str(found)


async def test_a_cut_short_or_corrupt_gzip_body_is_malformed() -> None:
    whole = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    gz = whole.compress(json.dumps({"a": 1}).encode()) + whole.flush()
    for broken in (gz[:-6], gz[:12] + b"\x00" * 8 + gz[20:]):
        found = await outcome(body(broken, **{"content-encoding": "gzip"}))
        assert isinstance(found, MalformedResponseError)


async def serve_declared_size(stream: anyio.abc.SocketStream) -> None:
    """A real HTTP answer that declares 10 GB and then sends nothing."""
    async with stream:
        request = b""
        while b"\r\n\r\n" not in request:
            request += await stream.receive()
        await stream.send(b"HTTP/1.1 200 OK\r\ncontent-length: 10000000000\r\n\r\n{")
        await anyio.sleep(5)


async def serve_endless(stream: anyio.abc.SocketStream) -> None:
    """A real chunked HTTP answer that never ends."""
    async with stream:
        request = b""
        while b"\r\n\r\n" not in request:
            request += await stream.receive()
        await stream.send(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
        try:
            while True:
                await stream.send(chunk)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError):
            return


# Cut off mid-stream, httpx and httpcore leave their inner async generators to the garbage
# collector (encode/httpx#3686); trio finalizes them but warns, asyncio finalizes them quietly.
@pytest.mark.filterwarnings("ignore:Async generator:ResourceWarning")
@pytest.mark.parametrize(
    ("server", "what"), [(serve_declared_size, "declared"), (serve_endless, "received")]
)
async def test_a_real_server_sending_too_much_is_cut_off(
    server: Callable[[anyio.abc.SocketStream], Any], what: str
) -> None:
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    async with listener, anyio.create_task_group() as tasks:
        tasks.start_soon(listener.serve, server)
        url = f"http://127.0.0.1:{port}"
        async with APIClient(url, timeout=3.0, max_response_size=1 << 20) as client:
            with anyio.fail_after(4), pytest.raises(ResponseTooLarge, match=what):
                await client.get_info()
        tasks.cancel_scope.cancel()


# -- a missing account -----------------------------------------------------------------------

BOOST = (
    "unable to retrieve account info (unknown key (boost::tuples::tuple<bool, eosio::chain::"
    "name, boost::tuples::null_type, ...>): (0 nosuchacct1))"
)


async def test_a_missing_account_is_account_not_found_with_a_readable_message() -> None:
    raw = error_body(
        code=3060002,
        name="account_query_exception",
        what="Account Query Exception",
        details=[{"message": BOOST, "file": "chain_plugin.cpp", "line_number": 1, "method": "m"}],
    )
    async with client_of(body(raw, 500)) as client:
        with pytest.raises(AccountNotFound) as caught:
            await client.get_account("nosuchacct1")
    error = caught.value
    assert str(error) == "account 'nosuchacct1' does not exist on this chain"
    assert error.account == "nosuchacct1"
    assert error.name == "account_query_exception"
    assert "boost::tuples" in error.details[0]["message"]  # the node's own text is kept
    assert isinstance(error, ChainAPIError)


@pytest.mark.devnet
async def test_a_real_node_says_a_missing_account_does_not_exist(devnet: Devnet) -> None:
    async with APIClient(devnet.url, timeout=10.0) as client:
        with pytest.raises(AccountNotFound, match="'nosuchacct1' does not exist") as caught:
            await client.get_account("nosuchacct1")
        assert "boost" not in str(caught.value)
        assert (await client.get_account("alice")).account_name == "alice"


# -- any answer --------------------------------------------------------------------------------

CODINGS = st.sampled_from(["", "gzip", "deflate", "identity", "br", "gzip, gzip"])


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    status=st.sampled_from([200, 201, 202, 400, 404, 409, 500, 502, 503]),
    data=st.binary(max_size=400)
    | st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
        max_leaves=12,
    ).map(lambda v: json.dumps({"error": v}).encode()),
    coding=CODINGS,
    compress=st.booleans(),
)
@example(status=500, data=b'{"error": {"code": 1' + b"0" * 5000 + b"}}", coding="", compress=False)
@example(status=200, data=b"[" * 50_000, coding="", compress=False)
def test_any_answer_gives_a_response_or_a_chain_error(
    anyio_backend: str, status: int, data: bytes, coding: str, compress: bool
) -> None:
    if compress and coding in ("gzip", "gzip, gzip"):
        data = gzip.compress(data)
    headers = {"content-encoding": coding} if coding else {}
    found = anyio.run(outcome, body(data, status, **headers), backend=anyio_backend)
    if isinstance(found, ChainError):
        assert isinstance(str(found), str)
        assert len(str(found)) < 2000
