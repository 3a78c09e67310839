"""Dates in the back office as French writes them: "1er janvier 2027".

Django's French DATE_FORMAT ("j F Y") prints "1 janvier 2027". The admin
shows a model's dates (list columns, read-only fields, a method's date)
through display_for_field and display_for_value, which the change list's
template tags and the read-only field helper import by name: `install()`
(PagesConfig.ready) gives them wrappers that print every date with
rfve_site.formats.date, so a new date column needs nothing."""

import datetime as dt

from django.contrib.admin import helpers, utils
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.utils import timezone

from rfve_site import formats

_field = utils.display_for_field
_value = utils.display_for_value


def _french(value) -> str:
    if isinstance(value, dt.datetime):
        return formats.date(timezone.template_localtime(value), "DATETIME_FORMAT")
    return formats.date(value)


def display_for_field(value, field, empty_value_display, *args, **kwargs):
    if value is not None and isinstance(field, models.DateField):
        return _french(value)  # DateTimeField is a DateField
    return _field(value, field, empty_value_display, *args, **kwargs)


def display_for_value(value, empty_value_display, *args, **kwargs):
    if isinstance(value, dt.date):
        return _french(value)
    return _value(value, empty_value_display, *args, **kwargs)


def install() -> None:
    for module in (admin_list, helpers):
        module.display_for_field = display_for_field
    admin_list.display_for_value = display_for_value
