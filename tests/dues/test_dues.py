"""The dues scale, the yearly campaign, payments and statuses, reminders and the
treasurer's view."""

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from dues import dues
from dues.models import DuesCall, DuesScale, Payment, Reminder
from members.models import Member
from rfve_site.typography import french_html as typeset
from tests.factories import (
    DuesCallFactory,
    DuesScaleFactory,
    LocalAuthorityFactory,
    MemberFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db

DUE = dt.date(2027, 3, 31)


def _bracket(low, high, amount="100"):
    return SimpleNamespace(
        min_population=low, max_population=high, amount=Decimal(amount)
    )


# --- Scale ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "amount"),
    [
        (0, "300"),
        (9_999, "300"),  # exactly on the upper limit: that bracket
        (10_000, "900"),  # exactly on the lower limit of the next one
        (49_999, "900"),
        (50_000, "2500"),
        (2_000_000, "2500"),
    ],
)
def test_amount_for_includes_both_limits(population, amount):
    scale = DuesScaleFactory()
    assert dues.amount_for(scale, population) == Decimal(amount)


def test_amount_for_without_population():
    assert dues.amount_for(DuesScaleFactory(), None) is None


def test_a_valid_scale_has_no_errors():
    brackets = [_bracket(10_000, None), _bracket(0, 9_999)]  # any order
    assert dues.validate_brackets(brackets) == []


@pytest.mark.parametrize(
    ("brackets", "message"),
    [
        ([], "au moins une tranche"),
        ([_bracket(1, None)], "commencer à 0"),
        (
            [_bracket(0, 9_999), _bracket(10_001, None)],
            "Trou entre 9\u202f999 et 10\u202f001",
        ),
        ([_bracket(0, 10_000), _bracket(10_000, None)], "chevauchent"),
        ([_bracket(0, 9_999), _bracket(10_000, 20_000)], "sans limite haute"),
        ([_bracket(0, None), _bracket(10_000, None)], "Seule la dernière"),
        ([_bracket(0, 9_999, "-1"), _bracket(10_000, None)], "négatif"),
        (
            [_bracket(0, 9_999), _bracket(10_000, 5, "1"), _bracket(6, None)],
            "inférieure",
        ),
    ],
)
def test_invalid_scales_are_refused_in_french(brackets, message):
    errors = dues.validate_brackets(brackets)
    assert any(message in error for error in errors), errors


def test_admin_refuses_a_scale_with_a_gap(admin_client):
    data = {
        "year": 2028,
        "population_year": 2025,
        "first_year_rule": "full",
        "notes": "",
        "brackets-TOTAL_FORMS": 2,
        "brackets-INITIAL_FORMS": 0,
        "brackets-0-min_population": 0,
        "brackets-0-max_population": 9_999,
        "brackets-0-amount": "300",
        "brackets-1-min_population": 20_000,
        "brackets-1-max_population": "",
        "brackets-1-amount": "900",
    }
    response = admin_client.post(reverse("admin:dues_duesscale_add"), data)
    assert response.status_code == 200
    assert "Trou entre 9\u202f999 et 20\u202f000\u00a0habitants." in (
        response.content.decode()
    )
    assert not DuesScale.objects.exists()

    data["brackets-1-min_population"] = 10_000
    response = admin_client.post(reverse("admin:dues_duesscale_add"), data)
    assert response.status_code == 302
    assert DuesScale.objects.get(year=2028).brackets.count() == 2


def test_copy_last_years_scale_from_the_admin(admin_client):
    DuesScaleFactory(year=2026)
    scale = DuesScale.objects.get(year=2026)
    admin_client.post(
        reverse("admin:dues_duesscale_changelist"),
        {"action": "copy_to_next_year", "_selected_action": [scale.pk]},
    )
    copy = DuesScale.objects.get(year=2027)
    assert [
        (b.min_population, b.max_population, b.amount) for b in copy.brackets.all()
    ] == [(b.min_population, b.max_population, b.amount) for b in scale.brackets.all()]
    with pytest.raises(dues.DuesError, match="existe déjà"):
        dues.copy_scale(2026, 2027)


# --- Campaign ---------------------------------------------------------------


def _member(population, **kwargs):
    return MemberFactory(
        authority=LocalAuthorityFactory(population=population, population_year=2022),
        **kwargs,
    )


def test_campaign_calls_each_active_member_once():
    DuesScaleFactory(year=2027)
    small = _member(9_999)
    big = _member(50_000)
    _member(20_000, status=Member.Status.LEFT)
    no_population = _member(None)

    result = dues.launch_campaign(2027)

    assert len(result.created) == 2
    assert result.without_population == [no_population]
    calls = {call.member: call for call in DuesCall.objects.filter(year=2027)}
    assert calls[small].amount == Decimal("300")
    assert calls[big].amount == calls[big].scale_amount == Decimal("2500")
    assert (calls[big].population, calls[big].population_year) == (50_000, 2022)
    assert calls[big].due_on is None  # set when the invoice is issued

    again = dues.launch_campaign(2027)
    assert again.created == [] and again.already_called == 2
    assert DuesCall.objects.count() == 2


def test_campaign_needs_a_scale():
    with pytest.raises(dues.DuesError, match="Créez d’abord le barème 2030"):
        dues.launch_campaign(2030)


def test_campaign_from_the_admin(admin_client):
    DuesScaleFactory(year=2027)
    _member(12_000)
    url = reverse("admin:dues_duescall_campaign")
    changelist = admin_client.get(reverse("admin:dues_duescall_changelist"))
    assert url in changelist.content.decode()
    assert admin_client.get(url).status_code == 200
    data = {"year": 2027}
    response = admin_client.post(url, data, follow=True)
    assert typeset("Campagne 2027 : 1 appel(s) créé(s)") in response.content.decode()
    admin_client.post(url, data)
    assert DuesCall.objects.get().amount == Decimal("900")


def test_an_overridden_amount_needs_a_reason():
    call = DuesCallFactory(amount=Decimal("450"), scale_amount=Decimal("900"))
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert "override_reason" in error.value.message_dict
    call.override_reason = "Adhésion en cours d’année : demi-cotisation (CA du 3/5)."
    call.full_clean()


# --- Payments and statuses --------------------------------------------------


def _status(call, today):
    return DuesCall.objects.with_status(today).get(pk=call.pk)


def test_partial_payments_add_up_to_paid():
    call = DuesCallFactory(amount=Decimal("900"), due_on=DUE)
    before = dt.date(2027, 3, 1)
    assert _status(call, before).status == DuesCall.Status.DUE

    PaymentFactory(call=call, amount=Decimal("400"), method=Payment.Method.CHEQUE)
    assert _status(call, before).status == DuesCall.Status.PARTLY_PAID
    assert _status(call, before).paid_total == Decimal("400")
    assert _status(call, DUE + dt.timedelta(days=1)).status == DuesCall.Status.LATE
    assert _status(call, DUE).status == DuesCall.Status.PARTLY_PAID  # due that day

    PaymentFactory(call=call, amount=Decimal("500"), method=Payment.Method.MANDATE)
    assert _status(call, dt.date(2028, 1, 1)).status == DuesCall.Status.PAID
    assert _status(call, before).paid_total == Decimal("900")


def test_late_lists_unpaid_calls_after_their_due_date():
    late = DuesCallFactory(due_on=DUE)
    DuesCallFactory(due_on=dt.date(2027, 6, 30))
    paid = DuesCallFactory(due_on=DUE)
    PaymentFactory(call=paid, amount=paid.amount)
    assert list(DuesCall.objects.late(dt.date(2027, 4, 1))) == [late]


def test_changelist_shows_statuses_and_filters(admin_client):
    paid = DuesCallFactory(due_on=DUE)
    PaymentFactory(call=paid, amount=paid.amount)
    DuesCallFactory(due_on=dt.date(2000, 1, 1))
    url = reverse("admin:dues_duescall_changelist")
    page = admin_client.get(url).content.decode()
    assert "payée" in page and "en retard" in page
    response = admin_client.get(url, {"statut": "late"})
    assert response.context["cl"].result_count == 1


# --- Reminders --------------------------------------------------------------


def _issued_call(**kwargs):
    call = DuesCallFactory(**kwargs)
    return dues.issue_invoice(call, today=dt.date(2027, 3, 1))


def test_reminders_follow_the_schedule_and_are_never_sent_twice():
    call = _issued_call(due_on=DUE)
    PaymentFactory(call=call, amount=Decimal("100"))

    def run(day):
        out = io.StringIO()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("django.utils.timezone.localdate", lambda: day)
            call_command("send_dues_reminders", stdout=out)
        return out.getvalue()

    assert "0 reminder(s)" in run(DUE + dt.timedelta(days=29))
    assert "1 reminder(s)" in run(DUE + dt.timedelta(days=30))
    assert "0 reminder(s)" in run(DUE + dt.timedelta(days=31))
    assert "1 reminder(s)" in run(DUE + dt.timedelta(days=60))
    assert "0 reminder(s)" in run(DUE + dt.timedelta(days=90))

    assert [r.step.days_after_due for r in Reminder.objects.order_by("sent_at")] == [
        30,
        60,
    ]
    assert len(mail.outbox) == 2
    first = mail.outbox[0]
    assert first.to == [call.member.finance_contact_email]
    assert call.invoice_number in first.subject
    assert "800,00\u00a0€ sur 900,00\u00a0€" in first.body
    assert first.attachments[0][0] == f"facture-rfve-{call.invoice_number}.pdf"


def test_no_reminders_for_paid_or_excluded_calls():
    paid = _issued_call(due_on=DUE)
    PaymentFactory(call=paid, amount=paid.amount)
    _issued_call(due_on=DUE, no_reminders=True)
    sent = dues.send_reminders(DuesCall.objects.all(), today=DUE + dt.timedelta(90))
    assert sent == [] and mail.outbox == []


def test_a_late_schedule_sends_only_the_latest_step():
    _issued_call(due_on=DUE)
    sent = dues.send_reminders(DuesCall.objects.all(), today=DUE + dt.timedelta(75))
    assert [reminder.step.days_after_due for reminder in sent] == [60]


def test_a_failed_send_logs_nothing(monkeypatch):
    _issued_call(due_on=DUE)

    def fail(message):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)
    with pytest.raises(ConnectionError):
        dues.send_reminders(DuesCall.objects.all(), today=DUE + dt.timedelta(30))
    assert not Reminder.objects.exists()


def test_remind_now_admin_action(admin_client, monkeypatch):
    late = _issued_call()  # due on 31/03/2027
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(2027, 6, 1))
    admin_client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "send_reminders", "_selected_action": [late.pk]},
    )
    admin_client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "send_reminders", "_selected_action": [late.pk]},
    )
    assert Reminder.objects.filter(call=late).count() == 1
    assert len(mail.outbox) == 1


# --- Treasurer --------------------------------------------------------------


@pytest.fixture
def year_2027():
    paid = DuesCallFactory(
        amount=Decimal("1234.50"),
        member=_member(60_000),
        due_on=DUE,
    )
    PaymentFactory(call=paid, amount=Decimal("1234.50"), paid_on=dt.date(2027, 2, 3))
    late = DuesCallFactory(amount=Decimal("900"), due_on=DUE)
    PaymentFactory(call=late, amount=Decimal("100"))
    DuesCallFactory(amount=Decimal("300"), due_on=dt.date(2099, 1, 1))
    DuesCallFactory(year=2026, amount=Decimal("5000"))
    return paid, late


def test_year_summary(year_2027):
    summary = dues.year_summary(2027, today=dt.date(2027, 4, 15))
    assert summary.due == Decimal("2434.50")
    assert summary.paid == Decimal("1334.50")
    assert summary.outstanding == Decimal("1100.00")
    assert summary.late == [year_2027[1]]


def test_treasury_view(admin_client, year_2027, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(2027, 5, 1))
    url = reverse("admin:dues_duescall_treasury")
    page = admin_client.get(url, {"annee": 2027}).content.decode()
    assert "Trésorerie 2027" in page
    assert "2\u202f434,50\u00a0€" in page and "1\u202f100,00\u00a0€" in page
    assert str(year_2027[1].member) in page


def test_csv_opens_in_french_excel(admin_client, year_2027):
    paid, _ = year_2027
    dues.issue_invoice(paid, today=dt.date(2027, 1, 10))
    response = admin_client.get(
        reverse("admin:dues_duescall_treasury_csv"), {"annee": 2027}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == (
        "Facture;Ville;Code officiel;SIRET;Année;Population;Millésime;Montant (€);"
        "Avoirs (€);Payé (€);Reste dû (€);Émise le;Échéance;Statut;Chorus Pro"
    )
    assert len([line for line in lines if line]) == 4  # header and three calls
    row = next(line for line in lines if line.startswith("2027-0001"))
    fields = row.split(";")
    assert fields[1] == paid.member.name
    assert fields[7:] == [
        "1234,50",
        "0,00",
        "1234,50",
        "0,00",
        "10/01/2027",
        "09/02/2027",  # issue date + the settings' 30 days
        "payée",
        "non déposée",
    ]


def test_csv_export_action(admin_client, year_2027):
    response = admin_client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "export_csv", "_selected_action": [year_2027[1].pk]},
    )
    text = response.content.decode("utf-8-sig")
    assert text.count("\r\n") == 2
    assert ";900,00;0,00;100,00;800,00;" in text
