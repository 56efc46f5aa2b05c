"""Turn what a node sent back on failure into a ``ChainAPIError``.

A Leap/Spring node reports failures as ``{code, message, error: {code, name, what, details}}``.
The error keeps all of it; its message is a readable sentence (see ``_readable``), and a missing
account is an ``AccountNotFound``. Error bodies are hostile input like any other: invalid UTF-8
is replaced, and anything that is not such a body gives ``None`` (the caller reports the HTTP
status instead).
"""

from __future__ import annotations

from typing import Any

import msgspec

from sessionkit.chain._readable import (
    account_not_found_message,
    missing_account,
    readable,
    tidy,
)
from sessionkit.errors import AccountNotFound, ChainAPIError

_SNIPPET = 200
#: Digits of the longest error code kept (codes are 64-bit); longer ones are dropped.
_CODE_DIGITS = 20


def chain_error(status: int, url: str, content: bytes) -> ChainAPIError | None:
    """The node's error as a ``ChainAPIError``, or None when ``content`` is not an error body."""
    body = _parse(content)
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
    fields: dict[str, Any] = {
        "status": status,
        "url": url,
        "code": _integer(error.get("code")),
        "name": name,
        "what": what,
        "details": details,
        "body": body,
    }
    messages = [m for m in (d.get("message") for d in details) if isinstance(m, str)]
    account = missing_account(name, messages)
    if account is not None:
        return AccountNotFound(account_not_found_message(account), account=account, **fields)
    fallback = what or _text(body.get("message")) or f"{name or 'error'} (HTTP {status})"
    return ChainAPIError(readable(name, messages, fallback), **fields)


def account_not_found(error: ChainAPIError, account: str) -> ChainAPIError:
    """``error`` as an ``AccountNotFound`` for ``account`` when it is the node's account-lookup
    failure (whatever its wording), else ``error`` itself."""
    if isinstance(error, AccountNotFound) or error.name != "account_query_exception":
        return error
    found = AccountNotFound(
        account_not_found_message(account),
        account=account,
        status=error.status,
        url=error.url,
        code=error.code,
        name=error.name,
        what=error.what,
        details=error.details,
        body=error.body,
    )
    found.__cause__ = error
    return found


def http_error(status: int, reason: str, url: str, content: bytes) -> ChainAPIError:
    """An HTTP failure whose body is not a chain error (a proxy page, an empty 503, ...)."""
    snippet = tidy(content[:_SNIPPET].decode("utf-8", "replace"))
    message = f"HTTP {status} {tidy(reason)} from {url}" + (f": {snippet}" if snippet else "")
    return ChainAPIError(message, status=status, url=url, what=reason or None, body=snippet)


def _parse(content: bytes) -> Any:
    """The JSON of an error body; invalid UTF-8 is replaced (only people read these texts)."""
    try:
        return msgspec.json.decode(content)
    except UnicodeDecodeError:
        return _parse(content.decode("utf-8", "replace").encode())
    except (msgspec.DecodeError, RecursionError):
        return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        digits = value.removeprefix("-")
        if 0 < len(digits) <= _CODE_DIGITS and digits.isascii() and digits.isdigit():
            return int(value)
    return None
