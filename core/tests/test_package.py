"""The core package imports cheaply and exposes its documented surface."""

import pytest
import sessionkit
from fresh_interpreter import modules_loaded_by
from sessionkit import errors


def test_every_error_is_a_sessionkit_error() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.SessionKitError), name


def test_invalid_values_are_value_errors() -> None:
    assert issubclass(errors.InvalidName, ValueError)
    assert issubclass(errors.DecodeError, errors.InvalidValue)


def test_import_does_not_load_heavy_modules() -> None:
    heavy = ("coincurve", "cryptography", "httpx", "msgspec", "pluggy")
    assert modules_loaded_by("import sessionkit, sessionkit.antelope", heavy) == []
    assert sessionkit.__version__


def test_antelope_exports_match_lazy_table() -> None:
    import sessionkit.antelope as antelope

    assert set(antelope.__all__) == set(antelope._EXPORTS)


def test_lazy_exports_load_once_and_list_the_public_names() -> None:
    import sessionkit.antelope as antelope
    import sessionkit.devnet as devnet

    assert dir(antelope) == sorted(antelope.__all__)
    assert dir(devnet) == sorted(devnet.__all__)
    name = antelope.Name
    assert vars(antelope)["Name"] is name
    with pytest.raises(AttributeError, match="NotAName"):
        antelope.NotAName  # noqa: B018
