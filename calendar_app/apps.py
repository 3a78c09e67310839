from django.apps import AppConfig
from django.db.models.signals import post_delete


class CalendarConfig(AppConfig):
    name = "calendar_app"
    verbose_name = "Agenda"

    def ready(self):
        from . import photos

        post_delete.connect(
            photos.delete_files_of_deleted_photo,
            sender=self.get_model("EventPhoto"),
            dispatch_uid="calendar_app.photo_files",
        )
