"""Where the wallet's private key comes from: an argument, an environment variable or a file.

Errors and log lines name the argument, the variable or the file, never what it holds.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from sessionkit.antelope import PrivateKey
from sessionkit.errors import ConfigurationError, InvalidKey

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DEFAULT_ENV_VAR", "DEFAULT_KEY_FILE_ENV_VAR", "LoadedKey", "load_key"]

logger = logging.getLogger("sessionkit_wallet_privatekey")

#: The environment variable read for the key when none is given.
DEFAULT_ENV_VAR = "SESSIONKIT_PRIVATE_KEY"
#: The environment variable naming a file that holds the key.
DEFAULT_KEY_FILE_ENV_VAR = "SESSIONKIT_PRIVATE_KEY_FILE"

# A key is at most ~60 characters; anything much larger is not a key file.
_MAX_KEY_FILE_BYTES = 4096

#: A key and where it came from (``"the private_key argument"``, ``"$NAME"``, ``"key file P"``).
LoadedKey = tuple[PrivateKey, str]


def load_key(
    private_key: PrivateKey | str | None,
    *,
    key_file: str | os.PathLike[str] | None,
    env_var: str | None,
    key_file_env_var: str | None,
    environ: Mapping[str, str] | None = None,
) -> LoadedKey | None:
    """The key from the first source that has one: ``private_key``, ``key_file``, then the
    environment variables ``env_var`` and ``key_file_env_var``; None when none has one.

    Two sources at the same level (both arguments, or both variables) are a
    `ConfigurationError`: which one wins would be a guess.
    """
    for name, value in (("env_var", env_var), ("key_file_env_var", key_file_env_var)):
        if value is not None and (not isinstance(value, str) or not value):
            raise ConfigurationError(
                f"{name} is the name of an environment variable (a non-empty str), or None to "
                f"read none, not {value!r}"
            )
    if private_key is not None and key_file is not None:
        raise ConfigurationError(
            "PrivateKeyWallet takes private_key= or key_file=, not both: give one"
        )
    if private_key is not None:
        return _parsed(private_key, "the private_key argument"), "the private_key argument"
    if key_file is not None:
        return _read_key_file(key_file)
    env = os.environ if environ is None else environ
    from_env = env.get(env_var, "").strip() if env_var else ""
    file_env = env.get(key_file_env_var, "").strip() if key_file_env_var else ""
    if from_env and file_env:
        raise ConfigurationError(
            f"both ${env_var} and ${key_file_env_var} are set: set one of them"
        )
    if from_env:
        origin = f"${env_var}"
        return _parsed(from_env, origin), origin
    if file_env:
        return _read_key_file(file_env)
    return None


def _parsed(value: object, origin: str) -> PrivateKey:
    if isinstance(value, PrivateKey):
        return value
    if not isinstance(value, str):
        raise InvalidKey(
            f"{origin} is a private key (PVT_K1_..., PVT_R1_... or WIF text, or a PrivateKey), "
            f"not {type(value).__name__}"
        )
    try:
        return PrivateKey.from_string(value.strip())
    except InvalidKey as exc:
        # PrivateKey.from_string never repeats its input, so its reason is safe to show.
        raise InvalidKey(f"{origin} does not hold a valid private key: {exc}") from None


def _read_key_file(path_like: str | os.PathLike[str]) -> LoadedKey:
    if not isinstance(path_like, str | os.PathLike):
        raise ConfigurationError(
            "key_file is the path of a file holding the key (a str or a Path), not "
            f"{type(path_like).__name__}"
        )
    if not str(path_like).strip():
        raise ConfigurationError("key_file is empty: give the path of a file holding the key")
    path = Path(path_like)
    try:
        path = path.expanduser()
        with path.open("rb") as file:
            raw = file.read(_MAX_KEY_FILE_BYTES + 1)
            mode = os.fstat(file.fileno()).st_mode
    except OSError as exc:
        raise ConfigurationError(
            f"cannot read the key file {path}: {exc.strerror or exc}; check the path and its "
            "permissions"
        ) from None
    except (ValueError, RuntimeError) as exc:
        # A NUL byte in the path (ValueError), ``~user`` of no such user (RuntimeError).
        raise ConfigurationError(
            f"cannot open the key file {str(path)!r}: {exc}; check the path"
        ) from None
    origin = f"the key file {path}"
    if len(raw) > _MAX_KEY_FILE_BYTES:
        raise InvalidKey(f"{origin} is larger than {_MAX_KEY_FILE_BYTES} bytes: not a key file")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise InvalidKey(f"{origin} is not text: it should hold one private key") from None
    if os.name == "posix" and stat.S_IMODE(mode) & 0o077:
        logger.warning(
            "%s can be read by other users (mode %o): chmod 600 it", origin, stat.S_IMODE(mode)
        )
    return _parsed(text, origin), origin
