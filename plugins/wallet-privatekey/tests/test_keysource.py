"""Where the key comes from: the argument (``PVT_K1_``, WIF, ``PVT_R1_``, a `PrivateKey`), a
key file, ``$SESSIONKIT_PRIVATE_KEY`` and ``$SESSIONKIT_PRIVATE_KEY_FILE``; their order, the
conflicts, bad files and bad keys, each error saying what to fix without showing the key."""

from __future__ import annotations

import logging
import os
import pathlib
import stat
from typing import TYPE_CHECKING, NoReturn, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sessionkit import ChainDefinition, MemoryStorage, SessionKit
from sessionkit.antelope import KeyType, PrivateKey
from sessionkit.errors import ConfigurationError, InvalidKey, SessionKitError
from sessionkit_wallet_privatekey import (
    DEFAULT_ENV_VAR,
    DEFAULT_KEY_FILE_ENV_VAR,
    PrivateKeyWallet,
)
from sessionkit_wallet_privatekey._keysource import LoadedKey, load_key

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

_T = TypeVar("_T")

K1 = PrivateKey.from_bytes(bytes(range(1, 33)))
R1 = PrivateKey.from_bytes(bytes(range(2, 34)), KeyType.R1)
OTHER = PrivateKey.from_bytes(bytes(range(3, 35)))
# Somewhere nothing listens: the key checks come before any request.
NOWHERE = ChainDefinition("cd" * 32, "http://127.0.0.1:9")


def secret_forms(key: PrivateKey) -> list[str]:
    """Every way the secret can be written."""
    forms = [key.to_string(), key.to_bytes().hex(), key.to_string()[7:]]
    if key.key_type is KeyType.K1:
        forms.append(key.to_wif())
    return forms


def assert_no_secret(text: str, *keys: PrivateKey) -> None:
    for key in keys:
        for form in secret_forms(key):
            assert form not in text


# -- formats --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_key", "expected"),
    [
        pytest.param(K1.to_string(), K1, id="PVT_K1_"),
        pytest.param(K1.to_wif(), K1, id="WIF"),
        pytest.param(R1.to_string(), R1, id="PVT_R1_"),
        pytest.param(K1, K1, id="PrivateKey-K1"),
        pytest.param(R1, R1, id="PrivateKey-R1"),
        pytest.param(f"  {K1.to_string()}\n", K1, id="surrounding-space"),
    ],
)
def test_key_formats(given_key: PrivateKey | str, expected: PrivateKey) -> None:
    wallet = PrivateKeyWallet(given_key)
    assert wallet.public_key == expected.public_key
    assert wallet.public_key is not None
    assert wallet.public_key.key_type is expected.key_type
    assert wallet.metadata.public_key == str(expected.public_key)
    assert wallet.metadata.name == "Private Key Signer"
    assert str(expected.public_key) in (wallet.metadata.description or "")
    assert wallet.data == {"publicKey": str(expected.public_key)}
    assert "from the private_key argument" in repr(wallet)


def test_the_wallet_is_the_references_id_and_asks_for_chain_and_permission() -> None:
    wallet = PrivateKeyWallet(K1)
    assert wallet.id == "wallet-plugin-privatekey"
    assert wallet.config.requires_chain_select
    assert wallet.config.requires_permission_select


@pytest.mark.anyio
async def test_retrieve_public_key_is_the_keys() -> None:
    assert await PrivateKeyWallet(R1).retrieve_public_key(NOWHERE.id) == R1.public_key
    assert await PrivateKeyWallet(env_var=None).retrieve_public_key(NOWHERE.id) is None


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("", "empty"),
        ("PVT_K1_", "too short"),
        (K1.to_string()[:-1] + ("a" if K1.to_string()[-1] != "a" else "b"), "checksum"),
        (K1.to_wif()[:-1] + ("a" if K1.to_wif()[-1] != "a" else "b"), "WIF checksum"),
        (str(K1.public_key), "a public key"),
        ("PVT_XX_" + K1.to_string()[7:], "unknown type"),
        ("0" * 64, "hex"),
    ],
)
def test_a_bad_key_is_invalid_key_naming_the_argument_not_the_text(bad: str, reason: str) -> None:
    with pytest.raises(InvalidKey) as caught:
        PrivateKeyWallet(bad)
    message = str(caught.value)
    assert "the private_key argument" in message, reason
    if bad.strip():
        assert bad not in message
    assert_no_secret(message, K1)


@pytest.mark.parametrize("bad", [b"PVT_K1_", 42, ["PVT_K1_"], object()])
def test_a_key_that_is_not_text_is_invalid_key_naming_the_type(bad: object) -> None:
    with pytest.raises(InvalidKey, match="not " + type(bad).__name__):
        PrivateKeyWallet(bad)  # type: ignore[arg-type]


def test_store_private_key_must_be_a_bool() -> None:
    with pytest.raises(ConfigurationError, match="store_private_key must be True or False"):
        PrivateKeyWallet(K1, store_private_key="yes")  # type: ignore[arg-type]


# -- sources and their order ----------------------------------------------------------------


def write_key_file(path: Path, text: str | bytes, mode: int = 0o600) -> Path:
    if isinstance(text, str):
        path.write_text(text, encoding="ascii")
    else:
        path.write_bytes(text)
    path.chmod(mode)
    return path


def test_default_variable_names_are_documented() -> None:
    assert DEFAULT_ENV_VAR == "SESSIONKIT_PRIVATE_KEY"
    assert DEFAULT_KEY_FILE_ENV_VAR == "SESSIONKIT_PRIVATE_KEY_FILE"


def test_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", K1.to_wif() + "\n")
    wallet = PrivateKeyWallet()
    assert wallet.public_key == K1.public_key
    assert "from $SESSIONKIT_PRIVATE_KEY" in repr(wallet)


def test_key_from_a_variable_the_app_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_KEY", R1.to_string())
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", K1.to_string())
    assert PrivateKeyWallet(env_var="BOT_KEY").public_key == R1.public_key


def test_key_from_a_key_file_argument(tmp_path: Path) -> None:
    path = write_key_file(tmp_path / "bot.key", K1.to_string() + "\n")
    wallet = PrivateKeyWallet(key_file=path)
    assert wallet.public_key == K1.public_key
    assert f"from the key file {path}" in repr(wallet)
    assert PrivateKeyWallet(key_file=str(path)).public_key == K1.public_key


def test_key_from_the_file_named_by_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write_key_file(tmp_path / "bot.key", R1.to_string())
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY_FILE", str(path))
    assert PrivateKeyWallet().public_key == R1.public_key


def test_a_key_file_path_may_start_with_a_tilde(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    write_key_file(tmp_path / "bot.key", K1.to_string())
    assert PrivateKeyWallet(key_file="~/bot.key").public_key == K1.public_key


def test_arguments_come_before_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", OTHER.to_string())
    assert PrivateKeyWallet(K1).public_key == K1.public_key
    path = write_key_file(tmp_path / "k", R1.to_string())
    assert PrivateKeyWallet(key_file=path).public_key == R1.public_key


def test_variables_turned_off_are_not_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", K1.to_string())
    assert PrivateKeyWallet(env_var=None).public_key is None
    monkeypatch.delenv("SESSIONKIT_PRIVATE_KEY")
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY_FILE", str(write_key_file(tmp_path / "k", "x")))
    assert PrivateKeyWallet(key_file_env_var=None).public_key is None


def test_an_empty_variable_is_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", "  ")
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY_FILE", "")
    assert PrivateKeyWallet().public_key is None


def test_two_arguments_are_a_configuration_error(tmp_path: Path) -> None:
    path = write_key_file(tmp_path / "k", K1.to_string())
    with pytest.raises(ConfigurationError, match="private_key= or key_file=, not both"):
        PrivateKeyWallet(K1, key_file=path)


def test_two_variables_are_a_configuration_error_naming_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write_key_file(tmp_path / "k", K1.to_string())
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", K1.to_string())
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY_FILE", str(path))
    with pytest.raises(ConfigurationError) as caught:
        PrivateKeyWallet()
    message = str(caught.value)
    assert "$SESSIONKIT_PRIVATE_KEY and $SESSIONKIT_PRIVATE_KEY_FILE" in message
    assert_no_secret(message, K1)


def test_a_bad_key_in_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = K1.to_string()[:-3]
    monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", broken)
    with pytest.raises(InvalidKey, match=r"\$SESSIONKIT_PRIVATE_KEY does not hold") as caught:
        PrivateKeyWallet()
    assert broken not in str(caught.value)


# -- key files --------------------------------------------------------------------------------


def test_a_missing_key_file_is_a_configuration_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nope.key"
    with pytest.raises(ConfigurationError, match="cannot read the key file") as caught:
        PrivateKeyWallet(key_file=path)
    assert str(path) in str(caught.value)


def test_a_directory_is_not_a_key_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read the key file"):
        PrivateKeyWallet(key_file=tmp_path)


def test_an_unreadable_key_file_is_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the process may not read (simulated: the tests may run as root, who reads all)."""
    path = write_key_file(tmp_path / "k", K1.to_string())

    def refuse(self: Path, *args: object, **kwargs: object) -> NoReturn:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(pathlib.Path, "open", refuse)
    with pytest.raises(ConfigurationError) as caught:
        PrivateKeyWallet(key_file=path)
    message = str(caught.value)
    assert f"cannot read the key file {path}: Permission denied" in message
    assert "check the path and its permissions" in message


def test_a_large_file_is_not_a_key_file(tmp_path: Path) -> None:
    path = write_key_file(tmp_path / "k", K1.to_string() + " " * 5000)
    with pytest.raises(InvalidKey, match="larger than 4096 bytes"):
        PrivateKeyWallet(key_file=path)


def test_a_binary_file_is_not_a_key_file(tmp_path: Path) -> None:
    path = write_key_file(tmp_path / "k", K1.to_bytes() + b"\xff")
    with pytest.raises(InvalidKey, match="is not text") as caught:
        PrivateKeyWallet(key_file=path)
    assert_no_secret(str(caught.value), K1)


def test_a_bad_key_file_names_the_file(tmp_path: Path) -> None:
    path = write_key_file(tmp_path / "k", "PVT_K1_notakey")
    with pytest.raises(InvalidKey) as caught:
        PrivateKeyWallet(key_file=path)
    assert f"the key file {path} does not hold a valid private key" in str(caught.value)
    assert "notakey" not in str(caught.value)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_key_file_others_can_read_is_used_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_key_file(tmp_path / "k", K1.to_string(), mode=0o644)
    with caplog.at_level(logging.WARNING, logger="sessionkit_wallet_privatekey"):
        wallet = PrivateKeyWallet(key_file=path)
    assert wallet.public_key == K1.public_key
    (record,) = [r for r in caplog.records if r.name == "sessionkit_wallet_privatekey"]
    assert record.levelno == logging.WARNING
    assert "chmod 600" in record.getMessage()
    assert "644" in record.getMessage()
    assert_no_secret(caplog.text, K1)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_private_key_file_gives_no_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_key_file(tmp_path / "k", K1.to_string(), mode=0o600)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with caplog.at_level(logging.DEBUG):
        PrivateKeyWallet(key_file=path)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


# -- no key -------------------------------------------------------------------------------------


def test_no_key_is_a_valid_wallet() -> None:
    wallet = PrivateKeyWallet()
    assert wallet.public_key is None
    assert wallet.data == {}
    assert wallet.metadata.public_key is None
    assert "no key" in repr(wallet)
    assert wallet.serialize() == {"id": "wallet-plugin-privatekey", "data": {}}


@pytest.mark.anyio
async def test_logging_in_without_a_key_lists_the_ways_to_give_one() -> None:
    async with SessionKit(
        "nokey",
        [NOWHERE],
        wallet_plugins=[PrivateKeyWallet()],
        storage=MemoryStorage(),
        discover=False,
    ) as kit:
        with pytest.raises(ConfigurationError) as caught:
            await kit.login(permission_level="alice@active")
        assert await kit.get_sessions() == []
    message = str(caught.value)
    assert "no private key to log in" in message
    for way in (
        "PrivateKeyWallet(private_key=...)",
        "PrivateKeyWallet(key_file=...)",
        "$SESSIONKIT_PRIVATE_KEY",
        "$SESSIONKIT_PRIVATE_KEY_FILE",
    ):
        assert way in message


def test_the_ways_to_give_a_key_follow_the_variables_the_app_chose() -> None:
    wallet = PrivateKeyWallet(env_var="BOT_KEY", key_file_env_var=None)
    with pytest.raises(ConfigurationError) as caught:
        wallet.restore({})
    message = str(caught.value)
    assert "$BOT_KEY" in message
    assert "$SESSIONKIT_PRIVATE_KEY" not in message


# -- fuzz ---------------------------------------------------------------------------------------

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz_0OIl+/= \n"


@st.composite
def mutated_keys(draw: st.DrawFn) -> tuple[PrivateKey, str]:
    """A valid key's text with a character changed, dropped, added, or the end cut off."""
    key = draw(st.sampled_from([K1, R1, OTHER]))
    text = draw(st.sampled_from([key.to_string(), *([key.to_wif()] if key is not R1 else [])]))
    position = draw(st.integers(0, len(text) - 1))
    kind = draw(st.sampled_from(["replace", "drop", "insert", "cut"]))
    char = draw(st.sampled_from(_ALPHABET))
    if kind == "replace":
        text = text[:position] + char + text[position + 1 :]
    elif kind == "drop":
        text = text[:position] + text[position + 1 :]
    elif kind == "insert":
        text = text[:position] + char + text[position:]
    else:
        text = text[:position]
    return key, text


def attempt(load: Callable[[], _T]) -> tuple[_T | None, SessionKitError | None]:
    """What ``load`` returned, or the SessionKit error it raised (anything else propagates)."""
    try:
        return load(), None
    except SessionKitError as error:
        return None, error


def check_outcome(
    loaded: LoadedKey | None, error: SessionKitError | None, text: str, key: PrivateKey | None
) -> None:
    """A key equal to the text's, or `InvalidKey` that shows neither the text nor the key."""
    if error is not None:
        assert isinstance(error, InvalidKey), repr(error)
        message = str(error)
        if len(text.strip()) >= 8:
            assert text.strip() not in message
        if key is not None:
            assert_no_secret(message, key)
        return
    assert loaded is not None
    assert loaded[0] == PrivateKey.from_string(text.strip())


@given(mutated_keys())
@example((K1, K1.to_string()))
@example((K1, K1.to_wif()[:-1] + "1"))
def test_fuzz_mutated_keys_from_the_environment(case: tuple[PrivateKey, str]) -> None:
    key, text = case
    loaded, error = attempt(
        lambda: load_key(
            None, key_file=None, env_var="K", key_file_env_var=None, environ={"K": text}
        )
    )
    if not text.strip():
        assert (loaded, error) == (None, None)
        return
    check_outcome(loaded, error, text, key)


@given(st.text(max_size=200))
@example("\x00")
@example("PVT_K1_" + "1" * 5000)
@example("PVT_R1_")
@example("5" * 51)
def test_fuzz_any_text_as_a_key_is_a_key_or_invalid_key(text: str) -> None:
    wallet, error = attempt(lambda: PrivateKeyWallet(text))
    if wallet is None:
        check_outcome(None, error, text, None)
    else:
        assert wallet.public_key == PrivateKey.from_string(text.strip()).public_key


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(st.one_of(st.binary(max_size=300), mutated_keys().map(lambda case: case[1].encode())))
def test_fuzz_key_file_contents(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.key"
    path.write_bytes(content)
    path.chmod(0o600)
    loaded, error = attempt(
        lambda: load_key(None, key_file=path, env_var=None, key_file_env_var=None)
    )
    if error is not None:
        assert isinstance(error, InvalidKey), repr(error)
        assert f"the key file {path}" in str(error)
        stripped = content.strip()
        if len(stripped) >= 8:
            assert stripped.decode("latin-1") not in str(error)
        return
    assert loaded is not None
    assert loaded[0] == PrivateKey.from_string(content.decode("ascii").strip())


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("a\x00b", "cannot open the key file 'a\\x00b': embedded null byte"),
        ("~no-such-user-here/k", "cannot open the key file '~no-such-user-here/k'"),
        ("", "key_file is empty"),
        ("  ", "key_file is empty"),
        (42, "not int"),
        (b"/tmp/k", "not bytes"),
    ],
)
def test_a_key_file_that_is_no_path_is_a_configuration_error(path: object, says: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        PrivateKeyWallet(key_file=path)  # type: ignore[arg-type]
    assert says in str(caught.value)


@pytest.mark.parametrize("name", ["env_var", "key_file_env_var"])
@pytest.mark.parametrize("bad", ["", 42, b"KEY"])
def test_variable_names_must_be_names(name: str, bad: object) -> None:
    with pytest.raises(ConfigurationError, match=f"{name} is the name of an environment variable"):
        PrivateKeyWallet(**{name: bad})  # type: ignore[arg-type]


@settings(max_examples=200)
@given(st.text(max_size=80))
@example("\x00")
@example("~\x00")
@example("~nosuchuser")
def test_fuzz_any_key_file_path_is_a_key_or_a_sessionkit_error(path: str) -> None:
    for load in (
        lambda: PrivateKeyWallet(key_file=path),
        lambda: load_key(
            None, key_file=None, env_var=None, key_file_env_var="F", environ={"F": path}
        ),
    ):
        _, error = attempt(load)
        assert error is None or isinstance(error, ConfigurationError | InvalidKey), repr(error)
