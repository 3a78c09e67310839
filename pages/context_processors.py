"""The header and footer of every page (chrome.py), lazily."""

from django.utils.functional import SimpleLazyObject

from .chrome import load_chrome


def site(request):
    """Lazy: a response that renders no header (a sitemap) costs nothing.
    Error pages rendered without a request (503.html) never get here."""
    return {
        "site_chrome": SimpleLazyObject(lambda: load_chrome(request)),
        # Without the query string: filters and pages are not other pages.
        "canonical_url": request.build_absolute_uri(request.path),
    }
