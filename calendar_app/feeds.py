"""RSS and Atom feeds of the upcoming events, for news readers."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from rfve_site.text import one_line

from .models import Event

FEED_SIZE = 50


class UpcomingEventsFeed(Feed):
    """Every text goes through one_line: XML 1.0 forbids control characters,
    and one stored before the fields cleaned them must not break the feed."""

    title = "Prochains rendez-vous du Réseau français des villes éducatrices"
    link = reverse_lazy("calendar:upcoming")
    description = "Réunions, groupes de travail et rencontres à venir."

    def items(self):
        return (
            Event.objects.public().upcoming().select_related("event_type")[:FEED_SIZE]
        )

    def item_title(self, event):
        flag = f"{event.status_flag} : " if event.status_flag else ""
        return one_line(f"{flag}{event.title}")

    def item_description(self, event):
        # Readers take the description as HTML: plain text is escaped.
        parts = [event.when.capitalize(), event.place, event.summary]
        return escape(one_line(" · ".join(part for part in parts if part)))

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.updated_at

    def item_categories(self, event):
        return [one_line(event.event_type.name)]

    def item_guid(self, event):
        return event.uid

    item_guid_is_permalink = False


class UpcomingEventsAtomFeed(UpcomingEventsFeed):
    feed_type = Atom1Feed
    subtitle = UpcomingEventsFeed.description
