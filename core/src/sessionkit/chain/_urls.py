"""Chain API URLs: checked when a chain is defined, and shown without credentials.

Plain ``urllib.parse``, so defining a chain (the known-chains table does it at import) does not
import httpx.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from sessionkit.errors import InvalidValue

__all__ = ["check_url", "display_url"]

# What a host may be: a name of letters, digits, '-', '.', '_', or an IPv6 address in brackets.
_HOST = re.compile(r"[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]")


def check_url(url: object) -> str:
    """``url`` if it is an http(s) URL with a host; `InvalidValue` saying what to give otherwise."""
    if not isinstance(url, str):
        raise InvalidValue(
            f"a chain API URL is a string such as 'https://host:port', not {type(url).__name__}"
        )
    if not url.isprintable() or any(c.isspace() for c in url):
        raise InvalidValue(
            f"not a chain API URL: {display_url(url)!r} (spaces or control characters)"
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidValue(f"not a chain API URL: {display_url(url)!r} ({exc})") from None
    host = parts.netloc.rpartition("@")[2]
    if port is not None:
        host = host.rsplit(":", 1)[0]
    if parts.scheme not in ("http", "https") or not host or _HOST.fullmatch(host) is None:
        raise InvalidValue(f"not a chain API URL: {display_url(url)!r}; use http(s)://host[:port]")
    return url


def display_url(url: str) -> str:
    """``url`` without any user:password part, for messages."""
    try:
        parts = urlsplit(url)
    except (ValueError, TypeError):
        return "<invalid url>"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
