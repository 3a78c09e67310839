import pytest

from espace.access import user_for_sign_in
from tests.factories import AreaAccessFactory


@pytest.fixture
def access(db):
    """The open access of a person of a member city (Villeurbanne)."""
    return AreaAccessFactory(
        person__email="referente@villeurbanne.example",
        person__member__authority__name="Villeurbanne",
        is_referent=True,
    )


@pytest.fixture
def area_client(access):
    """A client signed in to the area as that person (its own: `client` and
    staff_client are the secretariat's)."""
    from django.test import Client

    client = Client()
    client.force_login(user_for_sign_in(access))
    return client


@pytest.fixture
def other_city_client(db, django_user_model):
    """A client signed in as a person with access, of another city."""
    from django.test import Client

    other = AreaAccessFactory(person__member__authority__name="Lyon")
    client = Client()
    client.force_login(user_for_sign_in(other))
    return client


@pytest.fixture
def no_access_client(db):
    """A client signed in as a person whose access is only an invitation
    (not confirmed): no access yet."""
    from django.test import Client

    invited = AreaAccessFactory(status="invited")
    client = Client()
    client.force_login(user_for_sign_in(invited))
    return client
