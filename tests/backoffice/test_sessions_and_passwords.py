"""Sessions end after inactivity and after a working day; passwords refuse
what a probe types first (issue 22, §4)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from rfve_site.formats import duration

START = dt.datetime(2027, 3, 29, 8, 0, tzinfo=dt.UTC)  # the day after DST starts


@pytest.mark.parametrize(
    "password",
    [
        "rfve2026",
        "Villes2026!",
        "VillesEducatrices2026!",
        "Réseau-des-villes-2027",
        "RFVE-tresorerie-42",
        "Educ@trices#2026x",
        "motdepasse123456",
        "123456789012",  # numeric
    ],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_unrelated_passphrase_is_accepted():
    validate_password("cheval-agrafe-batterie-correct")


@pytest.fixture
def clock(monkeypatch):
    now = {"value": START}
    monkeypatch.setattr(timezone, "now", lambda: now["value"])
    return now


@pytest.fixture
def signed_in(client, clock, db):
    user = get_user_model().objects.create_user(
        "equipe", password="x", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


def _is_signed_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def test_a_session_ends_after_thirty_idle_minutes(signed_in, clock):
    assert _is_signed_in(signed_in)
    clock["value"] = START + dt.timedelta(minutes=29)
    assert _is_signed_in(signed_in)
    clock["value"] = START + dt.timedelta(minutes=29 + 31)
    response = signed_in.get(reverse("admin:index"))
    assert response.status_code == 302
    assert (
        reverse("admin:login") in response["Location"]
        or "connexion" in response["Location"]
    )
    clock["value"] += dt.timedelta(minutes=1)
    assert not _is_signed_in(signed_in)  # not back on the next request


def test_a_session_ends_after_a_working_day_whatever_the_activity(signed_in, clock):
    for minutes in range(0, 10 * 60, 20):
        clock["value"] = START + dt.timedelta(minutes=minutes)
        assert _is_signed_in(signed_in), minutes
    clock["value"] = START + dt.timedelta(hours=10, minutes=1)
    assert not _is_signed_in(signed_in)


def test_the_privacy_page_states_the_session_limits(client, db):
    page = client.get("/donnees-personnelles/").content.decode()
    assert "30\N{NO-BREAK SPACE}minutes sans activité" in page or (
        "30 minutes sans activité" in page
    )
    assert duration(dt.timedelta(hours=10)) == "dix heures"
