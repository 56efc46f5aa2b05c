"""Blocking versions of `SessionKit` and `Session`, for scripts and notebooks.

The same classes and methods without ``await``::

    from sessionkit.sync import SessionKit

    with SessionKit("myapp", chains, wallet_plugins=[wallet]) as kit:
        session = kit.login(permission_level="alice@active").session
        session.transact(action=transfer)

The async kit runs in an event loop on a background thread (an anyio blocking portal, asyncio
by default, ``backend="trio"`` for trio); each call blocks until it is done, so it also works
where an event loop already runs but cannot be awaited (a notebook cell). Every other coroutine
method of the async classes blocks here too (``kit.aclose()``, ``session.aclose()``). Close the
kit (``with``, or ``kit.close()``) to close its connections and stop that thread; a script
that ends without closing it still exits. In async code, ``await`` the async kit
instead: a blocking call there holds up that code's event loop until it returns.
"""

from __future__ import annotations

import functools
import inspect
import threading
from typing import TYPE_CHECKING, Any

import anyio
import msgspec
from anyio.from_thread import BlockingPortal

from sessionkit import kit as _kit
from sessionkit.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import TracebackType
    from typing import Self

    from sessionkit.antelope import Signature
    from sessionkit.chain import ChainDefinition
    from sessionkit.login import LoginResult
    from sessionkit.plugins import PluginInfo
    from sessionkit.session import Session as AsyncSession
    from sessionkit.transact import TransactResult

__all__ = ["Session", "SessionKit"]


class Session:
    """A blocking `sessionkit.Session`: the same attributes and methods, without ``await``."""

    def __init__(self, session: AsyncSession, portal: BlockingPortal) -> None:
        self._session = session
        self._portal = portal

    @property
    def async_session(self) -> AsyncSession:
        """The async session behind this one."""
        return self._session

    def __getattr__(self, name: str) -> Any:
        return _blocking(getattr(self._session, name), self._portal)

    def __repr__(self) -> str:
        return repr(self._session).replace("<Session", "<sync Session", 1)

    def transact(self, **options: Any) -> TransactResult:
        """`sessionkit.Session.transact`, blocking."""
        result: TransactResult = self._portal.call(_call(self._session.transact, options))
        return result

    def sign_transaction(self, transaction: Any) -> list[Signature]:
        """`sessionkit.Session.sign_transaction`, blocking."""
        return self._portal.call(self._session.sign_transaction, transaction)


class SessionKit:
    """A blocking `sessionkit.SessionKit`; takes the same arguments (plus ``backend``)."""

    def __init__(self, *args: Any, backend: str = "asyncio", **options: Any) -> None:
        self._loop = _LoopThread(backend)
        self._portal: BlockingPortal = self._loop.portal
        try:
            self._kit: _kit.SessionKit = self._portal.call(_build, args, options)
        except BaseException:
            self._loop.stop()
            raise
        self._closed = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the kit's connections and stop its event loop thread."""
        if self._closed:
            return
        self._closed = True
        try:
            self._portal.call(self._kit.aclose)
        finally:
            self._loop.stop()

    @property
    def async_kit(self) -> _kit.SessionKit:
        """The async kit behind this one."""
        return self._kit

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return _blocking(getattr(self._kit, name), self._portal)

    def __repr__(self) -> str:
        return repr(self._kit).replace("<SessionKit", "<sync SessionKit", 1)

    @property
    def chains(self) -> list[ChainDefinition]:
        """The kit's chains."""
        return self._kit.chains

    @property
    def plugins(self) -> list[PluginInfo]:
        """The active plugins."""
        return self._kit.plugins

    def _run(self, function: Callable[..., Any], options: Mapping[str, Any]) -> Any:
        if self._closed:
            raise ConfigurationError("this SessionKit is closed; make a new one")
        return self._portal.call(_call(function, options))

    def login(self, **options: Any) -> LoginResult:
        """`sessionkit.SessionKit.login`, blocking; ``result.session`` is a blocking Session."""
        result: LoginResult = self._run(self._kit.login, options)
        return msgspec.structs.replace(result, session=self._wrap(result.session))

    def restore(self, args: Mapping[str, Any] | None = None, **options: Any) -> Session | None:
        """`sessionkit.SessionKit.restore`, blocking."""
        session = self._run(self._kit.restore, {"args": args, **options})
        return None if session is None else self._wrap(session)

    def restore_all(self) -> list[Session]:
        """`sessionkit.SessionKit.restore_all`, blocking."""
        return [self._wrap(s) for s in self._run(self._kit.restore_all, {})]

    def logout(self, session: Session | AsyncSession | Mapping[str, Any] | None = None) -> None:
        """`sessionkit.SessionKit.logout`, blocking."""
        target = session.async_session if isinstance(session, Session) else session
        self._run(self._kit.logout, {"session": target})

    def get_sessions(self) -> list[dict[str, Any]]:
        """`sessionkit.SessionKit.get_sessions`, blocking."""
        result: list[dict[str, Any]] = self._run(self._kit.get_sessions, {})
        return result

    def persist_session(self, session: Session | AsyncSession, set_as_default: bool = True) -> None:
        """`sessionkit.SessionKit.persist_session`, blocking."""
        target = session.async_session if isinstance(session, Session) else session
        self._run(self._kit.persist_session, {"session": target, "set_as_default": set_as_default})

    def _wrap(self, session: AsyncSession) -> Session:
        return Session(session, self._portal)


class _LoopThread:
    """An event loop with a blocking portal, in a daemon thread.

    anyio's ``start_blocking_portal`` runs the loop in a non-daemon pool thread, which the
    interpreter joins at exit: a script that never closed its kit would hang when it ends. A
    daemon thread lets it exit; ``stop()`` ends the loop and joins the thread.
    """

    def __init__(self, backend: str) -> None:
        if backend not in ("asyncio", "trio"):
            raise ConfigurationError(f"backend is 'asyncio' or 'trio', not {backend!r}")
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._portal: BlockingPortal | None = None
        self._thread = threading.Thread(
            target=self._run, args=(backend,), name=f"sessionkit-sync-{backend}", daemon=True
        )
        self._thread.start()
        self._ready.wait()
        if self._portal is None:
            raise ConfigurationError(
                f"cannot run the {backend} event loop: {self._failure}"
            ) from self._failure

    @property
    def portal(self) -> BlockingPortal:
        assert self._portal is not None
        return self._portal

    def _run(self, backend: str) -> None:
        try:
            anyio.run(self._serve, backend=backend)
        except BaseException as exc:  # reported by __init__ when it never started
            self._failure = exc
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        async with BlockingPortal() as portal:
            self._portal = portal
            self._ready.set()
            await portal.sleep_until_stopped()

    def stop(self) -> None:
        """End the event loop (after the calls in progress) and wait for its thread."""
        if self._thread.is_alive():
            self.portal.call(self.portal.stop)
            self._thread.join()


def _blocking(value: Any, portal: BlockingPortal) -> Any:
    """``value`` itself, or, for a coroutine method, a function running it through the portal."""
    if not inspect.iscoroutinefunction(value):
        return value

    @functools.wraps(value)
    def call(*args: Any, **kwargs: Any) -> Any:
        return portal.call(functools.partial(value, *args, **kwargs))

    return call


async def _build(args: tuple[Any, ...], options: dict[str, Any]) -> _kit.SessionKit:
    return _kit.SessionKit(*args, **options)


def _call(function: Callable[..., Any], options: Mapping[str, Any]) -> Callable[[], Any]:
    async def call() -> Any:
        return await function(**options)

    return call
