"""Issue 23, §1: people of member cities sign in with a code sent by email;
staff keep their password and second factor; every sign-in is logged."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from espace.models import AreaAccess
from members.models import Member
from tests.factories import AreaAccessFactory

pytestmark = pytest.mark.django_db


def _code(message) -> str:
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.M).group(1)


def _ask_code(client, email):
    return client.post(reverse("espace:sign-in"), {"email": email}, follow=True)


def test_a_person_with_access_signs_in_with_the_emailed_code(client, access):
    page = _ask_code(client, "Referente@Villeurbanne.example")
    assert "Saisissez votre code" in page.text
    [message] = mail.outbox
    assert message.to == ["referente@villeurbanne.example"]
    assert "espace adhérents" in message.subject
    page = client.post(
        reverse("espace:confirm-code"), {"code": _code(message)}, follow=True
    )
    assert page.redirect_chain[-1][0] == "/espace/"
    assert "Villeurbanne" in page.text
    access.refresh_from_db()
    assert not access.user.is_staff
    assert not access.user.has_usable_password()
    # The sign-in is in the audit trail, on the person's access.
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS)
    assert entry.object_id == access.pk
    assert entry.actor == access.user


def test_a_wrong_code_is_refused_in_french_and_attempts_are_limited(client, access):
    _ask_code(client, access.person.email)
    page = client.post(reverse("espace:confirm-code"), {"code": "AAAAAA"})
    assert "Ce code n’est pas le bon." in page.text
    for _ in range(4):
        page = client.post(reverse("espace:confirm-code"), {"code": "AAAAAA"})
    assert page.status_code == 302
    assert page.url == reverse("espace:sign-in")
    # The right code no longer works: the process was abandoned.
    code = _code(mail.outbox[0])
    page = client.post(reverse("espace:confirm-code"), {"code": code})
    assert page.url == reverse("espace:sign-in")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "make",
    [
        lambda: None,  # unknown address
        lambda: AreaAccessFactory(person__email="x@ville.example", status="invited"),
        lambda: AreaAccessFactory(
            person__email="x@ville.example", person__member__status=Member.Status.LEFT
        ),
    ],
    ids=["unknown", "invitation-not-confirmed", "city-left"],
)
def test_no_code_for_an_address_without_access_and_the_same_answer(client, make):
    make()
    page = _ask_code(client, "x@ville.example")
    assert "Saisissez votre code" in page.text
    assert mail.outbox == []
    page = client.post(reverse("espace:confirm-code"), {"code": ""})
    assert "_auth_user_id" not in client.session


def test_staff_cannot_get_a_code_and_keep_their_second_factor(
    client, django_user_model
):
    django_user_model.objects.create_user(
        username="equipe", email="equipe@rfve.example", password="x", is_staff=True
    )
    _ask_code(client, "equipe@rfve.example")
    assert mail.outbox == []
    # allauth's own request form is off: no code for anyone there.
    assert client.get("/compte/login/code/").status_code == 404
    # The back office's sign-in is still the password's.
    from django.test import Client

    page = Client().get(reverse("account_login"))
    assert 'name="password"' in page.text


def test_a_staff_session_is_not_an_area_session(staff_client):
    assert staff_client.get(reverse("espace:home")).status_code == 403


def test_a_person_whose_email_is_a_staff_users_gets_their_own_account(
    client, access, django_user_model
):
    staff = django_user_model.objects.create_user(
        username="equipe", email=access.person.email, password="x", is_staff=True
    )
    _ask_code(client, access.person.email)
    client.post(reverse("espace:confirm-code"), {"code": _code(mail.outbox[0])})
    access.refresh_from_db()
    assert access.user != staff
    assert not access.user.is_staff


def test_anonymous_visitors_are_sent_to_the_sign_in(client, db):
    page = client.get(reverse("espace:record"))
    assert page.status_code == 302
    assert page.url == "/espace/connexion/?next=%2Fespace%2Ffiche%2F"


def test_after_the_code_the_person_lands_where_they_were_going(client, access):
    client.post(
        reverse("espace:sign-in"),
        {"email": access.person.email, "next": "/espace/fiche/"},
    )
    page = client.post(
        reverse("espace:confirm-code") + "?next=/espace/fiche/",
        {"code": _code(mail.outbox[0]), "next": "/espace/fiche/"},
    )
    assert page.url == "/espace/fiche/"


def test_next_never_leads_off_the_area(client, access):
    client.post(reverse("espace:sign-in"), {"email": access.person.email})
    page = client.post(
        reverse("espace:confirm-code"),
        {"code": _code(mail.outbox[0]), "next": "//evil.example/espace/"},
    )
    assert page.url == "/espace/"


def test_a_closed_access_ends_the_area_at_the_next_request(area_client, access):
    assert area_client.get(reverse("espace:home")).status_code == 200
    access.status = AreaAccess.Status.INVITED
    access.save()
    assert area_client.get(reverse("espace:home")).status_code == 403


def test_area_pages_are_never_stored(area_client):
    page = area_client.get(reverse("espace:home"))
    assert "no-store" in page["Cache-Control"]
    assert "private" in page["Cache-Control"]


def test_the_session_ends_after_inactivity(area_client, settings, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    area_client.get(reverse("espace:home"))
    later = timezone.now() + settings.SESSION_IDLE_TIMEOUT + dt.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page = area_client.get(reverse("espace:home"))
    assert page.status_code == 302
    assert page.url.startswith("/espace/connexion/")
