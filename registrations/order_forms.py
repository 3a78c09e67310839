"""The Chorus Pro data a paying registration gives (registrations/orders.py):
asked only when the event has a paying rate, required only when the rate
chosen is paying, checked on the server (no script needed)."""

from django import forms

from members.validators import validate_chorus_service_code, validate_siret

BILLING_FIELDS = ("siret", "service_code", "commitment_number")


class SiretField(forms.CharField):
    """Typed as printed (123 456 789 00012), kept as 14 digits."""

    def to_python(self, value):
        return "".join(super().to_python(value).split())


class BillingFields(forms.Form):
    siret = SiretField(
        label="SIRET de la collectivité ou de l’organisme facturé (tarif payant "
        "seulement)",
        required=False,
        max_length=20,
        validators=[validate_siret],
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    service_code = forms.CharField(
        label="Code service Chorus Pro (tarif payant, si votre collectivité l’exige)",
        required=False,
        max_length=100,
        validators=[validate_chorus_service_code],
    )
    commitment_number = forms.CharField(
        label="Numéro d’engagement (tarif payant, si votre collectivité l’exige)",
        required=False,
        max_length=100,
    )

    def setup_billing(self, rates) -> None:
        """Without a paying rate, nothing to invoice: no billing question."""
        paying = any(not rate.is_free for rate in rates)
        for name in BILLING_FIELDS:
            field = self.fields.pop(name)
            if paying:  # after the rate
                self.fields[name] = field
        if "website" in self.fields:  # the honeypot stays last
            self.fields["website"] = self.fields.pop("website")

    def clean_billing(self, cleaned: dict) -> None:
        rate = cleaned.get("rate")
        if rate is None or rate.is_free or "siret" not in self.fields:
            return
        if not cleaned.get("siret") and "siret" not in self.errors:
            self.add_error(
                "siret",
                "Ce tarif est payant : indiquez le SIRET (14 chiffres) de la "
                "collectivité ou de l’organisme à qui adresser la facture.",
            )

    @property
    def billing(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in BILLING_FIELDS}
