from django import forms

from .models import ContactMessage

SEARCH_MAX_LENGTH = 200
MESSAGE_MAX_LENGTH = 5000


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Mots recherchés",
        max_length=SEARCH_MAX_LENGTH,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={
            "required": "Saisissez un ou plusieurs mots.",
            "max_length": "Cette recherche est trop longue : "
            f"{SEARCH_MAX_LENGTH} caractères au plus.",
        },
    )


class ContactForm(forms.ModelForm):
    # Honeypot: hidden from people by CSS, filled in by robots.
    website = forms.CharField(
        label="Ne pas remplir ce champ", required=False, max_length=200
    )

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "organisation", "subject", "message"]
        labels = {
            "name": "Nom et prénom",
            "email": "Courriel",
            "organisation": "Collectivité ou organisme (facultatif)",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "message": forms.Textarea(
                attrs={"rows": 8, "maxlength": MESSAGE_MAX_LENGTH}
            ),
        }

    def clean_message(self):
        message = self.cleaned_data["message"]
        if len(message) > MESSAGE_MAX_LENGTH:
            raise forms.ValidationError(
                f"Votre message dépasse {MESSAGE_MAX_LENGTH} caractères : "
                "raccourcissez-le ou joignez-nous par courriel."
            )
        return message

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))
