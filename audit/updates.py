"""`QuerySet.update()` writes rows without `save()`, so django-auditlog never
sees it. On every audited model it is refused (`UnloggedUpdate`); code that
must update many rows at once says so with `logged_update`, which writes one
audit entry per row first.

The audited models' querysets are given the refusal here, once the registry
is filled (audit/apps.py), rather than in each app's models: the list of
audited models lives in one place (settings.AUDITLOG_INCLUDE_TRACKING_MODELS).
Related managers (`member.calls.update()`) build their querysets from the
manager's class and are not covered: the code base has none on these models
(tests/backoffice/test_audit.py checks the source)."""

from auditlog.registry import auditlog
from django.db import models


class UnloggedUpdate(Exception):
    pass


class RefuseUpdate:
    def update(self, **kwargs):
        raise UnloggedUpdate(
            f"{self.model._meta.label}: QuerySet.update() escapes the audit "
            "trail; save() each row, or use audit.updates.logged_update()."
        )


def forbid_unlogged_updates() -> None:
    for model in auditlog.get_models():
        for manager in model._meta.managers:
            queryset_class = manager._queryset_class
            if not issubclass(queryset_class, RefuseUpdate):
                manager._queryset_class = type(
                    f"Audited{queryset_class.__name__}",
                    (RefuseUpdate, queryset_class),
                    {"__module__": queryset_class.__module__},
                )


ERASED = "(effacé)"


def logged_update(queryset, *, erase: bool = False, **values) -> int:
    """`queryset.update(**values)` with an audit entry per row saying what
    changed (the model's queryset still does its part: StampedQuerySet moves
    `updated_at`). `erase`: the values replaced are personal data being erased
    (retention periods), recorded as "(effacé)" rather than copied into the
    trail."""
    from .models import AuditEntry

    model = queryset.model
    fields = auditlog.get_model_fields(model) if auditlog.contains(model) else None
    tracked = [
        name
        for name in values
        if fields is not None
        and name not in fields["exclude_fields"]
        and (not fields["include_fields"] or name in fields["include_fields"])
    ]
    columns = {name: model._meta.get_field(name).attname for name in tracked}
    new = {
        name: value.pk if isinstance(value, models.Model) else value
        for name, value in values.items()
    }
    rows = list(queryset.only("pk", *columns.values())) if tracked else []
    for row in rows:
        changes = {
            name: [
                ERASED
                if erase and new[name] in ("", None)
                else str(getattr(row, column)),
                str(new[name]),
            ]
            for name, column in columns.items()
            if getattr(row, column) != new[name]
        }
        if changes:
            AuditEntry.objects.log_create(
                row, action=AuditEntry.Action.UPDATE, changes=changes
            )
    if isinstance(queryset, RefuseUpdate):  # the model's own update() below it
        return super(RefuseUpdate, queryset).update(**values)
    return queryset.update(**values)
