from django import forms
from django.utils.http import urlencode

from members.models import WorkingGroup

from .models import EventType


class EventFilterForm(forms.Form):
    """The agenda's filters, read from the query string (?type=…&groupe=…).

    An unknown or hostile value filters nothing: the visitor sees the whole
    agenda rather than an error."""

    type = forms.ModelChoiceField(
        label="Type de rendez-vous",
        queryset=EventType.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Tous les types",
    )
    groupe = forms.ModelChoiceField(
        label="Groupe de travail",
        queryset=WorkingGroup.objects.active(),
        to_field_name="slug",
        required=False,
        empty_label="Tous les groupes",
    )

    def _selected(self) -> dict:
        if not self.is_valid():
            # Keep whichever field is valid on its own.
            return {
                name: self.cleaned_data.get(name)
                for name in self.fields
                if name not in self.errors
            }
        return self.cleaned_data

    @property
    def event_type(self) -> EventType | None:
        return self._selected().get("type")

    @property
    def group(self) -> WorkingGroup | None:
        return self._selected().get("groupe")

    def apply(self, events):
        return events.of_type(self.event_type).of_group(self.group)

    @property
    def label(self) -> str:
        """ "Audience · Groupe petite enfance", for titles and captions."""
        return " · ".join(
            str(choice) for choice in (self.event_type, self.group) if choice
        )

    @property
    def canonical(self) -> dict:
        """The filters as the site's links spell them (page_cache.canonical_query)."""
        return {
            "type": self.event_type and self.event_type.slug,
            "groupe": self.group and self.group.slug,
        }

    @property
    def query_string(self) -> str:
        """ "?type=…&groupe=…" to keep the filters across links, or ""."""
        params = {
            name: choice.slug
            for name, choice in (("type", self.event_type), ("groupe", self.group))
            if choice
        }
        return "?" + urlencode(params) if params else ""
