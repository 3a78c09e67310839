from django.urls import path

from . import views

app_name = "dues"
urlpatterns = [
    path("adherer/", views.join, name="join"),
]
