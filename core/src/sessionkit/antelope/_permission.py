"""``PermissionLevel``: an account and one of its permissions, written ``alice@active``."""

from __future__ import annotations

from typing import Self

from sessionkit._redact import shown
from sessionkit.antelope._name import Name
from sessionkit.antelope._wire import bad_arguments
from sessionkit.errors import DecodeError, InvalidName, InvalidValue

__all__ = ["PermissionLevel"]


class PermissionLevel:
    """``actor@permission``, the authority an action is authorised with."""

    __slots__ = ("_actor", "_permission")

    _actor: Name
    _permission: Name

    def __init__(self, actor: Name | str, permission: Name | str) -> None:
        self._actor = Name.from_json(actor)
        self._permission = Name.from_json(permission)

    @classmethod
    def from_string(cls, text: str) -> Self:
        """Parse ``"alice@active"``."""
        if not isinstance(text, str) or text.count("@") != 1:
            raise InvalidName(f"{shown(text)} is not a permission level: write actor@permission")
        actor, permission = text.split("@")
        return cls(actor, permission)

    @classmethod
    def from_json(cls, value: object) -> Self:
        """From ``{"actor": ..., "permission": ...}`` or ``"actor@permission"``."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            return cls.from_string(value)
        if isinstance(value, dict) and set(value) == {"actor", "permission"}:
            return cls(value["actor"], value["permission"])
        raise InvalidValue(
            f"a permission level is {{'actor': ..., 'permission': ...}}, not {shown(value)}"
        )

    def to_json(self) -> dict[str, str]:
        return {"actor": str(self._actor), "permission": str(self._permission)}

    def to_abi(self) -> bytes:
        return self._actor.to_abi() + self._permission.to_abi()

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        try:
            if pos < 0 or len(data) - pos < 16:
                raise DecodeError("truncated permission_level: 16 bytes are needed")
        except (TypeError, ArithmeticError):
            raise bad_arguments(data, pos, "permission_level") from None
        actor, pos = Name.from_abi(data, pos)
        permission, pos = Name.from_abi(data, pos)
        level = object.__new__(cls)
        level._actor = actor
        level._permission = permission
        return level, pos

    @property
    def actor(self) -> Name:
        return self._actor

    @property
    def permission(self) -> Name:
        return self._permission

    def __str__(self) -> str:
        return f"{self._actor}@{self._permission}"

    def __repr__(self) -> str:
        return f"PermissionLevel({str(self._actor)!r}, {str(self._permission)!r})"

    def __hash__(self) -> int:
        return hash((self._actor, self._permission))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PermissionLevel):
            return self._actor == other._actor and self._permission == other._permission
        return NotImplemented
