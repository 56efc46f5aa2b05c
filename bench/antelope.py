"""Throughput of the Antelope core: signing, the ABI codec and whole transactions.

Run ``uv run python bench/antelope.py``; it prints one JSON object of operations per second
(each the median of several timed runs) and the wall time of importing ``sessionkit.antelope``
in a fresh process. Targets (2 cores): sign >= 90% of the canonical ceiling (~12,000/s),
encode_transfer >= 100,000/s, full_tx >= 8,000/s, decode_tx >= 25,000/s, import_ms <= 60.
``encode_transfer`` and ``decode_tx`` cycle through thousands of different transfers (distinct
accounts, amounts and memos: more than the parsers' caches hold), so they measure the codec
rather than cache hits; ``encode_transfer_repeated`` encodes one transfer over and over (every
cache warm) for comparison. Two ceilings are measured in the same run for comparison:
``coincurve_sign_recoverable`` (raw libsecp256k1) and ``canonical_loop_ceiling`` (raw
libsecp256k1 with the canonical retry loop).
Other processes on the machine move every figure: compare figures from one run.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import subprocess
import sys
from typing import Any

import coincurve
import coincurve.utils
from _timing import RUNS, ops_per_second, seconds_taken
from _token_abi import TOKEN_ABI
from sessionkit.antelope import (
    Action,
    Checksum256,
    PermissionLevel,
    PrivateKey,
    TimePointSec,
    Transaction,
)

CHAIN_ID = Checksum256("73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d")
SECRET = hashlib.sha256(b"sessionkit bench key").digest()
DIGESTS = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(64)]
TRANSFER = {"from": "alice", "to": "bob", "quantity": "1.0000 EOS", "memo": "bench"}
MEMOS = [{**TRANSFER, "memo": f"bench {i}"} for i in range(64)]
AUTHORIZATION = [PermissionLevel("alice", "active")]


def bench_sign() -> float:
    key = PrivateKey.from_bytes(SECRET)

    def batch() -> None:
        for digest in DIGESTS:
            str(key.sign_digest(digest))

    return ops_per_second(batch, per_call=len(DIGESTS))


def bench_coincurve() -> float:
    key = coincurve.PrivateKey(SECRET)

    def batch() -> None:
        for digest in DIGESTS:
            key.sign_recoverable(digest, hasher=None)

    return ops_per_second(batch, per_call=len(DIGESTS))


def bench_canonical_loop() -> float:
    """The ceiling for ``sign``: coincurve plus the canonical retry loop, no string encoding."""
    key = coincurve.PrivateKey(SECRET)
    nonce_function = coincurve.utils.DEFAULT_NONCE[0]

    def canonical(sig: bytes) -> bool:
        return (
            sig[0] < 0x80
            and (sig[0] or sig[1] >= 0x80)
            and sig[32] < 0x80
            and (sig[32] or sig[33] >= 0x80)
        )

    def batch() -> None:
        for digest in DIGESTS:
            signature = key.sign_recoverable(digest, hasher=None)
            attempt = 0
            while not canonical(signature):
                attempt += 1
                extra = attempt.to_bytes(32, "little")
                signature = key.sign_recoverable(
                    digest, hasher=None, custom_nonce=(nonce_function, extra)
                )

    return ops_per_second(batch, per_call=len(DIGESTS))


def varied_transfers(count: int) -> list[dict[str, Any]]:
    """``count`` transfers with distinct accounts, amounts and memos (deterministic)."""
    letters = "abcdefghijklmnopqrstuvwxyz12345"

    def account(number: int) -> str:
        text = ""
        for _ in range(10):
            number, digit = divmod(number, len(letters))
            text += letters[digit]
        return text

    return [
        {
            "from": account(2 * i + 7),
            "to": account(2 * i + 8),
            "quantity": f"{i // 10_000}.{i % 10_000:04d} EOS",
            "memo": f"invoice {i}",
        }
        for i in range(count)
    ]


VARIED = varied_transfers(20_000)


def bench_encode_transfer() -> float:
    position = 0

    def batch() -> None:
        nonlocal position
        chunk = VARIED[position : position + 100]
        position = (position + 100) % len(VARIED)
        for data in chunk:
            TOKEN_ABI.encode("transfer", data)

    return ops_per_second(batch, per_call=100)


def bench_encode_transfer_repeated() -> float:
    def batch() -> None:
        for _ in range(100):
            TOKEN_ABI.encode("transfer", TRANSFER)

    return ops_per_second(batch, per_call=100)


def build_transfer(data: dict[str, Any]) -> Transaction:
    return Transaction(
        TimePointSec(1706342444),
        59694,
        2783125302,
        actions=(Action.from_data("eosio.token", "transfer", AUTHORIZATION, data, TOKEN_ABI),),
    )


def bench_full_tx() -> float:
    key = PrivateKey.from_bytes(SECRET)

    def batch() -> None:
        for data in MEMOS:
            transaction = build_transfer(data)
            str(key.sign_digest(transaction.signing_digest(CHAIN_ID)))

    return ops_per_second(batch, per_call=len(MEMOS))


def bench_decode_tx() -> float:
    packed = [build_transfer(data).to_bytes() for data in VARIED[:5_000]]

    def decode(data: bytes) -> dict[str, Any]:
        transaction = Transaction.from_bytes(data)
        value = transaction.to_json()
        for action, action_json in zip(transaction.actions, value["actions"], strict=True):
            action_json["data"] = action.decode_data(TOKEN_ABI)
        return value

    assert decode(packed[7])["actions"][0]["data"] == VARIED[7]
    position = 0

    def batch() -> None:
        nonlocal position
        chunk = packed[position : position + 100]
        position = (position + 100) % len(packed)
        for data in chunk:
            decode(data)

    return ops_per_second(batch, per_call=100)


def import_ms() -> float:
    command = [sys.executable, "-c", "import sessionkit.antelope"]
    timings = [seconds_taken(lambda: subprocess.run(command, check=True)) for _ in range(RUNS)]
    return statistics.median(timings) * 1000


def main() -> None:
    results = {
        "sign": bench_sign(),
        "coincurve_sign_recoverable": bench_coincurve(),
        "canonical_loop_ceiling": bench_canonical_loop(),
        "encode_transfer": bench_encode_transfer(),
        "encode_transfer_repeated": bench_encode_transfer_repeated(),
        "full_tx": bench_full_tx(),
        "decode_tx": bench_decode_tx(),
        "import_ms": import_ms(),
    }
    figures: dict[str, object] = {key: round(value, 1) for key, value in results.items()}
    figures["units"] = "operations per second; import_ms in milliseconds"
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
