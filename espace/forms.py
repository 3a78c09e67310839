from django import forms

from members.models import Member, Person

from .models import MEMBER_FIELDS, PERSON_FIELDS


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Votre adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code reçu par courriel",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text"}
        ),
    )


class MemberRecordForm(forms.ModelForm):
    """The city's invoicing data and contacts as the member would have them:
    never saved, each changed field becomes a proposal (proposals.py)."""

    class Meta:
        model = Member
        fields = MEMBER_FIELDS


class PersonRecordForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS


class InviteForm(forms.ModelForm):
    """A colleague of the référent's city: a new person with access to confirm."""

    class Meta:
        model = Person
        fields = ["first_name", "last_name", "position", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person} ({person.email})"


class AttendeeForm(forms.Form):
    """One person of the group: one of the city's people, or typed."""

    person = PersonChoice(
        label="Personne de la ville", queryset=Person.objects.none(), required=False
    )
    first_name = forms.CharField(label="Prénom", max_length=100, required=False)
    last_name = forms.CharField(label="Nom", max_length=100, required=False)
    email = forms.EmailField(label="Courriel", required=False)
    function = forms.CharField(label="Fonction", max_length=200, required=False)

    def __init__(self, *args, people=None, rates=(), days=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            people if people is not None else Person.objects.none()
        )
        self.rates = list(rates)
        self.event_days = list(days)
        if len(self.rates) > 1:
            self.fields["rate"] = forms.ModelChoiceField(
                label="Tarif",
                queryset=self.rates[0].__class__.objects.filter(
                    pk__in=[rate.pk for rate in self.rates]
                ),
                required=False,
            )
        if len(self.event_days) > 1:
            self.fields["days"] = forms.ModelMultipleChoiceField(
                label="Jours",
                queryset=self.event_days[0].__class__.objects.filter(
                    pk__in=[day.pk for day in self.event_days]
                ),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def clean(self):
        data = super().clean()
        person = data.get("person")
        if person is not None:
            data["first_name"] = person.first_name
            data["last_name"] = person.last_name
            data["email"] = data.get("email") or person.email
            data["function"] = data.get("function") or person.position
        for name, label in (
            ("first_name", "le prénom"),
            ("last_name", "le nom"),
            ("email", "le courriel"),
        ):
            if not data.get(name) and name not in self.errors:
                self.add_error(
                    name if person is None else "person",
                    f"Indiquez {label}, ou choisissez une personne de la ville.",
                )
        if "rate" in self.fields and not data.get("rate"):
            self.add_error("rate", "Choisissez le tarif de cette personne.")
        if "days" in self.fields and not data.get("days"):
            self.add_error("days", "Choisissez au moins un jour.")
        return data

    @property
    def chosen_rate(self):
        if "rate" in self.fields:
            return self.cleaned_data["rate"]
        return self.rates[0] if self.rates else None

    @property
    def chosen_days(self):
        if "days" in self.fields:
            return list(self.cleaned_data["days"])
        return list(self.event_days)


class BaseAttendeeFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        emails = [
            form.cleaned_data["email"].lower()
            for form in self.forms
            if form.has_changed() and form.cleaned_data.get("email")
        ]
        if not emails:
            raise forms.ValidationError("Indiquez au moins une personne à inscrire.")
        if len(set(emails)) != len(emails):
            raise forms.ValidationError(
                "Une même adresse figure deux fois : chaque personne a la sienne "
                "(son lien personnel y est envoyé)."
            )


AttendeeFormSet = forms.formset_factory(
    AttendeeForm, formset=BaseAttendeeFormSet, extra=6, max_num=30, absolute_max=30
)


class GroupOrderForm(forms.Form):
    commitment_number = forms.CharField(
        label="Numéro d’engagement (bon de commande)", max_length=100, required=False
    )

    def __init__(self, *args, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment_number"].required = required
