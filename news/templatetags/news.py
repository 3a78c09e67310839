"""What the network published about an event or a working group, for pages
of apps below news (the event page lives in calendar_app, which cannot
import news): `{% load news %}{% related_publications event %}`."""

from django import template

register = template.Library()

RELATED_SHOWN = 10


@register.inclusion_tag("news/includes/related.html")
def related_publications(subject):
    """Published articles and documents linked to `subject`, an Event or a
    WorkingGroup (both reached through the links' related names). Two
    queries."""
    return {
        "articles": list(
            subject.articles.published().select_related("category")[:RELATED_SHOWN]
        ),
        "documents": list(subject.documents.published()),
    }
