from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("villes/", views.city_list, name="cities"),
]
