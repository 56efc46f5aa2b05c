"""`Devnet`: start a bootstrapped local node, use it, stop it without leaving anything behind."""

from __future__ import annotations

import atexit
import contextlib
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import anyio
import anyio.to_thread

from sessionkit.antelope import Name, Symbol
from sessionkit.devnet._accounts import (
    PUBLISHED_KEYS_WARNING,
    DevnetAccount,
    default_accounts,
    extra_permissions,
    permission_table,
    producer_account,
)
from sessionkit.devnet._bootstrap import TOKEN_CONTRACT, TOKEN_SYMBOL, bootstrap
from sessionkit.devnet._node import LaunchRecord, NodeProcess
from sessionkit.devnet._venv import Progress, ensure_environment, print_progress
from sessionkit.errors import ChainError, DevnetError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from types import TracebackType

    from sessionkit.antelope import Checksum256, PrivateKey
    from sessionkit.chain import APIClient
    from sessionkit.devnet._venv import NodeEnvironment

__all__ = ["Devnet", "event_loop_running"]

_READY_TIMEOUT_S = 30.0
_LAUNCH_ATTEMPTS = 3


class Devnet:
    """A real local Leap node with a token and funded test accounts (PUBLISHED test keys).

    ``Devnet().start()`` / ``stop()`` from synchronous code; ``async with Devnet() as devnet``
    (or ``async with Devnet.started()``) under anyio. After start: ``url``, ``chain_id``,
    ``accounts`` (``alice``, ``bob``, ``carol``, ``dave``, ``erin``, ``team``: their ``active``
    permission), ``permissions`` (every test permission as ``"name@permission"``, including
    ``eosio@active`` and ``erin@transfer``), ``token_contract``, ``token_symbol``,
    ``producer_key``. The node and its directory go away on ``stop()``, at interpreter exit,
    and even when this process is killed.
    """

    def __init__(
        self,
        *,
        progress: Progress | None = print_progress,
        stop_timeout: float = 10.0,
        environment_root: Path | str | None = None,
        detached: bool = False,
        record: LaunchRecord | None = None,
    ) -> None:
        """Configure (nothing starts yet).

        Args:
            progress: receives one-line progress messages (None: silent).
            stop_timeout: seconds between SIGTERM and SIGKILL when stopping.
            environment_root: where node environments live (default: the user cache dir).
            detached: keep the node running after this process exits; use `start_detached`,
                which records such a node in a state file, rather than this.
            record: told of each node's directory before it launches and of its pids after
                (how `start_detached` keeps its state file).
        """
        self._progress = progress
        self._stop_timeout = stop_timeout
        self._environment_root = None if environment_root is None else Path(environment_root)
        self._detached = detached
        self._record = record
        self._node: NodeProcess | None = None
        self._chain_id: Checksum256 | None = None
        self.producer = producer_account()
        self.accounts: dict[str, DevnetAccount] = default_accounts()
        self._extra_permissions = extra_permissions()
        self.permissions: dict[str, DevnetAccount] = permission_table(
            self.producer, self.accounts, self._extra_permissions
        )
        self.token_contract = Name(TOKEN_CONTRACT)
        self.token_symbol = Symbol.from_string(TOKEN_SYMBOL)
        #: Seconds from launching the node to bootstrapped (venv creation not included).
        self.startup_seconds: float | None = None

    def __repr__(self) -> str:
        state = f"url={self.url!r}" if self._node else "stopped"
        return f"Devnet({state})"

    @property
    def running(self) -> bool:
        """True between a successful start and stop."""
        return self._node is not None

    @property
    def node(self) -> NodeProcess:
        """The node process (pid, ports, directory); DevnetError if not running."""
        if self._node is None:
            raise DevnetError("the devnet is not running: call start() first")
        return self._node

    @property
    def url(self) -> str:
        """The node's HTTP API URL (``http://127.0.0.1:<port>``)."""
        return self.node.url

    @property
    def chain_id(self) -> Checksum256:
        """The chain id of the running node."""
        if self._chain_id is None:
            raise DevnetError("the devnet is not running: call start() first")
        return self._chain_id

    @property
    def producer_key(self) -> PrivateKey:
        """The block producer's (and ``eosio``'s) key: the public development key."""
        return self.producer.private_key

    @property
    def published_keys_warning(self) -> str:
        """The reminder to print next to any of these keys."""
        return PUBLISHED_KEYS_WARNING

    def client(self, **options: Any) -> APIClient:
        """A new `APIClient` on this node (close it, or use ``async with``)."""
        from sessionkit.chain import APIClient

        return APIClient(self.url, **options)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """Start and bootstrap the node (blocking). Builds the node environment on first use.

        In async code use ``await devnet.astart()`` (or ``async with``) instead.
        """
        if event_loop_running():
            raise DevnetError(
                "Devnet.start() blocks and cannot run inside an event loop: in async code use "
                "'await devnet.astart()' or 'async with Devnet() as devnet:'"
            )
        anyio.run(self.astart)
        return self

    async def astart(self) -> Self:
        """Start and bootstrap the node without blocking the event loop."""
        if self._node is not None:
            return self
        env = await anyio.to_thread.run_sync(self._environment)
        failure = ""
        for _ in range(_LAUNCH_ATTEMPTS):
            started = time.monotonic()
            node = await anyio.to_thread.run_sync(self._launch, env)
            try:
                chain_id = await self._bring_up(node, env)
            except _NodeDied as died:
                failure = str(died)
                node.stop(self._stop_timeout)
                continue
            except BaseException:
                node.stop(self._stop_timeout)
                raise
            self._node = node
            self._chain_id = chain_id
            self.startup_seconds = time.monotonic() - started
            if not self._detached:
                atexit.register(self.stop)
            self._say(f"node ready at {node.url} in {self.startup_seconds:.1f} s")
            return self
        raise DevnetError(f"the devnet node did not start:\n{failure}")

    def stop(self) -> None:
        """Stop the node (SIGTERM, then SIGKILL) and delete its directory. Safe to repeat."""
        node, self._node = self._node, None
        self._chain_id = None
        atexit.unregister(self.stop)
        if node is not None:
            node.stop(self._stop_timeout)

    async def astop(self) -> None:
        """`stop` without blocking the event loop; finishes even if the caller is cancelled."""
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(self.stop)

    def forget(self) -> None:
        """Leave a detached node running and drop this object's handle on it."""
        self._node = None

    @classmethod
    @asynccontextmanager
    async def started(cls, **options: Any) -> AsyncIterator[Devnet]:
        """``async with Devnet.started() as devnet:`` a running devnet, stopped on exit."""
        async with cls(**options) as devnet:
            yield devnet

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return await self.astart()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.astop()

    # -- steps -----------------------------------------------------------------------------

    def _say(self, message: str) -> None:
        if self._progress is not None:
            self._progress(message)

    def _environment(self) -> NodeEnvironment:
        return ensure_environment(self._environment_root, progress=self._progress)

    def _launch(self, env: NodeEnvironment) -> NodeProcess:
        return NodeProcess.launch(
            env, detached=self._detached, stop_timeout=self._stop_timeout, record=self._record
        )

    async def _bring_up(self, node: NodeProcess, env: NodeEnvironment) -> Checksum256:
        from sessionkit.chain import APIClient

        async with APIClient(node.url, timeout=5.0) as client:
            chain_id = await _wait_ready(client, node)
            await bootstrap(
                client,
                env.contracts,
                chain_id=chain_id,
                producer=self.producer,
                accounts=self.accounts,
                extra_permissions=self._extra_permissions,
            )
        return chain_id


def event_loop_running() -> bool:
    """True when called from code an asyncio or trio event loop is running in this thread."""
    try:
        anyio.get_current_task()
    except RuntimeError:  # anyio's NoEventLoopError
        return False
    return True


class _NodeDied(Exception):
    """The node exited before answering (a port taken meanwhile, usually): worth a retry."""


async def _wait_ready(client: APIClient, node: NodeProcess) -> Checksum256:
    """Poll ``get_info`` until the node answers; its chain id."""
    deadline = time.monotonic() + _READY_TIMEOUT_S
    while True:
        with contextlib.suppress(ChainError):
            info = await client.get_info()
            return info.chain_id
        if not node.alive():
            raise _NodeDied(f"the node exited during start-up; its last output:\n{node.log_tail()}")
        if time.monotonic() > deadline:
            raise DevnetError(
                f"the node did not answer get_info within {_READY_TIMEOUT_S:.0f} s; "
                f"its last output:\n{node.log_tail()}"
            )
        await anyio.sleep(0.05)
