"""The second step's form (settings.MFA_FORMS): allauth's, with a ceiling on
wrong codes per account. allauth counts them under its "login_failed" rate
limit, which this site leaves to django-axes for passwords (per address and
username, so that nobody can lock a colleague out): the codes get their own
count here. Only someone who knows the password reaches this step."""

from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from django import forms
from django.core.cache import cache

# Wrong codes (TOTP or recovery) per account within the window; then the
# step refuses every code, the right one included, until the window ends.
CODE_FAILURE_LIMIT = 5
CODE_FAILURE_WINDOW = 15 * 60  # seconds


def _key(user) -> str:
    return f"rfve-mfa-code-failures-{user.pk}"


class AuthenticateForm(AllauthAuthenticateForm):
    def clean_code(self) -> str:
        key = _key(self.user)
        if (cache.get(key) or 0) >= CODE_FAILURE_LIMIT:
            raise forms.ValidationError(
                "Trop de codes erronés : réessayez dans un quart d’heure.",
                code="too_many_codes",
            )
        try:
            code = super().clean_code()
        except forms.ValidationError:
            cache.add(key, 0, CODE_FAILURE_WINDOW)
            try:
                cache.incr(key)
            except ValueError:  # expired in between
                cache.set(key, 1, CODE_FAILURE_WINDOW)
            raise
        cache.delete(key)
        return code
