"""The ``esr:`` wire form: header byte, optional raw DEFLATE, URL-safe base64 without padding.

``encode_payload`` and ``decode_payload`` know nothing about what the payload means; they turn
``(version, request bytes)`` into a URI and back. Decoding is strict about the alphabet and
caps how much a compressed payload may inflate to, so a small hostile URI cannot exhaust memory.
"""

from __future__ import annotations

import binascii
import re
import zlib

from sessionkit.errors import InvalidSigningRequest

__all__ = ["DEFAULT_MAX_PAYLOAD_SIZE", "decode_payload", "encode_payload", "inflate_payload"]

#: The most bytes a decoded (inflated) request may have by default. Real requests are a few
#: hundred bytes (the conformance vectors at most 285); 64 KiB keeps a small hostile URI from
#: expanding into thousands of actions. Pass ``max_size=`` for bigger ones (e.g. a ``setcode``).
DEFAULT_MAX_PAYLOAD_SIZE = 64 * 1024

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
        payload = inflate_payload(payload, max_size)
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


def inflate_payload(data: bytes, max_size: int) -> bytes:
    """Raw-inflate ``data``, refusing output past ``max_size`` bytes and incomplete streams."""
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(data, max_size)
    except zlib.error as exc:
        raise InvalidSigningRequest(f"compressed signing request does not inflate: {exc}") from None
    if inflater.unconsumed_tail or (not inflater.eof and len(out) >= max_size):
        raise InvalidSigningRequest(
            f"compressed signing request inflates to more than {max_size} bytes; refused"
        )
    if not inflater.eof:
        raise InvalidSigningRequest("compressed signing request is truncated")
    if inflater.unused_data:
        raise InvalidSigningRequest("compressed signing request has bytes after its end")
    return out
