from django.urls import path

from . import feeds, views

app_name = "calendar"
urlpatterns = [
    path("", views.month_calendar, name="current-month"),
    path("<int:year>/<int:month>/", views.month_calendar, name="month"),
    path("a-venir/", views.upcoming, name="upcoming"),
    path("a-venir/flux.xml", feeds.UpcomingEventsFeed(), name="rss"),
    path("a-venir/atom.xml", feeds.UpcomingEventsAtomFeed(), name="atom"),
    path("archives/<int:year>/", views.archives, name="archives"),
    path("evenements/<slug:slug>/", views.event_detail, name="event"),
    path("evenements/<slug:slug>.ics", views.event_ical, name="event-ical"),
    path("agenda.ics", views.ical_feed, name="feed"),
    path("abonnement/", views.subscribe, name="subscribe"),
]
