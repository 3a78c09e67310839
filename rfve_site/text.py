"""Text hygiene: what a person types, or pastes from a word processor, cleaned of
the invisible characters that break feeds, calendars and emails.

A soft line break pasted from a word processor arrives as a vertical tab, which
XML 1.0 forbids (the RSS feed answered 500); a line break in a title breaks an
iCalendar line or forges a line in an email. `one_line` is for titles, places,
names, subjects; `multi_line` for descriptions and messages. The model fields
below apply them at the model boundary (admin, forms, code that saves), and the
renderers (feeds, iCalendar, JSON-LD, emails) apply them again to what was
stored before."""

import re
import unicodedata

from django import forms
from django.db import models

# Unicode categories of characters that have no business in typed text:
# controls, format characters, line and paragraph separators, lone surrogates.
UNWANTED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# Format characters that text needs: soft hyphen, zero-width (non-)joiner
# (emoji sequences), word joiner.
KEPT_FORMAT = frozenset("\u00ad\u200c\u200d\u2060")
# What a multi-line value keeps as a line break (\r\n and \r are normalised
# first): vertical tab and form feed are the soft and page breaks of word
# processors, NEL and the Unicode separators are line breaks too.
LINE_BREAKS = frozenset("\n\x0b\x0c\x85\u2028\u2029")

_MARK = "\x00"  # stands for an unwanted character; itself unwanted, so unambiguous
_MARKED_RUN = re.compile(f" *{_MARK}[{_MARK} ]*")
_NEWLINES = re.compile(r"\r\n?")


def _is_noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def is_unwanted(char: str) -> bool:
    if char in KEPT_FORMAT:
        return False
    return unicodedata.category(char) in UNWANTED_CATEGORIES or _is_noncharacter(char)


def one_line(value: str) -> str:
    """One line: each run of unwanted characters (and the spaces around it)
    becomes one space; leading and trailing whitespace goes."""
    if value.isprintable():  # the common case, at C speed
        return value.strip()
    marked = "".join(_MARK if is_unwanted(char) else char for char in value)
    return _MARKED_RUN.sub(" ", marked).strip()


def multi_line(value: str) -> str:
    """Lines kept as "\\n" (whatever the line break typed), tabs kept, other
    unwanted characters dropped."""
    value = _NEWLINES.sub("\n", value)
    if value.isprintable():
        return value
    return "".join(
        "\n" if char in LINE_BREAKS else char
        for char in value
        if char == "\t" or char in LINE_BREAKS or not is_unwanted(char)
    )


# --- Model and form fields --------------------------------------------------


class OneLineFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return one_line(value) if isinstance(value, str) else value


class MultiLineFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return multi_line(value) if isinstance(value, str) else value


class _CleanedText:
    """Cleans the value in forms (the admin's included), full_clean(), fixtures,
    and whatever reaches the database through the ORM: get_prep_value() calls
    to_python(), so update() and lookups are cleaned too. Only raw SQL and
    expressions get past it."""

    cleaner = staticmethod(str)
    form_class = forms.CharField

    def to_python(self, value):
        value = super().to_python(value)
        return self.cleaner(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        # The saved instance holds what the database holds.
        value = self.to_python(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": self.form_class, **kwargs})


class OneLineField(_CleanedText, models.CharField):
    """A CharField for text typed on one line: titles, places, names, subjects."""

    cleaner = staticmethod(one_line)
    form_class = OneLineFormField


class MultiLineField(_CleanedText, models.TextField):
    """A TextField for text typed on several lines: descriptions, messages."""

    cleaner = staticmethod(multi_line)
    form_class = MultiLineFormField
