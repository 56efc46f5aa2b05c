"""Fixtures shared by the kit tests. Add fixtures here; never remove one (two helpers share it)."""

from __future__ import annotations

import importlib
import sys
import textwrap
import uuid
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


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


class Distributions:
    """Installs throwaway plugin distributions for one test: a ``*.dist-info`` with an
    ``entry_points.txt`` and the plugin modules, in a directory put on ``sys.path``, which is
    exactly what importlib.metadata reads for an installed distribution."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.modules: list[str] = []
        self._monkeypatch = monkeypatch
        self._on_path = False

    def unique(self, stem: str) -> str:
        """A module name no other test uses (so no stale import is reused)."""
        return f"{stem}_{uuid.uuid4().hex[:8]}"

    def install(
        self,
        name: str,
        entry_points: dict[str, str],
        modules: dict[str, str],
        *,
        version: str = "1.0",
    ) -> None:
        """Install distribution ``name`` with ``entry_points`` (id -> module) and ``modules``
        (module name -> source)."""
        info = self.root / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
        )
        lines = "".join(f"{key} = {value}\n" for key, value in entry_points.items())
        (info / "entry_points.txt").write_text(f"[sessionkit]\n{lines}", encoding="utf-8")
        for module, source in modules.items():
            (self.root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
            self.modules.append(module)
        if not self._on_path:
            self._monkeypatch.syspath_prepend(str(self.root))
            self._on_path = True
        importlib.invalidate_caches()


@pytest.fixture
def distributions(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Distributions]:
    """Throwaway installed plugin distributions (see `Distributions`)."""
    made = Distributions(tmp_path_factory.mktemp("site"), monkeypatch)
    yield made
    for module in made.modules:
        sys.modules.pop(module, None)
