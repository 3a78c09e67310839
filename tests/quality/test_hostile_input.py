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


# --- Huge numbers in every URL converter ------------------------------------

HUGE_NUMBERS = ["2147483648", "9223372036854775808", "9" * 40, "0" * 30 + "1"]


def _admin_routes_with_numbers():
    """The back office's routes that take a number or an object's id."""
    from django.contrib import admin
    from django.urls import URLPattern, URLResolver

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if "<id:" in route or "<int:" in route or "<path:object_id>" in route:
                    yield route

    return sorted(set(walk(admin.site.urls[0], "")))


@pytest.mark.parametrize("number", HUGE_NUMBERS)
def test_huge_numbers_in_every_public_converter_are_a_french_404(demo, number):
    client = Client(raise_request_exception=False)
    for route in ROUTES:
        if not route.params:
            continue
        url = _path(route.route, [number] * len(route.params))
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 404:
            assert "Page introuvable" in response.content.decode(), url
    for query in ({"page": number}, {"type": number}, {"groupe": number}):
        for url in ("/agenda/a-venir/", "/actualites/", "/publications/", "/presse/"):
            assert client.get(url, query).status_code == 200, (url, query)


@pytest.mark.parametrize("number", HUGE_NUMBERS[:2])
def test_huge_numbers_in_every_back_office_route(admin_client, number):
    routes = _admin_routes_with_numbers()
    assert len(routes) > 20
    admin_client.raise_request_exception = False
    for route in routes:
        url = "/admin/" + re.sub(r"<[^>]+>", number, route)
        assert admin_client.get(url).status_code < 500, url


# --- Long text in every field a visitor can submit --------------------------

# Shapes that made a step rescan its input from every position.
LONG_TEXTS = {
    "blanks": "a" + " " * 200_000 + ";",
    "one word": "a" * 200_000,
    "brackets": "[" * 200_000,
}


def _visitor_forms(demo) -> list[tuple[str, dict]]:
    """(url, valid answers) of every form a visitor can submit."""
    from tests.public_pages import SAMPLE_KWARGS

    register = "/" + _path(
        "agenda/evenements/<slug>/inscription/",
        [SAMPLE_KWARGS["registrations:register"]()["slug"]],
    ).lstrip("/")
    manage = SAMPLE_KWARGS["registrations:manage"]()
    personal = f"/agenda/evenements/{manage['slug']}/inscription/{manage['token']}/"
    return [
        (
            "/contact/",
            {
                "name": "Camille Martin",
                "email": "camille@mairie.example",
                "organisation": "",
                "subject": "Une question",
                "message": "Bonjour.",
                "website": "",
            },
        ),
        (
            register,
            {
                "first_name": "Léa",
                "last_name": "Durand",
                "email": "lea.durand@mairie.example",
                "function": "Adjointe",
                "authority_name": "Lyon",
                "organisation": "",
                "accessibility_needs": "",
                "dietary_needs": "",
                "siret": "",
                "service_code": "",
                "commitment_number": "",
                "website": "",
            },
        ),
        (
            personal,
            {
                "action": "modifier",
                "function": "Adjointe",
                "accessibility_needs": "",
                "dietary_needs": "",
            },
        ),
    ]


@pytest.mark.parametrize("shape", LONG_TEXTS, ids=LONG_TEXTS.keys())
def test_long_text_in_every_field_a_visitor_can_submit(demo, shape):
    from tests.deadline import within

    text = LONG_TEXTS[shape]
    client = Client(raise_request_exception=False)
    for url, answers in _visitor_forms(demo):
        for field in answers:
            with within(5.0, f"{url} {field}"):
                response = client.post(url, {**answers, field: text})
            assert response.status_code < 500, (url, field)
    with within(5.0, "search"):
        assert client.get("/recherche/", {"q": text}).status_code == 200
