"""Wrong input to the devnet's entry points: a sessionkit error that says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from sessionkit.devnet import Devnet
from sessionkit.devnet import _devnet as devnet_module
from sessionkit.errors import DevnetError


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_blocking_start_inside_an_event_loop_points_to_astart() -> None:
    devnet = Devnet(progress=None)
    with pytest.raises(DevnetError, match=r"await devnet\.astart\(\)"):
        devnet.start()
    assert not devnet.running


def test_environment_root_may_be_a_string(monkeypatch, tmp_path) -> None:
    roots: list[object] = []

    def fake_environment(root: object, *, progress: object) -> str:
        roots.append(root)
        return "env"

    monkeypatch.setattr(devnet_module, "ensure_environment", fake_environment)
    assert Devnet(environment_root=str(tmp_path), progress=None)._environment() == "env"
    assert roots == [Path(tmp_path)]
