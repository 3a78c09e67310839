"""The billing data a paying registration gives (registrations/orders.py).

A member city is billed from its record: its registrants are asked nothing.
Anyone else choosing a paying rate (a non-member collectivité, a partner) is
asked, once the form knows who registers, who the invoice goes to: legal
name, postal address, SIRET (whose SIREN is the chosen collectivité's own),
Chorus Pro service code and commitment number. What they type is a proposal
kept with the order (BillingProposal); the secretariat confirms the order's
billing data before invoicing. Checked on the server: no script needed."""

from django import forms

from dues.documents import address
from members.models import LocalAuthority
from members.validators import validate_chorus_service_code, validate_siret

BILLING_FIELDS = (
    "legal_name",
    "invoicing_address",
    "siret",
    "service_code",
    "commitment_number",
)
# Hidden: the billing questions were on the page the visitor submitted.
SHOWN_MARKER = "facturation"


class SiretField(forms.CharField):
    """Typed as printed (123 456 789 00012), kept as 14 digits."""

    def to_python(self, value):
        return "".join(super().to_python(value).split())


def postal_address_error(text: str) -> str:
    """A French refusal when the text is not a full postal address, else ""."""
    parsed = address(text)
    if not parsed["lines"] or not parsed["postcode"]:
        return (
            "Indiquez l’adresse postale complète : numéro et rue, puis le code "
            "postal et la ville sur la dernière ligne (69100 Villeurbanne)."
        )
    return ""


class BillingFields(forms.Form):
    legal_name = forms.CharField(
        label="Raison sociale de l’acheteur (exemple : Commune de Bron)",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    invoicing_address = forms.CharField(
        label="Adresse de facturation (code postal et ville sur la dernière ligne)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    siret = SiretField(
        label="SIRET de l’acheteur",
        required=False,
        max_length=20,
        validators=[validate_siret],
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    service_code = forms.CharField(
        label="Code service Chorus Pro (facultatif, si l’acheteur l’exige)",
        required=False,
        max_length=100,
        validators=[validate_chorus_service_code],
    )
    commitment_number = forms.CharField(
        label="Numéro d’engagement (facultatif, si l’acheteur l’exige)",
        required=False,
        max_length=100,
    )

    def setup_billing(self) -> None:
        """The billing questions go after the others, the honeypot last;
        they are shown only once asked (`asks_billing`)."""
        for name in BILLING_FIELDS:
            self.fields[name] = self.fields.pop(name)
        if "website" in self.fields:
            self.fields["website"] = self.fields.pop("website")
        self.asks_billing = bool(self.data.get(SHOWN_MARKER))

    def clean_billing(self, cleaned: dict, *, needed: bool, authority) -> None:
        """`needed`: a paying rate and a buyer that is not a member city."""
        self.billing_needed = needed
        if not needed:
            return
        if not self.asks_billing:
            self.asks_billing = True
            if authority is not None and not self.data.get("legal_name"):
                # Shown filled with the authority's legal name, to check.
                self.data = self.data.copy()
                self.data["legal_name"] = authority.legal_name
            who = (
                f"{authority} n’est pas une ville adhérente du réseau"
                if authority
                else "Vous ne venez pas d’une collectivité"
            )
            self.add_error(
                None,
                f"{who} : indiquez à qui adresser la facture (rubrique "
                "« Facturation » ci-dessous), puis validez de nouveau.",
            )
            return
        required = {
            "legal_name": "Indiquez le nom légal de l’acheteur, tel qu’il figurera "
            "sur la facture.",
            "invoicing_address": "Indiquez l’adresse postale de l’acheteur : une "
            "facture sans adresse ne peut pas être émise.",
            "siret": "Ce tarif est payant : indiquez le SIRET (14 chiffres) de "
            "l’acheteur.",
        }
        for name, message in required.items():
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        text = cleaned.get("invoicing_address")
        if text and (error := postal_address_error(text)):
            self.add_error("invoicing_address", error)
        siret = cleaned.get("siret")
        if siret and "siret" not in self.errors:
            if authority is not None:
                if authority.siren and not siret.startswith(authority.siren):
                    self.add_error(
                        "siret",
                        f"Ce SIRET n’est pas celui de {authority.name} : il commence "
                        f"par son SIREN, {authority.siren}.",
                    )
            else:
                owner = LocalAuthority.objects.filter(siren=siret[:9]).first()
                if owner is not None:
                    self.add_error(
                        "siret",
                        f"Ce SIRET est celui de {owner.name} : si la facture va à "
                        "cette collectivité, indiquez-la comme votre collectivité.",
                    )

    @property
    def main_fields(self) -> list:
        """The visible fields, billing questions aside."""
        return [f for f in self.visible_fields() if f.name not in BILLING_FIELDS]

    @property
    def shown_billing_fields(self) -> list:
        if not self.asks_billing:
            return []
        return [self[name] for name in BILLING_FIELDS if name in self.fields]

    @property
    def billing(self) -> dict:
        if not (self.asks_billing and getattr(self, "billing_needed", False)):
            return {}
        return {name: self.cleaned_data.get(name, "") for name in BILLING_FIELDS}
