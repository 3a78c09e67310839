from django.urls import path

from . import views

app_name = "espace"
urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.sign_in, name="sign-in"),
    path("connexion/code/", views.confirm_code, name="confirm-code"),
    path("deconnexion/", views.sign_out, name="sign-out"),
    path("documents/<int:pk>/telecharger/", views.download, name="download"),
    path("attestation/<int:year>/", views.certificate, name="certificate"),
    path("fiche/", views.record, name="record"),
    path("fiche/personnes/<int:pk>/", views.person, name="person"),
    path("fiche/inviter/", views.invite, name="invite"),
    path("publications/", views.publications, name="publications"),
    path(
        "publications/<slug:slug>/telecharger/",
        views.publication_download,
        name="publication-download",
    ),
    path("inscriptions/", views.registrations, name="registrations"),
    path("inscriptions/<slug:slug>/", views.register_group, name="register-group"),
]
