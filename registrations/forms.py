import copy

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MaxLengthValidator

from members.models import LocalAuthority
from rfve_site.formats import number

from . import rates as rate_rules
from .models import Question, Rate, Registration, RegistrationSettings
from .order_forms import BILLING_FIELDS, BillingFields

# Beyond this many matches the form asks for a more precise name.
AUTHORITY_CHOICES_SHOWN = 8


def _member_of(authority: LocalAuthority | None):
    """The active member city this authority is, or None."""
    if authority is None:
        return None
    try:
        member = authority.member
    except ObjectDoesNotExist:
        return None
    return member if member.status == member.Status.ACTIVE else None


class DaysField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, day):
        return str(day).capitalize()


class RateField(forms.ModelChoiceField):
    def label_from_instance(self, rate):
        return str(rate)


# What a visitor may type in the free-text answers: every other field has
# its model's max_length. The models' text has no limit (the admin writes
# there too), so the public forms set it.
NEEDS_MAX_LENGTH = {"accessibility_needs": 1000, "dietary_needs": 500}


class _QuestionsMixin:
    """Fields set by the event's questions: off (removed), optional, required."""

    QUESTIONS = {
        "function": "ask_function",
        "authority_name": "ask_authority",
        "days": "ask_days",
        "accessibility_needs": "ask_accessibility",
        "dietary_needs": "ask_dietary",
    }

    def apply_questions(self, settings: RegistrationSettings):
        for name, setting in self.QUESTIONS.items():
            if name not in self.fields:
                continue
            question = getattr(settings, setting)
            if question == Question.OFF:
                del self.fields[name]
            else:
                self.fields[name].required = question == Question.REQUIRED
                if not self.fields[name].required:
                    self.fields[name].label += " (facultatif)"
        for name, limit in NEEDS_MAX_LENGTH.items():
            if name in self.fields:
                field = self.fields[name]
                field.max_length = limit
                field.widget.attrs["maxlength"] = limit
                field.validators.append(
                    MaxLengthValidator(
                        limit,
                        f"{number(limit)} caractères au plus : précisez l’essentiel, "
                        "le secrétariat vous recontactera si besoin.",
                    )
                )


class RegistrationForm(_QuestionsMixin, BillingFields, forms.ModelForm):
    authority_name = forms.CharField(
        label="Collectivité (nom, code postal ou code INSEE)",
        max_length=100,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    rate = RateField(
        label="Tarif",
        queryset=Rate.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choisissez un tarif."},
    )
    days = DaysField(
        label="Jours de présence",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un jour."},
    )
    invitation_code = forms.CharField(
        label="Code d’invitation (si le secrétariat vous en a donné un)",
        required=False,
        max_length=40,
    )
    # Honeypot: hidden from people by CSS, filled in by robots.
    website = forms.CharField(
        label="Ne pas remplir ce champ", required=False, max_length=200
    )

    class Meta:
        model = Registration
        fields = [
            "first_name",
            "last_name",
            "email",
            "function",
            "organisation",
            "accessibility_needs",
            "dietary_needs",
        ]
        labels = {
            "first_name": "Prénom",
            "last_name": "Nom",
            "email": "Courriel",
            "function": "Fonction",
            "organisation": "Organisme, si vous ne venez pas d’une collectivité "
            "(facultatif)",
            "accessibility_needs": "Besoins d’accessibilité",
            "dietary_needs": "Régime alimentaire",
        }
        help_texts = {"organisation": ""}
        error_messages = {
            "first_name": {"required": "Indiquez votre prénom."},
            "last_name": {"required": "Indiquez votre nom."},
            "email": {
                "required": "Indiquez votre courriel : la confirmation y est envoyée.",
                "invalid": "Ce courriel n’est pas valide (exemple : "
                "prenom.nom@mairie.fr).",
            },
        }
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "function": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "accessibility_needs": forms.Textarea(attrs={"rows": 3}),
            "dietary_needs": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, settings: RegistrationSettings, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.all_days = list(days)
        self.rates = list(settings.rates.all())
        offered = rate_rules.offered(
            self.rates, invitations=bool(settings.invitation_code)
        )
        if offered:
            self.fields["rate"].queryset = settings.rates.filter(
                pk__in=[rate.pk for rate in offered]
            )
        else:
            del self.fields["rate"]
        if not settings.invitation_code or not any(
            rate_rules.needs_invitation(rate, self.rates) for rate in self.rates
        ):
            del self.fields["invitation_code"]
        # One day: nothing to choose.
        if len(self.all_days) > 1:
            self.fields["days"].queryset = settings.days.all()
        else:
            del self.fields["days"]
        self.fields["function"].error_messages["required"] = "Indiquez votre fonction."
        self.fields["authority_name"].error_messages["required"] = (
            "Indiquez votre collectivité."
        )
        self.apply_questions(settings)
        self.setup_billing()
        if not any(not rate.is_free for rate in self.rates):
            for name in BILLING_FIELDS:  # nothing to invoice
                del self.fields[name]
        if "authority_name" not in self.fields and any(
            rate.category in (Rate.Category.MEMBER, Rate.Category.NON_MEMBER)
            for rate in self.rates
        ):
            # Rates for collectivités: who may take them needs the collectivité.
            self.fields["authority_name"] = copy.deepcopy(
                self.base_fields["authority_name"]
            )
            self.fields["authority_name"].required = False
            self.fields["authority_name"].label += " (facultatif)"
        if settings.audience == settings.Audience.MEMBERS:
            # Reserved to member cities: the collectivité is always asked.
            self.fields.setdefault(
                "authority_name", copy.deepcopy(self.base_fields["authority_name"])
            )
            self.fields["authority_name"].required = True
            self.fields[
                "authority_name"
            ].label = "Collectivité (nom, code postal ou code INSEE)"
        self.order_fields(
            ["first_name", "last_name", "email", "function", "authority_name"]
        )
        self.authority = None

    def clean_authority_name(self):
        text = self.cleaned_data["authority_name"]
        if not text:
            return text
        matches = list(
            LocalAuthority.objects.search(text).select_related("member")[
                : AUTHORITY_CHOICES_SHOWN + 1
            ]
        )
        exact = [match for match in matches if match.exact_name]
        if len(matches) == 1 or len(exact) == 1:
            self.authority = exact[0] if len(exact) == 1 else matches[0]
            return text
        if not matches:
            raise forms.ValidationError(
                f"Aucune commune ni intercommunalité ne correspond à « {text} ». "
                "Vérifiez l’orthographe, ou indiquez le code postal."
            )
        shown = ", ".join(
            f"{match} : {match.code}" for match in matches[:AUTHORITY_CHOICES_SHOWN]
        )
        raise forms.ValidationError(
            f"Plusieurs collectivités correspondent à « {text} » ; indiquez le "
            f"code INSEE de la vôtre ({shown}"
            + (", …" if len(matches) > AUTHORITY_CHOICES_SHOWN else "")
            + ")."
        )

    def clean(self):
        cleaned = super().clean()
        member = _member_of(self.authority)
        if (
            self.settings.audience == self.settings.Audience.MEMBERS
            and self.authority
            and member is None
        ):
            self.add_error(
                "authority_name",
                f"Cet événement est réservé aux villes adhérentes du réseau : "
                f"{self.authority} n’en fait pas partie.",
            )
        rate = cleaned.get("rate")
        if "authority_name" in self.errors:
            return cleaned  # who registers is not known yet
        code = self.settings.invitation_code
        buyer = rate_rules.Buyer(
            has_authority=self.authority is not None,
            is_member=member is not None,
            has_invitation=bool(code)
            and cleaned.get("invitation_code", "").strip().casefold()
            == code.strip().casefold(),
        )
        if "rate" in self.fields:
            # Once the collectivité is known, only the rates open to it.
            eligible = rate_rules.eligible(self.rates, buyer)
            if eligible or rate:
                self.fields["rate"].queryset = self.settings.rates.filter(
                    pk__in=[r.pk for r in eligible] + ([rate.pk] if rate else [])
                )
            if rate and rate not in eligible:
                where = str(self.authority) if self.authority else "votre organisme"
                self.add_error(
                    "rate",
                    rate_rules.refusal(rate, buyer, self.rates, where=where),
                )
                return cleaned
        if "siret" in self.fields:
            self.clean_billing(
                cleaned,
                needed=rate is not None and not rate.is_free and member is None,
                authority=self.authority,
            )
        return cleaned

    def save(self, commit=True):
        registration = super().save(commit=False)
        registration.authority = self.authority
        registration.member = _member_of(self.authority)
        registration.rate = self.cleaned_data.get("rate")
        return registration

    @property
    def chosen_days(self) -> list:
        """The days asked for; no choice (or none ticked) means all of them."""
        return list(self.cleaned_data.get("days") or self.all_days)

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class ChangeForm(_QuestionsMixin, forms.ModelForm):
    """What a registered person may change through the personal link."""

    class Meta:
        model = Registration
        fields = ["function", "accessibility_needs", "dietary_needs"]
        labels = RegistrationForm.Meta.labels
        widgets = RegistrationForm.Meta.widgets

    days = DaysField(
        label="Jours de présence",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un jour."},
    )

    def __init__(self, *args, settings: RegistrationSettings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["function"].error_messages["required"] = "Indiquez votre fonction."
        days = settings.days.all()
        if len(days) > 1:
            self.fields["days"].queryset = days
            self.fields["days"].initial = list(self.instance.days.all())
        else:
            del self.fields["days"]
        self.all_days = list(days)
        self.apply_questions(settings)

    @property
    def chosen_days(self) -> list | None:
        """The days asked for (none ticked: all of them); None when the
        question is not asked."""
        if "days" not in self.fields:
            return None
        return list(self.cleaned_data.get("days") or self.all_days)
