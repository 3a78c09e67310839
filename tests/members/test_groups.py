"""The back-office groups created by a migration: Secrétariat (everything),
Trésorerie (members and dues), Bureau (read only)."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from calendar_app.models import Event
from dues.models import DuesCall, Payment
from members.models import Member
from tests.factories import DuesCallFactory, EventFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client, django_user_model):
    def login_as(group_name: str):
        user = django_user_model.objects.create_user(
            username=f"user-{group_name}", password="unused", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        return client

    return login_as


class _FormData(HTMLParser):
    """What a browser would submit from the admin's change form, unchanged."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "file"}:
            if attrs.get("type") not in {"checkbox", "radio"}:
                self.data.append((name, attrs.get("value", "")))
            elif "checked" in attrs:
                self.data.append((name, attrs.get("value", "on")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            name, text = self.data.pop()
            # Browsers drop the newline that follows <textarea>.
            self.data.append((name, text + (data if text else data.lstrip("\n"))))


def change_form_data(client, url) -> dict:
    parser = _FormData()
    parser.feed(client.get(url).content.decode())
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_groups_have_the_expected_permissions():
    def codenames(name):
        return set(
            Group.objects.get(name=name).permissions.values_list("codename", flat=True)
        )

    secretariat = codenames("Secrétariat")
    treasury = codenames("Trésorerie")
    bureau = codenames("Bureau")
    assert {"change_event", "delete_member", "add_duescall"} <= secretariat
    assert {"add_payment", "change_duescall", "change_member", "view_event"} <= treasury
    assert not {"change_event", "add_event", "change_person"} & treasury
    assert {"view_event", "view_member", "view_duescall"} <= bureau
    assert all(codename.startswith("view_") for codename in bureau)


def test_bureau_reads_but_cannot_change(login):
    client = login("Bureau")
    member = MemberFactory()
    call = DuesCallFactory(member=member)
    url = reverse("admin:members_member_change", args=[member.pk])
    data = change_form_data(client, url)

    assert client.get(reverse("admin:dues_duescall_changelist")).status_code == 200
    page = client.get(reverse("admin:dues_duescall_change", args=[call.pk]))
    assert page.status_code == 200 and "Enregistrer" not in page.content.decode()
    changelist = client.get(reverse("admin:members_member_changelist"))
    assert reverse("admin:members_member_add") not in changelist.content.decode()
    assert client.get(reverse("admin:members_member_add")).status_code == 403
    assert client.post(url, data).status_code == 403
    assert client.get(reverse("admin:dues_duescall_campaign")).status_code == 403
    treasury = client.get(reverse("admin:dues_duescall_treasury"))
    assert treasury.status_code == 200


def test_bureau_cannot_run_dues_actions(login, issuer):
    client = login("Bureau")
    call = DuesCallFactory()
    client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "issue_invoices", "_selected_action": [call.pk]},
    )
    call.refresh_from_db()
    assert call.number is None


def test_treasury_records_a_payment(login):
    client = login("Trésorerie")
    call = DuesCallFactory()
    url = reverse("admin:dues_duescall_change", args=[call.pk])
    data = change_form_data(client, url)
    data.update(
        {
            "payments-0-paid_on": "03/02/2027",
            "payments-0-amount": "450.00",
            "payments-0-method": Payment.Method.MANDATE,
            "payments-0-reference": "Mandat 2027-118",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, _errors(response)
    payment = Payment.objects.get()
    assert (payment.call, str(payment.amount)) == (call, "450.00")
    assert client.get(reverse("admin:dues_duescall_campaign")).status_code == 200


def test_treasury_only_reads_the_agenda(login):
    client = login("Trésorerie")
    event = EventFactory()
    url = reverse("admin:calendar_app_event_change", args=[event.pk])
    data = change_form_data(client, url)
    data["title"] = "Titre changé"
    assert client.post(url, data).status_code == 403
    event.refresh_from_db()
    assert event.title != "Titre changé"


def test_secretariat_changes_an_event_and_a_member(login):
    client = login("Secrétariat")
    event = EventFactory()
    url = reverse("admin:calendar_app_event_change", args=[event.pk])
    data = change_form_data(client, url)
    data["title"] = "Plénière de printemps"

    response = client.post(url, data)

    assert response.status_code == 302, _errors(response)
    assert Event.objects.get(pk=event.pk).title == "Plénière de printemps"

    member = MemberFactory()
    url = reverse("admin:members_member_change", args=[member.pk])
    data = change_form_data(client, url)
    data["notes"] = "Relancer le maire en mars."
    assert client.post(url, data).status_code == 302
    assert Member.objects.get(pk=member.pk).notes == "Relancer le maire en mars."
    assert DuesCall.objects.count() == 0


def _errors(response):
    formsets = response.context["inline_admin_formsets"]
    return response.context["errors"], [f.formset.errors for f in formsets]


def test_bureau_cannot_publish_or_duplicate_events(login):
    event = EventFactory(status=Event.Status.DRAFT)
    client = login("Bureau")
    response = client.post(
        reverse("admin:calendar_app_event_changelist"),
        {"action": "publish", "_selected_action": [event.pk]},
    )
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    assert response.status_code in (200, 302, 403)
    client.post(
        reverse("admin:calendar_app_event_changelist"),
        {"action": "duplicate", "_selected_action": [event.pk]},
    )
    assert Event.objects.count() == 1
