"""Mounted under the event's address: /agenda/evenements/<slug>/inscription/."""

from django.urls import path

from . import views

app_name = "registrations"
urlpatterns = [
    path("", views.register, name="register"),
    path(
        "confirmee/",
        views.done,
        {"template": "registrations/done.html"},
        name="done",
    ),
    path(
        "liste-attente/",
        views.done,
        {"template": "registrations/waiting.html"},
        name="waiting",
    ),
    path("<str:token>/", views.manage, name="manage"),
]
