"""``bench/kit_instructions.py`` replays a real node's answers: every way it counts must still run.

Counting needs valgrind, which CI does not install; the replays it counts are what can rot, so
each runs here, against answers recorded from the devnet.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from types import ModuleType

    from sessionkit.devnet import Devnet

BENCH = Path(__file__).resolve().parents[1] / "bench" / "kit_instructions.py"

pytestmark = [pytest.mark.devnet, pytest.mark.anyio]


def bench_module() -> ModuleType:
    """The script as a module, its helpers beside it importable as when it runs."""
    spec = importlib.util.spec_from_file_location("kit_instructions", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCH.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH.parent))
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return bench_module()


async def test_every_counted_way_replays_the_recorded_transfer(
    bench: ModuleType, devnet: Devnet
) -> None:
    recording: dict[str, Any] = await bench.record(devnet)
    assert set(recording["answers"]) == {
        "get_info",
        "get_abi",
        "get_raw_abi",
        "send_transaction",
        "get_required_keys",
    }
    for mode in bench.MODES:
        await bench.replay(recording, mode, 2)
