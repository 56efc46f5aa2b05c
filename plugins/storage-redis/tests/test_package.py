"""The distribution is installed and its entry point loads this package."""

from importlib.metadata import entry_points

import sessionkit_storage_redis


def test_entry_point_loads_this_package() -> None:
    (entry_point,) = entry_points(group="sessionkit", name="redis")
    assert entry_point.load() is sessionkit_storage_redis
    assert entry_point.dist is not None
    assert entry_point.dist.name == "sessionkit-storage-redis"
