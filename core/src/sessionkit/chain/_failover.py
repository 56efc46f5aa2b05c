"""Send one request to a chain's endpoints in turn, trying the next only when that is safe.

Reads (``idempotent=True``) move on to the next URL after a connection failure, a timeout, or
an HTTP 5xx whose body is not a chain error. Transaction broadcasts (``idempotent=False``) move
on only when the request never left this machine (connection refused or unreachable, connect
timeout, no free pooled connection): after a read timeout, a dropped connection or any HTTP
answer, the node may have accepted the transaction, so the error is raised instead of resending
it elsewhere. A chain error body (the node's own verdict) is raised at once in both cases.

Each attempt, from connecting to the last byte of the answer, is bounded as a whole: httpx's
own timeouts apply to each phase or read, so a node trickling its answer would never end.
Running out of that time counts as a read timeout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import httpx

from sessionkit.chain._errors import chain_error, http_error
from sessionkit.errors import (
    ChainConnectionError,
    ChainError,
    ChainTimeoutError,
    InvalidValue,
    MalformedResponseError,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

_HEADERS = {"content-type": "application/json", "accept": "application/json"}
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Endpoints:
    """The ordered base URLs of one chain; requests start at the last one that answered."""

    __slots__ = ("_preferred", "_shown", "attempt_timeout", "urls")

    def __init__(self, urls: str | Sequence[str], attempt_timeout: float | None = None) -> None:
        if isinstance(urls, str):
            given = [urls]
        elif isinstance(urls, list | tuple):
            given = list(urls)
        else:
            raise InvalidValue(
                "a chain API client takes a URL such as 'http://127.0.0.1:8888' or a list of "
                f"them, not {type(urls).__name__}"
            )
        if not given:
            raise InvalidValue(
                "a chain API client needs at least one URL, e.g. http://127.0.0.1:8888"
            )
        self.urls: tuple[str, ...] = tuple(_base_url(url) for url in given)
        self._shown = tuple(display_url(url) for url in self.urls)
        self._preferred = 0
        #: Seconds one attempt may take in all (None: only httpx's own timeouts apply).
        self.attempt_timeout = attempt_timeout

    async def post(
        self, http: httpx.AsyncClient, path: str, payload: bytes, *, idempotent: bool
    ) -> tuple[bytes, str]:
        """POST ``payload`` to ``path``; return the 2xx body and the URL that gave it (without
        any credentials, for messages)."""
        count = len(self.urls)
        failures: list[ChainError] = []
        for step in range(count):
            index = (self._preferred + step) % count
            url = self.urls[index] + path
            shown = self._shown[index] + path
            try:
                with anyio.fail_after(self.attempt_timeout):
                    response = await http.post(url, content=payload, headers=_HEADERS)
            except TimeoutError:
                late = ChainTimeoutError(
                    f"{shown} did not answer within {self.attempt_timeout:g} s"
                )
                if not idempotent:
                    raise late from None
                failures.append(late)
                continue
            except httpx.InvalidURL as exc:
                raise InvalidValue(f"not a valid request URL: {shown!r} ({exc})") from None
            except _NEVER_SENT as exc:
                failures.append(_transport_failure(shown, exc))
                continue
            except httpx.HTTPError as exc:
                failure = _transport_failure(shown, exc)
                if not idempotent:
                    raise failure from exc
                failures.append(failure)
                continue
            status = response.status_code
            content = response.content
            if 200 <= status < 300:
                self._preferred = index
                return content, shown
            error = chain_error(status, shown, content)
            if error is not None:
                raise error
            failure = http_error(status, response.reason_phrase, shown, content)
            if status < 500 or not idempotent:
                raise failure
            failures.append(failure)
        raise _exhausted(failures)


def check_url(url: object) -> str:
    """``url`` if it is an http(s) URL with a host; `InvalidValue` saying what to give otherwise."""
    if not isinstance(url, str):
        raise InvalidValue(
            f"a chain API URL is a string such as 'https://host:port', not {type(url).__name__}"
        )
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InvalidValue(f"not a chain API URL: {display_url(url)!r} ({exc})") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidValue(f"not a chain API URL: {display_url(url)!r}; use http(s)://host[:port]")
    return url


def _base_url(url: object) -> str:
    return check_url(url).rstrip("/")


def display_url(url: str) -> str:
    """``url`` without any user:password part, for messages."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return "<invalid url>"
    if parsed.userinfo:
        return str(parsed.copy_with(username=None, password=None))
    return url


def _transport_failure(where: str, exc: httpx.HTTPError) -> ChainError:
    failure: ChainError
    if isinstance(exc, httpx.TimeoutException):
        failure = ChainTimeoutError(f"{where} did not answer in time ({type(exc).__name__})")
    elif isinstance(exc, httpx.DecodingError):
        failure = MalformedResponseError(f"{where} sent a body that does not decode: {exc}")
    else:
        reason = str(exc) or type(exc).__name__
        failure = ChainConnectionError(f"could not reach {where}: {reason}")
    failure.__cause__ = exc
    return failure


def _exhausted(failures: list[ChainError]) -> ChainError:
    last = failures[-1]
    for earlier in failures[:-1]:
        last.add_note(f"also failed: {earlier}")
    if len(failures) > 1:
        last.add_note(f"all {len(failures)} endpoints failed")
    return last
