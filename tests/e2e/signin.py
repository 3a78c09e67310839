"""Signing in to the back office in a browser: the password, then the TOTP
code of the account's authenticator (created here with a known secret)."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from playwright.sync_api import Page, expect

from rfve_site.two_factor import current_totp_code

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = SECRET) -> str:
    return current_totp_code(secret)


def sign_in(page: Page, site: str, user, password: str) -> None:
    if not Authenticator.objects.filter(user=user, type="totp").exists():
        TOTP.activate(user, SECRET)
    page.goto(site + reverse("admin:index"))
    page.get_by_label("Identifiant").fill(user.username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Code").fill(totp_code())
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
