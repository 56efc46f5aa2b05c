"""The state one page shows and the answers it sends back: shared by the UI and the web app.

One `Hub` lives for one episode (a login, a transaction, a lone prompt): it holds the page's
secret token, the view the page shows (pushed to it as JSON by server-sent events), the
mailboxes of the questions waiting for the person, and whether a page is connected (a page
that stays away after it came is a closed tab).
"""

from __future__ import annotations

import secrets
from collections import deque
from typing import Any

import anyio
from sessionkit.errors import Cancelled, WaitTimeout

__all__ = ["Hub", "Mailbox"]

#: How often a waiting question looks at the page's connection and at the cancel flag (seconds).
_POLL = 0.2


class Mailbox:
    """The answers the page sent to one question, in order."""

    def __init__(self) -> None:
        self.items: deque[dict[str, Any]] = deque()
        self._event: anyio.Event | None = None

    def deliver(self, answer: dict[str, Any]) -> None:
        self.items.append(answer)
        self.wake()

    def wake(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self) -> None:
        if self._event is None:
            self._event = anyio.Event()
        await self._event.wait()


class Hub:
    """What the page of one episode shows, and what it answered (see the module docstring)."""

    def __init__(self, *, close_grace: float, open_timeout: float) -> None:
        self.token = secrets.token_urlsafe(24)
        self.close_grace = close_grace
        self.open_timeout = open_timeout
        self.state: dict[str, Any] = {"view": "busy"}
        self.version = 0
        self.generation = 0  # bumped when the server stops serving: open streams end
        self.closed = False  # the episode is over: streams end for good
        self.streams = 0
        self.ever_connected = False
        self.delivered = 0  # the newest version a page received
        self.cancelled = False  # the person pressed Cancel
        self.gone = False  # the page was closed
        self.mailboxes: dict[str, Mailbox] = {}
        self._quiet_since: float | None = None
        self._waiting_since: float | None = None
        self._changed: anyio.Event | None = None
        self._delivered_event: anyio.Event | None = None
        self._questions = 0

    def __repr__(self) -> str:
        return f"<Hub view={self.state.get('view')!r} v{self.version} streams={self.streams}>"

    # -- the view ---------------------------------------------------------------------------------

    def publish(self, state: dict[str, Any]) -> int:
        """Show ``state`` from now on; returns its version."""
        self.version += 1
        self.state = {**state, "v": self.version}
        self._notify()
        return self.version

    def end_streams(self, *, final: bool = False) -> None:
        """Make every open event stream end (the server stops, or the episode is over)."""
        self.generation += 1
        self.closed = self.closed or final
        self._notify()

    def _notify(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def wait_change(self, version: int, generation: int, seconds: float) -> None:
        """Return when the view is newer than ``version``, streams must end, or after
        ``seconds``."""
        with anyio.move_on_after(seconds):
            while self.version == version and self.generation == generation:
                if self._changed is None:
                    self._changed = anyio.Event()
                await self._changed.wait()

    def mark_delivered(self, version: int) -> None:
        """A page received the view of ``version``."""
        self.delivered = max(self.delivered, version)
        if self._delivered_event is not None:
            self._delivered_event.set()
            self._delivered_event = None

    async def wait_delivered(self, version: int) -> None:
        """Return once a page received the view of ``version``."""
        while self.delivered < version:
            if self._delivered_event is None:
                self._delivered_event = anyio.Event()
            await self._delivered_event.wait()

    # -- the page's connection ----------------------------------------------------------------

    def stream_opened(self) -> None:
        self.streams += 1
        self.ever_connected = True

    def stream_closed(self) -> None:
        self.streams -= 1
        if self.streams == 0:
            self._quiet_since = anyio.current_time()

    # -- questions ------------------------------------------------------------------------------

    def new_question(self) -> tuple[str, Mailbox]:
        """A fresh question id (sent with the view) and the mailbox its answers arrive in."""
        self._questions += 1
        question = f"q{self._questions}-{secrets.token_hex(4)}"
        mailbox = self.mailboxes[question] = Mailbox()
        return question, mailbox

    def forget(self, question: str) -> None:
        self.mailboxes.pop(question, None)

    def cancel(self) -> None:
        """The person pressed Cancel on the page: every waiting question raises `Cancelled`."""
        self.cancelled = True
        for mailbox in self.mailboxes.values():
            mailbox.wake()

    def start_waiting(self) -> None:
        """A call starts waiting for the person: give a page that is reconnecting its grace."""
        now = anyio.current_time()
        self._waiting_since = now
        if self.streams == 0:
            self._quiet_since = now

    async def answer(self, mailbox: Mailbox) -> dict[str, Any]:
        """The next answer in ``mailbox``; `Cancelled` if the page is cancelled or closed."""
        while True:
            self.check()
            if mailbox.items:
                return mailbox.items.popleft()
            with anyio.move_on_after(_POLL):
                await mailbox.wait()

    def check(self) -> None:
        """Raise if the person cancelled, closed the page, or never opened it."""
        if self.cancelled:
            raise Cancelled("cancelled on the page", silent=True)
        now = anyio.current_time()
        if self.ever_connected:
            quiet = self._quiet_since
            if self.streams == 0 and quiet is not None and now - quiet > self.close_grace:
                self.gone = True
                raise Cancelled("the page was closed", silent=True)
        elif self._waiting_since is not None and now - self._waiting_since > self.open_timeout:
            raise WaitTimeout(
                f"nobody opened the page within {self.open_timeout:g} s: open WebUI.url in a "
                "browser on this computer, or pass WebUI(open_timeout=...) to wait longer",
                seconds=self.open_timeout,
            )
