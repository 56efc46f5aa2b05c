"""The caps that keep the codec's time and memory bounded on untrusted ABIs and data.

Contract ABIs and the data they describe come from chain nodes, wallets and relays, so every
encode and decode refuses values nested deeper than ``MAX_NESTING`` and, counted in a ``Work``
list, more values that occupy no bytes than its budget, long before Python's own recursion
limit or the machine's memory. Compiling an ABI refuses type names longer than
``MAX_TYPE_NAME_LENGTH``, more than ``MAX_NESTING`` wrappers on one type and base chains
longer than ``MAX_NESTING``.
docs/antelope.md ("Limits on untrusted input") explains them to users.
"""

from __future__ import annotations

from typing import TypeVar

from sessionkit.errors import DecodeError, EncodeError

__all__ = [
    "LIMIT",
    "MAX_NESTING",
    "MAX_TYPE_NAME_LENGTH",
    "SPENT",
    "WORK_FLOOR",
    "WORK_PER_BYTE",
    "Work",
    "too_deep",
    "too_much",
]

_E = TypeVar("_E", EncodeError, DecodeError)

MAX_NESTING = 64
"""Levels a value may nest (each struct, array, optional, variant and binary extension is one);
also the most wrappers (``[]``, ``[N]``, ``?``, ``$``) one type may carry once its aliases are
followed, and the longest chain of base structs. nodeos itself stops at 32."""

MAX_TYPE_NAME_LENGTH = 1024
"""Characters in one type name; real ones are a few dozen."""

WORK_FLOOR = 4096
"""Values that may occupy no bytes any encode or decode may produce, however short its bytes."""

WORK_PER_BYTE = 16
"""Values that may occupy no bytes allowed per byte of input (decode) or of output written so far
(encode), above the floor.

Only such values are counted: the fields of structs whose values can occupy no bytes, the items
of such ``T[N]`` (and ``T[0]`` itself), and struct fields from the first binary extension on.
Every other value occupies bytes, which bound its work already. Legitimate data produces a few
such values at most; they are what an endless or exponential decode is made of.
"""


Work = list[int]
"""What one encode or decode has counted so far: ``[SPENT, LIMIT]``, the values counted (see
``WORK_PER_BYTE``) and those allowed: a decode refuses past ``LIMIT``, fixed by its input
(``max(WORK_FLOOR, WORK_PER_BYTE * size)``); an encode counts values after writing them and
refuses past ``max(LIMIT, WORK_PER_BYTE * written)``, ``LIMIT`` being ``WORK_FLOOR``. A plain
list, as its items cost less to reach than attributes; each call starts a fresh one.

The nesting level is not in it: coders pass it down as an argument, cheaper still.
"""

SPENT, LIMIT = 0, 1


def too_deep(error: type[_E]) -> _E:
    """The error once a value nests deeper than ``MAX_NESTING``."""
    return error(f"values nest more than {MAX_NESTING} levels deep")


def too_much(work: Work, error: type[_E], written: int = 0) -> _E:
    """The error once ``work`` passes its budget (``written``: encode only)."""
    if error is DecodeError:
        budget = f"more than {work[LIMIT]} ({WORK_PER_BYTE} per input byte"
    else:
        budget = f"more than {WORK_PER_BYTE} per byte written ({written} bytes"
    return error(
        f"{budget}, at least {WORK_FLOOR}) values that occupy no bytes (empty structs, T[0], "
        "absent binary extensions): refused, as no contract needs so many"
    )
