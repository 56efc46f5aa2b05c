"""The pytest plugin SessionKit registers (entry point ``pytest11``): fixtures for app tests.

Importing this module must stay cheap: pytest loads it in every run of every project that has
SessionKit installed, so SessionKit itself is imported only when a fixture is used.

Fixtures:

- ``devnet`` (session scope): a running `sessionkit.devnet.Devnet`, a real local Leap node with
  a ``SYS`` token and funded test accounts (published test keys). Mark such tests
  ``@pytest.mark.devnet``. Where the platform cannot run the node the tests are skipped with
  the reason, except under CI (``CI=true``), where they fail instead. The same holds for a
  ``devnet``-marked test that starts its own `Devnet`.

It also makes every `SessionKit` that does not say otherwise load plugins strictly (a plugin
that fails to load raises instead of being skipped): set ``sessionkit_strict_plugins = false``
in the pytest ini options to turn that off.

Disable the plugin with ``-p no:sessionkit``.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sessionkit.devnet import Devnet

__all__ = ["devnet", "in_ci"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "sessionkit_strict_plugins",
        "make SessionKit raise on a plugin that fails to load (default: true)",
        type="bool",
        default=True,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "devnet: runs against a real local Leap node (sessionkit.devnet)"
    )
    if config.getini("sessionkit_strict_plugins"):
        # A broken plugin must fail a test run loudly rather than be skipped with a log line.
        os.environ.setdefault("SESSIONKIT_STRICT_PLUGINS", "1")


def in_ci() -> bool:
    """True under CI (``CI`` set to a true value), where an unavailable devnet is a failure."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes", "on")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A ``devnet``-marked test that starts its own node skips like the fixture would."""
    if item.get_closest_marker("devnet") is None:
        return (yield)
    from sessionkit.errors import DevnetUnavailable

    try:
        return (yield)
    except DevnetUnavailable as exc:
        if in_ci():
            raise
        pytest.skip(f"devnet unavailable on this platform: {exc}")


@pytest.fixture(scope="session")
def devnet(request: pytest.FixtureRequest) -> Iterator[Devnet]:
    """A running, bootstrapped devnet shared by the whole test session; stopped at the end."""
    from sessionkit.devnet import Devnet, DevnetUnavailable

    capture = request.config.pluginmanager.getplugin("capturemanager")

    def progress(message: str) -> None:
        # Building the node environment takes about 20 s once: say so even under capture.
        if capture is None:
            print(f"sessionkit devnet: {message}", file=sys.stderr, flush=True)
            return
        with capture.global_and_fixture_disabled():
            print(f"\nsessionkit devnet: {message}", file=sys.stderr, flush=True)

    node = Devnet(progress=progress)
    try:
        node.start()
    except DevnetUnavailable as exc:
        if in_ci():
            pytest.fail(f"the devnet must run under CI but cannot: {exc}", pytrace=False)
        pytest.skip(f"devnet unavailable on this platform: {exc}")
    try:
        yield node
    finally:
        node.stop()
