"""Issue 13 §1: one inclusive wording, accented capitals, demo titles with
French apostrophes and dashes, fictional demo people."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from calendar_app.demo import FEBRUARY_2023
from calendar_app.models import Event
from members.models import Person
from news.models import Article, Document
from pages.models import Page

# The same on any database: run once, on SQLite (.ci/run).
pytestmark = pytest.mark.engine_independent

BASE = Path(settings.BASE_DIR)
# Inclusive writing with a middle dot ("élu·e", "élu·es"); a "·" between
# spaces stays a separator ("Audience · En ligne").
MIDDLE_DOT_WORD = re.compile(r"\w·\w")
# A capital that lost its accent: "A quitté", "Etat", "Education".
UNACCENTED_CAPITAL = re.compile(
    r"(?:^|[.!?]\s|\")A (?=[a-zéèà])|\bE(?:tat|cole|ducation|lu)"
)


def _sources():
    for folder in ("templates", *(c.label for c in _project_apps())):
        for path in (BASE / folder).rglob("*"):
            if (
                path.suffix in {".html", ".txt", ".py"}
                and "migrations" not in path.parts
            ):
                yield path


def _project_apps():
    return [c for c in apps.get_app_configs() if Path(c.path).parent == BASE]


def test_no_middle_dot_inside_a_word():
    found = [
        f"{path.relative_to(BASE)}: {match[0]}"
        for path in _sources()
        for match in MIDDLE_DOT_WORD.finditer(path.read_text())
    ]
    assert found == []


def _labels():
    for config in _project_apps():
        for model in config.get_models():
            yield str(model._meta.verbose_name)
            for field in model._meta.get_fields():
                yield str(getattr(field, "verbose_name", ""))
                for _value, label in getattr(field, "choices", None) or []:
                    yield str(label)


def test_capitals_keep_their_accents():
    labels = [label for label in _labels() if UNACCENTED_CAPITAL.search(label)]
    assert labels == []
    assert "À quitté le réseau" in list(_labels())


@pytest.mark.django_db
def test_demo_titles_use_french_apostrophes_and_dashes(demo):
    titles = [
        *Event.objects.values_list("title", flat=True),
        *Article.objects.values_list("title", flat=True),
        *Document.objects.values_list("title", flat=True),
        *Page.objects.values_list("title", flat=True),
    ]
    assert [title for title in titles if "'" in title or " - " in title] == []
    assert "Rencontre avec le cabinet d’Olivier Klein" in titles


@pytest.mark.django_db
def test_demo_gives_no_role_to_a_real_person(demo):
    """Real people appear only in the original site's event titles."""
    seed_titles = " ".join(title for _start, _end, title, _type in FEBRUARY_2023)
    real = [
        str(person) for person in Person.objects.all() if str(person) in seed_titles
    ]
    assert real == []
    assert not Person.objects.filter(last_name="Laithier").exists()
