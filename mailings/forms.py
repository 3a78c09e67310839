from django import forms

from .models import Topic


class TopicsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, topic):
        return (
            f"{topic.name} : {topic.description}" if topic.description else topic.name
        )


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Votre courriel",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Cette adresse électronique n’est pas valide "
            "(exemple : prenom.nom@ville.fr).",
        },
    )
    topics = TopicsField(
        label="Thèmes",
        queryset=Topic.objects.all(),
        error_messages={
            "required": "Choisissez au moins un thème.",
            "invalid_choice": "Ce thème n’existe pas.",
            "invalid_pk_value": "Ce thème n’existe pas.",
        },
    )
    # Honeypot: hidden from people by CSS, filled in by robots.
    website = forms.CharField(
        label="Ne pas remplir ce champ", required=False, max_length=200
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class PreferencesForm(forms.Form):
    topics = TopicsField(
        label="Thèmes reçus",
        queryset=Topic.objects.all(),
        required=False,
        error_messages={
            "invalid_choice": "Ce thème n’existe pas.",
            "invalid_pk_value": "Ce thème n’existe pas.",
        },
    )
