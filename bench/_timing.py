"""How the bench scripts time things: rates are medians of several runs, durations one call.

Imported by the scripts next to it (``python bench/x.py`` puts ``bench/`` on the path).
"""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

RUNS = 7


def ops_per_second(
    operation: Callable[[], object],
    *,
    per_call: int = 1,
    seconds: float = 0.25,
    runs: int = RUNS,
) -> float:
    """Median over ``runs`` of operations per second, each run calling ``operation`` (which does
    ``per_call`` operations) for about ``seconds``."""
    rates = []
    for _ in range(runs):
        calls = 0
        start = time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            operation()
            calls += 1
        rates.append(calls * per_call / elapsed)
    return statistics.median(rates)


def seconds_taken(action: Callable[[], object]) -> float:
    """Wall-clock seconds one call of ``action`` takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start
