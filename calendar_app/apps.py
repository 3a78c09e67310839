from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "calendar_app"
    verbose_name = "Agenda"
