"""The secretariat's desk: the admin's dashboard by group, whose figures count
what the lists behind them show, French titles on every model, and
django-axes' tables for superusers only."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calendar_app.models import Event
from dues import invoices, reminders, treasury
from dues.models import DuesCall
from members.models import Member
from news.models import Article
from pages.admin_site import NOUNS
from pages.models import ContactMessage
from tests.factories import (
    ArticleFactory,
    DuesCallFactory,
    EventFactory,
    MemberFactory,
    PaymentFactory,
    paris,
)
from tests.markup import inner
from tests.shared_data import load_demo

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 6, 15)  # a Tuesday: this week began on Monday 14
INDEX = reverse("admin:index")


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


@pytest.fixture
def login(client, django_user_model):
    def login_as(group_name: str):
        user = django_user_model.objects.create_user(
            username=f"equipe-{group_name}", password="unused", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        return client

    return login_as


def _message(status=ContactMessage.Status.NEW):
    return ContactMessage.objects.create(
        name="Camille",
        email="c@example.org",
        subject="Question",
        message="?",
        status=status,
    )


def secretariat_data(scale: int = 1):
    """What the secretariat's figures count, and what they must not."""
    for _ in range(scale):
        _message()
        _message()
        _message(ContactMessage.Status.READ)
        EventFactory(status=Event.Status.DRAFT, starts_at=paris(2027, 9, 1, 10))
        EventFactory(starts_at=paris(2027, 6, 14, 0, 0))  # Monday, this week
        EventFactory(starts_at=paris(2027, 6, 27, 23, 30))  # Sunday, next week
        EventFactory(starts_at=paris(2027, 6, 28, 9))  # the week after: not counted
        EventFactory(starts_at=paris(2027, 6, 13, 18))  # last Sunday: not counted
        ArticleFactory(status=Article.Status.DRAFT)
        ArticleFactory()
        MemberFactory(siret="")
        MemberFactory(finance_contact_email="")
        MemberFactory()
        MemberFactory(siret="", status="partie")  # left the network: not counted


def _issued(call):
    return invoices.issue_invoice(call, today=dt.date(2027, 3, 1))


def treasury_data(scale: int = 1):
    """This year's calls: paid, partly paid and late, late, due; one of
    another year."""
    for _ in range(scale):
        paid = _issued(DuesCallFactory(amount=Decimal("900.00")))
        PaymentFactory(call=paid, amount=Decimal("900.00"))
        partly = _issued(DuesCallFactory(amount=Decimal("2500.00")))
        PaymentFactory(call=partly, amount=Decimal("1000.00"))
        _issued(DuesCallFactory(amount=Decimal("300.00")))
        DuesCallFactory(amount=Decimal("900.00"), due_on=dt.date(2027, 7, 31))
        DuesCallFactory(
            year=2026, amount=Decimal("900.00"), due_on=dt.date(2026, 3, 31)
        )


def figures(response, section: str) -> dict[str, tuple[str, str]]:
    """{label: (value, url)} of a section of the dashboard."""
    for shown in response.context["sections"]:
        if shown.title == section:
            return {f.label: (f.value, f.url) for f in shown.figures}
    raise AssertionError(f"No section {section}.")


def listed(client, url: str) -> int:
    """The number of rows of the list behind a figure; the admin keeps the
    filters (an unknown one would redirect with ?e=1)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["cl"].result_count


def test_secretariat_figures_count_what_their_lists_show(login):
    secretariat_data()
    # One email failed after its last try, one sent.
    from django.core.mail import EmailMessage

    from outbox.models import OutboxMessage

    for _ in range(2):
        EmailMessage("Objet", "Texte", to=["ville@mairie-exemple.fr"]).send()
    OutboxMessage.objects.filter(pk=OutboxMessage.objects.earliest("pk").pk).update(
        status=OutboxMessage.Status.FAILED
    )
    client = login("Secrétariat")

    response = client.get(INDEX)

    shown = figures(response, "Secrétariat")
    assert {label: value for label, (value, _url) in shown.items()} == {
        "Messages non lus": "2",
        "Événements en brouillon": "1",
        "Actualités en brouillon": "1",
        "Événements cette semaine et la suivante": "2",
        "Villes adhérentes sans SIRET ou contact finances": "2",
        "Courriels en échec ou interrompus": "1",
        # The members' area (espace/secretariat.py).
        "Changements proposés par les villes": "0",
        "Invitations à l’espace adhérents à confirmer": "0",
    }
    for value, url in shown.values():
        assert listed(client, url) == int(value), url
    assert [section.title for section in response.context["sections"]] == [
        "Secrétariat"
    ]


def test_treasury_figures_are_the_treasury_views_and_link_to_their_lists(login, issuer):
    treasury_data()
    client = login("Trésorerie")

    response = client.get(INDEX)

    shown = figures(response, "Trésorerie")
    values = {label: value for label, (value, _url) in shown.items()}
    summary = treasury.year_summary(2027, today=TODAY)
    assert values == {
        "Dû 2027 (avoirs déduits)": "4\u202f600,00\u00a0€",
        "Payé 2027": "1\u202f900,00\u00a0€",
        "Reste à payer 2027": "2\u202f700,00\u00a0€",
        "Appels 2027 en retard": "2",
        "Relances à envoyer aujourd’hui": "2",
    }
    assert (summary.due, summary.paid, summary.outstanding) == (4600, 1900, 2700)
    counts = {
        "Dû 2027 (avoirs déduits)": 4,
        "Reste à payer 2027": 3,
        "Appels 2027 en retard": 2,
        "Relances à envoyer aujourd’hui": 2,
    }
    for label, count in counts.items():
        assert listed(client, shown[label][1]) == count, label
    assert client.get(shown["Payé 2027"][1]).status_code == 200  # treasury view
    # The next reminders, each a link to its call.
    section = response.context["sections"][0]
    late = (
        DuesCall.objects.late(TODAY)
        .filter(number__isnull=False)  # the 2026 call was never issued
        .order_by("due_on", "member__authority__name")
    )
    assert [item.url for item in section.items] == [
        reverse("admin:dues_duescall_change", args=[call.pk]) for call in late
    ]
    page = response.content.decode()
    assert "Prochaines relances" in page and "Relance à 60 jours" in page


def test_reminders_to_send_disappear_once_sent(login, issuer):
    treasury_data()
    client = login("Trésorerie")
    reminders.send_reminders(DuesCall.objects.all(), today=TODAY)

    shown = figures(client.get(INDEX), "Trésorerie")

    assert shown["Relances à envoyer aujourd’hui"][0] == "0"
    assert listed(client, shown["Relances à envoyer aujourd’hui"][1]) == 0


def test_bureau_reads_figures_only(login, issuer):
    treasury_data()
    secretariat_data()
    client = login("Bureau")

    response = client.get(INDEX)

    assert [section.title for section in response.context["sections"]] == ["Bureau"]
    shown = figures(response, "Bureau")
    active = Member.objects.filter(status=Member.Status.ACTIVE).count()
    assert shown["Villes adhérentes"][0] == str(active) == "8"
    for label, (_value, url) in shown.items():
        assert client.get(url).status_code == 200, label
    assert "Messages non lus" not in response.content.decode()


@pytest.mark.parametrize("group", ["Secrétariat", "Trésorerie", "Bureau"])
def test_dashboard_queries_do_not_grow_with_rows(login, issuer, group):
    client = login(group)
    secretariat_data()
    treasury_data()
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    secretariat_data(scale=3)
    treasury_data(scale=3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(INDEX)

    assert response.status_code == 200
    assert len(many) == len(few) <= 30


def test_the_app_list_stays_below_the_dashboard(login):
    client = login("Secrétariat")

    page = client.get(INDEX).content.decode()

    assert page.index("Messages non lus") < page.index("Toutes les rubriques")
    assert reverse("admin:calendar_app_event_changelist") in page


# --- Titles -------------------------------------------------------------------

ADD = re.compile(r"^Ajouter (un|une|des|les) \S")
CHANGE = re.compile(r"^(Modifier|Consulter) (le |la |l’|les )\S")
# Django's own wording, or a missing elision ("de événement").
WRONG = re.compile(
    r"Ajout de|Modification de|Affichage de|Sélectionnez|objet|\b(de|le|la) [aeiouéè]"
)


def h1(response) -> str:
    return unescape(inner(response.content.decode(), "h1")).strip()


def test_every_registered_model_has_its_articles():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered - NOUNS.keys() == set()


def test_every_admin_title_and_add_button_reads_right(admin_client):
    load_demo()
    checked = 0
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        changelist = admin_client.get(reverse(f"{name}_changelist"))
        request = changelist.wsgi_request
        if changelist.status_code == 302:  # a single record: its form at once
            assert changelist["Location"].endswith("/change/"), opts.label
        else:
            assert changelist.status_code == 200, opts.label
            plural = opts.verbose_name_plural
            assert h1(changelist) == plural[:1].upper() + plural[1:]
            page = changelist.content.decode()
            button = re.search(r'class="addlink">\s*([^<]+?)\s*</a>', page)
            if model_admin.has_add_permission(request):
                assert ADD.match(unescape(button[1])), (opts.label, button[1])
                add = admin_client.get(reverse(f"{name}_add"))
                assert ADD.match(h1(add)), (opts.label, h1(add))
                assert not WRONG.search(h1(add)), h1(add)
                assert f"<title>{h1(add)} |" in unescape(add.content.decode())
                checked += 1
        obj = model_admin.get_queryset(request).first()
        if obj is not None:
            change = admin_client.get(reverse(f"{name}_change", args=[obj.pk]))
            assert change.status_code == 200, opts.label
            assert CHANGE.match(h1(change)), (opts.label, h1(change))
            assert not WRONG.search(h1(change)), h1(change)
            checked += 1
    assert checked > 30


def test_examples_of_the_issue(admin_client, login):
    event_add = admin_client.get(reverse("admin:calendar_app_event_add"))
    assert h1(event_add) == "Ajouter un événement"
    member = MemberFactory()
    change = admin_client.get(reverse("admin:members_member_change", args=[member.pk]))
    assert h1(change) == "Modifier la ville adhérente"
    events = admin_client.get(reverse("admin:calendar_app_event_changelist"))
    assert "Ajouter un événement" in events.content.decode()
    # Read-only: the Bureau consults.
    bureau = login("Bureau")
    view = bureau.get(reverse("admin:members_member_change", args=[member.pk]))
    assert h1(view) == "Consulter la ville adhérente"


# --- Security tables ----------------------------------------------------------

AXES_LIST = reverse("admin:axes_accessattempt_changelist")


def test_secretariat_does_not_see_the_login_security_tables(client, django_user_model):
    user = django_user_model.objects.create_user("s", is_staff=True)
    # Even given the permissions by hand, they are not the secretariat's.
    user.groups.add(Group.objects.get(name="Secrétariat"))
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="axes")
    )
    client.force_login(user)

    page = client.get(INDEX).content.decode()

    assert "Tentatives de connexion" not in page and "AXES" not in page
    assert client.get(AXES_LIST).status_code == 403


def test_superusers_see_the_login_security_tables(admin_client):
    page = admin_client.get(INDEX).content.decode()

    assert "Tentatives de connexion" in page
    assert admin_client.get(AXES_LIST).status_code == 200


def test_django_wording_that_read_wrong_is_corrected(admin_client, issuer):
    index = admin_client.get(INDEX).content.decode()
    assert ">Modifier</a>" in index and "Modification" not in index
    call = DuesCallFactory()
    form = admin_client.get(reverse("admin:dues_duescall_change", args=[call.pk]))
    page = unescape(form.content.decode())
    assert "Ajouter une ligne\\u00a0: Paiement" in page
    assert "Ajouter un objet" not in page


# --- Amounts and populations in lists ----------------------------------------


def test_lists_show_amounts_and_populations_in_french(admin_client, issuer):
    member = MemberFactory(authority__population=163_684)
    _issued(DuesCallFactory(member=member, amount=Decimal("3000.00")))
    pages = {
        name: admin_client.get(reverse(f"admin:{name}_changelist")).content.decode()
        for name in [
            "members_member",
            "members_localauthority",
            "dues_duescall",
            "dues_invoice",
        ]
    }
    assert "163\u202f684" in pages["members_member"]
    assert "163\u202f684" in pages["members_localauthority"]
    assert "3\u202f000,00\u00a0€" in pages["dues_duescall"]
    assert "3\u202f000,00\u00a0€" in pages["dues_invoice"]
    assert "3000.00" not in pages["dues_invoice"] + pages["dues_duescall"]
