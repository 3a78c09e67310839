"""Hostile URLs and query strings never get a 500."""

import re
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.public_pages import iter_routes

ROUTES = list(iter_routes())
NASTY = [
    "0",
    "-1",
    "13",
    "99999999999999999999999999",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "%00",
    "\x00",
    "..",
    "../../etc/passwd",
    "%2e%2e%2f",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "${jndi:ldap://x}",
    "é",
    "\u202e\u0000",
    "x" * 5000,
    "%ff%fe",
    "🙂",
]
segments = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=200),
)
PARAMS = ["type", "groupe", "page", "q", "next", "year", "month", "format"]
query_strings = st.lists(
    st.tuples(st.one_of(st.sampled_from(PARAMS), st.text(max_size=20)), segments),
    max_size=6,
)
REQUESTS = {"count": 0}


def _path(route: str, values: list[str]) -> str:
    parts = iter(values)
    return "/" + re.sub(r"<[^>]+>", lambda _match: quote(next(parts), safe=""), route)


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_500_on_hostile_urls(route, shared_demo, data):
    client = Client(raise_request_exception=False)
    values = [data.draw(segments) for _ in route.params]
    query = urlencode(data.draw(query_strings), doseq=True)
    url = _path(route.route, values) + ("?" + query if query else "")
    response = client.get(url)
    REQUESTS["count"] += 1
    assert response.status_code < 500, url


CONTACT_FIELDS = ["name", "email", "organisation", "subject", "message", "website"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    form=st.dictionaries(
        st.one_of(st.sampled_from(CONTACT_FIELDS), st.text(max_size=20)),
        st.one_of(st.sampled_from(NASTY), st.text(max_size=300), st.emails()),
        max_size=8,
    ),
    address=st.ip_addresses().map(str),
)
def test_no_500_on_hostile_contact_forms(db, form, address):
    client = Client(raise_request_exception=False)
    response = client.post("/contact/", form, REMOTE_ADDR=address)
    assert response.status_code in (200, 302, 429), form
