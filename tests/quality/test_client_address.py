"""The client's address behind PROXY_COUNT trusted proxies (and only then),
for the login throttle and the contact form alike; the throttle's policy."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from pages import contact
from rfve_site.client_address import client_address

PASSWORD = "un-mot-de-passe-solide-2026"
PROXY = "10.0.0.2"  # nginx, as gunicorn sees it
ATTACKER = "203.0.113.7"
COLLEAGUE = "198.51.100.20"
CONTACT_FORM = {
    "name": "Camille Martin",
    "organisation": "",
    "subject": "Une question",
    "message": "Bonjour, une question sur le réseau.",
    "website": "",
}


def _address(forwarded=None, remote=PROXY):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No proxy configured: the header is the client's own words.
        (0, None, PROXY),
        (0, "198.51.100.1", PROXY),
        (0, f"198.51.100.1, {ATTACKER}", PROXY),
        # One proxy appends the address it saw: the last entry.
        (1, ATTACKER, ATTACKER),
        (1, f"198.51.100.1, {ATTACKER}", ATTACKER),
        (1, f"1.2.3.4,5.6.7.8,{ATTACKER}", ATTACKER),
        (1, "2001:DB8::7", "2001:db8::7"),  # one spelling per address
        # Two proxies (load balancer, then nginx): the second from the right.
        (2, f"198.51.100.1, {ATTACKER}, 10.0.0.1", ATTACKER),
        # Too short: the request bypassed a proxy; never the client's choice.
        (2, ATTACKER, PROXY),
        (1, None, PROXY),
        (1, "", PROXY),
        # Malformed: never raises, never the client's choice.
        (1, "not-an-address", PROXY),
        (1, f"{ATTACKER}, ", PROXY),
        (1, " , ,", PROXY),
        (1, f"{ATTACKER}:443", PROXY),
        (1, "203.0.113.7\x00", PROXY),
        (1, "x" * 10_000, PROXY),
        (1, ",".join(["1.1.1.1"] * 5000) + ", 300.1.1.1", PROXY),
    ],
)
def test_client_address(settings, proxies, forwarded, expected):
    settings.PROXY_COUNT = proxies
    assert _address(forwarded) == expected


def test_a_missing_socket_address_is_none(settings):
    settings.PROXY_COUNT = 0
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_address(request) is None


# The login throttle.


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "secretariat", "s@example.org", PASSWORD, is_staff=True, is_superuser=True
    )


def _login(client, username, password="mauvais", forwarded=ATTACKER, remote=PROXY):
    return client.post(
        reverse("account_login"),
        {"login": username, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_the_proxy_one_client_cannot_lock_out_another(client, settings, staff):
    settings.PROXY_COUNT = 1
    for _ in range(4):
        assert _login(client, "secretariat").status_code == 200
    assert _login(client, "secretariat").status_code == 429
    # The attacker stays locked out, even with the right password…
    assert _login(client, "secretariat", PASSWORD).status_code == 429
    # … but the secretariat, elsewhere behind the same proxy, gets in.
    assert _login(client, "secretariat", PASSWORD, COLLEAGUE).status_code == 302


def test_without_a_proxy_a_forged_header_gains_nothing(client, settings, staff):
    settings.PROXY_COUNT = 0
    for attempt in range(4):
        _login(client, "secretariat", forwarded=f"198.51.100.{attempt}")
    assert _login(client, "secretariat", forwarded="192.0.2.1").status_code == 429
    assert _login(client, "secretariat", PASSWORD, COLLEAGUE).status_code == 429


def test_four_failures_do_not_lock(client, staff):
    for _ in range(4):
        _login(client, "secretariat", remote=ATTACKER)
    assert _login(client, "secretariat", PASSWORD, remote=ATTACKER).status_code == 302


def test_the_lockout_page_is_french(client, staff):
    for _ in range(5):
        response = _login(client, "secretariat", remote=ATTACKER)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_failures_from_one_address_do_not_lock_the_username_elsewhere(client, staff):
    """Failures during a lockout are not counted: one address alone can never
    reach the per-username ceiling."""
    for _ in range(30):
        _login(client, "secretariat", remote=ATTACKER)
    assert _login(client, "secretariat", PASSWORD, remote=COLLEAGUE).status_code == 302


def test_guessing_from_many_addresses_locks_the_username(client, settings, staff):
    ceiling = settings.LOGIN_FAILURE_LIMITS[("username",)]
    for attempt in range(ceiling - 1):
        _login(client, "secretariat", remote=f"198.51.100.{attempt // 5}")
    assert _login(client, "secretariat", remote="192.0.2.1").status_code == 429
    response = _login(client, "secretariat", PASSWORD, remote="192.0.2.2")
    assert response.status_code == 429


def test_one_address_trying_many_usernames_is_locked(client, settings, staff):
    ceiling = settings.LOGIN_FAILURE_LIMITS[("ip_address",)]
    for attempt in range(ceiling - 1):
        assert _login(client, f"inconnu{attempt}", remote=ATTACKER).status_code == 200
    assert _login(client, "secretariat", remote=ATTACKER).status_code == 429
    assert _login(client, "secretariat", PASSWORD, remote=COLLEAGUE).status_code == 302


# The contact form's limit reads the same address.


def _contact(client, email, forwarded, remote=PROXY):
    return client.post(
        "/contact/",
        CONTACT_FORM | {"email": email},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_behind_the_proxy_the_contact_limit_is_per_visitor(client, settings):
    settings.PROXY_COUNT = 1
    for n in range(contact.RATE_LIMIT):
        assert _contact(client, f"p{n}@exemple.fr", ATTACKER).status_code == 302
    assert _contact(client, "autre@exemple.fr", ATTACKER).status_code == 429
    assert _contact(client, "nouveau@exemple.fr", COLLEAGUE).status_code == 302


@pytest.mark.django_db
def test_without_a_proxy_the_contact_limit_ignores_the_header(client, settings):
    settings.PROXY_COUNT = 0
    for n in range(contact.RATE_LIMIT):
        _contact(client, f"p{n}@exemple.fr", f"198.51.100.{n}")
    assert _contact(client, "autre@exemple.fr", "192.0.2.1").status_code == 429


@pytest.mark.parametrize(
    ("remote", "counted"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::"),
        ("2001:db8:1:3::1", "2001:db8:1:3::"),
        ("::ffff:198.51.100.20", "198.51.100.20"),
        ("pas une adresse", None),
    ],
)
def test_rate_limits_count_an_ipv6_client_by_its_64_network(remote, counted):
    from django.conf import settings

    from rfve_site.client_address import rate_limited_address

    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    assert rate_limited_address(request) == counted
    assert settings.AXES_CLIENT_IP_CALLABLE.endswith(".rate_limited_address")
