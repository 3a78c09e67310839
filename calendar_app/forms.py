from django import forms

from .models import EventType


class EventFilterForm(forms.Form):
    """The agenda's filters, read from the query string (?type=<slug>)."""

    type = forms.ModelChoiceField(
        label="Type de rendez-vous",
        queryset=EventType.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Tous les types",
    )

    def selected_type(self) -> EventType | None:
        """The chosen type; an unknown or hostile value filters nothing."""
        return self.cleaned_data["type"] if self.is_valid() else None
