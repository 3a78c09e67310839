"""The header and footer are cached under the version of their data
(rfve_site/data_version.py): every kind of change shows on the next page,
with no signal that only the process making the change would receive."""

import json

import pytest
from django.core.management import call_command
from django.db.models.signals import post_delete, post_save

from association.models import SiteSettings
from audit.updates import logged_update
from pages.models import Page
from tests.factories import PageFactory
from tests.markup import inner, outer

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return PageFactory(title="Le réseau", slug="le-reseau", in_menu=True)


@pytest.fixture
def association():
    return SiteSettings.objects.create(name="Réseau des villes")


def _nav(client) -> str:
    html = client.get("/villes/").content.decode()
    return inner(html, "nav", **{"aria-label": "Navigation principale"})


def _footer(client) -> str:
    html = client.get("/villes/").content.decode()
    return outer(html, "footer", class_="site-footer")


@pytest.fixture
def no_signals(monkeypatch):
    """What another process sees: none of this process's save or delete
    signals (a cache dropped by a receiver would stay stale there)."""
    for signal in (post_save, post_delete):
        monkeypatch.setattr(signal, "receivers", [])
        signal.sender_receivers_cache.clear()


def test_a_warm_cache_costs_one_query(client, network, django_assert_num_queries):
    # A page outside the page cache (rfve_site/page_cache.py), which shows the
    # header and footer only: the legal notice reads the same settings.
    client.get("/mentions-legales/")
    with django_assert_num_queries(1):  # the header and footer's version
        client.get("/mentions-legales/")


def test_a_saved_page_shows_in_the_menu(client, network, no_signals):
    assert ">Le réseau</a>" in _nav(client)
    network.title = "Qui sommes-nous"
    network.save()
    assert ">Qui sommes-nous</a>" in _nav(client)


def test_a_deleted_page_leaves_the_menu(client, network, no_signals):
    kept = PageFactory(title="Rencontres", slug="rencontres", in_menu=True)
    assert "Le réseau" in _nav(client)
    network.delete()
    nav = _nav(client)
    assert "Le réseau" not in nav
    assert kept.title in nav


def test_a_queryset_update_shows_in_the_menu(client, network, no_signals):
    assert "Le réseau" in _nav(client)
    Page.objects.filter(pk=network.pk).update(in_menu=False)
    assert "Le réseau" not in _nav(client)


def test_a_bulk_update_shows_in_the_menu(client, network, no_signals):
    assert ">Le réseau</a>" in _nav(client)
    network.title = "Qui sommes-nous"
    Page.objects.bulk_update([network], ["title"])
    assert ">Qui sommes-nous</a>" in _nav(client)


def test_a_bulk_deletion_in_the_admin_shows_in_the_menu(
    admin_client, client, network, no_signals
):
    assert "Le réseau" in _nav(client)
    response = admin_client.post(
        "/admin/pages/page/",
        {"action": "delete_selected", "_selected_action": [network.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Page.objects.exists()
    assert "Le réseau" not in _nav(client)


def test_settings_saved_in_the_admin_show_in_the_footer(
    admin_client, client, association, no_signals
):
    assert "Réseau des villes" in _footer(client)
    form = admin_client.get("/admin/association/sitesettings/1/change/").context[
        "adminform"
    ]
    data = {
        name: value
        for name, value in form.form.initial.items()
        if value is not None and name != "accessibility_audit_date"
    }
    data["name"] = "Réseau français des villes éducatrices"
    response = admin_client.post("/admin/association/sitesettings/1/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "Réseau français des villes éducatrices" in _footer(client)


def test_settings_updated_without_save_show_in_the_footer(
    client, association, no_signals
):
    assert "Réseau des villes" in _footer(client)
    logged_update(SiteSettings.objects.all(), name="RFVE")
    assert "<strong>RFVE</strong>" in _footer(client)


def test_settings_loaded_from_a_fixture_show_in_the_footer(
    client, association, tmp_path
):
    """loaddata keeps the fixture's updated_at (older than the row's)."""
    fixture = tmp_path / "settings.json"
    call_command("dumpdata", "association.sitesettings", output=fixture, verbosity=0)
    rows = json.loads(fixture.read_text())
    rows[0]["fields"]["name"] = "Villes éducatrices (sauvegarde)"
    fixture.write_text(json.dumps(rows))
    logged_update(SiteSettings.objects.filter(pk=1), name="Nom du jour")
    assert "Nom du jour" in _footer(client)
    call_command("loaddata", fixture, verbosity=0)
    assert "Villes éducatrices (sauvegarde)" in _footer(client)
