"""A local-memory cache that keeps a log of the reads it is asked for, for tests about how
many trips to the cache a page makes."""

from django.core.cache.backends.locmem import LocMemCache

READS: list[tuple[str, tuple[str, ...]]] = []


class CountingCache(LocMemCache):
    def get(self, key, default=None, version=None):
        READS.append(("get", (key,)))
        return super().get(key, default, version)

    def get_many(self, keys, version=None):
        keys = tuple(keys)
        READS.append(("get_many", keys))
        # LocMemCache's get_many is a loop over get: log it as the one trip it stands for.
        found = {}
        for key in keys:
            value = super().get(key, self._missing, version)
            if value is not self._missing:
                found[key] = value
        return found

    _missing = object()
