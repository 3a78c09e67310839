from django.urls import path, re_path

from . import feeds, views

app_name = "calendar"
urlpatterns = [
    path("", views.month_calendar, name="current-month"),
    path("<year:year>/<month:month>/", views.month_calendar, name="month"),
    # `/agenda/2027/1/` and other spellings of a month: 301 to its one address.
    re_path(r"^(?P<year>[0-9]{1,6})/(?P<month>[0-9]{1,3})/$", views.month_redirect),
    path("a-venir/", views.upcoming, name="upcoming"),
    path("a-venir/flux.xml", feeds.UpcomingEventsFeed(), name="rss"),
    path("a-venir/atom.xml", feeds.UpcomingEventsAtomFeed(), name="atom"),
    path("archives/<year:year>/", views.archives, name="archives"),
    path("evenements/<slug:slug>/", views.event_detail, name="event"),
    path("evenements/<slug:slug>.ics", views.event_ical, name="event-ical"),
    path("agenda.ics", views.ical_feed, name="feed"),
    path("abonnement/", views.subscribe, name="subscribe"),
]
