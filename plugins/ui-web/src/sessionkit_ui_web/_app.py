"""The ASGI app of the page: a Starlette app behind a guard that wants the secret token.

Every request's path starts with the episode's token (``/<token>/...``); any other request gets
403. The guard also refuses a foreign ``Host`` when the UI serves itself on loopback (DNS
rebinding) and a cross-origin POST, and puts a strict Content-Security-Policy and its friends
on every response. The page is static (HTML, one script, one style sheet); what it shows comes
as JSON over server-sent events and is rendered with text nodes only.
"""

from __future__ import annotations

import hmac
import json
from contextlib import suppress
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Protocol

import anyio
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from sessionkit_ui_web._hub import Hub

__all__ = ["CONTENT_SECURITY_POLICY", "create_app"]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    # No keep-alive: the standalone server stops between two steps, and a request sent on a
    # kept connection while it stops would be lost; a fresh connection waits in the backlog.
    (b"connection", b"close"),
]

#: The largest answer the page sends (a choice or an account name).
_MAX_BODY = 4096

#: How often an idle event stream sends a comment, so proxies keep it open (seconds).
_KEEPALIVE = 10.0


class PageHost(Protocol):
    """What the app needs from the user interface."""

    @property
    def hub(self) -> Hub | None: ...

    @property
    def allowed_hosts(self) -> frozenset[str] | None: ...


@cache
def _static(name: str) -> bytes:
    return files("sessionkit_ui_web").joinpath("static", name).read_bytes()


def create_app(host: PageHost) -> ASGIApp:
    """The page's ASGI app for ``host``; mount it anywhere (``Mount("/wallet", app)``)."""

    async def page(request: Request) -> Response:
        return Response(_static("index.html"), media_type="text/html; charset=utf-8")

    async def script(request: Request) -> Response:
        return Response(_static("app.js"), media_type="text/javascript; charset=utf-8")

    async def style(request: Request) -> Response:
        return Response(_static("style.css"), media_type="text/css; charset=utf-8")

    async def state(request: Request) -> Response:
        hub = _hub_of(request)
        return JSONResponse(hub.state)

    async def events(request: Request) -> Response:
        return _EventStream(_hub_of(request))

    async def answer(request: Request) -> Response:
        hub = _hub_of(request)
        refusal = await _refuse_post(request)
        if refusal is not None:
            return refusal
        try:
            data = json.loads(await request.body())
        except ValueError:
            return PlainTextResponse("the answer is not JSON", status_code=400)
        if not isinstance(data, dict) or not isinstance(data.get("q"), str):
            return PlainTextResponse("the answer names no question", status_code=400)
        mailbox = hub.mailboxes.get(data["q"])
        if mailbox is None:
            return PlainTextResponse("that question is no longer asked", status_code=409)
        action, value = data.get("action"), data.get("value")
        if not isinstance(action, str) or not isinstance(value, str | int | type(None)):
            return PlainTextResponse("the answer has no valid action", status_code=400)
        mailbox.deliver({"action": action, "value": value})
        return Response(status_code=204)

    async def cancel(request: Request) -> Response:
        hub = _hub_of(request)
        refusal = await _refuse_post(request)
        if refusal is not None:
            return refusal
        hub.cancel()
        return Response(status_code=204)

    def _hub_of(request: Request) -> Hub:
        hub: Hub = request.scope["sessionkit.hub"]
        return hub

    app = Starlette(
        routes=[
            Route("/{token}/", page, methods=["GET"]),
            Route("/{token}/app.js", script, methods=["GET"]),
            Route("/{token}/style.css", style, methods=["GET"]),
            Route("/{token}/state", state, methods=["GET"]),
            Route("/{token}/events", events, methods=["GET"]),
            Route("/{token}/answer", answer, methods=["POST"]),
            Route("/{token}/cancel", cancel, methods=["POST"]),
        ]
    )
    return _Guard(app, host)


async def _refuse_post(request: Request) -> Response | None:
    """Refuse answers that are not small same-origin JSON."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return PlainTextResponse("answers are application/json", status_code=415)
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        return PlainTextResponse("cross-origin answers are refused", status_code=403)
    length = request.headers.get("content-length")
    if length is None or not length.isdigit() or int(length) > _MAX_BODY:
        return PlainTextResponse("the answer is too large", status_code=413)
    return None


class _Guard:
    """Checks the token (and the Host on loopback) and adds the security headers."""

    def __init__(self, app: ASGIApp, host: PageHost) -> None:
        self.app = app
        self.host = host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # no WebSocket here
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *_HEADERS]}
            await send(message)

        hub = self.host.hub
        if hub is None or not self._allowed(scope, hub):
            response = PlainTextResponse("forbidden", status_code=403)
            await response(scope, receive, secured)
            return
        await self.app({**scope, "sessionkit.hub": hub}, receive, secured)

    def _allowed(self, scope: Scope, hub: Hub) -> bool:
        allowed_hosts = self.host.allowed_hosts
        if allowed_hosts is not None:
            hosts = [v for k, v in scope.get("headers", []) if k == b"host"]
            if len(hosts) != 1 or hosts[0].decode("latin-1").lower() not in allowed_hosts:
                return False
        path: str = scope.get("path", "")
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        token = path.lstrip("/").split("/", 1)[0]
        return hmac.compare_digest(token.encode(), hub.token.encode())


class _EventStream(Response):
    """``text/event-stream`` of the hub's views until the page leaves or the stream must end."""

    media_type = "text/event-stream"

    def __init__(self, hub: Hub) -> None:  # no Content-Length: the body has no end
        self.status_code = 200
        self.background = None
        self.raw_headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"x-accel-buffering", b"no"),
        ]
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        hub = self.hub
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        hub.stream_opened()
        try:
            async with anyio.create_task_group() as tasks:

                async def until_disconnect() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    tasks.cancel_scope.cancel()

                tasks.start_soon(until_disconnect)
                await self._stream(send)
                tasks.cancel_scope.cancel()
        finally:
            hub.stream_closed()
        with anyio.CancelScope(shield=True), anyio.move_on_after(1), suppress(OSError):
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _stream(self, send: Send) -> None:
        hub = self.hub
        generation = hub.generation
        await _send_text(send, "retry: 300\n\n")
        seen = -1
        while hub.generation == generation and not hub.closed:
            if hub.version != seen:
                seen = hub.version
                await _send_text(send, f"data: {json.dumps(hub.state, default=str)}\n\n")
                hub.mark_delivered(seen)
                continue
            before = anyio.current_time()
            await hub.wait_change(seen, generation, _KEEPALIVE)
            if hub.version == seen and anyio.current_time() - before >= _KEEPALIVE:
                await _send_text(send, ": keep-alive\n\n")
        if hub.closed and hub.version != seen:  # the final view
            await _send_text(send, f"data: {json.dumps(hub.state, default=str)}\n\n")
            hub.mark_delivered(hub.version)


async def _send_text(send: Send, text: str) -> None:
    await send({"type": "http.response.body", "body": text.encode(), "more_body": True})
