"""SessionKit session storage on Redis and Redis Cluster.

Discovered through the `sessionkit` entry-point group as `redis`.
"""

__all__: list[str] = []
