"""Every hook a SessionKit plugin can implement, and the markers to implement them with.

A plugin is a module or object whose functions carry ``@hookimpl`` (import it as
``from sessionkit import hookimpl``) and are named like the specifications below. It may take
any subset of a hook's arguments, by name. Two kinds of hook:

- **Provider hooks** (``register_*``) run once, when a `SessionKit` loads its plugins; the
  plugin calls ``register(...)`` for each thing it offers, and the kit checks it there.
- **Interceptor hooks** (``before_login`` ... ``after_broadcast``) run at each step of a login
  or a transaction. They may be ``async def`` or plain functions; the kit awaits each one before
  calling the next, in the order the plugins were added: installed plugins (entry points, by
  name), then the app's ``plugins=``, then ``login_plugins=``/``transact_plugins=`` as listed;
  ``@hookimpl(tryfirst=True)`` / ``(trylast=True)`` move an implementation to the front / back.
  An exception stops the operation and reaches the app as `sessionkit.errors.PluginError`
  naming the plugin and the hook.

Hooks never use ``firstresult`` or wrappers: pluggy cannot await either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from collections.abc import Awaitable

    import click

    from sessionkit.contexts import LoginContext, TransactContext
    from sessionkit.esr import SigningRequest
    from sessionkit.session import Session
    from sessionkit.transact import BeforeSignResult, TransactResult

__all__ = [
    "PROJECT",
    "hookimpl",
    "hookspec",
    "register_wallet_plugins",
    "register_user_interfaces",
    "register_session_storages",
    "register_commands",
    "before_login",
    "after_login",
    "before_sign",
    "after_sign",
    "after_broadcast",
]

#: The pluggy project name, which is also the entry-point group plugins are found in.
PROJECT = "sessionkit"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_wallet_plugins(register: Any) -> None:
    """Offer wallet plugins: call ``register(factory)`` once per wallet.

    ``factory`` is a `sessionkit.WalletPlugin` subclass, or any callable returning a new
    instance, with a class attribute ``id``; pass ``id=`` to ``register`` otherwise. The kit
    makes a fresh instance for every session, so wallet state is never shared. A duplicate id
    raises `sessionkit.errors.PluginConflictError` naming both plugins. Runs once, synchronously.
    """


@hookspec
def register_user_interfaces(register: Any) -> None:
    """Offer user interfaces: call ``register(factory)`` once per interface.

    ``factory`` is a `sessionkit.UserInterface` subclass (or a callable returning one) with a
    class attribute ``id`` (or pass ``id=``). An app then asks for it by id:
    ``SessionKit(..., ui="console")``. Runs once, synchronously.
    """


@hookspec
def register_session_storages(register: Any) -> None:
    """Offer session storage backends: call ``register(factory, id=...)`` once per backend.

    ``factory(app_name)`` returns a `sessionkit.SessionStorage` configured from the
    environment (for example a URL in an environment variable), so that
    ``SessionKit(..., storage="redis")`` works. Runs once, synchronously.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``sessionkit`` command: ``@cli.command()`` on your functions.

    Runs once when the command starts, synchronously.
    """


@hookspec
def before_login(context: LoginContext) -> Awaitable[None] | None:
    """Runs after the wallet, chain and account were chosen, before the wallet logs in.

    ``context`` says what was chosen (``context.chain``, ``context.permission_level``,
    ``context.wallet_plugin``). Raise to stop the login. May be async. Return value ignored.
    """


@hookspec
def after_login(context: LoginContext, session: Session) -> Awaitable[None] | None:
    """Runs after the wallet logged in and the session exists, before it is persisted.

    Raise to fail the login (nothing is persisted). May be async. Return value ignored.
    """


@hookspec
def before_sign(
    request: SigningRequest, context: TransactContext
) -> Awaitable[BeforeSignResult | None] | BeforeSignResult | None:
    """Runs before the transaction is resolved and signed; may change it and co-sign it.

    ``request`` is a copy of the current signing request: edit it freely. Return None to leave
    the transaction as it is, or ``BeforeSignResult(request=..., signatures=[...])`` to replace
    it (allowed only while ``context.allow_modify`` is true, else
    `sessionkit.errors.ModificationNotAllowed`) and add co-signatures. Once a hook has
    co-signed, later hooks may no longer modify the transaction. Every change is recorded in
    ``TransactResult.revisions``. May be async.
    """


@hookspec
def after_sign(result: TransactResult, context: TransactContext) -> Awaitable[None] | None:
    """Runs after the wallet signed, before broadcasting. Raise to stop the transaction.

    ``result`` holds the resolved transaction and every signature. May be async.
    """


@hookspec
def after_broadcast(result: TransactResult, context: TransactContext) -> Awaitable[None] | None:
    """Runs after the chain accepted the transaction (only when it was broadcast).

    ``result.response`` is the chain's answer and ``result.returns`` the decoded action return
    values. An exception here is raised to the app, but the transaction is on chain. May be async.
    """
