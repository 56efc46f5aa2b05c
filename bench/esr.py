"""Signing request throughput: prints one JSON object of requests per second.

- ``create_encode``: create a one-action transfer request (placeholders, callback) from the
  action's data with the eosio.token ABI, and encode it to a compressed ``esr:`` URI;
- ``decode``: that URI back to a ``SigningRequest``;
- ``decode_resolve``: decode, then resolve for a signer with given TAPoS;
- ``decode_resolve_digest``: the same plus the transaction's signing digest.

Each figure is the median of several timed runs. Run: ``uv run python bench/esr.py``.
"""

from __future__ import annotations

import json

from _timing import ops_per_second
from _token_abi import TOKEN_ABI
from sessionkit.esr import ChainName, SigningRequest

ABIS = {"eosio.token": TOKEN_ABI}
ACTION = {
    "account": "eosio.token",
    "name": "transfer",
    "authorization": [{"actor": "............1", "permission": "............2"}],
    "data": {
        "from": "............1",
        "to": "teamgreymass",
        "quantity": "1.0000 EOS",
        "memo": "thanks for the coffee",
    },
}
CALLBACK = "https://example.com/callback?tx={{tx}}&sig={{sig}}"
TAPOS = {"expiration": "2024-05-01T12:00:00", "ref_block_num": 4321, "ref_block_prefix": 31415926}


def create_encode() -> str:
    request = SigningRequest.create(
        action=ACTION, callback=CALLBACK, abis=ABIS, chain_id=ChainName.EOS
    )
    return request.encode()


URI = create_encode()


def decode() -> SigningRequest:
    return SigningRequest.from_uri(URI)


def decode_resolve() -> object:
    return SigningRequest.from_uri(URI).resolve(ABIS, "foobar@active", **TAPOS)


def decode_resolve_digest() -> object:
    return SigningRequest.from_uri(URI).resolve(ABIS, "foobar@active", **TAPOS).signing_digest


def main() -> None:
    figures = {
        name: round(ops_per_second(operation, seconds=0.3))
        for name, operation in (
            ("create_encode", create_encode),
            ("decode", decode),
            ("decode_resolve", decode_resolve),
            ("decode_resolve_digest", decode_resolve_digest),
        )
    }
    print(json.dumps({**figures, "units": "requests per second"}))


if __name__ == "__main__":
    main()
