from django.urls import path

from . import views

app_name = "mailings"
urlpatterns = [
    path("", views.archive, name="letters"),
    path("inscription/", views.subscribe, name="subscribe"),
    path("inscription/envoyee/", views.subscribe_sent, name="subscribe-sent"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("desinscription/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", views.letter, name="letter"),
]
