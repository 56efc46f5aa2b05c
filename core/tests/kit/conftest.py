"""Fixtures shared by the kit tests. Add fixtures here; never remove one (two helpers share it)."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every async kit test runs under asyncio and under trio."""
    return str(request.param)


@pytest.fixture
def no_plugin_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No allow/deny list and non-strict loading, whatever the shell or the pytest plugin set."""
    for name in ("SESSIONKIT_PLUGINS", "SESSIONKIT_DISABLE_PLUGINS", "SESSIONKIT_STRICT_PLUGINS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def devnet_chain(devnet: object) -> object:
    """The session's devnet as a kit chain (a ``ChainDefinition``)."""
    from sessionkit.chain import ChainDefinition

    return ChainDefinition(id=devnet.chain_id, url=devnet.url)  # type: ignore[attr-defined]
