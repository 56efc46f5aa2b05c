"""What the kit adds to a transfer, in CPU instructions: a figure the machine's load cannot move.

``bench/kit.py`` times transfers against a live node, and on a shared machine its CPU times
wander by a factor of two or three. This script counts instructions instead, with valgrind's
callgrind (``apt-get install valgrind``). Run ``uv run python bench/kit_instructions.py``: it
starts a devnet, records the node's answers to one transfer, then replays them through an
in-process httpx transport in fresh interpreters under callgrind, with fixed memos so that every
run signs the same digests. It prints one JSON object of thousands of instructions per transfer:

- ``by_hand_kinstr``: ``get_info``, our codec and signing, ``send_transaction`` and the
  transaction id from its answer, through bare httpx (the manual side of ``bench/kit.py``);
- ``transact_kinstr``: the same transfer through ``session.transact``;
- ``transact_overhead_kinstr``: the difference;
- ``transact_overhead_no_validate_kinstr``: the difference with
  ``validate_plugin_signatures=False`` (with the in-memory key wallet the check costs little:
  a signature made in this process remembers its key, so it is not recovered again);
- ``client_overhead_kinstr``: the by-hand transfer with its two chain calls made through the
  session's ``APIClient`` (typed answers, size limits, per-attempt timeout), minus by hand.

Replayed answers leave out the socket work, which costs both sides the same; they also
leave out the cache misses a live run adds, so compare these figures with each other, not
with ``bench/kit.py``'s microseconds.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import anyio
import httpx
from _by_hand import HEADERS, key_kit, signed_transfer, transfer, transfer_by_hand
from sessionkit.antelope import (
    ABI,
    PackedTransaction,
    PrivateKey,
)
from sessionkit.chain import ChainDefinition
from sessionkit.devnet import Devnet

#: Transfers counted per run; each run's count less a run of none, divided by this.
TRANSFERS = 100
WARM_UP = 5
ANSWERED = ("get_info", "get_abi", "get_raw_abi")
MODES = ("by_hand", "transact", "transact_no_validate", "client")


async def record(devnet: Devnet) -> dict[str, Any]:
    """The node's answers to one transfer, and what replaying it needs."""
    key = devnet.accounts["alice"].private_key
    answers: dict[str, str] = {}
    async with httpx.AsyncClient() as http:
        for call in ANSWERED:
            body = b"" if call == "get_info" else b'{"account_name":"eosio.token"}'
            answer = await http.post(f"{devnet.url}/v1/chain/{call}", content=body)
            answer.raise_for_status()
            answers[call] = base64.b64encode(answer.content).decode()
        info = json.loads(base64.b64decode(answers["get_info"]))
        abi = ABI.from_json(json.loads(base64.b64decode(answers["get_abi"]))["abi"])
        signed = signed_transfer(
            key, str(devnet.chain_id), info, abi, memo=f"recorded {uuid.uuid4()}"
        )
        sent = await http.post(
            f"{devnet.url}/v1/chain/send_transaction",
            content=json.dumps(PackedTransaction.from_signed(signed).to_json()).encode(),
            headers=HEADERS,
        )
        sent.raise_for_status()
        answers["send_transaction"] = base64.b64encode(sent.content).decode()
        keys = {
            "transaction": signed.transaction.to_json(),
            "available_keys": [str(key.public_key)],
        }
        required = await http.post(
            f"{devnet.url}/v1/chain/get_required_keys", content=json.dumps(keys).encode()
        )
        required.raise_for_status()  # the kit asks once per key, to confirm the wallet's
        answers["get_required_keys"] = base64.b64encode(required.content).decode()
    return {
        "answers": answers,
        "key": key.to_string(),
        "chain_id": str(devnet.chain_id),
        "url": devnet.url,
    }


async def replay(recording: dict[str, Any], mode: str, transfers: int) -> None:
    """Warm every mode up, then make ``transfers`` transfers the ``mode`` way."""
    answers = {
        f"/v1/chain/{call}": base64.b64decode(body) for call, body in recording["answers"].items()
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=answers[request.url.path], headers=HEADERS)

    key = PrivateKey.from_string(recording["key"])
    chain = ChainDefinition(recording["chain_id"], recording["url"])
    abi = ABI.from_json(json.loads(answers["/v1/chain/get_abi"])["abi"])
    memos = (f"memo {n}" for n in range(1_000_000))
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(answer)) as kit_http,
        httpx.AsyncClient(transport=httpx.MockTransport(answer)) as raw,
        key_kit(chain, key, kit_http) as kit,
    ):
        session = (await kit.login(permission_level="alice@active")).session

        async def by_hand() -> None:
            await transfer_by_hand(raw, chain.url, key, chain.id, abi, memo=next(memos))

        async def transact() -> None:
            result = await session.transact(action=transfer(next(memos)))
            assert result.response is not None

        async def transact_no_validate() -> None:
            await session.transact(action=transfer(next(memos)), validate_plugin_signatures=False)

        async def client() -> None:
            info = await session.client.get_info()
            fields = {
                "last_irreversible_block_id": str(info.last_irreversible_block_id),
                "head_block_time": str(info.head_block_time),
            }
            signed = signed_transfer(key, str(chain.id), fields, abi, next(memos))
            assert (await session.client.send_transaction(signed)).transaction_id

        ways = {
            "by_hand": by_hand,
            "transact": transact,
            "transact_no_validate": transact_no_validate,
            "client": client,
        }
        for _ in range(WARM_UP):
            for way in ways.values():
                await way()
        for _ in range(transfers):
            await ways[mode]()


def instructions(recording_file: Path, mode: str, transfers: int) -> int:
    """Instructions one interpreter executes replaying ``transfers`` transfers ``mode``'s way."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--replay",
                str(recording_file),
                mode,
                str(transfers),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"the {mode} replay failed under valgrind:\n{done.stderr[-3000:]}")
        totals = [line for line in out.read_text().splitlines() if line.startswith("totals:")]
        return int(totals[-1].split()[1])


async def main() -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is needed to count instructions: apt-get install valgrind")
    async with Devnet(progress=None) as devnet:
        recording = await record(devnet)
    with tempfile.TemporaryDirectory() as scratch:
        recording_file = Path(scratch) / "recording.json"
        recording_file.write_text(json.dumps(recording))
        runs = [("by_hand", 0), *((mode, TRANSFERS) for mode in MODES)]
        counts: dict[tuple[str, int], int] = {}

        async def count(mode: str, transfers: int) -> None:
            counts[mode, transfers] = await anyio.to_thread.run_sync(
                instructions, recording_file, mode, transfers
            )

        async with anyio.create_task_group() as group:
            for mode, transfers in runs:
                group.start_soon(count, mode, transfers)
    base = counts["by_hand", 0]
    per = {mode: (counts[mode, TRANSFERS] - base) / TRANSFERS / 1000 for mode in MODES}
    print(
        json.dumps(
            {
                "by_hand_kinstr": round(per["by_hand"]),
                "transact_kinstr": round(per["transact"]),
                "transact_overhead_kinstr": round(per["transact"] - per["by_hand"]),
                "transact_overhead_no_validate_kinstr": round(
                    per["transact_no_validate"] - per["by_hand"]
                ),
                "client_overhead_kinstr": round(per["client"] - per["by_hand"]),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--replay"]:
        _, _, file, mode, transfers = sys.argv
        anyio.run(replay, json.loads(Path(file).read_text()), mode, int(transfers))
    else:
        anyio.run(main)
