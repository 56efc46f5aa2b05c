"""JSON in and out of the node: msgspec with hooks for SessionKit's Antelope value types.

Value types convert themselves (``T.from_json`` / ``t.to_json()``), so one pair of hooks covers
``Name``, ``Asset``, ``Checksum256``, ``PublicKey``, ``TimePoint`` and the rest.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar, cast

import msgspec

from sessionkit.errors import MalformedResponseError

T = TypeVar("T")


def enc_hook(value: Any) -> Any:
    """JSON form of a SessionKit value type (anything with ``to_json()``)."""
    to_json = getattr(value, "to_json", None)
    if to_json is None:
        raise NotImplementedError(f"cannot send a {type(value).__name__} as JSON")
    return to_json()


def dec_hook(kind: type, value: Any) -> Any:
    """Build a SessionKit value type from its JSON form (``T.from_json``)."""
    from_json = getattr(kind, "from_json", None)
    if from_json is None:
        raise NotImplementedError(f"no JSON decoder for {kind.__name__}")
    return from_json(value)


_encoder = msgspec.json.Encoder(enc_hook=enc_hook)


def encode(body: object) -> bytes:
    """The JSON bytes of a request body."""
    return _encoder.encode(_prepare(body))


def _prepare(value: object) -> object:
    """Swap msgspec Structs that have a reference JSON form (``Transaction``,
    ``PackedTransaction``, ...) for it: msgspec would otherwise encode their raw fields."""
    if isinstance(value, msgspec.Struct):
        to_json = getattr(value, "to_json", None)
        return to_json() if to_json is not None else value
    if isinstance(value, dict):
        return {key: _prepare(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_prepare(item) for item in value]
    return value


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
