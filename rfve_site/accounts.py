"""The one sign-in of the site: django-allauth. Staff sign in with their
username, their password and a second factor (allauth's `mfa`: TOTP,
passkeys/WebAuthn, recovery codes; rfve_site/two_factor.py says who must).
Nobody signs up: accounts are created in the admin."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False
