"""Compile ABI type names into coders (``_coders``), once per type and ABI.

``_types`` says what a name stands for. The first use of a struct or variant explores, without
recursion, every named type it reaches: those that reach an unknown type are remembered as
broken; the others get an empty coder, then learn whether their values can occupy no bytes,
then are filled. A whole ABI compiles in time and memory proportional to its size, however deep
and however recursive its types.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from sessionkit.errors import ABIError

from ._builtins import builtin_coder
from ._coders import Field, struct_coder, variant_coder, wrap
from ._types import TypeTable

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._io import Coder
    from ._model import ABI, AbiField
    from ._types import ResolvedType

__all__ = ["Compiler"]


class Compiler:
    """The compiled coders of one ABI; ``coder(type_name)`` compiles on first use."""

    def __init__(self, abi: ABI) -> None:
        self._types = TypeTable(abi)
        self._coders: dict[str, Coder] = {}
        self._named: dict[str, Coder] = {}
        self._broken: dict[str, str] = {}
        self._can_be_empty: dict[str, bool] = {}
        self._lock = threading.RLock()

    def coder(self, type_name: str) -> Coder:
        """The coder of ``type_name``; ``ABIError`` if it (or a type it uses) is unknown."""
        try:
            return self._coders[type_name]
        except (KeyError, TypeError):
            pass
        with self._lock:
            return self._compile(type_name)

    def resolve(self, type_name: str) -> ResolvedType:
        """How the codec reads ``type_name`` (see ``ResolvedType``).

        No lock: the table only adds finished entries, and computing one twice is harmless.
        """
        return self._types.resolve(type_name)

    def _compile(self, type_name: str) -> Coder:
        resolved = self._types.resolve(type_name)
        coder = self._coders.get(type_name)
        if coder is not None:
            return coder
        if resolved.kind == "builtin":
            built = builtin_coder(resolved.name)
            assert built is not None
            coder, empty = built, False
        else:
            coder = self._named.get(resolved.name) or self._build_named(resolved.name)
            empty = self._can_be_empty.get(resolved.name, False)
        for wrapper in resolved.wrappers:
            coder = wrap(wrapper, coder, empty)
            empty = _empty_inside(wrapper, empty) is True
        self._coders[type_name] = coder
        return coder

    def _build_named(self, root: str) -> Coder:
        """Compile the struct or variant ``root`` and every named type it reaches.

        Types that reach an unknown type (or break a limit) are remembered as broken, with the
        reason; the others are built even when ``root`` is broken, so asking again about any of
        them costs nothing.
        """
        error = self._broken.get(root)
        if error is not None:
            raise ABIError(error)
        uses, problems = self._explore(root)
        broken = _spread(uses, problems)
        self._broken.update(broken)
        fresh = [name for name in uses if name not in broken]
        self._settle_emptiness(fresh)
        compiled_before = len(self._coders)
        fills = [self._shell(name) for name in fresh]
        try:
            for fill in fills:
                fill()
        except BaseException:
            for name in fresh:
                self._named.pop(name, None)
            for type_name in list(self._coders)[compiled_before:]:
                del self._coders[type_name]
            raise
        if root in broken:
            raise ABIError(broken[root])
        return self._named[root]

    def _explore(self, root: str) -> tuple[dict[str, list[str]], dict[str, str]]:
        """The named types ``root`` reaches that have no coder yet, each with those it uses
        directly, and the reason each type that cannot compile by itself fails."""
        uses: dict[str, list[str]] = {}
        problems: dict[str, str] = {}
        pending = [root]
        while pending:
            name = pending.pop()
            if name in uses:
                continue
            uses[name] = targets = []
            try:
                for member in _members(self._types.resolve(name)):
                    resolved = self._types.resolve(member)
                    if resolved.kind != "builtin" and resolved.name not in self._named:
                        targets.append(resolved.name)
            except ABIError as exc:
                problems[name] = str(exc)
                continue
            for target in targets:
                if target in self._broken:
                    problems.setdefault(name, self._broken[target])
                elif target not in uses:
                    pending.append(target)
        return uses, problems

    def _settle_emptiness(self, names: list[str]) -> None:
        """Decide for each new named type whether a value of it can occupy no bytes.

        A variant cannot (its index is a byte); a struct can when every field can. Recursive
        structs make this a fixed point, the least one: a struct waits for the structs its
        fields depend on, and whatever still waits at the end cannot.
        """
        waiting_for: dict[str, int] = {}
        waiters: dict[str, list[str]] = {}
        ready: list[str] = []
        for name in names:
            resolved = self._types.resolve(name)
            decided: bool | None = None if resolved.kind == "struct" else False
            unknowns = 0
            for field in resolved.fields:
                answer = self._empty_answer(self._types.resolve(field.type))
                if answer is False:
                    decided = False
                    break
                if answer is not True:
                    unknowns += 1
                    waiters.setdefault(answer, []).append(name)
            if decided is False:
                self._can_be_empty[name] = False
            elif unknowns:
                waiting_for[name] = unknowns
            else:
                ready.append(name)
        while ready:
            name = ready.pop()
            self._can_be_empty[name] = True
            for waiter in waiters.get(name, ()):
                if waiter in waiting_for:
                    waiting_for[waiter] -= 1
                    if not waiting_for[waiter]:
                        del waiting_for[waiter]
                        ready.append(waiter)
        self._can_be_empty.update(dict.fromkeys(waiting_for, False))

    def _empty_answer(self, resolved: ResolvedType) -> bool | str:
        """Whether a value of ``resolved`` can occupy no bytes, or the struct that decides."""
        answer: bool | str = False
        if resolved.kind == "struct":
            answer = self._can_be_empty.get(resolved.name, resolved.name)
        for wrapper in resolved.wrappers:
            answer = _empty_inside(wrapper, answer)
        return answer

    def _shell(self, name: str) -> Callable[[], None]:
        """Register an empty coder for the struct or variant ``name``; return its filler."""
        resolved = self._types.resolve(name)
        if resolved.kind == "struct":
            head = next((i for i, f in enumerate(resolved.fields) if f.type[-1:] == "$"), None)
            fields = len(resolved.fields) if head is None else head  # a tail counts itself
            charge = max(fields, 1) if self._can_be_empty[name] else 0
            coder, fill_struct = struct_coder(name, charge)
            self._named[name] = coder
            return lambda: fill_struct([self._field(f) for f in resolved.fields])
        coder, fill_variant = variant_coder(name)
        self._named[name] = coder
        return lambda: fill_variant(resolved.types, [self._compile(t) for t in resolved.types])

    def _field(self, field: AbiField) -> Field:
        wrappers = self._types.resolve(field.type).wrappers
        nullable = bool(wrappers) and wrappers[-1] in ("?", "$")
        return Field(field.name, self._compile(field.type), nullable, field.type[-1:] == "$")


def _empty_inside(wrapper: str, inner: bool | str) -> bool | str:
    """Whether a value inside ``wrapper`` can occupy no bytes, given the answer for its inside:
    an absent ``$`` and ``[0]`` can, ``?`` and ``[]`` never (a byte says which), ``[N]`` as its
    items (``inner`` may name the struct that decides, as it does here)."""
    if wrapper in ("$", "[0]"):
        return True
    if wrapper in ("?", "[]"):
        return False
    return inner


def _members(resolved: ResolvedType) -> list[str]:
    return [f.type for f in resolved.fields] or list(resolved.types)


def _spread(uses: dict[str, list[str]], problems: dict[str, str]) -> dict[str, str]:
    """Every type in ``uses`` that reaches one with a problem, with that problem."""
    used_by: dict[str, list[str]] = {}
    for name, targets in uses.items():
        for target in targets:
            used_by.setdefault(target, []).append(name)
    broken = dict(problems)
    pending = list(problems)
    while pending:
        name = pending.pop()
        for user in used_by.get(name, ()):
            if user not in broken:
                broken[user] = broken[name]
                pending.append(user)
    return broken
