from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path, register_converter

from mailings.sitemaps import SITEMAPS as LETTER_SITEMAPS
from pages import views as pages_views
from pages.models import PATH_PATTERN
from pages.sitemaps import SITEMAPS

from . import (
    converters,  # noqa: F401 - registers "year", "month" and "id"
    views,
)


class PagePathConverter:
    """Only what a page path may look like: "/ancienne-page.html" then gets
    the 404 at once instead of APPEND_SLASH's 301 to a 404."""

    regex = PATH_PATTERN.pattern

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PagePathConverter, "pagepath")


urlpatterns = [
    path("", pages_views.home, name="home"),
    path("agenda/", include("calendar_app.urls")),
    path("agenda/evenements/<slug:slug>/inscription/", include("registrations.urls")),
    path("", include("members.urls")),
    path("", include("dues.urls")),
    path("", include("news.urls")),
    path("espace/", include("espace.urls")),
    path("sante/", views.health, name="health"),
    path("sante/pret/", views.ready, name="ready"),
    path("lettre/", include("mailings.urls")),
    path("", include("pages.urls")),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {**SITEMAPS, **LETTER_SITEMAPS}},
        name="sitemap",
    ),
    path("robots.txt", pages_views.robots_txt, name="robots"),
    path(".well-known/security.txt", pages_views.security_txt, name="security-txt"),
    # Sign-in, second factor, password (django-allauth: rfve_site/accounts.py).
    path("compte/", include("allauth.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.EMAIL_PROVIDER:
    # The HTTP mail provider's delivery webhooks (outbox/webhooks.py).
    urlpatterns.append(path("anymail/", include("anymail.urls")))

if settings.DEBUG:
    # In production the reverse proxy serves MEDIA_ROOT, publications apart:
    # they are downloaded through their views (members-only ones in the
    # members' area), as deploy/nginx/rfve.conf does.
    urlpatterns += [re_path(r"^media/publications/", views.not_served)]
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Content pages (/le-reseau/adn/): last, so that it shadows no other route.

urlpatterns.append(path("<pagepath:path>/", pages_views.page_detail, name="page"))

handler400 = "rfve_site.views.bad_request"
handler500 = "rfve_site.views.server_error"
