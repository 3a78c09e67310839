"""The demo data: manage.py load_demo."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model

from calendar_app.demo import EVENT_TYPES, FEBRUARY_2023
from calendar_app.models import Event, EventType
from pages.management.commands.load_demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET
from rfve_site.two_factor import current_totp_code
from tests.factories import EventFactory
from tests.shared_data import load_demo

pytestmark = pytest.mark.django_db


def test_loads_the_february_2023_seed(shared_demo):
    titles = set(Event.objects.values_list("title", flat=True))
    assert {title for _start, _end, title, _type in FEBRUARY_2023} <= titles
    assert EventType.objects.count() == len(EVENT_TYPES)
    assert not Event.objects.filter(is_demo=False).exists()


def test_running_twice_changes_nothing(shared_demo):
    first = list(
        Event.objects.order_by("pk").values_list("pk", "slug", "sequence", "updated_at")
    )

    load_demo()
    second = list(
        Event.objects.order_by("pk").values_list("pk", "slug", "sequence", "updated_at")
    )

    assert len(first) > len(FEBRUARY_2023)
    assert second == first
    assert {sequence for _pk, _slug, sequence, _updated in second} == {0}


def test_running_again_restores_an_edited_demo_event(shared_demo):
    event = Event.objects.get(title=FEBRUARY_2023[0][2])
    event.title = "Titre modifié"
    event.save()

    load_demo()

    event.refresh_from_db()
    assert event.title == FEBRUARY_2023[0][2]
    assert event.sequence == 2
    assert Event.objects.filter(title=FEBRUARY_2023[0][2]).count() == 1


def test_leaves_the_secretariats_own_events_alone():
    own = EventFactory(title="Plénière de la vraie vie")

    load_demo()
    load_demo()

    own.refresh_from_db()
    assert own.title == "Plénière de la vraie vie"
    assert own.sequence == 0


def test_creates_the_demo_accounts_in_debug_only(shared_demo, settings):
    users = get_user_model().objects

    assert not settings.DEBUG  # shared_demo was loaded without DEBUG
    assert not users.filter(username__in=DEMO_ACCOUNTS).exists()

    settings.DEBUG = True
    load_demo()
    for username, group in DEMO_ACCOUNTS.items():
        account = users.get(username=username)
        assert account.is_staff and not account.is_superuser
        assert account.has_usable_password()
        # One account per back-office group, to try what each one sees.
        assert [g.name for g in account.groups.all()] == [group]
        # With the second factor the back office asks for, its secret known.
        assert TOTP(Authenticator.objects.get(user=account, type="totp")).validate_code(
            current_totp_code(DEMO_TOTP_SECRET)
        )

    load_demo()
    assert users.filter(username__in=DEMO_ACCOUNTS).count() == 3
    assert Authenticator.objects.filter(type="totp").count() == 3


def test_never_creates_the_demo_account_without_debug(shared_demo, settings):
    settings.DEBUG = False

    load_demo()

    assert not get_user_model().objects.exists()
