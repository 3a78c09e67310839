"""What every page's header and footer need: the menu pages and the
association's settings, from the cache (two queries when it is cold)."""

from django.core.cache import cache

from .models import CHROME_CACHE_KEY, Page, SiteSettings

# Changes drop the entry at once (models.py); the timeout is a safety net.
CHROME_CACHE_SECONDS = 3600


def load_chrome() -> dict:
    chrome = cache.get(CHROME_CACHE_KEY)
    if chrome is None:
        chrome = {
            "settings": SiteSettings.load(),
            "menu": [
                {"title": page.title, "url": page.get_absolute_url()}
                for page in Page.objects.in_menu().only("title", "path")
            ],
        }
        cache.set(CHROME_CACHE_KEY, chrome, CHROME_CACHE_SECONDS)
    return chrome
