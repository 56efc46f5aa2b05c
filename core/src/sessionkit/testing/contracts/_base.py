"""What every contract shares: the no-weakening guard and helpers for devnet tests."""

from __future__ import annotations

import inspect
import uuid
from typing import TYPE_CHECKING, Any, ClassVar

import anyio
import pytest

if TYPE_CHECKING:
    from sessionkit.chain import ChainDefinition

__all__ = ["Contract", "needs_override", "running_tasks", "transfer_action"]


def needs_override(fixture: str, example: str) -> BaseException:
    """The failure a required fixture raises until the plugin's test class overrides it."""
    return pytest.fail.Exception(
        f"override the {fixture!r} fixture in your test class, for example:\n\n"
        f"    @pytest.fixture\n    def {fixture}(self, devnet):\n        return {example}\n",
        pytrace=False,
    )


def transfer_action(sender: str, to: str, quantity: str = "0.0001 SYS") -> dict[str, Any]:
    """An ``eosio.token::transfer`` with a unique memo (so no two transactions are equal)."""
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": sender, "permission": "active"}],
        "data": {"from": sender, "to": to, "quantity": quantity, "memo": uuid.uuid4().hex},
    }


def running_tasks() -> int:
    """How many tasks the event loop runs now (to check an operation left none behind)."""
    return len(anyio.get_running_tasks())


def devnet_chain(devnet: Any) -> ChainDefinition:
    """The devnet as a kit chain definition."""
    from sessionkit.chain import ChainDefinition

    return ChainDefinition(devnet.chain_id, devnet.url, name="SessionKit devnet")


class Contract:
    """Base of the contract mixins: a subclass keeps every contract test.

    Overriding a ``test_*`` method is allowed only with
    ``@pytest.mark.xfail(reason=..., strict=True)``: a known, explained gap, which fails loudly
    the day the plugin starts passing.
    """

    contract_tests: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The guard cannot check itself: replacing it is refused when the class is made.
        if "test_contract_not_weakened" in vars(cls) and cls.__module__ != __name__:
            raise TypeError(
                f"{cls.__qualname__} replaces test_contract_not_weakened, the check that keeps "
                "a contract whole; remove it (mark an explained gap with "
                "@pytest.mark.xfail(reason=..., strict=True) on the test itself)"
            )

    def test_contract_not_weakened(self) -> None:
        """Every contract test is still here, unchanged or marked as an explained xfail."""
        problems = []
        for base in type(self).__mro__:
            if not (isinstance(base, type) and issubclass(base, Contract)):
                continue
            for name, original in vars(base).items():
                if not name.startswith("test_") or base.__module__ == type(self).__module__:
                    continue
                current = inspect.getattr_static(type(self), name, None)
                if current is None or not callable(current):
                    problems.append(f"{name} was removed")
                    continue
                if current is original:
                    continue
                marks = getattr(current, "pytestmark", [])
                if not any(
                    m.name == "xfail" and m.kwargs.get("strict") and m.kwargs.get("reason")
                    for m in marks
                ):
                    problems.append(f"{name} is overridden without xfail(reason=..., strict=True)")
        assert problems == [], "the contract was weakened: " + "; ".join(problems)
