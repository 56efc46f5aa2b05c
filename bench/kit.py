"""Speed of the kit itself: import, the transact pipeline against a real node, restoring sessions.

Run ``uv run python bench/kit.py``. It starts a devnet and prints one JSON object:

- ``transact_per_s``: transfers signed with an in-memory key wallet and broadcast through
  ``session.transact`` (TAPoS, ABI cache, hooks, wallet, signature checks, broadcast);
- ``manual_per_s``: the same transfer done by hand in the same run (httpx ``get_info``, our codec,
  our signing, httpx ``send_transaction`` and the transaction id read from its answer, as a
  caller needs it and as the kit returns it), alternating transfer by transfer with the kit so
  both see the same node state;
- ``transact_overhead_us``: what the kit adds per transfer (target under 500 us), in CPU time
  of this process: both sides wait the same for the node, and wall-time differences of two
  round trips of tens of milliseconds drown in the node's and the machine's noise (that
  difference is printed too, as ``transact_overhead_wall_us``);
- ``restore_per_s``: ``kit.restore()`` of the one stored session of a `FileStorage`
  (which, as in WharfKit, persists it as default again: a locked, fsynced file write), and
  ``restore_no_persist_per_s`` with ``set_as_default=False`` (a read only);
- ``restore_all_1000_ms``: ``kit.restore_all()`` of 1,000 stored sessions (target under 100 ms),
  and ``restore_all_1000_cpu_ms`` the CPU time of it (steadier when the machine is shared: the
  wall time also counts waiting for the worker thread that reads the file);
- ``import_ms``: ``from sessionkit import SessionKit`` in a fresh interpreter, the import alone
  (target under 150 ms), ``import_cpu_ms`` the CPU time of it, and ``import_package_ms``:
  ``import sessionkit`` alone.

Each rate and time is the median of several rounds; other processes on the machine move every
figure, so compare figures from one run.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any

import anyio
import httpx
from _by_hand import key_kit, transfer, transfer_by_hand
from _timing import RUNS
from sessionkit import FileStorage, SessionKit
from sessionkit.chain import ABICache, APIClient, ChainDefinition
from sessionkit.devnet import Devnet
from sessionkit.testing import KeyWallet

ROUNDS = 5
TRANSFERS = 60
RESTORES = 200
STORED = 1000


async def transact_figures(devnet: Devnet, chain: ChainDefinition) -> dict[str, float]:
    key = devnet.accounts["alice"].private_key
    async with (
        key_kit(chain, key) as kit,
        httpx.AsyncClient() as raw,
        APIClient(devnet.url) as client,
    ):
        session = (await kit.login(permission_level="alice@active")).session
        abi = await ABICache(client).get_abi("eosio.token")

        async def by_kit() -> None:
            result = await session.transact(action=transfer(uuid.uuid4().hex))
            assert result.response is not None
            assert result.response.transaction_id

        async def by_hand() -> None:
            await transfer_by_hand(raw, devnet.url, key, chain.id, abi, memo=uuid.uuid4().hex)

        for _ in range(10):  # warm connections, caches and code paths
            await by_kit()
            await by_hand()
        kit_rates, hand_rates, cpu_overheads = [], [], []
        for round_number in range(ROUNDS):
            spent = [0.0, 0.0]
            cpu = [0.0, 0.0]
            for _ in range(TRANSFERS):
                pair = (by_hand, by_kit) if round_number % 2 else (by_kit, by_hand)
                for operation in pair:
                    side = 0 if operation is by_kit else 1
                    start, start_cpu = time.perf_counter(), time.process_time()
                    await operation()
                    spent[side] += time.perf_counter() - start
                    cpu[side] += time.process_time() - start_cpu
            kit_rates.append(TRANSFERS / spent[0])
            hand_rates.append(TRANSFERS / spent[1])
            cpu_overheads.append((cpu[0] - cpu[1]) / TRANSFERS)
    kit_rate, hand_rate = statistics.median(kit_rates), statistics.median(hand_rates)
    return {
        "transact_per_s": round(kit_rate, 1),
        "manual_per_s": round(hand_rate, 1),
        "transact_overhead_us": round(statistics.median(cpu_overheads) * 1e6),
        "transact_overhead_wall_us": round((1 / kit_rate - 1 / hand_rate) * 1e6),
    }


async def restore_figures(chain: ChainDefinition) -> dict[str, float]:
    wallet = KeyWallet(_any_key())
    stored = [
        {
            "chain": str(chain.id),
            "actor": _name(n),
            "permission": "active",
            "walletPlugin": {"id": wallet.id, "data": {}},
            "default": n == 0,
        }
        for n in range(STORED)
    ]
    restore_rates, read_rates, all_times, all_cpu = [], [], [], []
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as many:
        await _store(FileStorage(one), stored[:1])
        await _store(FileStorage(many), stored)
        async with (
            SessionKit(
                "bench",
                [chain],
                wallet_plugins=[wallet],
                storage=FileStorage(one),
                discover=False,
            ) as single,
            SessionKit(
                "bench",
                [chain],
                wallet_plugins=[wallet],
                storage=FileStorage(many),
                discover=False,
            ) as thousand,
        ):
            await single.restore()
            await thousand.restore_all()
            for _ in range(ROUNDS):
                start = time.perf_counter()
                for _ in range(RESTORES):
                    await single.restore()
                restore_rates.append(RESTORES / (time.perf_counter() - start))
                start = time.perf_counter()
                for _ in range(RESTORES):
                    await single.restore(set_as_default=False)
                read_rates.append(RESTORES / (time.perf_counter() - start))
                start, start_cpu = time.perf_counter(), time.process_time()
                sessions = await thousand.restore_all()
                all_times.append(time.perf_counter() - start)
                all_cpu.append(time.process_time() - start_cpu)
                assert len(sessions) == STORED
    return {
        "restore_per_s": round(statistics.median(restore_rates), 1),
        "restore_no_persist_per_s": round(statistics.median(read_rates), 1),
        "restore_all_1000_ms": round(statistics.median(all_times) * 1000, 1),
        "restore_all_1000_cpu_ms": round(statistics.median(all_cpu) * 1000, 1),
    }


async def _store(storage: FileStorage, sessions: list[dict[str, Any]]) -> None:
    """Store ``sessions`` (the first is the default) as the kit would have."""
    values = {"session": json.dumps(sessions[0]), "sessions": json.dumps(sessions)}
    await storage.update(["session", "sessions"], lambda _: values)


def _any_key() -> Any:
    from sessionkit.antelope import PrivateKey

    return PrivateKey.generate()


def _name(n: int) -> str:
    """A distinct valid account name for each n (letters a-z only, 12 at most)."""
    letters = ""
    for _ in range(6):
        n, digit = divmod(n, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[digit]
    return f"user{letters}"


def import_ms(statement: str) -> tuple[float, float]:
    """Median wall and CPU milliseconds ``statement`` takes in a fresh interpreter (the import
    alone). CPU time moves less than wall time when other processes share the machine.

    Bytecode is cached (in a temporary ``PYTHONPYCACHEPREFIX``, warmed by a first run), as it is
    for an installed package, even where ``PYTHONDONTWRITEBYTECODE`` is set.
    """
    probe = (
        "import time\nstart, cpu = time.perf_counter(), time.process_time()\n"
        f"{statement}\nprint(time.perf_counter() - start, time.process_time() - cpu)\n"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache

        def run() -> tuple[float, float]:
            done = subprocess.run(
                [sys.executable, "-c", probe], check=True, capture_output=True, text=True, env=env
            )
            wall, cpu = done.stdout.split()
            return float(wall), float(cpu)

        run()
        timings = [run() for _ in range(RUNS)]
    return (
        round(statistics.median(t[0] for t in timings) * 1000, 1),
        round(statistics.median(t[1] for t in timings) * 1000, 1),
    )


async def main() -> None:
    figures: dict[str, float] = {}
    figures["import_ms"], figures["import_cpu_ms"] = import_ms("from sessionkit import SessionKit")
    figures["import_package_ms"], _ = import_ms("import sessionkit")
    async with Devnet(progress=None) as devnet:
        chain = ChainDefinition(devnet.chain_id, devnet.url)
        figures.update(await transact_figures(devnet, chain))
        figures.update(await restore_figures(chain))
    figures.update(
        {
            "target_transact_overhead_us": 500,
            "target_restore_all_1000_ms": 100,
            "target_import_ms": 150,
        }
    )
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    anyio.run(main)
