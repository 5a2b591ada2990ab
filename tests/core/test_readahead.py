"""``read_ahead``: the keys a page knows it will read come from the cache in one trip, each
served once; every other read goes to the cache as before."""

import pytest

from conductor_django.core.readahead import get, read_ahead
from tests.counting_cache import READS, CountingCache


@pytest.fixture
def cache():
    READS.clear()
    found = CountingCache("readahead-tests", {})
    found.clear()
    return found


def test_the_keys_come_in_one_trip(cache):
    cache.set("a", 1)
    cache.set("b", 2)
    READS.clear()

    with read_ahead(cache, ["a", "b", "absent"]):
        values = [get(cache, "a"), get(cache, "b"), get(cache, "absent")]

    assert values == [1, 2, None]
    assert READS == [("get_many", ("a", "b", "absent"))]


def test_a_second_read_of_a_key_sees_what_was_stored_since(cache):
    cache.set("marker", "old")

    with read_ahead(cache, ["marker"]):
        first = get(cache, "marker")
        cache.set("marker", "new")  # another process finished meanwhile
        second = get(cache, "marker")

    assert (first, second) == ("old", "new")


def test_other_keys_and_reads_outside_the_block_go_to_the_cache(cache):
    cache.set("a", 1)
    cache.set("other", 3)
    READS.clear()

    with read_ahead(cache, ["a"]):
        inside = get(cache, "other")
    outside = get(cache, "a")

    assert (inside, outside) == (3, 1)
    assert READS == [("get_many", ("a",)), ("get", ("other",)), ("get", ("a",))]


def test_another_cache_is_not_served_from_the_block(cache):
    elsewhere = CountingCache("readahead-elsewhere", {})
    elsewhere.set("a", "elsewhere")
    cache.set("a", "here")

    with read_ahead(cache, ["a"]):
        assert get(elsewhere, "a") == "elsewhere"
        assert get(cache, "a") == "here"
