"""JSON in and out of the node: msgspec with the one codec of the Antelope types.

``sessionkit.antelope.enc_hook`` / ``dec_hook`` give every Antelope type its reference JSON
form, and the composite types (``Transaction``, ``PackedTransaction``, ``ABI``...) are msgspec
Structs that msgspec writes in that same form, so request bodies are encoded as they are.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar, cast

import msgspec

from sessionkit.antelope import dec_hook, enc_hook
from sessionkit.errors import MalformedResponseError

T = TypeVar("T")

_encoder = msgspec.json.Encoder(enc_hook=enc_hook)


def encode(body: object) -> bytes:
    """The JSON bytes of a request body."""
    return _encoder.encode(body)


@cache
def decoder(kind: Any) -> msgspec.json.Decoder[Any]:
    """A lenient decoder for ``kind``: numbers may come as strings (nodes send big ints so)."""
    return msgspec.json.Decoder(kind, dec_hook=dec_hook, strict=False)


#: What decoding hostile bytes can raise besides msgspec's own errors: invalid UTF-8 inside a
#: string, and nesting deeper than Python's recursion limit.
_DECODE_FAILURES = (msgspec.DecodeError, UnicodeDecodeError, RecursionError)
#: Characters of a decoder's complaint kept in a message (it may quote the hostile value).
_REASON_LIMIT = 300


def decode(kind: type[T], content: bytes, url: str) -> T:
    """Decode a node's answer into ``kind``; anything unexpected is a MalformedResponseError."""
    key: Any = kind
    try:
        return cast("T", decoder(key).decode(content))
    except _DECODE_FAILURES as exc:
        raise MalformedResponseError(
            f"{url} answered something that is not a valid {kind.__name__}: {_reason(exc)}"
        ) from exc


def loads(content: bytes, url: str) -> Any:
    """A node's answer as plain JSON values; invalid JSON is a MalformedResponseError."""
    try:
        return msgspec.json.decode(content)
    except _DECODE_FAILURES as exc:
        raise MalformedResponseError(f"{url} answered with invalid JSON: {_reason(exc)}") from exc


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "text that is not valid UTF-8"
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply"
    return str(exc)[:_REASON_LIMIT]
