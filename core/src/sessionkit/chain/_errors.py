"""Turn what a node sent back on failure into a ``ChainAPIError``.

A Leap/Spring node reports failures as ``{code, message, error: {code, name, what, details}}``;
the first detail's message is the one a person should read ("assertion failure with message:
overdrawn balance").
"""

from __future__ import annotations

from typing import Any

import msgspec

from sessionkit.errors import ChainAPIError

_SNIPPET = 200


def chain_error(status: int, url: str, content: bytes) -> ChainAPIError | None:
    """The node's error as a ``ChainAPIError``, or None when ``content`` is not an error body."""
    try:
        body = msgspec.json.decode(content)
    except msgspec.DecodeError:
        return None
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if not isinstance(error, dict) or not ("name" in error or "code" in error):
        return None
    raw_details = error.get("details")
    details: list[dict[str, Any]] = (
        [d for d in raw_details if isinstance(d, dict)] if isinstance(raw_details, list) else []
    )
    name = _text(error.get("name"))
    what = _text(error.get("what"))
    first = _text(details[0].get("message")) if details else None
    message = first or what or _text(body.get("message")) or f"HTTP {status}"
    return ChainAPIError(
        message,
        status=status,
        url=url,
        code=_integer(error.get("code")),
        name=name,
        what=what,
        details=details,
        body=body,
    )


def http_error(status: int, reason: str, url: str, content: bytes) -> ChainAPIError:
    """An HTTP failure whose body is not a chain error (a proxy page, an empty 503, ...)."""
    snippet = content[:_SNIPPET].decode("utf-8", "replace").strip()
    message = f"HTTP {status} {reason} from {url}" + (f": {snippet}" if snippet else "")
    return ChainAPIError(message, status=status, url=url, what=reason or None, body=snippet)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isascii() and value.lstrip("-").isdigit():
        return int(value)
    return None
