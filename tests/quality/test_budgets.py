"""Performance budgets of every public page: SQL queries, weight, caching."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.public_pages import (
    EXTRA_SAMPLES,
    QUERY_BUDGETS,
    UNCACHEABLE,
    iter_routes,
    public_urls,
)

ROUTES = sorted(route.name for route in iter_routes()) + sorted(EXTRA_SAMPLES)
PAGE_WEIGHT_LIMIT = 60 * 1024  # HTML + CSS + JS, before compression


def test_every_route_has_a_query_budget():
    assert set(ROUTES) <= set(QUERY_BUDGETS), "add them to tests/public_pages.py"


@pytest.mark.parametrize("name", ROUTES)
def test_sql_queries_stay_within_budget(
    name, client, demo_scaled, django_assert_max_num_queries
):
    url = public_urls()[name]
    with django_assert_max_num_queries(QUERY_BUDGETS[name]):
        response = client.get(url)
    assert response.status_code in (200, 302)


class _Assets(HTMLParser):
    """Collects the stylesheets and scripts a page loads."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def page_weight(html: bytes) -> int:
    parser = _Assets()
    parser.feed(html.decode())
    weight = len(html)
    for url in parser.urls:
        assert url.startswith(settings.STATIC_URL), f"{url} is not self-hosted"
        path = Path(settings.STATIC_ROOT) / url.removeprefix(settings.STATIC_URL)
        weight += path.stat().st_size
    return weight


@pytest.mark.engine_independent
@pytest.mark.parametrize("name", ROUTES)
def test_pages_weigh_under_60_kb(name, client, demo_scaled):
    response = client.get(public_urls()[name], follow=True)
    if not response["Content-Type"].startswith("text/html"):
        pytest.skip("not an HTML page")
    assert page_weight(response.content) < PAGE_WEIGHT_LIMIT


@pytest.mark.parametrize("name", sorted(set(ROUTES) - UNCACHEABLE))
def test_unchanged_pages_answer_304(name, client, shared_demo):
    url = public_urls()[name]
    first = client.get(url)
    if first.status_code != 200:
        pytest.skip("a redirect")
    validators = {}
    if first.has_header("ETag"):
        validators["HTTP_IF_NONE_MATCH"] = first["ETag"]
    if first.has_header("Last-Modified"):
        validators["HTTP_IF_MODIFIED_SINCE"] = first["Last-Modified"]
    assert validators, f"{url} sends neither ETag nor Last-Modified"
    assert client.get(url, **validators).status_code == 304


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_static_files_are_compressed_and_cached_forever(client, encoding):
    from django.templatetags.static import static

    response = client.get(static("css/site.css"), HTTP_ACCEPT_ENCODING=encoding)
    assert response.status_code == 200
    assert response["Content-Encoding"] == encoding
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]
