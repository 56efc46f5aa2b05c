"""How fast a devnet starts and stops, once its node environment exists.

Run ``uv run python bench/devnet.py``. It starts and stops a devnet several times and prints one
JSON object: the median start-to-ready time (node launch, ``get_info`` answering, and the whole
bootstrap: protocol features, eosio.bios, eosio.token, funded test accounts) and the median
stop time, in seconds. Target: start-to-ready at most 5 s.
"""

from __future__ import annotations

import json
import statistics

from _timing import seconds_taken
from sessionkit.devnet import Devnet

ROUNDS = 5


def main() -> None:
    Devnet(progress=None).start().stop()  # builds the node environment if it is missing
    starts: list[float] = []
    stops: list[float] = []
    for _ in range(ROUNDS):
        devnet = Devnet(progress=None)
        starts.append(seconds_taken(devnet.start))
        stops.append(seconds_taken(devnet.stop))
    figures = {
        "start_to_ready_s": round(statistics.median(starts), 2),
        "start_to_ready_max_s": round(max(starts), 2),
        "stop_s": round(statistics.median(stops), 2),
        "target_start_to_ready_s": 5.0,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
