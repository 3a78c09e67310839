"""The audit trail (issue 22, §4): who created, changed or deleted what and
when, with the values before and after; append-only for everyone; read by
the Secrétariat and the Trésorerie; kept as long as the privacy page says."""

import datetime as dt

import pytest
from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AUDIT_RETENTION, AppendOnly, AuditEntry
from audit.updates import UnloggedUpdate, logged_update
from members.models import Member, Person
from registrations.models import Registration
from tests.factories import (
    MemberFactory,
    PersonFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
)

pytestmark = pytest.mark.django_db


def _staff(username, group=None, **flags):
    user = get_user_model().objects.create_user(username, is_staff=True, **flags)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def _entries(obj):
    return AuditEntry.objects.get_for_object(obj).order_by("timestamp", "pk")


def test_a_change_records_who_and_the_values_before_and_after():
    member = MemberFactory(website="https://ancien.example")
    secretary = _staff("secretaire", "Secrétariat")
    with set_actor(secretary):  # what AuditlogMiddleware does for a request
        member.website = "https://nouveau.example"
        member.save()
    entry = _entries(member).last()
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor == secretary
    assert entry.changes["website"] == [
        "https://ancien.example",
        "https://nouveau.example",
    ]


def test_the_middleware_records_the_person_signed_in(client):
    """A real admin request: the person deleting a person is its actor."""
    person = PersonFactory()
    secretary = _staff("secretaire", "Secrétariat")
    client.force_login(secretary)
    response = client.post(
        reverse("admin:members_person_delete", args=[person.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    entry = AuditEntry.objects.get(
        action=AuditEntry.Action.DELETE, object_pk=str(person.pk)
    )
    assert entry.actor == secretary
    assert entry.changes["last_name"][0] == person.last_name


def test_groups_and_accounts_are_audited(client):
    group = Group.objects.get(name="Bureau")
    admin = _staff("admin", is_superuser=True)
    with set_actor(admin):
        group.permissions.add(Permission.objects.get(codename="view_person"))
        user = _staff("nouveau")
        user.groups.add(group)
    assert _entries(group).filter(changes__has_key="permissions").exists()
    assert _entries(user).filter(action=AuditEntry.Action.CREATE).get().actor == admin
    assert _entries(user).filter(changes__has_key="groups").exists()
    assert "password" not in _entries(user).first().changes


def test_the_cancel_action_on_registrations_leaves_a_trace(client):
    registration = RegistrationFactory()
    secretary = _staff("secretaire", "Secrétariat")
    client.force_login(secretary)
    client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "cancel", "_selected_action": [registration.pk]},
    )
    entry = _entries(registration).filter(changes__has_key="status").last()
    assert entry.actor == secretary
    assert entry.changes["status"][1] == Registration.Status.CANCELLED


def test_health_data_and_secrets_stay_out_of_the_trail():
    registration = RegistrationFactory(accessibility_needs="Fauteuil roulant")
    changes = _entries(registration).get(action=AuditEntry.Action.CREATE).changes
    assert "accessibility_needs" not in changes
    assert "link_key" not in changes and "sender_key" not in changes


@pytest.mark.parametrize(
    "attempt",
    [
        lambda entry: entry.save(),
        lambda entry: entry.delete(),
        lambda entry: AuditEntry.objects.filter(pk=entry.pk).update(changes={}),
        lambda entry: AuditEntry.objects.filter(pk=entry.pk).delete(),
    ],
    ids=["save", "delete", "queryset-update", "queryset-delete"],
)
def test_the_trail_is_append_only(attempt):
    entry = _entries(MemberFactory()).get()
    with pytest.raises(AppendOnly):
        attempt(entry)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_not_even_a_superuser_changes_or_deletes_an_entry_in_the_admin(client):
    entry = _entries(MemberFactory()).get()
    client.force_login(_staff("admin", is_superuser=True))
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])
    assert client.get(change).status_code == 200  # read
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.post(change, {"changes": "{}"}).status_code == 403
    changelist = client.get(reverse("admin:audit_auditentry_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    ("group", "status"), [("Secrétariat", 200), ("Trésorerie", 200), ("Bureau", 403)]
)
def test_who_reads_the_trail(client, group, status):
    client.force_login(_staff("personne", group))
    response = client.get(reverse("admin:audit_auditentry_changelist"))
    assert response.status_code == status


def test_queryset_update_is_refused_on_audited_models():
    MemberFactory()
    with pytest.raises(UnloggedUpdate):
        Member.objects.update(website="https://x.example")
    with pytest.raises(UnloggedUpdate):
        Member.objects.filter(pk__gt=0).update(website="https://x.example")
    with pytest.raises(UnloggedUpdate):
        Registration.objects.all().update(first_name="X")


def test_a_logged_update_writes_an_entry_per_row():
    people = [RegistrationFactory(first_name="Léa"), RegistrationFactory()]
    assert logged_update(Registration.objects.all(), first_name="Zoé") == 2
    for registration in people:
        entry = _entries(registration).last()
        assert entry.changes["first_name"][1] == "Zoé"


def test_the_purge_erases_without_copying_into_the_trail(monkeypatch):
    registration = RegistrationFactory(first_name="Léa")
    assert logged_update(
        Registration.objects.filter(pk=registration.pk), erase=True, first_name=""
    )
    assert _entries(registration).last().changes["first_name"] == ["(effacé)", ""]


def test_entries_are_kept_as_long_as_the_privacy_page_says(client):
    template = _entries(MemberFactory()).get()
    now = timezone.now()

    def entry(age):
        return AuditEntry.objects.create(
            content_type=template.content_type,
            object_pk=template.object_pk,
            object_repr=template.object_repr,
            action=template.action,
            changes=template.changes,
            timestamp=now - age,
        )

    expired = entry(AUDIT_RETENTION + dt.timedelta(hours=1))
    kept = entry(AUDIT_RETENTION - dt.timedelta(hours=1))
    call_command("purge_personal_data", verbosity=0)
    assert not AuditEntry.objects.filter(pk=expired.pk).exists()
    assert AuditEntry.objects.filter(pk__in=[kept.pk, template.pk]).count() == 2
    page = client.get("/donnees-personnelles/").content.decode()
    assert "Journal des modifications" in page
    assert "effacée un\N{NO-BREAK SPACE}an après" in page or (
        "effacée un an après" in page
    )


def test_a_visitors_registration_is_audited_without_an_author(client):
    """A visitor's reading requests skip the audit context
    (audit/middleware.py); what their POST creates is still recorded."""
    settings = RegistrationSettingsFactory(capacity=5)
    url = reverse("registrations:register", args=[settings.event.slug])
    assert client.get(url).status_code == 200
    form = {
        "first_name": "Léa",
        "last_name": "Durand",
        "email": "lea.durand@mairie.example",
        "function": "Adjointe à l’éducation",
        "authority_name": "",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    entry = _entries(Registration.objects.get()).get(action=AuditEntry.Action.CREATE)
    assert entry.actor is None
