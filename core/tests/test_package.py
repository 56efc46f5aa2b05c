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


# -- what issue 7 took off the top levels and put on them (test_exports.py checks __all__) --


@pytest.mark.parametrize(
    ("name", "dropped"),
    [
        ("sessionkit.chain", ["expiration", "ref_block_num", "ref_block_prefix"]),
        ("sessionkit.chain", ["BROADCAST_PATHS", "encode", "decode"]),
        ("sessionkit.esr", ["esr_abi", "encode_payload", "decode_payload"]),
    ],
)
def test_generic_and_internal_names_stay_off_the_top_levels(name: str, dropped: list[str]) -> None:
    import importlib

    package = importlib.import_module(name)
    for member in dropped:
        assert member not in package.__all__
        with pytest.raises(AttributeError):
            getattr(package, member)


def test_the_public_types_of_issue_7_are_exported() -> None:
    import sessionkit.chain as chain
    import sessionkit.devnet as devnet

    assert chain.DEFAULT_MAX_RESPONSE_SIZE == 16 * 1024 * 1024
    assert {"start_detached", "detached_status", "stop_detached"} <= set(devnet.__all__)
    assert {"AccountNotFound", "ResponseTooLarge"} <= set(errors.__all__)
    assert issubclass(errors.AccountNotFound, errors.ChainAPIError)
    assert issubclass(errors.ResponseTooLarge, errors.MalformedResponseError)
