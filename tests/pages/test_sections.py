"""The site's sections have one home, pages/sections.py: the header's menu,
the site map page and sitemap.xml list what it lists, in its order."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from pages.sections import MENU, SECTIONS, SITEMAP_URL_NAMES
from tests.factories import MemberFactory
from tests.markup import inner, links, outer

pytestmark = pytest.mark.django_db


def _flat(sections):
    for section in sections:
        yield section
        yield from _flat(section.children)


def _menu_links(html):
    return links(inner(html, "nav", **{"aria-label": "Navigation principale"}))


def test_header_menu_is_the_list_of_menu_sections(client):
    html = client.get(reverse("home")).content.decode()
    # No menu page in the database: only the sections.
    assert [(link["href"]) for link in _menu_links(html)] == [
        reverse(section.url_name) for section in MENU
    ]
    nav = inner(html, "nav", **{"aria-label": "Navigation principale"})
    for section in MENU:
        assert f">{section.label}</a>" in nav


def test_main_menu_holds_one_agenda_entry(client):
    """Issue 13 §1: the agenda's other pages are reached from the agenda."""
    html = client.get(reverse("home")).content.decode()
    agenda = [link for link in _menu_links(html) if link["href"].startswith("/agenda/")]
    assert [link["href"] for link in agenda] == ["/agenda/"]


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/agenda/", "/agenda/"),
        ("/agenda/2023/02/", "/agenda/"),
        ("/agenda/a-venir/", "/agenda/"),
        ("/agenda/abonnement/", "/agenda/"),
        ("/adherer/", "/adherer/"),
    ],
)
def test_menu_marks_the_current_section(client, url, current):
    html = client.get(url).content.decode()
    marked = [link["href"] for link in _menu_links(html) if "aria-current" in link]
    assert marked == [current]


def test_menu_marks_the_cities_on_a_city_page(client):
    city = MemberFactory()
    html = client.get(city.get_absolute_url()).content.decode()
    marked = [link["href"] for link in _menu_links(html) if "aria-current" in link]
    assert marked == [reverse("members:cities")]


def test_site_map_page_lists_the_sections(client):
    html = client.get(reverse("pages:site-map")).content.decode()
    content = inner(html, "div", class_="site-map")
    content = content.replace(outer(content, "nav", class_="breadcrumb"), "")
    # No page, group nor category in the database: only the sections.
    assert [link["href"] for link in links(content)] == [
        reverse(section.url_name)
        for section in _flat(s for s in SECTIONS if s.on_site_map)
        if section.url_name
    ]


def test_sitemap_lists_the_sections(client):
    xml = ET.fromstring(client.get("/sitemap.xml").content)
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    # Nothing else in the database: only the sections, then the newsletter's
    # archive and subscription page (no letter sent yet, never a signed link).
    newsletter = ("mailings:letters", "mailings:subscribe")
    assert [loc.text for loc in xml.findall("s:url/s:loc", namespace)] == [
        f"http://testserver{reverse(name)}" for name in SITEMAP_URL_NAMES + newsletter
    ]
