"""The ``esr:`` wire form: header byte, optional raw DEFLATE, URL-safe base64 without padding.

``encode_payload`` and ``decode_payload`` know nothing about what the payload means; they turn
``(version, request bytes)`` into a URI and back. Decoding is strict about the alphabet and
caps how much a compressed payload may inflate to, so a small hostile URI cannot exhaust memory.
"""

from __future__ import annotations

import binascii
import re
import zlib

from sessionkit._redact import shown
from sessionkit.errors import InvalidSigningRequest, InvalidValue

__all__ = [
    "DEFAULT_MAX_PAYLOAD_SIZE",
    "LARGEST_MAX_PAYLOAD_SIZE",
    "check_max_size",
    "decode_payload",
    "encode_payload",
    "inflate_payload",
]

#: The most bytes a decoded (inflated) request may have by default. Real requests are a few
#: hundred bytes (the conformance vectors at most 285); 64 KiB keeps a small hostile URI from
#: expanding into thousands of actions. Pass ``max_size=`` for bigger ones (e.g. a ``setcode``).
DEFAULT_MAX_PAYLOAD_SIZE = 64 * 1024
#: The largest ``max_size`` accepted: the longest byte string the binary format can describe.
LARGEST_MAX_PAYLOAD_SIZE = 0xFFFF_FFFF

_COMPRESSED = 0x80
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_BASE64 = re.compile(r"[A-Za-z0-9\-_+/]*={0,2}")
_TO_STANDARD = str.maketrans("-_", "+/")


def encode_payload(
    version: int,
    payload: bytes,
    *,
    compress: bool = True,
    slashes: bool = True,
    scheme: str = "esr",
) -> str:
    """``scheme:`` (``//`` if ``slashes``) + base64url of header byte and payload.

    With ``compress`` the payload is raw-deflated, and only kept deflated when that is shorter
    (the header's high bit then says so), as the reference encoder does.
    """
    header = version
    if compress:
        deflater = zlib.compressobj(-1, zlib.DEFLATED, -15)
        deflated = deflater.compress(payload) + deflater.flush()
        if len(deflated) < len(payload):
            header |= _COMPRESSED
            payload = deflated
    encoded = binascii.b2a_base64(bytes((header,)) + payload, newline=False)
    text = encoded.rstrip(b"=").decode("ascii").replace("+", "-").replace("/", "_")
    return f"{scheme}://{text}" if slashes else f"{scheme}:{text}"


def decode_payload(uri: str, *, max_size: int = DEFAULT_MAX_PAYLOAD_SIZE) -> tuple[int, bytes]:
    """``(version, payload)`` of an ``esr:`` URI, the payload inflated if it was compressed.

    Accepts any scheme (``esr:``, ``web+esr:``, ...), with or without ``//``, both base64
    alphabets, with or without padding. Raises ``InvalidSigningRequest`` for anything else,
    including a payload that would inflate past ``max_size`` bytes.
    """
    max_size = check_max_size(max_size)
    if not isinstance(uri, str):
        raise InvalidSigningRequest(f"a signing request URI is a str, not {type(uri).__name__}")
    scheme = _SCHEME.match(uri)
    if scheme is None:
        raise InvalidSigningRequest("not a signing request URI: expected 'esr:' followed by data")
    text = uri[scheme.end() :]
    text = text.removeprefix("//")
    data = _decode_base64(text)
    if not data:
        raise InvalidSigningRequest("the signing request URI carries no data after 'esr:'")
    header = data[0]
    payload = data[1:]
    if header & _COMPRESSED:
        payload = _inflate(payload, max_size)
    elif len(payload) > max_size:
        raise InvalidSigningRequest(f"signing request payload larger than {max_size} bytes")
    return header & ~_COMPRESSED, payload


def _decode_base64(text: str) -> bytes:
    if _BASE64.fullmatch(text) is None:
        raise InvalidSigningRequest(
            "signing request data is not base64url: only A-Z a-z 0-9 - _ (or + /) are allowed"
        )
    text = text.rstrip("=")
    if len(text) % 4 == 1:
        raise InvalidSigningRequest("signing request data is truncated (bad base64 length)")
    padded = text.translate(_TO_STANDARD) + "=" * (-len(text) % 4)
    try:
        return binascii.a2b_base64(padded, strict_mode=True)
    except binascii.Error as exc:
        raise InvalidSigningRequest(f"signing request data is not valid base64: {exc}") from None


def check_max_size(max_size: object) -> int:
    """``max_size`` if it is a limit: an int from 1 to ``LARGEST_MAX_PAYLOAD_SIZE``.

    Anything else is an ``InvalidValue``, 0 included: zlib reads a limit of 0 as no limit at
    all, which would let a few kilobytes of URI inflate to gigabytes.
    """
    if type(max_size) is not int or not 1 <= max_size <= LARGEST_MAX_PAYLOAD_SIZE:
        raise InvalidValue(
            f"max_size is the most bytes a signing request may inflate to: an int from 1 to "
            f"{LARGEST_MAX_PAYLOAD_SIZE}, not {shown(max_size)}"
        )
    return max_size


def inflate_payload(data: bytes, max_size: int) -> bytes:
    """Raw-inflate ``data``, refusing output past ``max_size`` bytes and incomplete streams."""
    return _inflate(data, check_max_size(max_size))


def _inflate(data: bytes, max_size: int) -> bytes:
    """``inflate_payload`` with ``max_size`` already checked."""
    inflater = zlib.decompressobj(-15)
    beyond = b""
    try:
        out = inflater.decompress(data, max_size)
        if not inflater.eof and len(out) == max_size:
            # Stopped at the limit: one more byte tells a stream ending here from a bigger one.
            beyond = inflater.decompress(inflater.unconsumed_tail, 1)
    except zlib.error as exc:
        raise InvalidSigningRequest(f"compressed signing request does not inflate: {exc}") from None
    except TypeError:
        kind = type(data).__name__
        raise InvalidSigningRequest(f"a compressed signing request is bytes, not {kind}") from None
    if beyond:
        raise InvalidSigningRequest(
            f"compressed signing request inflates to more than {max_size} bytes; refused"
        )
    if not inflater.eof:
        raise InvalidSigningRequest("compressed signing request is truncated")
    if inflater.unused_data:
        raise InvalidSigningRequest("compressed signing request has bytes after its end")
    return out
