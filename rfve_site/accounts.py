"""The one sign-in of the site: django-allauth. Staff sign in with their
username, their password and a second factor (allauth's `mfa`: TOTP,
passkeys/WebAuthn, recovery codes; rfve_site/two_factor.py says who must).
Nobody signs up: accounts are created in the admin."""

from allauth.account.adapter import DefaultAccountAdapter

# allauth's messages (password reset, security notices) go through the outbox
# like every email, under this kind (the header outbox/sending.py reads and
# removes; named here, since rfve_site's helpers import no app).
KIND_HEADER = "X-RFVE-Kind"
MAIL_KIND = "compte"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def render_mail(self, template_prefix, email, context, headers=None):
        headers = {KIND_HEADER: MAIL_KIND} | (headers or {})
        return super().render_mail(template_prefix, email, context, headers)
