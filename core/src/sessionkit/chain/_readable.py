"""A sentence a person can read for a node's error; the node's own text stays on the error.

Nodes report failures in C++ terms (``unknown key (boost::tuples::tuple<...>): (0 bob)``,
authorities as JSON inside quotes). The common ones get a plain sentence; any other error keeps
its first detail message, tidied: one line, permissions as ``actor@permission``, a bounded length.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

#: Longest message kept, in characters; the whole text stays in the error's ``details``.
MESSAGE_LIMIT = 400
#: Characters of a detail message that the patterns look at (they all match near the start).
_SCANNED = 2000

_NAME = r"[a-z1-5.]{1,13}"
_MISSING_ACCOUNT = (
    # get_account: "unable to retrieve account info (unknown key (boost::tuples::...): (0 bob))"
    # get_abi, get_raw_abi: "unable to retrieve account abi (unknown key (...::name): bob)"
    re.compile(rf"unknown key \([^()]*\): \(?(?:\d+ )?(?P<account>{_NAME})(?=\)|$)"),
    # get_table_rows, get_currency_balance of a missing contract account
    re.compile(rf"^Fail to retrieve account for (?P<account>{_NAME})$"),
)
_AUTHORITY = re.compile(
    rf"'?\{{\"actor\":\"(?P<actor>{_NAME})\",\"permission\":\"(?P<permission>{_NAME})\"\}}'?"
)
_UNSATISFIED = re.compile(
    rf"declares authority (?P<authority>{_NAME}@{_NAME}), but does not have signatures for it"
    r".*provided keys \[(?P<keys>[^\]]*)\]"
)
_DUPLICATE = re.compile(r"^duplicate transaction (?P<id>[0-9a-f]{64})")
_EXPIRED = re.compile(
    r"^expired transaction (?P<id>[0-9a-f]{64}), expiration (?P<expiration>[^,]+), "
    r"block time (?P<now>[^,]+)$"
)
_QUOTED = re.compile(r'"([^"\\]*)"')
_SPACES = re.compile(r" {2,}")


def missing_account(name: str | None, messages: list[str]) -> str | None:
    """The account a node says does not exist (an ``account_query_exception``), if it names one."""
    if name != "account_query_exception":
        return None
    for message in messages:
        for pattern in _MISSING_ACCOUNT:
            found = pattern.search(message[:_SCANNED])
            if found:
                return found["account"]
    return None


def account_not_found_message(account: str) -> str:
    """What a missing account's error says."""
    return f"account '{account}' does not exist on this chain"


def readable(name: str | None, messages: list[str], fallback: str) -> str:
    """The message of a chain error: a sentence for the common errors, else the first detail
    message tidied (``fallback`` when the node sent no detail)."""
    first = next((m for m in messages if m.strip()), "")
    if not first:
        return tidy(fallback)
    text = _normalise(first)
    rule = _RULES.get(name or "")
    return _shorten((rule(text) if rule else None) or text)


def tidy(text: str) -> str:
    """``text`` as one printable line of at most ``MESSAGE_LIMIT`` characters."""
    return _shorten(_normalise(text))


def _normalise(text: str) -> str:
    """One line of printable characters (no controls, no invisible or bidirectional marks),
    with ``actor@permission`` for the authorities quoted as JSON."""
    text = "".join(c if c.isprintable() else " " for c in text[:_SCANNED])
    text = _AUTHORITY.sub(lambda m: f"{m['actor']}@{m['permission']}", text)
    return _SPACES.sub(" ", text).strip()


def _shorten(text: str) -> str:
    if len(text) <= MESSAGE_LIMIT:
        return text
    return text[: MESSAGE_LIMIT - 1].rstrip() + "…"


def _unsatisfied(text: str) -> str | None:
    found = _UNSATISFIED.search(text)
    if not found:
        return None
    keys = _quoted(found["keys"])
    signed = f"signed by {', '.join(keys)}" if keys else "not signed at all"
    return (
        f"the transaction is not authorized by {found['authority']}: its signatures do not "
        f"satisfy that permission ({signed})"
    )


def _duplicate(text: str) -> str | None:
    found = _DUPLICATE.search(text)
    if not found:
        return None
    return f"transaction {found['id']} was already sent to the chain (a duplicate)"


def _expired(text: str) -> str | None:
    found = _EXPIRED.search(text)
    if not found:
        return None
    return (
        f"transaction {found['id']} expired at {found['expiration']}, before the chain's "
        f"block time {found['now']}: build and sign it again"
    )


def _invalid_request(text: str) -> str:
    return f"the node refused the request as invalid: {text}"


def _quoted(text: str) -> list[str]:
    """The double-quoted strings in ``text`` (a key list such as ``"EOS6...", "PUB_K1_..."``)."""
    return _QUOTED.findall(text)


_RULES: dict[str, Callable[[str], str | None]] = {
    "unsatisfied_authorization": _unsatisfied,
    "tx_duplicate": _duplicate,
    "expired_tx_exception": _expired,
    "invalid_http_request": _invalid_request,
}
