"""Read a node's answer within a size limit, counting both the bytes sent and the decompressed.

httpx would inflate each received chunk whole (64 KiB of gzip can become 64 MiB) and read on
without end, so the client reads the raw stream itself, refuses a body whose declared or actual
size passes the limit, and inflates gzip and deflate in steps that never produce more than the
limit allows. Only the encodings the client asks for (``ACCEPT_ENCODING``) are decoded.
"""

from __future__ import annotations

import zlib
from contextlib import aclosing
from typing import TYPE_CHECKING, cast

from sessionkit.errors import MalformedResponseError, ResponseTooLarge

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

    import httpx

#: The content codings the client asks for, and the only ones it decodes.
ACCEPT_ENCODING = "gzip, deflate"

_ZLIB = zlib.MAX_WBITS
_GZIP = _ZLIB | 16
_CODINGS = ("gzip", "x-gzip", "deflate")


class _Inflater:
    """One content coding undone in bounded steps: at most ``limit`` bytes come out in all."""

    __slots__ = ("_coding", "_fed", "_head", "_produced", "_zlib", "limit", "where")

    def __init__(self, coding: str, limit: int, where: str) -> None:
        self._coding = coding
        # "deflate" should be the zlib format, but some servers send raw deflate: which one it
        # is shows in the first two bytes, so that decompressor is made once they are in.
        self._zlib = None if coding == "deflate" else zlib.decompressobj(_GZIP)
        self._head = b""
        self._fed = False
        self._produced = 0
        self.limit = limit
        self.where = where

    def feed(self, data: bytes) -> bytes:
        """The decompressed bytes of the next piece of ``data``."""
        if not data:
            return b""
        self._fed = True
        if self._zlib is None:
            data = self._head + data
            if len(data) < 2:
                self._head = data
                return b""
            self._zlib = zlib.decompressobj(_ZLIB if _zlib_header(data) else -_ZLIB)
        if self._zlib.eof:
            return b""  # whatever follows the end of the stream is ignored, as httpx does
        try:
            out = self._zlib.decompress(data, self.limit - self._produced + 1)
        except zlib.error as exc:
            raise MalformedResponseError(
                f"{self.where} sent a {self._coding} body that does not decompress: {exc}"
            ) from None
        self._produced += len(out)
        if self._produced > self.limit:
            # A full output buffer means the step stopped there: more would have followed.
            raise too_large(self.where, self.limit, "decompressed")
        return out

    def finish(self) -> None:
        """Refuse a compressed stream that stopped before its end."""
        if self._fed and (self._zlib is None or not self._zlib.eof):
            raise MalformedResponseError(
                f"{self.where} sent a {self._coding} body that is cut short"
            )


def _zlib_header(data: bytes) -> bool:
    """Whether ``data`` starts with a zlib header (RFC 1950: deflate method, check bits)."""
    return data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


async def read_body(response: httpx.Response, limit: int, where: str) -> bytes:
    """The whole (decoded) body of a streamed ``response``, or ``ResponseTooLarge`` past
    ``limit`` bytes, raw or decompressed; ``where`` names the URL in messages."""
    if response.is_stream_consumed:  # a transport that read the body itself (MockTransport)
        if len(response.content) > limit:
            raise too_large(where, limit, "received")
        return response.content
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and (len(declared) > 20 or int(declared) > limit):
        raise too_large(where, limit, f"declared ({declared[:24]} bytes)")
    inflaters = [_Inflater(coding, limit, where) for coding in _codings(response, where)]
    received = 0
    parts: list[bytes] = []
    # The stream's own iterator, closed at once when reading stops early. Response.aiter_raw
    # wraps it in a second async generator that, closed, leaves this one to the garbage
    # collector (trio then warns: encode/httpx#3686).
    raw = cast("AsyncGenerator[bytes, None]", aiter(response.stream))  # type: ignore[arg-type]
    async with aclosing(raw) as chunks:
        async for chunk in chunks:
            received += len(chunk)
            if received > limit:
                raise too_large(where, limit, "received")
            data = chunk
            for inflater in inflaters:
                data = inflater.feed(data)
            parts.append(data)
    for inflater in inflaters:
        inflater.finish()
    return b"".join(parts)


def _codings(response: httpx.Response, where: str) -> list[str]:
    """The content codings to undo, in order (the header lists them as they were applied)."""
    header = response.headers.get("content-encoding", "")
    codings = [c.strip().lower() for c in header.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    for coding in codings:
        if coding not in _CODINGS:
            raise MalformedResponseError(
                f"{where} sent its answer in content coding {coding[:40]!r}, which was not "
                f"asked for (the client accepts {ACCEPT_ENCODING})"
            )
    return codings[::-1]


def too_large(where: str, limit: int, what: str) -> ResponseTooLarge:
    """The error for an answer past ``limit`` bytes; ``what`` says which size was too large."""
    return ResponseTooLarge(
        f"the answer of {where} is larger than {limit:,} bytes ({what}); if it is genuine, "
        "raise APIClient(max_response_size=...)",
        limit=limit,
    )
