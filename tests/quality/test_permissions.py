"""Issue 9, §6: least privilege. Each group's reach over every registered admin
model and every custom admin view, staff without a group included (403
everywhere); the reminder log is append-only; previews of drafts and internal
events are for those who edit events.

EXPECTED is the decision, written out (rfve_site/groups.py implements it): a
model registered later fails test_every_model_is_covered until it is listed."""

import datetime as dt
import hashlib

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assembly.models import Minutes, Proxy, Resolution, RollEntry
from audit.models import AuditEntry
from calendar_app.models import Event
from dues import invoices
from dues.documents import storage
from dues.models import DuesCall, IssueRun, Reminder, ReminderRun, ReminderStep
from espace.models import ChangeProposal
from outbox.models import OutboxMessage, SuppressedAddress
from pages.models import ContactMessage, LegacyRedirect, PageRedirect
from registrations.models import Order
from tests.factories import (
    AreaAccessFactory,
    ArticleFactory,
    AssemblyFactory,
    DocumentFactory,
    DuesCallFactory,
    DuesScaleFactory,
    EventFactory,
    EventPhotoFactory,
    EventTypeFactory,
    LocalAuthorityFactory,
    MailingFactory,
    MemberFactory,
    PageFactory,
    PaymentFactory,
    PersonFactory,
    RegistrationFactory,
    SubscriberFactory,
    TopicFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db

NO_GROUP = "(staff sans groupe)"

# Effective access in the admin, per registered model: v view (list, form,
# history), a add, c change, d delete. Models not listed: 403 everywhere.
EXPECTED = {
    "Secrétariat": {
        "calendar_app.event": "vacd",
        "calendar_app.eventphoto": "vacd",
        "calendar_app.eventtype": "vacd",
        "members.localauthority": "v",  # official data: superusers only
        "members.member": "vacd",
        "members.person": "vacd",
        "members.workinggroup": "vacd",
        "dues.duesscale": "vacd",
        "dues.duescall": "vac",  # issued: never deleted (a draft is)
        "dues.invoice": "v",  # issues invoices, never edits them
        "dues.reminderstep": "vacd",
        "dues.reminder": "v",  # append-only log
        "news.article": "vacd",
        "news.category": "vacd",
        "news.document": "vacd",
        "pages.page": "vacd",
        "pages.pageredirect": "vacd",
        "pages.legacyredirect": "vacd",
        "association.sitesettings": "vc",  # one record, never deleted
        "pages.contactmessage": "vcd",  # received, never typed in
        "registrations.registrationsettings": "vacd",
        "registrations.registration": "vacd",
        "registrations.order": "vcd",  # made by the registrations
        "audit.auditentry": "v",  # append-only
        "dues.issuerun": "v",  # made by the calls' action, followed here
        "dues.reminderrun": "v",  # the same, for reminders
        "outbox.outboxmessage": "v",  # as sent; a failed one is sent again
        "outbox.suppressedaddress": "vacd",
        "mailings.topic": "vacd",
        "mailings.subscriber": "vacd",
        "mailings.mailing": "vacd",
        # The general assembly: proxies revoked, never deleted; the roll
        # computed, never typed in; minutes never deleted.
        "assembly.assembly": "vac",
        "assembly.rollentry": "vc",
        "assembly.proxy": "vac",
        "assembly.resolution": "vacd",
        "assembly.minutes": "vac",
        "espace.areaaccess": "vacd",
        "espace.changeproposal": "vc",  # made by the cities, decided here
    },
    "Trésorerie": {
        "calendar_app.event": "v",
        "calendar_app.eventtype": "v",
        "members.localauthority": "v",
        "members.member": "vc",
        "members.workinggroup": "v",
        "dues.duesscale": "vacd",
        "dues.duescall": "vac",  # issued: never deleted (a draft is)
        "dues.invoice": "vc",  # the Chorus Pro follow-up only; never deleted
        "dues.reminderstep": "vacd",
        "dues.reminder": "v",
        "registrations.registrationsettings": "v",
        "registrations.registration": "v",
        "registrations.order": "vc",  # corrects the Chorus Pro data
        "audit.auditentry": "v",
        "dues.issuerun": "v",
        "dues.reminderrun": "v",
    },
    "Bureau": {
        "calendar_app.event": "v",
        "calendar_app.eventphoto": "v",
        "calendar_app.eventtype": "v",
        "members.localauthority": "v",
        "members.member": "v",
        "members.workinggroup": "v",
        "dues.duesscale": "v",
        "dues.duescall": "v",
        "dues.invoice": "v",
        "news.article": "v",
        "news.category": "v",
        "news.document": "v",
        "pages.page": "v",
        "pages.pageredirect": "v",
        "pages.legacyredirect": "v",
        "association.sitesettings": "v",
        "registrations.registrationsettings": "v",  # figures, not the people
    },
    NO_GROUP: {},
}

# Custom admin views (url name → groups allowed).
CUSTOM_VIEWS = {
    "admin:dues_duescall_campaign": {"Secrétariat", "Trésorerie"},
    "admin:dues_duescall_treasury": {"Secrétariat", "Trésorerie", "Bureau"},
    "admin:dues_duescall_treasury_csv": {"Secrétariat", "Trésorerie"},
    "admin:dues_duescall_pdf": {"Secrétariat", "Trésorerie"},
    "admin:dues_duescall_certificate": {"Secrétariat", "Trésorerie"},
    "admin:dues_duescall_treasury_zip": {"Secrétariat", "Trésorerie"},
    "admin:dues_invoice_pdf": {"Secrétariat", "Trésorerie"},
    "admin:dues_invoice_credit": {"Trésorerie"},
    "admin:assembly_minutes_pdf": {"Secrétariat"},
    # An event's documents name people: for those who see registrations.
    "admin:registrations_registrationsettings_documents": {"Secrétariat", "Trésorerie"},
    "admin:registrations_registrationsettings_csv": {"Secrétariat", "Trésorerie"},
    "admin:registrations_registrationsettings_badges": {"Secrétariat", "Trésorerie"},
    "admin:registrations_registrationsettings_sheet": {"Secrétariat", "Trésorerie"},
    "admin:registrations_registrationsettings_attendance": {"Secrétariat"},
    # A mailing's preview lists its recipients: for those who write them.
    "admin:mailings_mailing_preview": {"Secrétariat"},
}

MEMBER_EMAIL = "tresor.prive@ville.example"


@pytest.fixture
def objects(django_user_model, issuer):
    """One saved object of each registered model (the association's settings
    filled: the certificate needs its signatory)."""
    member = MemberFactory(finance_contact_email=MEMBER_EMAIL)
    call = invoices.issue_invoice(
        DuesCallFactory(member=member), today=dt.date(2027, 1, 5)
    )
    PaymentFactory(call=call)
    step = ReminderStep.objects.first()
    page = PageFactory()
    registration = RegistrationFactory()
    assembly = assembly_objects(member)
    return {
        **assembly,
        "audit.auditentry": AuditEntry.objects.get_for_object(member).first(),
        "mfa.authenticator": RecoveryCodes.activate(
            django_user_model.objects.create_user("enrole", password="x")
        ).instance,
        "auth.group": Group.objects.get(name="Bureau"),
        "auth.user": django_user_model.objects.create_user("autre", password="x"),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="x", ip_address="127.0.0.1", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(
            username="x", ip_address="127.0.0.1"
        ),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="x", ip_address="127.0.0.1"
        ),
        "members.localauthority": LocalAuthorityFactory(),
        "members.member": member,
        "members.person": PersonFactory(member=member),
        "members.workinggroup": WorkingGroupFactory(),
        "dues.duesscale": DuesScaleFactory(),
        "dues.duescall": call,
        "dues.invoice": invoices.invoice_of(call),
        "dues.reminderstep": step,
        "dues.reminder": Reminder.objects.create(
            call=call, step=step, recipient=MEMBER_EMAIL
        ),
        "calendar_app.eventtype": EventTypeFactory(),
        "calendar_app.event": EventFactory(),
        "calendar_app.eventphoto": EventPhotoFactory(),
        "news.article": ArticleFactory(),
        "news.category": ArticleFactory().category,
        "news.document": DocumentFactory(),
        "pages.page": page,
        "pages.pageredirect": PageRedirect.objects.create(
            old_path="ancienne-page", page=page
        ),
        "pages.legacyredirect": LegacyRedirect.objects.create(
            old_path="ancienne-page.html", target="/"
        ),
        "association.sitesettings": issuer,
        "pages.contactmessage": ContactMessage.objects.create(
            name="Camille", email="c@example.org", subject="Adhésion", message="…"
        ),
        "registrations.registrationsettings": registration.event.registration_settings,
        "registrations.registration": registration,
        "registrations.order": Order.objects.create(
            event=registration.event, organisation="Partenaire"
        ),
        "dues.issuerun": IssueRun.objects.create(),
        "dues.reminderrun": ReminderRun.objects.create(day=dt.date(2027, 6, 1)),
        "espace.areaaccess": AreaAccessFactory(person__member=member),
        "espace.changeproposal": ChangeProposal.objects.create(
            member=member, field="website", new_value="https://ville.example"
        ),
        "outbox.outboxmessage": _stored_email(),
        "outbox.suppressedaddress": SuppressedAddress.objects.create(
            email="parti@ville.example", reason=SuppressedAddress.Reason.BOUNCED
        ),
        "mailings.topic": TopicFactory(),
        "mailings.subscriber": SubscriberFactory(),
        "mailings.mailing": MailingFactory(),
        # Superusers only: the background worker's bookkeeping.
        "django_tasks_database.dbtaskresult": DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="outbox.tasks.send_message",
            backend_name="default",
            run_after=timezone.now(),
        ),
    }


def assembly_objects(member) -> dict:
    """An assembly with two cities on its roll, a proxy, a resolution and
    issued minutes (their file written as issuing would)."""
    assembly = AssemblyFactory()
    first, second = (
        RollEntry.objects.create(
            assembly=assembly, member=city, city_name=str(city), votes=1
        )
        for city in (member, MemberFactory())
    )
    text = "Procès-verbal."
    minutes = Minutes.objects.create(assembly=assembly, text=text)
    name = storage().save("assemblees/pv.pdf", ContentFile(b"%PDF-1.7 pv"))
    Minutes.objects.filter(pk=minutes.pk).update(
        file=name,
        sha256=hashlib.sha256(b"%PDF-1.7 pv").hexdigest(),
        issued_at=timezone.now(),
    )
    return {
        "assembly.assembly": assembly,
        "assembly.rollentry": first,
        "assembly.proxy": Proxy.objects.create(
            assembly=assembly, principal=first, holder=second
        ),
        "assembly.resolution": Resolution.objects.create(
            assembly=assembly, title="Comptes", text="Approuvés."
        ),
        "assembly.minutes": minutes,
    }


def _stored_email() -> OutboxMessage:
    EmailMessage("Objet", "Corps", to=["c@example.org"]).send()
    return OutboxMessage.objects.latest("pk")


@pytest.fixture
def login(client, django_user_model):
    def login_as(group_name: str):
        user = django_user_model.objects.create_user(
            username="equipe", password="unused", is_staff=True
        )
        if group_name != NO_GROUP:
            user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        return client

    return login_as


def test_every_model_is_covered(objects):
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(objects)
    for table in EXPECTED.values():
        assert set(table) <= registered


def test_every_custom_admin_view_is_covered():
    standard = ("changelist", "add", "change", "delete", "history", "autocomplete")
    custom = {
        f"admin:{url.name}"
        for model_admin in admin.site._registry.values()
        for url in model_admin.get_urls()
        if url.name and not url.name.endswith(standard)
    }
    assert custom == set(CUSTOM_VIEWS)


@pytest.mark.parametrize("group", EXPECTED)
def test_reach_over_every_admin_model(group, login, objects):
    client = login(group)
    wrong = []
    for label, obj in objects.items():
        letters = EXPECTED[group].get(label, "")
        app_label, model_name = label.split(".")
        prefix = f"admin:{app_label}_{model_name}"
        single_record = label == "association.sitesettings"  # list → its form
        urls = {
            "changelist": (reverse(f"{prefix}_changelist"), "v"),
            "add": (reverse(f"{prefix}_add"), "a"),
            "change": (reverse(f"{prefix}_change", args=[obj.pk]), "v"),
            "history": (reverse(f"{prefix}_history", args=[obj.pk]), "v"),
            "delete": (reverse(f"{prefix}_delete", args=[obj.pk]), "d"),
        }
        for name, (url, needed) in urls.items():
            allowed = needed in letters
            expected = 200 if allowed else 403
            if allowed and single_record and name == "changelist":
                expected = 302
            status = client.get(url).status_code
            if status != expected:
                wrong.append(f"{label} {name}: {status}, attendu {expected}")
    assert wrong == []


@pytest.mark.parametrize("group", EXPECTED)
def test_reach_over_custom_admin_views(group, login, objects):
    client = login(group)
    call, invoice = objects["dues.duescall"], objects["dues.invoice"]
    settings = objects["registrations.registrationsettings"]
    event = [settings.pk]
    day = [settings.pk, settings.days.first().pk]
    for name, groups in CUSTOM_VIEWS.items():
        args = {
            "admin:registrations_registrationsettings_documents": event,
            "admin:registrations_registrationsettings_csv": event,
            "admin:registrations_registrationsettings_badges": event,
            "admin:registrations_registrationsettings_sheet": day,
            "admin:registrations_registrationsettings_attendance": day,
            "admin:dues_duescall_pdf": [call.pk],
            "admin:dues_duescall_certificate": [call.pk],
            "admin:dues_invoice_pdf": [invoice.pk],
            "admin:dues_invoice_credit": [invoice.pk],
            "admin:mailings_mailing_preview": [objects["mailings.mailing"].pk],
            "admin:assembly_minutes_pdf": [objects["assembly.minutes"].pk],
        }.get(name, [])
        status = client.get(reverse(name, args=args)).status_code
        assert status == (200 if group in groups else 403), name


@pytest.mark.parametrize("group", EXPECTED)
def test_csv_export_action_needs_to_handle_invoices(group, login, objects):
    client = login(group)
    response = client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "export_csv", "_selected_action": [objects["dues.duescall"].pk]},
    )
    is_csv = response.get("Content-Type", "").startswith("text/csv")
    assert is_csv == (group in {"Secrétariat", "Trésorerie"})


def test_bureau_sees_figures_not_personal_data(login, objects):
    client = login("Bureau")
    member, call = objects["members.member"], objects["dues.duescall"]

    member_page = client.get(reverse("admin:members_member_change", args=[member.pk]))
    call_page = client.get(reverse("admin:dues_duescall_change", args=[call.pk]))
    treasury = client.get(reverse("admin:dues_duescall_treasury"), {"annee": 2027})

    assert MEMBER_EMAIL not in member_page.content.decode()
    assert objects["members.person"].email not in member_page.content.decode()
    page = call_page.content.decode()
    assert "900,00" in page  # the figures
    assert "paiement" not in page.lower()
    assert MEMBER_EMAIL not in page  # the reminder log's recipient
    assert reverse("admin:dues_duescall_pdf", args=[call.pk]) not in page
    page = treasury.content.decode()
    assert "900,00" in page
    assert reverse("admin:dues_duescall_treasury_csv") not in page


def test_treasury_sees_the_finance_contact(login, objects):
    client = login("Trésorerie")
    member = objects["members.member"]
    page = client.get(reverse("admin:members_member_change", args=[member.pk]))
    assert MEMBER_EMAIL in page.content.decode()


@pytest.mark.parametrize("group", ["Trésorerie", "Secrétariat", None])
def test_reminder_log_is_append_only(group, login, admin_client, objects):
    """A deleted entry would let "Relancer maintenant" send the same step
    again: nobody deletes or changes one, superusers included."""
    client = login(group) if group else admin_client
    reminder = objects["dues.reminder"]

    delete_url = reverse("admin:dues_reminder_delete", args=[reminder.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:dues_reminder_changelist"),
        {"action": "delete_selected", "_selected_action": [reminder.pk], "post": "yes"},
    )
    change_url = reverse("admin:dues_reminder_change", args=[reminder.pk])
    client.post(change_url, {"recipient": "autre@example.org"})

    reminder.refresh_from_db()
    assert reminder.recipient == MEMBER_EMAIL
    # Nor through the call it belongs to (its deletion would cascade).
    call_delete = reverse("admin:dues_duescall_delete", args=[reminder.call.pk])
    client.post(call_delete, {"post": "yes"})
    assert DuesCall.objects.filter(pk=reminder.call.pk).exists()


@pytest.mark.parametrize(
    ("group", "sees_it"),
    [
        ("Secrétariat", True),
        ("Trésorerie", False),
        ("Bureau", False),
        (NO_GROUP, False),
    ],
)
@pytest.mark.parametrize(
    "values",
    [{"status": Event.Status.DRAFT}, {"visibility": Event.Visibility.INTERNAL}],
)
def test_previews_are_for_those_who_edit_events(login, group, sees_it, values):
    event = EventFactory(title="Plénière à confirmer", **values)
    client = login(group)

    page = client.get(reverse("calendar:event", args=[event.slug]))
    ics = client.get(reverse("calendar:event-ical", args=[event.slug]))

    assert page.status_code == ics.status_code == (200 if sees_it else 404)
    assert ("Plénière à confirmer" in page.content.decode()) == sees_it


def test_groups_follow_the_table_after_every_migrate():
    """The table is applied on post_migrate: a permission granted by hand is
    taken back, a deleted group comes back."""
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    bureau = Group.objects.get(name="Bureau")
    bureau.permissions.add(Permission.objects.get(codename="view_person"))
    Group.objects.filter(name="Trésorerie").delete()

    call_command("migrate", verbosity=0)

    assert not bureau.permissions.filter(codename="view_person").exists()
    treasury = Group.objects.get(name="Trésorerie").permissions
    assert treasury.filter(codename="add_payment").exists()
