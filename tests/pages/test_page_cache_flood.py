"""No flood of made-up addresses can evict the pages every visitor reads
(rfve_site/page_cache.py): only the spellings the site links to are stored,
searches are stored apart, and every cache has a bound."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches

from rfve_site.page_cache import RECENT_PAGES
from tests.factories import ArticleFactory, EventTypeFactory, paris
from tests.pages import test_page_cache
from tests.pages.test_page_cache import (
    FEBRUARY,
    HOME,
    UPCOMING,
    get_from_cache,
)

pytestmark = pytest.mark.django_db
# Its fixtures: an event on 14 February 2023, the clock on the 10th.
agenda, clock = test_page_cache.agenda, test_page_cache.clock

SMALL_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "flood-default",
        "OPTIONS": {"MAX_ENTRIES": 40},
    },
    "search": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "flood-search",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 20},
    },
}


@pytest.fixture
def small_caches(settings, agenda):
    settings.CACHES = SMALL_CACHES
    yield
    for cache in caches.all():
        cache.clear()


def _served_from_the_shared_cache(client, url, django_assert_num_queries):
    RECENT_PAGES.clear()  # not this process's copy: the shared cache's
    get_from_cache(client, url, django_assert_num_queries)


@pytest.mark.parametrize(
    ("url", "flood"),
    [
        ("/recherche/", lambda i: {"q": f"mot{i} au hasard"}),
        (FEBRUARY, lambda i: {"type": f"inconnu-{i}"}),
        (FEBRUARY, lambda i: {"type": "", "groupe": f"g{i}"}),
        (UPCOMING, lambda i: {"page": i + 2}),
        (UPCOMING, lambda i: {"page": f"0{i}"}),
        ("/actualites/", lambda i: {"page": i + 2}),
        ("/publications/", lambda i: {"type": f"t{i}"}),
    ],
    ids=["searches", "types", "groups", "pages", "page spellings", "news", "kinds"],
)
def test_a_flood_of_distinct_queries_does_not_evict_the_home_page(
    client, small_caches, django_assert_num_queries, url, flood
):
    client.get(HOME)
    client.get(FEBRUARY)

    for i in range(300):
        assert client.get(url, flood(i)).status_code == 200

    _served_from_the_shared_cache(client, HOME, django_assert_num_queries)
    _served_from_the_shared_cache(client, FEBRUARY, django_assert_num_queries)


def test_searches_are_stored_apart_and_still_served_from_the_cache(
    client, small_caches, django_assert_num_queries
):
    client.get("/recherche/", {"q": "plénière"})

    with django_assert_num_queries(1):
        response = client.get("/recherche/", {"q": "plénière"})

    assert response.templates == []
    assert len(caches["search"]._cache) == 1
    assert not any("page:" in key for key in caches["default"]._cache)


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (FEBRUARY, {"type": "inconnu"}),
        (FEBRUARY, {"type": ["reunion-pleniere", "reunion-pleniere"]}),
        (UPCOMING, {"page": "999"}),
        (UPCOMING, {"page": "1"}),
        (UPCOMING, {"page": "deux"}),
        ("/recherche/", {"q": "x" * 201}),
    ],
)
def test_a_spelling_the_site_never_links_to_is_answered_not_stored(
    client, small_caches, url, query
):
    assert client.get(url, query).status_code == 200

    assert client.get(url, query).templates != []  # rendered again


def test_the_spellings_the_site_links_to_are_stored(
    client, small_caches, django_assert_num_queries
):
    EventTypeFactory(slug="webinaire")
    for day in range(25):
        ArticleFactory(title=f"Nouvelle {day}", publish_at=paris(2023, 1, 2, 9))
    for url, query in [
        (FEBRUARY, {"type": "webinaire"}),
        ("/actualites/", {"page": "2"}),
        ("/recherche/", {"q": "plénière"}),
    ]:
        client.get(url, query)
        with django_assert_num_queries(1):
            assert client.get(url, query).templates == [], url


def test_an_empty_filter_is_the_page_without_it(
    client, small_caches, django_assert_num_queries
):
    client.get(FEBRUARY)

    with django_assert_num_queries(1):
        response = client.get(FEBRUARY, {"type": "", "groupe": ""})

    assert response.templates == []


def test_every_cache_has_a_bound():
    for alias, cache in django_settings.CACHES.items():
        if "redis" not in cache["BACKEND"]:
            assert cache["OPTIONS"]["MAX_ENTRIES"] <= 5000, alias
    assert django_settings.CACHES["search"]["TIMEOUT"] <= 600


def test_redis_is_given_a_memory_bound_and_evicts_the_least_recently_used():
    conf = (Path(django_settings.BASE_DIR) / "deploy/redis/rfve.conf").read_text()
    assert "\nmaxmemory " in conf
    assert "\nmaxmemory-policy allkeys-lru" in conf
