"""The back office asks for a second factor (issue 22, §4): TOTP, passkeys,
recovery codes, through django-allauth's sign-in."""

import json
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
)
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from rfve_site.two_factor import current_totp_code
from tests.markup import start_tags

PASSWORD = "cheval-agrafe-batterie-correct"


def _user(username, group=None, **flags):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", PASSWORD, is_staff=True, **flags
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def _code(secret: str) -> str:
    return current_totp_code(secret)


def _sign_in(client, username, next_url=None):
    next_url = next_url or reverse("admin:index")
    return client.post(
        reverse("account_login"),
        {"login": username, "password": PASSWORD, "next": next_url},
    )


def _admin(client):
    return client.get(reverse("admin:index"))


@pytest.fixture
def treasurer(db):
    return _user("tresoriere", "Trésorerie")


@pytest.fixture
def enrolled(treasurer):
    secret = generate_totp_secret()
    TOTP.activate(treasurer, secret)
    RecoveryCodes.activate(treasurer)
    return treasurer, secret


def test_the_admin_login_is_the_sites_sign_in(client, db):
    response = client.get(reverse("admin:login") + "?next=/admin/dues/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    page = client.get(response["Location"]).content.decode()
    assert "Connexion à l’administration" in page
    assert 'lang="fr"' in page
    assert '<label for="id_login">Identifiant</label>' in page


@pytest.mark.parametrize("kind", ["treasurer", "superuser"])
def test_a_password_alone_never_reaches_the_admin(client, db, kind):
    """Trésorerie and superusers without a second factor are sent to enrol;
    nothing of the admin is shown to them."""
    if kind == "treasurer":
        _user("personne", "Trésorerie")
    else:
        _user("personne", is_superuser=True)
    _sign_in(client, "personne")
    response = _admin(client)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    assert client.get(reverse("admin:dues_invoice_changelist")).status_code == 302
    page = client.get(reverse("mfa_index")).content.decode()
    assert "activez la double authentification" in page


def test_others_may_skip_it_only_by_the_setting(client, db, settings):
    _user("secretaire", "Secrétariat")
    _sign_in(client, "secretaire")
    assert _admin(client).status_code == 302
    settings.STAFF_MFA_OPTIONAL = True
    assert _admin(client).status_code == 200
    _user("tresoriere", "Trésorerie")
    client.logout()
    _sign_in(client, "tresoriere")
    assert _admin(client).status_code == 302  # never optional for the treasury


def test_an_enrolled_account_passes_the_second_step_with_a_totp_code(client, enrolled):
    user, secret = enrolled
    response = _sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert _admin(client).status_code == 302  # not signed in yet
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert response.status_code == 302
    assert _admin(client).status_code == 200


def test_a_recovery_code_works_once(client, enrolled):
    user, _secret = enrolled
    code = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes"))
    first = code.get_unused_codes()[0]
    _sign_in(client, user.username)
    client.post(reverse("mfa_authenticate"), {"code": first})
    assert _admin(client).status_code == 200
    client.logout()
    _sign_in(client, user.username)
    response = client.post(reverse("mfa_authenticate"), {"code": first})
    assert response.status_code == 200  # refused: the form again
    assert _admin(client).status_code == 302


def _reauthenticate(client):
    """Adding a factor asks for the password again (allauth, ASVS 3.7.1)."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_enrolling_totp_opens_the_admin(client, treasurer):
    """allauth signals the new factor once its transaction commits: a real
    commit here."""
    _sign_in(client, treasurer.username)
    assert client.get(reverse("mfa_activate_totp")).status_code == 302
    _reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r"\b([A-Z2-7]{32})\b", page).group(1)
    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=treasurer, type="totp").exists()
    assert _admin(client).status_code == 200


def test_webauthn_registration_options_under_the_csp(client, treasurer):
    """The passkey page's options come as a JSON data block and the site's
    own script files: nothing inline runs, and the CSP allows them."""
    _sign_in(client, treasurer.username)
    _reauthenticate(client)
    response = client.get(reverse("mfa_add_webauthn"))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    html = response.content.decode()
    scripts = list(start_tags(html, "script"))
    assert scripts
    for script in scripts:
        assert "src" in script or script.get("type") == "application/json"
    data = re.search(
        r'<script id="js_data" type="application/json">(.*?)</script>', html
    )
    options = json.loads(data.group(1))["creation_options"]["publicKey"]
    assert options["challenge"]
    assert options["user"]["name"] in (treasurer.username, treasurer.email)
    # The script that reads them is a file of this site.
    assert any(
        script.get("src", "").startswith("/static/mfa/js/webauthn")
        for script in scripts
    )


def test_the_admin_refuses_a_session_without_the_second_step(client, enrolled):
    """Signed in by password only (a session from before enrolment, or a
    half-finished login): sent back to the sign-in, logged out."""
    user, _secret = enrolled
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session.pop("rfve_second_factor_at", None)
    session.save()
    response = client.get(reverse("admin:login"))
    assert response["Location"].startswith(reverse("account_login"))
    assert _admin(client).status_code == 302


def test_wrong_codes_have_a_ceiling(client, enrolled):
    """allauth's own count is the "login_failed" limit, left to axes for
    passwords: the second step counts its wrong codes itself."""
    user, secret = enrolled
    _sign_in(client, user.username)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    response = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert "Trop de codes erronés" in response.content.decode()
    assert _admin(client).status_code == 302


def test_someone_signed_in_without_staff_status_gets_a_403_not_a_loop(client, db):
    user = get_user_model().objects.create_user("habitant", password=PASSWORD)
    client.force_login(user)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2
