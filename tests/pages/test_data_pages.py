"""Pages built from data: home, governance, working groups, Rencontres."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from calendar_app.models import Event
from members.models import Mandate, Member, Person, WorkingGroup
from tests.factories import (
    EventFactory,
    EventTypeFactory,
    MandateFactory,
    MemberFactory,
    PageFactory,
    PersonFactory,
    WorkingGroupFactory,
)
from tests.markup import outer

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def _main(response) -> str:
    html = response.content.decode()
    return outer(html, "main")


def _soon(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


# --- Home -------------------------------------------------------------------


def test_home_figures_are_counts_from_the_database(client, demo, today):
    response = client.get("/")
    figures = response.context["figures"]
    year = today.year
    assert figures["members"] == Member.objects.active().count()
    assert figures["events_this_year"] == (
        Event.objects.public()
        .exclude(status=Event.Status.CANCELLED)
        .in_year(year)
        .count()
    )
    assert figures["groups"] == WorkingGroup.objects.active().count()
    main = _main(response)
    assert f"<strong>{figures['members']}</strong> villes adhérentes" in main


def test_home_figures_follow_the_data(client, db):
    MemberFactory.create_batch(2)
    MemberFactory(status=Member.Status.LEFT)
    assert client.get("/").context["figures"]["members"] == 2


def test_home_lists_the_next_five_public_events(client, db):
    events = [EventFactory(starts_at=_soon(day)) for day in range(1, 8)]
    EventFactory(title="Brouillon caché", starts_at=_soon(0), status="brouillon")
    EventFactory(title="Déjà passé", starts_at=_soon(-3))
    next_events = client.get("/").context["next_events"]
    assert next_events == events[:5]


def test_home_shows_this_month_with_the_shared_grid(client, db):
    EventFactory(title="Plénière du mois", starts_at=_soon(0))
    response = client.get("/")
    html = response.content.decode()
    assert '<table class="month">' in html
    assert "calendar_app/includes/month_table.html" in [
        template.name for template in response.templates
    ]
    assert "Plénière du mois" in html


def test_home_announces_the_next_rencontres_nationales(client, db):
    rencontres = EventTypeFactory(slug="rencontres-2", is_rencontres=True)
    assert "Prochaines Rencontres nationales" not in client.get("/").content.decode()
    EventFactory(title="Rencontres 2099", event_type=rencontres, starts_at=_soon(60))
    main = _main(client.get("/"))
    assert "Prochaines Rencontres nationales" in main
    assert "Rencontres 2099" in main


def test_home_presentation_comes_from_the_settings(client, demo):
    main = _main(client.get("/"))
    assert f"rassemble {Member.objects.active().count()} villes" in main


# --- Governance -------------------------------------------------------------


def test_governance_lists_current_mandates_by_body(client, db):
    president = PersonFactory(
        first_name="Claire", last_name="Morel", civility=Person.Civility.MADAME
    )
    MandateFactory(person=president, role=Mandate.Role.PRESIDENT)
    MandateFactory(
        person=PersonFactory(first_name="Marc", last_name="Perrin"),
        body=Mandate.Body.BOARD,
    )
    main = _main(client.get("/le-reseau/gouvernance/"))
    bureau, board = main.split('id="conseil"')
    assert "Claire Morel" in bureau and "Présidente" in bureau
    assert "Marc Perrin" in board and "Marc Perrin" not in bureau
    assert president.member.name in bureau


def test_a_named_person_gets_their_own_title(client, db):
    """ "Présidente" for Claire, "Trésorier" for Marc, never "Présidente /
    Président" beside a name; the function while the civility is unknown."""
    claire = PersonFactory(
        first_name="Claire", last_name="Morel", civility=Person.Civility.MADAME
    )
    marc = PersonFactory(
        first_name="Marc", last_name="Perrin", civility=Person.Civility.MONSIEUR
    )
    MandateFactory(person=claire, role=Mandate.Role.PRESIDENT)
    treasurer = MandateFactory(person=marc, role=Mandate.Role.TREASURER)
    MandateFactory(person=PersonFactory(), role=Mandate.Role.VICE_PRESIDENT)
    main = _main(client.get("/le-reseau/gouvernance/"))
    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>\s*<th[^>]*>([^<]*)</th>", main)
    assert ("Présidente", "Claire Morel") in rows
    assert ("Trésorier", "Marc Perrin") in rows
    assert "Vice-présidence" in main
    assert "/ Président" not in main and " / " not in "".join(r[0] for r in rows)
    assert str(treasurer) == "Marc Perrin – trésorier (Bureau)"


def test_governance_follows_mandates(client, db, today):
    person = PersonFactory(first_name="Ancienne", last_name="Trésorière")
    mandate = MandateFactory(person=person, role=Mandate.Role.TREASURER)
    assert "Ancienne Trésorière" in _main(client.get("/le-reseau/gouvernance/"))
    mandate.end = today - dt.timedelta(days=1)
    mandate.save()
    MandateFactory(
        person=PersonFactory(first_name="Future", last_name="Élue"),
        start=today + dt.timedelta(days=10),
    )
    successor = PersonFactory(first_name="Nouveau", last_name="Trésorier")
    MandateFactory(person=successor, role=Mandate.Role.TREASURER)
    main = _main(client.get("/le-reseau/gouvernance/"))
    assert "Ancienne Trésorière" not in main
    assert "Future Élue" not in main
    assert "Nouveau Trésorier" in main


def test_governance_never_shows_contact_details(client, db):
    person = PersonFactory(email="prive@ville.example", phone="06 12 34 56 78")
    MandateFactory(person=person)
    html = client.get("/le-reseau/gouvernance/").content.decode()
    assert "prive@ville.example" not in html
    assert "06 12 34 56 78" not in html


def test_president_is_listed_first(client, db):
    MandateFactory(person=PersonFactory(last_name="Aaron"), role=Mandate.Role.MEMBER)
    MandateFactory(person=PersonFactory(last_name="Zola"), role=Mandate.Role.PRESIDENT)
    bureau = client.get("/le-reseau/gouvernance/").context["bureau"]
    assert [m.person.last_name for m in bureau] == ["Zola", "Aaron"]


def test_intro_text_comes_from_the_page_at_the_same_address(client, db):
    network = PageFactory(title="Le réseau", slug="le-reseau")
    PageFactory(slug="gouvernance", parent=network, body="Élus par l’AG.")
    html = client.get("/le-reseau/gouvernance/").content.decode()
    assert "Élus par l’AG." in html
    assert '<a href="/le-reseau/">Le réseau</a>' in html


# --- Working groups ---------------------------------------------------------


def test_working_group_page_lists_its_meetings_and_feed(client, db):
    group = WorkingGroupFactory(name="Petite enfance", slug="petite-enfance")
    EventFactory(title="Réunion à venir", working_group=group, starts_at=_soon(5))
    EventFactory(title="Réunion passée", working_group=group, starts_at=_soon(-30))
    EventFactory(title="Autre groupe", starts_at=_soon(5))
    EventFactory(
        title="Réunion interne",
        working_group=group,
        starts_at=_soon(6),
        visibility=Event.Visibility.INTERNAL,
    )
    main = _main(client.get("/le-reseau/groupes-de-travail/petite-enfance/"))
    upcoming, past = main.split('id="passees"')
    assert "Réunion à venir" in upcoming
    assert "Réunion passée" in past
    assert "Autre groupe" not in main and "Réunion interne" not in main
    assert 'href="/agenda/agenda.ics?groupe=petite-enfance"' in main


def test_working_group_lead_is_shown_without_contact(client, db):
    lead = PersonFactory(first_name="Elisabeth", last_name="Laithier")
    WorkingGroupFactory(slug="pe", lead=lead, description="**Petite** enfance")
    main = _main(client.get("/le-reseau/groupes-de-travail/pe/"))
    assert "Elisabeth Laithier" in main
    assert "<strong>Petite</strong> enfance" in main
    assert lead.email not in main


def test_working_groups_list_shows_active_groups(client, db):
    WorkingGroupFactory(name="Actif")
    WorkingGroupFactory(name="Ancien", is_active=False)
    main = _main(client.get("/le-reseau/groupes-de-travail/"))
    assert "Actif" in main and "Ancien" not in main


def test_unknown_working_group_is_not_found(client, db):
    assert client.get("/le-reseau/groupes-de-travail/inconnu/").status_code == 404


# --- Rencontres nationales --------------------------------------------------


def test_rencontres_show_the_next_edition_and_the_archive(client, db):
    rencontres = EventTypeFactory(slug="rencontres-2", is_rencontres=True)
    EventFactory(title="Édition future", event_type=rencontres, starts_at=_soon(90))
    EventFactory(title="Édition 2019", event_type=rencontres, starts_at=_soon(-2000))
    EventFactory(title="Plénière", starts_at=_soon(10))
    main = _main(client.get("/le-reseau/rencontres-nationales/"))
    upcoming, past = main.split('id="archives"')
    assert "Édition future" in upcoming
    assert "Édition 2019" in past
    assert "Plénière" not in main
