"""The one place SessionKit calls plugin hooks.

pluggy is synchronous and gives no attribution: it would call every sync implementation before
any async body runs, and let a plugin's exception out unnamed. So the kit walks the
implementations itself, in registration order (``tryfirst`` ones first, ``trylast`` ones
last), passes each only the arguments it names, awaits each result before calling the next,
and wraps a failure in `PluginError` naming the plugin and the hook. Cancellation (anyio's, or
a person's `Cancelled`) passes through untouched.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from sessionkit.errors import Cancelled, PluginError

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    import pluggy

__all__ = ["call_async_hook", "call_impl", "call_register_hook", "impls_of"]


def impls_of(
    pm: pluggy.PluginManager,
    hook: str,
    *,
    scoped: Collection[int] = (),
    active: Collection[object] = (),
) -> list[pluggy.HookImpl]:
    """The implementations of ``hook`` to call, in calling order.

    The order is the order plugins were registered (the host registers entry points first,
    then the app's ``plugins=``, then login and transact plugins as listed); ``tryfirst`` and
    ``trylast`` implementations go to the front and back. Plugins in ``scoped`` (given for some
    sessions only; their ``id()``s) take part only when they are also in ``active``.
    """
    impls: list[pluggy.HookImpl] = getattr(pm.hook, hook).get_hookimpls()  # a copy: sortable
    if not impls:
        return impls
    # pluggy keeps implementations sorted trylast, normal, tryfirst, each in registration
    # order; a stable sort by group alone turns that into tryfirst, normal, trylast.
    impls.sort(key=_group)
    wanted = {id(plugin) for plugin in active}
    return [impl for impl in impls if id(impl.plugin) not in scoped or id(impl.plugin) in wanted]


def _group(impl: pluggy.HookImpl) -> int:
    if impl.tryfirst:
        return 0
    return 2 if impl.trylast else 1


async def call_async_hook(
    pm: pluggy.PluginManager,
    hook: str,
    *,
    scoped: Collection[int] = (),
    active: Collection[object] = (),
    **kwargs: Any,
) -> list[Any]:
    """Call an interceptor hook; return each implementation's (awaited) result in order."""
    impls = impls_of(pm, hook, scoped=scoped, active=active)
    if not impls:  # the common case, on every transaction: nothing to await
        return []
    return [await call_impl(impl, hook, **kwargs) for impl in impls]


async def call_impl(impl: pluggy.HookImpl, hook: str, **kwargs: Any) -> Any:
    """Call one implementation with the arguments it names and await its result.

    For pipelines where each implementation must see what the previous one changed.
    """
    arguments = {name: kwargs[name] for name in impl.argnames}
    try:
        value = impl.function(**arguments)
        if inspect.isawaitable(value):
            value = await value
    except Cancelled:
        raise
    except Exception as exc:
        raise _failure(impl.plugin_name, hook, exc) from exc
    return value


def call_register_hook(
    pm: pluggy.PluginManager,
    hook: str,
    register_for: Callable[[str], Callable[..., None]],
    on_error: Callable[[PluginError], None],
    **kwargs: Any,
) -> None:
    """Call a provider hook (``register_*``) on every plugin, one at a time.

    ``register_for(plugin_name)`` gives the ``register`` callback for that plugin, so what it
    registers is attributed to it; a failure goes to ``on_error`` and the next plugin runs.
    """
    for impl in impls_of(pm, hook):
        arguments = {"register": register_for(impl.plugin_name), **kwargs}
        try:
            value = impl.function(**{name: arguments[name] for name in impl.argnames})
            if inspect.isawaitable(value):
                close = getattr(value, "close", None)
                if close is not None:
                    close()
                raise TypeError(f"{hook} must be a plain function, not async")
        except PluginError as exc:
            on_error(exc)
        except Exception as exc:
            error = _failure(impl.plugin_name, hook, exc)
            error.__cause__ = exc
            on_error(error)


def _failure(plugin: str, hook: str, exc: Exception) -> PluginError:
    return PluginError(
        f"plugin {plugin!r} failed in {hook}: {type(exc).__name__}: {exc}", plugin=plugin, hook=hook
    )
