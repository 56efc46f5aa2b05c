"""Sessions as WharfKit stores them: the serialized dict, and its URL form.

A serialized session is ``{"chain", "actor", "permission", "walletPlugin": {"id", "data"},
"data"?}`` (persistence adds ``"default"``), in that key order, so the JSON text matches the
TypeScript kit's byte for byte. The URL form is the hex of the ABI struct
``url_encoded_session`` (chain, actor, permission, the JSON of ``walletPlugin``, optional JSON
of ``data``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from sessionkit.antelope import Checksum256, Name
from sessionkit.errors import InvalidValue, SessionKitError

if TYPE_CHECKING:
    from sessionkit.antelope import ABI
    from sessionkit.session import Session

__all__ = [
    "decode_session_url",
    "dumps",
    "encode_session_url",
    "loads",
    "parse_serialized",
    "serialize_session",
]

_URL_SESSION_ABI = {
    "version": "eosio::abi/1.1",
    "structs": [
        {
            "name": "url_encoded_session",
            "base": "",
            "fields": [
                {"name": "chain", "type": "checksum256"},
                {"name": "actor", "type": "name"},
                {"name": "permission", "type": "name"},
                {"name": "walletPlugin", "type": "string"},
                {"name": "data", "type": "string?"},
            ],
        }
    ],
}
_MAX_URL_SESSION = 64 * 1024


def serialize_session(session: Session) -> dict[str, Any]:
    """WharfKit's serialized form of ``session`` (``data`` only when non-empty)."""
    plugin = session.wallet_plugin.serialize()
    serialized: dict[str, Any] = {
        "chain": str(session.chain.id),
        "actor": session.actor,
        "permission": session.permission,
        "walletPlugin": {"id": plugin["id"], "data": plugin.get("data") or {}},
    }
    if session.data:
        serialized["data"] = session.data
    return serialized


def dumps(value: Any) -> str:
    """JSON text as JavaScript's ``JSON.stringify`` writes it (no spaces, UTF-8 kept).

    Raises ``InvalidValue`` for what JSON cannot hold (objects, NaN, infinities), which the
    TypeScript kit could not read back.
    """
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidValue(
            f"a session's data and wallet data must be JSON (dicts, lists, strings, numbers, "
            f"booleans, None): {exc}"
        ) from exc


def loads(text: str | bytes) -> Any:
    """Strict JSON: what ``JSON.parse`` accepts, so NaN and Infinity are refused.

    Raises ``ValueError`` (or ``RecursionError`` for absurd nesting), as ``json.loads`` does.
    """
    return json.loads(text, parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_serialized(value: object, where: str = "a stored session") -> dict[str, Any]:
    """Check a serialized session (or restore arguments carrying ``walletPlugin``).

    Raises ``InvalidValue`` saying which field is wrong.
    """
    if not isinstance(value, Mapping):
        raise InvalidValue(f"{where} is an object, not {type(value).__name__}")
    chain = value.get("chain")
    if isinstance(chain, Mapping):
        chain = chain.get("id")
    try:
        chain_id = (
            _chain_text(chain)
            if isinstance(chain, str)
            else str(chain)
            if isinstance(chain, Checksum256)
            else None
        )
        actor = Name.from_string(value["actor"]) if isinstance(value.get("actor"), str) else None
        permission = (
            Name.from_string(value["permission"])
            if isinstance(value.get("permission"), str)
            else None
        )
    except SessionKitError as exc:
        raise InvalidValue(f"{where} has an invalid field: {exc}") from exc
    if chain_id is None or actor is None or permission is None:
        raise InvalidValue(f"{where} needs 'chain' (64 hex digits), 'actor' and 'permission'")
    plugin = value.get("walletPlugin")
    if not isinstance(plugin, Mapping) or not isinstance(plugin.get("id"), str):
        raise InvalidValue(f"{where} needs 'walletPlugin': {{'id': ..., 'data': {{...}}}}")
    plugin_data = plugin.get("data") or {}
    if not isinstance(plugin_data, Mapping):
        raise InvalidValue(f"'walletPlugin.data' of {where} is an object")
    data = value.get("data")
    if data is not None and not isinstance(data, Mapping):
        raise InvalidValue(f"'data' of {where} is an object")
    parsed: dict[str, Any] = {
        "chain": chain_id,
        "actor": str(actor),
        "permission": str(permission),
        "walletPlugin": {"id": plugin["id"], "data": dict(plugin_data)},
    }
    if data:
        parsed["data"] = dict(data)
    if "default" in value:
        parsed["default"] = value["default"] is True
    return parsed


@lru_cache(maxsize=64)
def _chain_text(text: str) -> str:
    """A chain id checked and in lower-case hex; remembered, as stored sessions share a few."""
    return str(Checksum256(text))


def encode_session_url(serialized: Mapping[str, Any]) -> str:
    """The hex of ``url_encoded_session`` for a serialized session (WharfKit's ``url``)."""
    plugin = serialized["walletPlugin"]
    data = serialized.get("data")
    encoded = _abi().encode(
        "url_encoded_session",
        {
            "chain": serialized["chain"],
            "actor": serialized["actor"],
            "permission": serialized["permission"],
            "walletPlugin": dumps({"id": plugin["id"], "data": plugin.get("data") or {}}),
            "data": dumps(data) if data else None,
        },
    )
    return encoded.hex()


def decode_session_url(text: str) -> dict[str, Any]:
    """A serialized session from WharfKit's ``url`` form (hex of ``url_encoded_session``).

    Raises ``InvalidValue`` for anything that is not one.
    """
    if not isinstance(text, str) or len(text) > _MAX_URL_SESSION:
        raise InvalidValue("an encoded session is a hex string of at most 64 KiB")
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise InvalidValue("an encoded session is hex (pairs of 0-9a-f digits)") from None
    try:
        fields = _abi().decode("url_encoded_session", raw)
        plugin = loads(fields["walletPlugin"])
        data = loads(fields["data"]) if fields.get("data") else None
    except (SessionKitError, ValueError, RecursionError) as exc:
        raise InvalidValue(f"not an encoded session: {exc}") from exc
    value: dict[str, Any] = {
        "chain": fields["chain"],
        "actor": fields["actor"],
        "permission": fields["permission"],
        "walletPlugin": plugin,
    }
    if data:
        value["data"] = data
    return parse_serialized(value, "the encoded session")


@cache
def _abi() -> ABI:
    from sessionkit.antelope import ABI  # the ABI codec loads with the first URL session

    return ABI.from_json(_URL_SESSION_ABI)
