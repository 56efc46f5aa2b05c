"""Send one request to a chain's endpoints in turn, trying the next only when that is safe.

Reads (``idempotent=True``) move on to the next URL after a connection failure, a timeout, or
an HTTP 5xx whose body is not a chain error. Transaction broadcasts (``idempotent=False``) move
on only when the request never left this machine (connection refused or unreachable, connect
timeout, no free pooled connection): after a read timeout, a dropped connection or any HTTP
answer, the node may have accepted the transaction, so the error is raised instead of resending
it elsewhere. A chain error body (the node's own verdict) is raised at once in both cases.

Each attempt, from connecting to the last byte of the answer, is bounded as a whole: httpx's
own timeouts apply to each phase or read, so a node trickling its answer would never end.
Running out of that time counts as a read timeout. The answer is read within a size limit
(see ``_body``); an answer past it is refused at once, whatever the URL.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import anyio
import httpx

from sessionkit.chain._body import ACCEPT_ENCODING, read_body
from sessionkit.chain._errors import chain_error, http_error
from sessionkit.chain._request_body import BytesBody
from sessionkit.chain._urls import check_url, display_url
from sessionkit.errors import (
    ChainConnectionError,
    ChainError,
    ChainTimeoutError,
    InvalidValue,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

_HEADERS = {
    "content-type": "application/json",
    "accept": "application/json",
    "accept-encoding": ACCEPT_ENCODING,
}
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Endpoints:
    """The ordered base URLs of one chain; requests start at the last one that answered."""

    __slots__ = ("_preferred", "_shown", "attempt_timeout", "max_response_size", "urls")

    def __init__(
        self,
        urls: str | Sequence[str],
        attempt_timeout: float | None,
        max_response_size: int,
    ) -> None:
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
        #: Bytes an answer may have, as sent and decompressed.
        self.max_response_size = max_response_size

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
                response, content = await self._attempt(http, url, shown, payload)
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

    async def _attempt(
        self, http: httpx.AsyncClient, url: str, shown: str, payload: bytes
    ) -> tuple[httpx.Response, bytes]:
        """``_exchange`` within ``attempt_timeout``, else ``TimeoutError``.

        A bare cancel scope does what ``anyio.fail_after`` does, without its two generator
        context managers: this runs twice in every transact.
        """
        timeout = self.attempt_timeout
        deadline = math.inf if timeout is None else anyio.current_time() + timeout
        with anyio.CancelScope(deadline=deadline):
            return await self._exchange(http, url, shown, payload)
        raise TimeoutError  # the scope's deadline cancelled the exchange: nothing else can

    async def _exchange(
        self, http: httpx.AsyncClient, url: str, shown: str, payload: bytes
    ) -> tuple[httpx.Response, bytes]:
        """One request and its whole answer, read within ``max_response_size``."""
        request = http.build_request("POST", url, content=payload, headers=_HEADERS)
        request.stream = BytesBody(payload)
        response = await http.send(request, stream=True)
        try:
            return response, await read_body(response, self.max_response_size, shown)
        finally:
            await response.aclose()


def _base_url(url: object) -> str:
    return check_url(url).rstrip("/")


def _transport_failure(where: str, exc: httpx.HTTPError) -> ChainError:
    failure: ChainError
    if isinstance(exc, httpx.TimeoutException):
        failure = ChainTimeoutError(f"{where} did not answer in time ({type(exc).__name__})")
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
