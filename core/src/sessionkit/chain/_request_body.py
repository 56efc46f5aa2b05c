"""A request body that a cancelled request leaves nothing behind for (see ``BytesBody``)."""

from __future__ import annotations

import httpx

__all__ = ["BytesBody"]


class BytesBody(httpx.AsyncByteStream):
    """A request body of bytes, sent as one chunk and iterated without an async generator.

    httpx's own body stream is an async generator: a request cancelled while its body is being
    written leaves it unfinished for the garbage collector, which trio reports as a
    ``ResourceWarning`` (encode/httpx#3686). A plain iterator has nothing to finalize. Use it
    for your own posts through the kit's httpx client::

        request = http.build_request("POST", url, content=body)
        request.stream = BytesBody(body)
        response = await http.send(request)
    """

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __aiter__(self) -> _OneChunk:
        return _OneChunk(self._data)


class _OneChunk:
    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data: bytes | None = data

    def __aiter__(self) -> _OneChunk:
        return self

    async def __anext__(self) -> bytes:
        data, self._data = self._data, None
        if not data:  # sent, or an empty body: nothing (more) to write
            raise StopAsyncIteration
        return data
