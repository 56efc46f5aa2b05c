"""The callback a wallet sends back after signing: its payload, its URL, and reading it.

A payload is untrusted input: every reader here checks types and sizes and raises
``InvalidSigningRequest`` rather than letting a stray exception out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sessionkit.antelope import Signature
from sessionkit.errors import InvalidSigningRequest

__all__ = [
    "CallbackPayload",
    "ResolvedCallback",
    "check_payload",
    "extract_signatures",
    "fill_template",
    "payload_int",
    "payload_str",
]

#: What a wallet sends back: ``sig``, ``tx``, ``rbn``, ``rid``, ``ex``, ``req``, ``sa``, ``sp``,
#: ``cid``, maybe ``bn`` and more signatures (``sig0``, ``sig1``...), all strings.
CallbackPayload = dict[str, str]

_TEMPLATE = re.compile(r"{{([a-z0-9]+)}}")
# Bounded so a wallet's key of thousands of digits is no signature rather than a huge int().
_NUMBERED_SIG = re.compile(r"sig([0-9]{1,9})")
# rbn and rid are uint16 and uint32: ten digits at most.
_PAYLOAD_NUMBER = re.compile(r"[0-9]{1,10}")


@dataclass(frozen=True, slots=True)
class ResolvedCallback:
    """Where and how a wallet reports back: POST ``payload`` as JSON to ``url`` when
    ``background`` (and the URL is http(s)), otherwise open ``url``."""

    url: str
    background: bool
    payload: CallbackPayload = field(repr=False)


def fill_template(template: str, payload: CallbackPayload) -> str:
    """``template`` with each ``{{name}}`` replaced by ``payload[name]`` (unknown names: "")."""
    return _TEMPLATE.sub(lambda m: payload.get(m.group(1), ""), template)


def extract_signatures(payload: Mapping[str, Any]) -> list[Signature]:
    """Every signature in a callback: ``sig``, then ``sigN`` in numeric order (any numbering,
    gaps allowed), without repeats."""
    check_payload(payload)
    texts: list[object] = []
    if "sig" in payload:
        texts.append(payload["sig"])
    numbered = sorted(
        (int(m.group(1)), key)
        for key in payload
        if isinstance(key, str) and (m := _NUMBERED_SIG.fullmatch(key))
    )
    texts.extend(payload[key] for _, key in numbered)
    signatures: list[Signature] = []
    seen: set[str] = set()
    for text in texts:
        if not isinstance(text, str):
            raise InvalidSigningRequest("callback signatures must be strings")
        if text not in seen:
            seen.add(text)
            signatures.append(Signature.from_string(text))
    return signatures


def check_payload(payload: object) -> None:
    """Refuse a payload that is not a mapping."""
    if not isinstance(payload, Mapping):
        raise InvalidSigningRequest(
            f"a callback payload is a mapping of strings, not {type(payload).__name__}"
        )


def payload_str(payload: Mapping[str, Any], key: str) -> str:
    """The non-empty text under ``key``."""
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidSigningRequest(f"the callback payload has no {key!r}")
    return value


def payload_int(payload: Mapping[str, Any], key: str) -> int:
    """The unsigned number (at most ten digits) written under ``key``."""
    text = payload_str(payload, key)
    if _PAYLOAD_NUMBER.fullmatch(text) is None:
        raise InvalidSigningRequest(f"callback field {key!r} is not a number: {text[:20]!r}")
    return int(text)
