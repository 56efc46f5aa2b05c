"""SessionKit session storage on Redis and Redis Cluster, shared by many processes and hosts.

Discovered through the ``sessionkit`` entry-point group as ``redis``: it registers the storage
id ``redis``, so ``SessionKit(..., storage="redis")`` stores sessions in the Redis named by
``$SESSIONKIT_REDIS_URL`` (see `from_environment` for the other variables). Or pass
``storage=RedisStorage(url=..., app_name=...)`` yourself.
"""

from __future__ import annotations

import os
from typing import Any

from sessionkit import hookimpl
from sessionkit.errors import ConfigurationError

from sessionkit_storage_redis._crypto import DecryptionError, generate_key
from sessionkit_storage_redis._storage import RedisStorage

__all__ = [
    "ENV_CLUSTER",
    "ENV_KEY",
    "ENV_PASSWORD",
    "ENV_PREFIX",
    "ENV_TTL",
    "ENV_URL",
    "ENV_USERNAME",
    "DecryptionError",
    "RedisStorage",
    "from_environment",
    "generate_key",
]

#: The Redis URL (``redis://host:6379/0``, ``rediss://`` for TLS); required.
ENV_URL = "SESSIONKIT_REDIS_URL"
#: ``1`` when the URL names a node of a Redis Cluster.
ENV_CLUSTER = "SESSIONKIT_REDIS_CLUSTER"
#: The key prefix (default ``sessionkit``).
ENV_PREFIX = "SESSIONKIT_REDIS_PREFIX"
#: Seconds after their last change that an app's sessions expire (default: never).
ENV_TTL = "SESSIONKIT_REDIS_TTL"
#: The encryption key, base64 of 16, 24 or 32 bytes (default: values are not encrypted).
ENV_KEY = "SESSIONKIT_REDIS_KEY"
#: ACL user name and password (or put them in the URL).
ENV_USERNAME = "SESSIONKIT_REDIS_USERNAME"
ENV_PASSWORD = "SESSIONKIT_REDIS_PASSWORD"  # noqa: S105 - the variable's name, not a password


def from_environment(app_name: str) -> RedisStorage:
    """A `RedisStorage` for ``app_name`` configured from ``$SESSIONKIT_REDIS_*``."""
    url = os.environ.get(ENV_URL, "").strip()
    if not url:
        raise ConfigurationError(
            f"storage='redis' reads the server from ${ENV_URL} (for example "
            "redis://localhost:6379/0), which is not set: set it, or pass "
            "storage=RedisStorage(url=..., app_name=...)"
        )
    ttl_text = os.environ.get(ENV_TTL, "").strip()
    try:
        ttl = float(ttl_text) if ttl_text else None
    except ValueError:
        raise ConfigurationError(f"${ENV_TTL} is a number of seconds, not {ttl_text!r}") from None
    cluster_text = os.environ.get(ENV_CLUSTER, "").strip().lower()
    if cluster_text not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ConfigurationError(f"${ENV_CLUSTER} is 1 or 0, not {cluster_text!r}")
    return RedisStorage(
        url=url,
        app_name=app_name,
        prefix=os.environ.get(ENV_PREFIX, "sessionkit"),
        ttl=ttl,
        cluster=cluster_text in ("1", "true", "yes"),
        encryption_key=os.environ.get(ENV_KEY) or None,
        username=os.environ.get(ENV_USERNAME) or None,
        password=os.environ.get(ENV_PASSWORD) or None,
    )


@hookimpl
def register_session_storages(register: Any) -> None:
    """Offer the storage id ``redis``, configured from the environment."""
    register(from_environment, id="redis")
