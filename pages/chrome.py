"""What every page's header and footer need: the menu pages and the
association's settings, cached under the version of their tables (one query
when the cache is warm, three when it is cold)."""

from association.models import SiteSettings
from rfve_site.data_version import cached

from .models import Page

# Also part of every cached page's key (rfve_site/page_cache.py, pages/apps.py).
CHROME_MODELS = [Page, SiteSettings]


def _build_chrome() -> dict:
    return {
        "settings": SiteSettings.load(),
        "menu": [
            {"title": page.title, "url": page.get_absolute_url()}
            for page in Page.objects.in_menu().only("title", "path")
        ],
    }


def load_chrome(request) -> dict:
    """Once per request: a view and the templates may both need it."""
    if not hasattr(request, "_site_chrome"):
        request._site_chrome = cached("pages:chrome", CHROME_MODELS, _build_chrome)
    return request._site_chrome
