"""Fixtures of the web UI's tests: both anyio backends, and one headless chromium per session.

Playwright's API is used from one thread of its own (`Browser`), so the tests drive the page
the same way under asyncio and trio: ``await browser.run(lambda: page.click(...))``.
Chromium is the system's (Debian's ``chromium``), never a downloaded one; without it the
browser tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import concurrent.futures
import os
import queue
import shutil
import threading
from typing import TYPE_CHECKING, Any

import anyio
import anyio.lowlevel
import pytest

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Iterator

    from playwright.sync_api import Page


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def chromium_path() -> str | None:
    """The system chromium (``$CHROMIUM`` or ``chromium`` / ``chromium-browser`` on PATH)."""
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


class Browser:
    """A headless chromium driven by Playwright's sync API from a thread of its own."""

    def __init__(self, executable: str) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], Any], concurrent.futures.Future[Any]] | None]
        self._jobs = queue.Queue()
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._thread = threading.Thread(
            target=self._work, args=(executable, ready), name="playwright", daemon=True
        )
        self._thread.start()
        ready.result(timeout=120)

    def _work(self, executable: str, ready: concurrent.futures.Future[None]) -> None:
        from playwright.sync_api import sync_playwright

        try:
            playwright = sync_playwright().start()
            self.chromium = playwright.chromium.launch(executable_path=executable, headless=True)
        except BaseException as error:
            ready.set_exception(error)
            return
        ready.set_result(None)
        try:
            while (job := self._jobs.get()) is not None:
                work, future = job
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(work())
                    except BaseException as error:
                        future.set_exception(error)
        finally:
            self.chromium.close()
            playwright.stop()

    def call(self, work: Callable[[], Any]) -> Any:
        """Run ``work`` in the browser's thread and return its result (blocking)."""
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._jobs.put((work, future))
        return future.result(timeout=60)

    async def run(self, work: Callable[[], Any]) -> Any:
        """``call`` from async code, without blocking the event loop."""
        return await anyio.to_thread.run_sync(self.call, work, abandon_on_cancel=True)

    def new_page(self, **options: Any) -> Page:
        """A page in a fresh browser context (no shared cookies or storage)."""
        return self.call(lambda: self.chromium.new_context(**options).new_page())  # type: ignore[no-any-return]

    def close_page(self, page: Page) -> None:
        self.call(page.context.close)

    def stop(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=30)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless system chromium for the whole test session."""
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes", "on"):
            pytest.fail("chromium must be installed under CI (apt-get install chromium)")
        pytest.skip("no system chromium (apt-get install chromium, or set $CHROMIUM)")
    running = Browser(executable)
    try:
        yield running
    finally:
        running.stop()


class PageDriver:
    """Acts as the person in the browser: opens the page the UI asks to open, and clicks.

    It is the `UIDriver` of `UserInterfaceContract`: ``choose(kind, value)`` clicks the option,
    ``respond(action)`` the prompt's button (``accept``, ``decline``, ``close``...).
    """

    def __init__(self, browser: Browser, page: Page) -> None:
        self.browser = browser
        self.page = page
        self.urls: list[str] = []
        self._shown: str | None = None
        self._opened: anyio.Event | None = None

    def opener(self, url: str) -> None:
        """The UI's ``opener``: remember the URL (the person opens it when they act)."""
        self.urls.append(url)
        if self._opened is not None:
            self._opened.set()

    async def show(self, *, new: bool = False) -> Page:
        """The page at the newest URL the UI opened (navigating there once); ``new=True``
        waits for a URL not shown yet (the next operation's page)."""
        while not self.urls or (new and self.urls[-1] == self._shown):
            self._opened = anyio.Event()
            await self._opened.wait()
        url = self.urls[-1]
        if self._shown != url:
            self._shown = url
            await self.browser.run(lambda: self.page.goto(url))
        return self.page

    async def click(self, selector: str) -> None:
        page = await self.show()
        await self.browser.run(lambda: page.click(selector))

    async def choose(self, kind: str, value: str) -> None:
        await self.click(f'#view button[data-kind="{kind}"][data-value="{value}"]')

    async def respond(self, action: str) -> None:
        await self.click(f'#view [data-action="{action}"]')


@pytest.fixture
def driver(browser: Browser) -> Iterator[PageDriver]:
    """A person at a fresh browser page (a phone-sized one for the layout checks)."""
    page = browser.new_page(viewport={"width": 900, "height": 800})
    try:
        yield PageDriver(browser, page)
    finally:
        browser.close_page(page)


#: A wallet- or chain-supplied string that would run script if it were ever parsed as markup.
HOSTILE = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"


@pytest.fixture
def hostile() -> str:
    """`HOSTILE`: a name, memo or device name that must be shown as text, never run."""
    return HOSTILE


async def with_person(
    person: Callable[[], Coroutine[Any, Any, None]], call: Callable[[], Awaitable[Any]]
) -> Any:
    """Run ``call`` while ``person`` acts in the browser; ``call``'s result or exception."""
    failure: BaseException | None = None
    result: Any = None
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(person)
        await anyio.lowlevel.checkpoint()
        try:
            with anyio.fail_after(30):
                result = await call()
        except Exception as exc:  # raised as itself below, not inside an exception group
            failure = exc
        tasks.cancel_scope.cancel()
    if failure is not None:
        raise failure
    return result


@pytest.fixture
def act() -> Callable[..., Awaitable[Any]]:
    """`with_person`: ``await act(person, call)``."""
    return with_person
