from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

admin.site.site_header = "RFVE · gestion du site"
admin.site.site_title = "RFVE · gestion"
admin.site.index_title = "Tableau de bord"

urlpatterns = [
    # Until the home page exists, the agenda is the front page.
    path("", RedirectView.as_view(pattern_name="calendar:current-month"), name="home"),
    path("agenda/", include("calendar_app.urls")),
    path("", include("members.urls")),
    path("sante/", views.health, name="health"),
    path("sante/pret/", views.ready, name="ready"),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.DEBUG:
    # In production the reverse proxy serves MEDIA_ROOT.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "rfve_site.views.server_error"
