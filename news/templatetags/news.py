"""What the network published about an event or a working group, for pages
of apps below news (the event page lives in calendar_app, which cannot
import news): `{% load news %}{% related_publications event %}`."""

from django import template
from django.utils import timezone

from rfve_site.page_cache import keep_until

register = template.Library()

RELATED_SHOWN = 10


@register.inclusion_tag("news/includes/related.html", takes_context=True)
def related_publications(context, subject):
    """Published articles and documents linked to `subject`, an Event or a
    WorkingGroup (both reached through the links' related names). Three
    queries."""
    now = timezone.now()
    request = getattr(context, "request", None)
    if request is not None:
        # A scheduled article linked to the subject appears at its time: a
        # cached copy of the page is not served past it.
        keep_until(request, subject.articles.next_publication(now))
    return {
        "articles": list(
            subject.articles.published(now).select_related("category")[:RELATED_SHOWN]
        ),
        "documents": list(subject.documents.published()),
    }
