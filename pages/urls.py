from django.urls import path

from . import views

# The catch-all page route is declared last in rfve_site/urls.py, not here.
app_name = "pages"
urlpatterns = [
    # A city's page composes members and the agenda (its hosted events).
    path("villes/<slug:slug>/", views.city_detail, name="city"),
    path("le-reseau/gouvernance/", views.governance, name="governance"),
    path("le-reseau/groupes-de-travail/", views.working_groups, name="groups"),
    path(
        "le-reseau/groupes-de-travail/<slug:slug>/",
        views.working_group,
        name="group",
    ),
    path("le-reseau/rencontres-nationales/", views.rencontres, name="rencontres"),
    path("mentions-legales/", views.legal_notice, name="legal-notice"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("plan-du-site/", views.site_map, name="site-map"),
    path("recherche/", views.search, name="search"),
    path("contact/", views.contact, name="contact"),
    path("contact/merci/", views.contact_sent, name="contact-sent"),
]
