"""The one module that calls hooks (`sessionkit._hookcall`): the documented order, sync and
async implementations awaited one at a time, arguments by name, and failures attributed to the
plugin and hook with the original exception chained."""

from __future__ import annotations

from typing import Any

import anyio
import anyio.lowlevel
import pytest
from sessionkit import hookimpl
from sessionkit._hookcall import call_async_hook, impls_of
from sessionkit.errors import Cancelled, PluginError, SessionKitError
from sessionkit.plugins import PluginHost

pytestmark = pytest.mark.anyio


class Step:
    """A plugin recording when each of its hooks starts and ends."""

    def __init__(self, name: str, log: list[str], *, pause: float = 0.0) -> None:
        self.id = name
        self.log = log
        self.pause = pause

    @hookimpl
    async def after_sign(self, result: Any, context: Any) -> str:
        self.log.append(f"{self.id} start")
        await anyio.sleep(self.pause)
        self.log.append(f"{self.id} end")
        return self.id


class SyncStep:
    def __init__(self, name: str, log: list[str]) -> None:
        self.id = name
        self.log = log

    @hookimpl
    def after_sign(self, result: Any, context: Any) -> str:
        self.log.append(f"{self.id} sync")
        return self.id


class First:
    id = "first"

    def __init__(self, log: list[str]) -> None:
        self.log = log

    @hookimpl(tryfirst=True)
    def after_sign(self) -> str:
        self.log.append("first")
        return "first"


class Last:
    id = "last"

    def __init__(self, log: list[str]) -> None:
        self.log = log

    @hookimpl(trylast=True)
    async def after_sign(self) -> str:
        self.log.append("last")
        return "last"


async def test_implementations_run_in_registration_order() -> None:
    log: list[str] = []
    host = PluginHost(plugins=[Step("a", log), Step("b", log), Step("c", log)], discover=False)
    results = await call_async_hook(host.pm, "after_sign", result=None, context=None)
    assert results == ["a", "b", "c"]


async def test_each_async_implementation_finishes_before_the_next_starts() -> None:
    log: list[str] = []
    plugins = [Step("slow", log, pause=0.05), SyncStep("sync", log), Step("fast", log)]
    host = PluginHost(plugins=plugins, discover=False)
    await call_async_hook(host.pm, "after_sign", result=None, context=None)
    assert log == ["slow start", "slow end", "sync sync", "fast start", "fast end"]


async def test_tryfirst_and_trylast_move_implementations() -> None:
    log: list[str] = []
    plugins = [
        Last(log),
        Step("a", log),
        First(log),
        Step("b", log),
    ]
    host = PluginHost(plugins=plugins, discover=False)
    results = await call_async_hook(host.pm, "after_sign", result=None, context=None)
    assert results == ["first", "a", "b", "last"]
    assert [impl.plugin_name for impl in impls_of(host.pm, "after_sign")] == [
        "first",
        "a",
        "b",
        "last",
    ]


async def test_several_tryfirst_keep_their_registration_order() -> None:
    log: list[str] = []

    class OtherFirst(First):
        id = "other-first"

    host = PluginHost(plugins=[Step("a", log), First(log), OtherFirst(log)], discover=False)
    assert [i.plugin_name for i in impls_of(host.pm, "after_sign")] == ["first", "other-first", "a"]


async def test_an_implementation_gets_only_the_arguments_it_names() -> None:
    seen: list[dict[str, Any]] = []

    class ContextOnly:
        id = "context-only"

        @hookimpl
        def after_login(self, context: Any) -> None:
            seen.append({"context": context})

    class Both:
        id = "both"

        @hookimpl
        def after_login(self, session: Any, context: Any) -> None:
            seen.append({"context": context, "session": session})

    host = PluginHost(plugins=[ContextOnly(), Both()], discover=False)
    await call_async_hook(host.pm, "after_login", context="ctx", session="sess")
    assert seen == [{"context": "ctx"}, {"context": "ctx", "session": "sess"}]


async def test_no_implementation_means_no_results() -> None:
    host = PluginHost(discover=False)
    assert await call_async_hook(host.pm, "before_login", context=None) == []


# -- failures --------------------------------------------------------------------------------------


class Failing:
    id = "failing"

    def __init__(self, error: BaseException) -> None:
        self.error = error

    @hookimpl
    async def before_login(self, context: Any) -> None:
        await anyio.lowlevel.checkpoint()
        raise self.error


class Never:
    id = "never"
    called = False

    @hookimpl
    def before_login(self, context: Any) -> None:
        Never.called = True


async def test_a_failure_names_the_plugin_and_the_hook_and_chains_the_cause() -> None:
    original = KeyError("missing-config")
    host = PluginHost(plugins=[Failing(original), Never()], discover=False)
    with pytest.raises(PluginError) as caught:
        await call_async_hook(host.pm, "before_login", context=None)
    error = caught.value
    assert error.plugin == "failing"
    assert error.hook == "before_login"
    assert error.__cause__ is original
    assert str(error) == "plugin 'failing' failed in before_login: KeyError: 'missing-config'"
    assert isinstance(error, SessionKitError)
    assert not Never.called, "a failure stops the hooks after it"


async def test_a_sync_failure_is_attributed_too() -> None:
    class SyncFailing:
        id = "sync-failing"

        @hookimpl
        def after_broadcast(self, result: Any) -> None:
            raise ValueError("bad")

    host = PluginHost(plugins=[SyncFailing()], discover=False)
    with pytest.raises(PluginError, match="'sync-failing' failed in after_broadcast") as caught:
        await call_async_hook(host.pm, "after_broadcast", result=None, context=None)
    assert isinstance(caught.value.__cause__, ValueError)


async def test_a_plugin_error_from_a_plugin_is_wrapped_with_the_outer_plugin() -> None:
    """A PluginError raised by a plugin (for example relayed from its own helper) is still
    attributed to the plugin whose hook raised it."""
    inner = PluginError("inner", plugin="someone-else", hook="before_sign")
    host = PluginHost(plugins=[Failing(inner)], discover=False)
    with pytest.raises(PluginError) as caught:
        await call_async_hook(host.pm, "before_login", context=None)
    assert caught.value.plugin == "failing"
    assert caught.value.__cause__ is inner


async def test_cancelled_passes_through_untouched() -> None:
    declined = Cancelled("the person closed the prompt")
    host = PluginHost(plugins=[Failing(declined)], discover=False)
    with pytest.raises(Cancelled) as caught:
        await call_async_hook(host.pm, "before_login", context=None)
    assert caught.value is declined


async def test_the_event_loops_cancellation_passes_through() -> None:
    started: list[str] = []

    class Waiting:
        id = "waiting"

        @hookimpl
        async def before_login(self, context: Any) -> None:
            started.append("waiting")
            await anyio.sleep_forever()

    host = PluginHost(plugins=[Waiting(), Never()], discover=False)
    Never.called = False
    with anyio.move_on_after(0.05) as scope:
        await call_async_hook(host.pm, "before_login", context=None)
    assert scope.cancelled_caught
    assert started == ["waiting"]
    assert not Never.called


# -- scoped plugins --------------------------------------------------------------------------------


async def test_scoped_plugins_run_only_where_listed() -> None:
    log: list[str] = []
    everywhere, scoped = Step("everywhere", log), Step("scoped", log)
    host = PluginHost(plugins=[everywhere], scoped=[scoped], discover=False)
    assert await call_async_hook(
        host.pm, "after_sign", scoped=host.scoped, result=None, context=None
    ) == ["everywhere"]
    assert await call_async_hook(
        host.pm, "after_sign", scoped=host.scoped, active=[scoped], result=None, context=None
    ) == ["everywhere", "scoped"]


async def test_borrowed_plugins_run_after_the_kits_own() -> None:
    log: list[str] = []
    host = PluginHost(plugins=[Step("app", log)], discover=False)
    borrowed = Step("borrowed", log)
    with host.borrowed([borrowed]):
        assert await call_async_hook(
            host.pm, "after_sign", scoped=host.scoped, active=[borrowed], result=None, context=None
        ) == ["app", "borrowed"]
