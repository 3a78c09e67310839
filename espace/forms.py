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
