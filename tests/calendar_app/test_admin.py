"""The back office of the secretariat: the event admin and its actions."""

import datetime as dt

import pytest
from django.urls import reverse, reverse_lazy

from calendar_app.models import Event
from tests.calendar_app.pages import html, titles_by_day
from tests.factories import EventFactory, EventTypeFactory, paris

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse_lazy("admin:calendar_app_event_changelist")
ADD_URL = reverse_lazy("admin:calendar_app_event_add")
FEBRUARY_URL = reverse_lazy("calendar:month", args=[2023, 2])


def run_action(client, action: str, *events: Event):
    return client.post(
        CHANGELIST_URL,
        {"action": action, "_selected_action": [event.pk for event in events]},
        follow=True,
    )


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "plénière"},
        {"status__exact": "brouillon"},
        {"starts_at__year": "2023", "starts_at__month": "2"},
    ],
)
def test_changelist_loads(admin_client, query):
    EventFactory(title="Réunion plénière")
    EventFactory(title="Brouillon", status=Event.Status.DRAFT)

    response = admin_client.get(CHANGELIST_URL, query)

    assert response.status_code == 200
    assert "<title>Événements | " in html(response)


def test_changelist_is_for_staff_only(client):
    response = client.get(CHANGELIST_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_change_form_loads(admin_client):
    event = EventFactory(title="Réunion plénière")

    response = admin_client.get(
        reverse("admin:calendar_app_event_change", args=[event.pk])
    )

    assert response.status_code == 200
    assert 'value="Réunion plénière"' in html(response)


def test_publish_action_puts_a_draft_on_the_agenda(admin_client, client):
    draft = EventFactory(title="Plénière à confirmer", status=Event.Status.DRAFT)
    assert titles_by_day(client.get(FEBRUARY_URL))[dt.date(2023, 2, 14)] == []

    response = run_action(admin_client, "publish", draft)

    assert "1 événement(s) publié(s)." in html(response)
    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED
    assert draft.sequence == 1
    month = client.get(FEBRUARY_URL)
    assert titles_by_day(month)[dt.date(2023, 2, 14)] == ["Plénière à confirmer"]


def test_unpublish_action_removes_events_from_the_agenda(admin_client, client):
    first = EventFactory(title="Plénière")
    second = EventFactory(title="Bureau", starts_at=paris(2023, 2, 20, 18))
    kept = EventFactory(title="Groupe de travail", starts_at=paris(2023, 2, 21, 9))

    response = run_action(admin_client, "unpublish", first, second)

    assert "2 événement(s) repassé(s) en brouillon." in html(response)
    page = html(client.get(FEBRUARY_URL))
    assert "Plénière" not in page
    assert "Bureau" not in page
    assert "Groupe de travail" in page
    first.refresh_from_db()
    kept.refresh_from_db()
    assert first.status == Event.Status.DRAFT
    assert first.sequence == 1
    assert kept.status == Event.Status.PUBLISHED
    assert kept.sequence == 0


def test_duplicate_action_creates_a_draft_copy(admin_client):
    original = EventFactory(
        title="Groupe de travail petite enfance",
        slug="groupe-de-travail-petite-enfance",
        starts_at=paris(2023, 2, 14, 14, 30),
        ends_at=paris(2023, 2, 14, 16),
        place="Villeurbanne",
        is_demo=True,
    )

    response = run_action(admin_client, "duplicate", original)

    assert "1 copie(s) créée(s) en brouillon" in html(response)
    copy = Event.objects.exclude(pk=original.pk).get()
    assert copy.slug == "groupe-de-travail-petite-enfance-copie"
    assert copy.title == original.title
    assert copy.starts_at == paris(2023, 2, 14, 14, 30)
    assert copy.ends_at == paris(2023, 2, 14, 16)
    assert copy.place == "Villeurbanne"
    assert copy.event_type == original.event_type
    assert copy.status == Event.Status.DRAFT
    assert copy.sequence == 0
    assert not copy.is_demo
    assert copy.uid != original.uid


def test_duplicating_twice_gives_distinct_slugs(admin_client):
    original = EventFactory(slug="bureau")

    run_action(admin_client, "duplicate", original)
    run_action(admin_client, "duplicate", original)

    assert sorted(Event.objects.values_list("slug", flat=True)) == [
        "bureau",
        "bureau-copie",
        "bureau-copie-2",
    ]


def test_duplicate_is_not_public(admin_client, client):
    original = EventFactory(title="Plénière")

    run_action(admin_client, "duplicate", original)

    assert titles_by_day(client.get(FEBRUARY_URL))[dt.date(2023, 2, 14)] == ["Plénière"]
    copy = Event.objects.get(slug=f"{original.slug}-copie")
    assert client.get(copy.get_absolute_url()).status_code == 404


def form_data(event_type, **values) -> dict:
    """The add form as the secretariat fills it (French date formats)."""
    return {
        "title": "Rencontres nationales",
        "slug": "rencontres-nationales-2023",
        "event_type": event_type.pk,
        "summary": "",
        "description": "",
        "image_alt": "",
        "starts_at_0": "27/02/2023",
        "starts_at_1": "15:00",
        "ends_at_0": "",
        "ends_at_1": "",
        "place": "Villeurbanne",
        "address": "",
        "status": Event.Status.PUBLISHED,
        "visibility": Event.Visibility.PUBLIC,
        "_save": "Enregistrer",
    } | values


def test_add_all_day_event_through_the_admin(admin_client, client):
    data = form_data(
        EventTypeFactory(), all_day="on", ends_at_0="01/03/2023", ends_at_1="09:00"
    )

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get()
    assert event.starts_at == paris(2023, 2, 27)
    assert event.ends_at == paris(2023, 3, 1)
    assert event.when == "du lundi 27 février au mercredi 1er mars 2023"
    by_day = titles_by_day(client.get(FEBRUARY_URL))
    assert by_day[dt.date(2023, 2, 28)] == ["Rencontres nationales"]


def test_add_event_without_end_through_the_admin(admin_client):
    response = admin_client.post(ADD_URL, form_data(EventTypeFactory()))

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get()
    assert event.starts_at == event.ends_at == paris(2023, 2, 27, 15)


def test_admin_refuses_an_end_before_the_start(admin_client):
    data = form_data(EventTypeFactory(), ends_at_0="26/02/2023", ends_at_1="15:00")

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "La fin doit suivre le début." in html(response)
    assert not Event.objects.exists()


def test_a_copy_re_dated_takes_its_slug_from_the_new_date(admin_client):
    event_type = EventTypeFactory()
    original = EventFactory(
        title="Réunion plénière",
        slug="reunion-pleniere-2027-02-04",
        event_type=event_type,
        starts_at=paris(2027, 2, 4, 14),
        ends_at=paris(2027, 2, 4, 16),
    )
    run_action(admin_client, "duplicate", original)
    copy = Event.objects.get(slug="reunion-pleniere-2027-02-04-copie")
    change_url = reverse("admin:calendar_app_event_change", args=[copy.pk])
    data = form_data(
        event_type,
        title="Réunion plénière",
        slug=copy.slug,
        starts_at_0="06/05/2027",
        starts_at_1="14:00",
        ends_at_0="06/05/2027",
        ends_at_1="16:00",
        status=Event.Status.DRAFT,
    )

    response = admin_client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    copy.refresh_from_db()
    assert copy.slug == "reunion-pleniere-2027-05-06"
    # The original keeps its address; a slug typed by hand is kept.
    original.refresh_from_db()
    assert original.slug == "reunion-pleniere-2027-02-04"
    data.update(
        slug="pleniere-de-mai", starts_at_0="07/05/2027", ends_at_0="07/05/2027"
    )
    admin_client.post(change_url, data)
    copy.refresh_from_db()
    assert copy.slug == "pleniere-de-mai"
