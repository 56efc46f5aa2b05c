"""The plugin host: entry-point discovery, allow/deny lists, isolated and strict loading,
misspelt hooks, what plugins register, and what ``kit.plugins`` lists.

Entry points are real: each test installs throwaway distributions (a ``*.dist-info`` with an
``entry_points.txt``, on ``sys.path``) and the host reads them through importlib.metadata.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

import pluggy
import pytest
from sessionkit import MemoryStorage, SessionKit, hookimpl, hookspecs
from sessionkit.errors import PluginConflictError, PluginError, PluginLoadError
from sessionkit.plugins import PluginHost, PluginInfo, make_plugin_manager, plugin_name

if TYPE_CHECKING:
    from conftest import Distributions

CHAIN = {"id": "aa" * 32, "url": "http://127.0.0.1:9"}

WALLET_MODULE = """
from sessionkit import hookimpl
from sessionkit.antelope import PrivateKey
from sessionkit.testing import KeyWallet


class {cls}(KeyWallet):
    id = "{wallet_id}"

    def __init__(self):
        super().__init__(PrivateKey.generate())


@hookimpl
def register_wallet_plugins(register):
    register({cls})
"""

LOGIN_MODULE = """
from sessionkit import hookimpl

calls = []


@hookimpl
def before_login(context):
    calls.append(context)
"""


HOOK_SOURCE = "from sessionkit import hookimpl\n\n\n@hookimpl\n{decl}\n    {body}\n"


def wallet_module(wallet_id: str, cls: str = "Wallet") -> str:
    return WALLET_MODULE.format(cls=cls, wallet_id=wallet_id)


@pytest.fixture(autouse=True)
def _clean_env(no_plugin_env: None) -> None:
    """Every test here starts without allow/deny lists and with non-strict loading."""


def only(*ids: str) -> str:
    return ",".join(ids)


# -- the manager and the hook specifications -------------------------------------------------------


def test_every_kit_gets_its_own_manager() -> None:
    first, second = make_plugin_manager(), make_plugin_manager()
    assert first is not second
    assert first.project_name == "sessionkit" == hookspecs.PROJECT


def test_the_specifications_are_exactly_the_documented_hooks() -> None:
    pm = make_plugin_manager()
    specified = {name for name in dir(pm.hook) if not name.startswith("_")}
    listed = set(hookspecs.__all__) - {"PROJECT", "hookimpl", "hookspec"}
    assert specified == listed
    assert {
        "before_login",
        "after_login",
        "before_sign",
        "after_sign",
        "after_broadcast",
        "register_wallet_plugins",
        "register_user_interfaces",
        "register_commands",
    } <= listed


def test_no_hook_uses_firstresult_or_wrappers() -> None:
    """pluggy cannot await a firstresult or a wrapper: no specification may ask for one."""
    pm = make_plugin_manager()
    for name in set(hookspecs.__all__) - {"PROJECT", "hookimpl", "hookspec"}:
        spec = getattr(pm.hook, name).spec
        assert spec is not None
        assert not spec.opts.get("firstresult"), name
        assert not spec.opts.get("historic"), name


def test_hookimpl_is_the_public_marker() -> None:
    assert hookimpl is hookspecs.hookimpl
    assert isinstance(hookimpl, pluggy.HookimplMarker)


# -- plugins the app passes ------------------------------------------------------------------------


class Recorder:
    id = "recorder"

    @hookimpl
    def before_login(self, context: Any) -> None: ...

    @hookimpl
    async def after_sign(self, result: Any, context: Any) -> None: ...


def test_an_app_plugin_is_listed_with_its_hooks() -> None:
    host = PluginHost(plugins=[Recorder()], discover=False)
    assert host.plugins() == [
        PluginInfo(
            id="recorder", distribution=None, version=None, hooks=("after_sign", "before_login")
        )
    ]
    assert host.errors == []


def test_plugin_names_come_from_id_then_module_then_class() -> None:
    import types

    module = types.ModuleType("my_plugin_module")
    assert plugin_name(Recorder()) == "recorder"
    assert plugin_name(module) == "my_plugin_module"

    class Anonymous:
        pass

    anonymous = Anonymous()
    assert plugin_name(anonymous) == f"Anonymous-{id(anonymous):x}"


def test_the_same_object_added_twice_is_registered_once() -> None:
    plugin = Recorder()
    host = PluginHost(plugins=[plugin, plugin], discover=False)
    assert [p.id for p in host.plugins()] == ["recorder"]


def test_two_app_plugins_with_one_id_conflict() -> None:
    with pytest.raises(PluginConflictError, match="two plugins are named 'recorder'") as caught:
        PluginHost(plugins=[Recorder(), Recorder()], discover=False)
    assert caught.value.plugin == "recorder"


def test_scoped_plugins_may_share_an_id() -> None:
    one, two = Recorder(), Recorder()
    host = PluginHost(scoped=[one, two], discover=False)
    assert len(host.plugins()) == 2
    assert host.scoped == {id(one), id(two)}


class Misspelt:
    id = "misspelt"

    @hookimpl
    def before_sigh(self, request: Any, context: Any) -> None: ...


def test_an_app_plugin_with_a_misspelt_hook_fails_loudly() -> None:
    with pytest.raises(PluginLoadError, match="before_sigh") as caught:
        PluginHost(plugins=[Misspelt()], discover=False, strict=False)
    message = str(caught.value)
    assert "not SessionKit hooks" in message
    assert "check the spelling" in message
    assert "before_sign" in message  # the known hooks are listed
    assert caught.value.plugin == "misspelt"


class WrongArgument:
    id = "wrong-argument"

    @hookimpl
    def before_login(self, context: Any, session: Any) -> None: ...


def test_an_app_plugin_asking_for_an_argument_the_hook_lacks_fails() -> None:
    with pytest.raises(PluginLoadError, match="does not fit SessionKit's hooks") as caught:
        PluginHost(plugins=[WrongArgument()], discover=False, strict=False)
    assert isinstance(caught.value.__cause__, pluggy.PluginValidationError)


def test_a_misspelt_hook_is_never_left_registered() -> None:
    host = PluginHost(discover=False)
    with pytest.raises(PluginLoadError):
        host.add(Misspelt())
    assert host.plugins() == []
    assert not host.pm.has_plugin("misspelt")


# -- borrowed plugins ------------------------------------------------------------------------------


def test_borrowed_plugins_leave_when_the_last_operation_ends() -> None:
    host = PluginHost(discover=False)
    plugin = Recorder()
    with host.borrowed([plugin]):
        assert [p.id for p in host.plugins()] == ["recorder"]
        with host.borrowed([plugin]):
            assert id(plugin) in host.scoped
        assert host.pm.is_registered(plugin), "an outer operation still uses it"
    assert not host.pm.is_registered(plugin)
    assert host.plugins() == []
    assert id(plugin) not in host.scoped


def test_a_borrowed_plugin_that_was_there_before_stays() -> None:
    plugin = Recorder()
    host = PluginHost(scoped=[plugin], discover=False)
    with host.borrowed([plugin]):
        pass
    assert host.pm.is_registered(plugin)
    assert id(plugin) in host.scoped


def test_borrowing_ends_even_when_the_operation_fails() -> None:
    host = PluginHost(discover=False)
    plugin = Recorder()
    with pytest.raises(RuntimeError), host.borrowed([plugin]):
        raise RuntimeError("the login failed")
    assert not host.pm.is_registered(plugin)


# -- entry points ----------------------------------------------------------------------------------


def test_entry_points_are_discovered_with_their_distribution(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    wallet = distributions.unique("fake_wallet")
    hook = distributions.unique("fake_login")
    distributions.install(
        "fake-wallet-dist", {"fakewallet": wallet}, {wallet: wallet_module("fake")}
    )
    distributions.install(
        "fake-login-dist", {"fakelogin": hook}, {hook: LOGIN_MODULE}, version="2.5.1"
    )
    monkeypatch.setenv("SESSIONKIT_PLUGINS", only("fakewallet", "fakelogin"))
    host = PluginHost()
    assert host.plugins() == [
        PluginInfo(
            id="fakelogin", distribution="fake-login-dist", version="2.5.1", hooks=("before_login",)
        ),
        PluginInfo(
            id="fakewallet",
            distribution="fake-wallet-dist",
            version="1.0",
            hooks=("register_wallet_plugins",),
        ),
    ]
    registration = host.registered("wallet")["fake"]
    assert registration.plugin == "fakewallet"
    assert registration.distribution == "fake-wallet-dist"


def test_discovery_finds_the_installed_first_party_plugins() -> None:
    """The workspace installs the first-party plugins: discovery sees them, with versions."""
    host = PluginHost()
    found = {info.id: info for info in host.plugins()}
    assert found["privatekey"].distribution == "sessionkit-wallet-privatekey"
    assert found["privatekey"].version
    assert "register_wallet_plugins" in found["privatekey"].hooks
    assert host.errors == []


def test_discover_false_loads_no_entry_point(distributions: Distributions) -> None:
    module = distributions.unique("fake_login")
    distributions.install("fake-login-dist", {"fakelogin": module}, {module: LOGIN_MODULE})
    host = PluginHost(discover=False)
    assert host.plugins() == []
    assert module not in sys.modules, "discover=False must not even import it"


def test_nothing_is_discovered_at_import() -> None:
    from fresh_interpreter import modules_loaded_by

    loaded = modules_loaded_by(
        "import sessionkit, sessionkit.plugins, sessionkit.hookspecs",
        ["importlib.metadata", "sessionkit_wallet_privatekey", "sessionkit_ui_console"],
    )
    assert loaded == []


def test_the_allow_list_limits_loading(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = distributions.unique("plug_a"), distributions.unique("plug_b")
    distributions.install("dist-a", {"plug-a": a}, {a: LOGIN_MODULE})
    distributions.install("dist-b", {"plug-b": b}, {b: LOGIN_MODULE})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", " plug-b , ,")
    assert [p.id for p in PluginHost().plugins()] == ["plug-b"]


def test_an_empty_allow_list_loads_none(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = distributions.unique("plug_a")
    distributions.install("dist-a", {"plug-a": a}, {a: LOGIN_MODULE})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "")
    host = PluginHost(plugins=[Recorder()])
    assert [p.id for p in host.plugins()] == ["recorder"], "app plugins are not entry points"


def test_the_deny_list_skips_plugins(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = distributions.unique("plug_a"), distributions.unique("plug_b")
    distributions.install("dist-a", {"plug-a": a}, {a: LOGIN_MODULE})
    distributions.install("dist-b", {"plug-b": b}, {b: LOGIN_MODULE})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", only("plug-a", "plug-b"))
    monkeypatch.setenv("SESSIONKIT_DISABLE_PLUGINS", "plug-a,privatekey")
    assert [p.id for p in PluginHost().plugins()] == ["plug-b"]
    monkeypatch.delenv("SESSIONKIT_PLUGINS")
    ids = [p.id for p in PluginHost().plugins()]
    assert "plug-b" in ids
    assert "plug-a" not in ids
    assert "privatekey" not in ids


def test_a_denied_broken_plugin_is_never_imported(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = distributions.unique("broken")
    distributions.install("broken-dist", {"broken": broken}, {broken: "raise SystemError('boom')"})
    monkeypatch.setenv("SESSIONKIT_DISABLE_PLUGINS", "broken")
    host = PluginHost(strict=True)
    assert "broken" not in [p.id for p in host.plugins()]


# -- isolated loading ------------------------------------------------------------------------------

BROKEN_IMPORT = "raise ImportError('needs libfoo, which is not installed')"


def test_a_plugin_that_fails_to_import_is_recorded_and_the_rest_work(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    broken, good = distributions.unique("broken"), distributions.unique("good")
    distributions.install("broken-dist", {"broken": broken}, {broken: BROKEN_IMPORT}, version="0.3")
    distributions.install("good-dist", {"good": good}, {good: wallet_module("good-wallet")})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", only("broken", "good"))
    with caplog.at_level(logging.WARNING, logger="sessionkit.plugins"):
        host = PluginHost(strict=False)
    (error,) = host.errors
    assert isinstance(error, PluginLoadError)
    assert error.plugin == "broken"
    assert error.distribution == "broken-dist"
    assert error.hook == "load"
    assert isinstance(error.__cause__, ImportError)
    assert "plugin 'broken' from broken-dist could not be loaded" in str(error)
    assert "ImportError: needs libfoo" in str(error)
    assert [p.id for p in host.plugins()] == ["good"]
    assert "good-wallet" in host.registered("wallet")
    assert any("broken-dist" in record.getMessage() for record in caplog.records)


def test_a_missing_module_or_attribute_is_recorded(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    present = distributions.unique("present")
    distributions.install(
        "odd-dist",
        {"missing": "no_such_module_anywhere", "attr": f"{present}:not_there"},
        {present: ""},
    )
    monkeypatch.setenv("SESSIONKIT_PLUGINS", only("missing", "attr"))
    host = PluginHost(strict=False)
    causes = {error.plugin: type(error.__cause__) for error in host.errors}
    assert causes == {"attr": AttributeError, "missing": ModuleNotFoundError}


def test_strict_loading_raises_the_first_failure(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = distributions.unique("broken")
    distributions.install("broken-dist", {"broken": broken}, {broken: BROKEN_IMPORT})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "broken")
    with pytest.raises(PluginLoadError, match="could not be loaded") as caught:
        PluginHost(strict=True)
    assert caught.value.distribution == "broken-dist"
    assert isinstance(caught.value.__cause__, ImportError)


def test_strict_is_the_default_when_the_environment_says_so(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = distributions.unique("broken")
    distributions.install("broken-dist", {"broken": broken}, {broken: BROKEN_IMPORT})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "broken")
    monkeypatch.setenv("SESSIONKIT_STRICT_PLUGINS", "1")
    with pytest.raises(PluginLoadError):
        PluginHost()
    assert len(PluginHost(strict=False).errors) == 1, "strict=False overrides the environment"


def test_a_misspelt_hook_in_an_installed_plugin(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = distributions.unique("typo")
    source = "from sessionkit import hookimpl\n\n@hookimpl\ndef after_brodcast(result):\n    pass\n"
    distributions.install("typo-dist", {"typo": module}, {module: source})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "typo")
    host = PluginHost(strict=False)
    (error,) = host.errors
    assert "after_brodcast" in str(error)
    assert "check the spelling" in str(error)
    assert error.distribution == "typo-dist"
    assert host.plugins() == []
    with pytest.raises(PluginLoadError, match="after_brodcast"):
        PluginHost(strict=True)


def test_a_plugin_whose_registration_fails_is_dropped_whole(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = distributions.unique("halfway")
    source = (
        wallet_module("first-wallet")
        + """

@hookimpl
def register_user_interfaces(register):
    raise RuntimeError("cannot find a terminal")


@hookimpl
def before_login(context):
    raise AssertionError("a dropped plugin must run no hook")
"""
    )
    distributions.install("halfway-dist", {"halfway": module}, {module: source})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "halfway")
    host = PluginHost(strict=False)
    (error,) = host.errors
    assert error.plugin == "halfway"
    assert error.distribution == "halfway-dist"
    assert error.hook == "register_user_interfaces"
    assert isinstance(error.__cause__, RuntimeError)
    assert "cannot find a terminal" in str(error)
    assert host.plugins() == []
    assert host.registered("wallet") == {}, "what it registered before failing is dropped"
    with pytest.raises(PluginLoadError, match="cannot find a terminal"):
        PluginHost(strict=True)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("register(42)", "takes a class or factory"),
        ("register(lambda: None)", "needs an id of lowercase letters"),
        ("register(lambda: None, id='Not Valid')", "needs an id of lowercase letters"),
        ("register(dict, id='not-a-wallet')", "registers WalletPlugin classes"),
    ],
)
def test_registration_is_checked(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch, body: str, expected: str
) -> None:
    module = distributions.unique("checked")
    source = HOOK_SOURCE.format(decl="def register_wallet_plugins(register):", body=body)
    distributions.install("checked-dist", {"checked": module}, {module: source})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "checked")
    (error,) = PluginHost(strict=False).errors
    assert expected in str(error)
    assert error.plugin == "checked"
    assert error.hook == "register_wallet_plugins"


def test_an_async_register_hook_is_refused(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = distributions.unique("asyncreg")
    source = HOOK_SOURCE.format(decl="async def register_session_storages(register):", body="pass")
    distributions.install("asyncreg-dist", {"asyncreg": module}, {module: source})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "asyncreg")
    (error,) = PluginHost(strict=False).errors
    assert "must be a plain function, not async" in str(error)
    assert error.hook == "register_session_storages"


def test_a_duplicate_wallet_id_names_both_distributions(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = distributions.unique("wallet_a"), distributions.unique("wallet_b")
    distributions.install("dist-alpha", {"alpha": a}, {a: wallet_module("same")})
    distributions.install("dist-beta", {"beta": b}, {b: wallet_module("same")})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", only("alpha", "beta"))
    host = PluginHost(strict=False)
    (error,) = host.errors
    assert isinstance(error, PluginConflictError)
    assert "dist-alpha" in str(error)
    assert "dist-beta" in str(error)
    assert "SESSIONKIT_DISABLE_PLUGINS" in str(error)
    assert host.registered("wallet")["same"].distribution == "dist-alpha"
    assert [p.id for p in host.plugins()] == ["alpha"]
    with pytest.raises(PluginConflictError):
        PluginHost(strict=True)


# -- through the kit -------------------------------------------------------------------------------


def kit(**options: Any) -> SessionKit:
    return SessionKit(
        "plugins-test", [CHAIN], storage=options.pop("storage", MemoryStorage()), **options
    )


def test_the_kit_lists_plugins_and_errors(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken, good = distributions.unique("broken"), distributions.unique("good")
    distributions.install("broken-dist", {"broken": broken}, {broken: BROKEN_IMPORT})
    distributions.install("good-dist", {"good": good}, {good: wallet_module("good-wallet")})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", only("broken", "good"))
    made = kit(plugins=[Recorder()], strict=False)
    assert [(p.id, p.distribution) for p in made.plugins] == [
        ("good", "good-dist"),
        ("recorder", None),
    ]
    assert [(e.plugin, e.distribution) for e in made.plugin_errors] == [("broken", "broken-dist")]
    made.plugin_errors.clear()
    assert len(made.plugin_errors) == 1, "plugin_errors is a copy"
    assert [w.id for w in made.wallet_plugins] == ["good-wallet"]


def test_the_kit_under_strict_raises(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = distributions.unique("broken")
    distributions.install("broken-dist", {"broken": broken}, {broken: BROKEN_IMPORT})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "broken")
    with pytest.raises(PluginLoadError, match="broken-dist"):
        kit(strict=True)
    assert len(kit().plugin_errors) == 1


def test_installed_wallets_storages_and_interfaces_are_found_by_id(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = distributions.unique("provider")
    source = (
        wallet_module("provided-wallet")
        + """
from sessionkit import MemoryStorage
from sessionkit.testing import RecordingUI

made = []


class Storage(MemoryStorage):
    def __init__(self, app_name):
        super().__init__()
        made.append(app_name)


class UI(RecordingUI):
    id = "provided-ui"


@hookimpl
def register_session_storages(register):
    register(Storage, id="provided-storage")


@hookimpl
def register_user_interfaces(register):
    register(UI)
"""
    )
    distributions.install("provider-dist", {"provider": module}, {module: source})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "provider")
    made = SessionKit(
        "provided-app", [CHAIN], storage="provided-storage", ui="provided-ui", strict=True
    )
    imported = sys.modules[module]
    assert type(made.storage).__name__ == "Storage"
    assert imported.made == ["provided-app"]
    assert made.ui.id == "provided-ui"
    assert [w.id for w in made.wallet_plugins] == ["provided-wallet"]
    again = SessionKit(
        "provided-app", [CHAIN], storage=MemoryStorage(), wallet_plugins=["provided-wallet"]
    )
    assert again.wallet_plugins[0] is not made.wallet_plugins[0]


def test_an_id_nobody_registered_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from sessionkit.errors import ConfigurationError

    monkeypatch.setenv("SESSIONKIT_PLUGINS", "")
    with pytest.raises(
        ConfigurationError, match=r"no storage 'redis' is installed.*SESSIONKIT_PLUGINS"
    ):
        SessionKit("app", [CHAIN], storage="redis")
    with pytest.raises(ConfigurationError, match="no user interface 'console' is installed"):
        SessionKit("app", [CHAIN], ui="console", storage=MemoryStorage())
    with pytest.raises(ConfigurationError, match="no wallet plugin 'anchor' is installed"):
        SessionKit("app", [CHAIN], wallet_plugins=["anchor"], storage=MemoryStorage())


def test_the_kit_logs_which_plugins_are_active(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="sessionkit.plugins"):
        kit(plugins=[Recorder()], discover=False)
    (record,) = [r for r in caplog.records if "recorder" in r.getMessage()]
    assert "passed by the app" in record.getMessage()
    assert "after_sign, before_login" in record.getMessage()


def test_plugin_error_is_a_plugin_error() -> None:
    assert issubclass(PluginLoadError, PluginError)
    assert issubclass(PluginConflictError, PluginLoadError)


class FailingProvider:
    id = "failing-provider"

    @hookimpl
    def register_wallet_plugins(self, register: Any) -> None:
        raise RuntimeError("no wallets today")


def test_an_app_plugin_whose_registration_fails_always_raises() -> None:
    with pytest.raises(PluginLoadError, match="no wallets today") as caught:
        PluginHost(plugins=[FailingProvider()], discover=False, strict=False)
    assert caught.value.plugin == "failing-provider"
    assert caught.value.hook == "register_wallet_plugins"
    assert caught.value.distribution is None
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_an_app_plugin_reusing_an_installed_id_raises(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = distributions.unique("installed_wallet")
    distributions.install("installed-dist", {"installed": module}, {module: wallet_module("dup")})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "installed")

    class Mine:
        id = "mine"

        @hookimpl
        def register_wallet_plugins(self, register: Any) -> None:
            register(lambda: None, id="dup")

    with pytest.raises(PluginConflictError, match="installed-dist"):
        PluginHost(plugins=[Mine()], strict=False)


class Defaulted:
    id = "defaulted"

    @hookimpl
    def before_sign(self, request: Any, context: Any = None) -> None: ...


def test_a_hook_argument_with_a_default_is_refused() -> None:
    """pluggy never passes an argument that has a default: the plugin would see None forever."""
    with pytest.raises(PluginLoadError, match=r"before_sign\(context\).*remove the default"):
        PluginHost(plugins=[Defaulted()], discover=False)


def test_an_installed_plugin_with_a_defaulted_argument_is_isolated(
    distributions: Distributions, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = distributions.unique("defaulted")
    source = HOOK_SOURCE.format(decl="def after_sign(result, context=None):", body="pass")
    distributions.install("defaulted-dist", {"defaulted": module}, {module: source})
    monkeypatch.setenv("SESSIONKIT_PLUGINS", "defaulted")
    (error,) = PluginHost(strict=False).errors
    assert "after_sign(context)" in str(error)
    assert error.distribution == "defaulted-dist"


class Wrapper:
    id = "wrapper"

    @hookimpl(wrapper=True)
    def before_sign(self, request: Any, context: Any) -> Any:
        return (yield)


class OldWrapper:
    id = "old-wrapper"

    @hookimpl(hookwrapper=True)
    def after_sign(self, result: Any, context: Any) -> Any:
        yield


@pytest.mark.parametrize("plugin", [Wrapper(), OldWrapper()], ids=["wrapper", "hookwrapper"])
def test_hook_wrappers_are_refused(plugin: object) -> None:
    with pytest.raises(
        PluginLoadError, match="as hook wrappers, which SessionKit does not support"
    ):
        PluginHost(plugins=[plugin], discover=False)


def test_a_plugin_that_does_not_fit_releases_the_ones_borrowed_before_it() -> None:
    host = PluginHost(discover=False)
    good = Recorder()
    with pytest.raises(PluginLoadError, match="before_sigh"), host.borrowed([good, Misspelt()]):
        pytest.fail("the operation must not run")
    assert not host.pm.is_registered(good)
    assert host.plugins() == []
