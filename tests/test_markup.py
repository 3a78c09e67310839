"""Markdown written in the admin (rfve_site/markup.py): what it renders, and
a bound on what any text costs to render."""

import pytest

from rfve_site.markup import markdown_to_text, render_markdown
from tests.deadline import within


def test_ordinary_markdown_is_rendered():
    html = render_markdown(
        "## Programme\n\nVoir [le site](https://exemple.fr) et *la note*.\n\n"
        "- un\n- deux\n    - deux bis\n\n> cité\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert "<h2>Programme</h2>" in html
    assert '<a href="https://exemple.fr" rel="noopener noreferrer">le site</a>' in html
    assert "<em>la note</em>" in html
    assert html.count("<ul>") == 2
    assert "<blockquote>" in html
    assert "<td>1</td>" in html


N = 200_000
HOSTILE = {
    "open brackets": "[" * N,
    "open image brackets": "![" * (N // 2),
    "links without end": "[a](" * (N // 4),
    "open parentheses": "[a](" + "(" * N,
    "nested brackets": "[[]" * (N // 3),
    "emphasis": "*a" * (N // 2),
    "angle brackets": "<http://" * (N // 8),
    "escapes": "\\[" * (N // 2),
    "entities": "&" * N,
    "many links": "[a](b) *c* `d` <e> " * (N // 20),
    "one long paragraph": "mot " * (N // 4),
    "nested lists on one line": "- " * (N // 2) + "x",
    "numbered lists on one line": "1. " * (N // 3) + "x",
    "nested quotes": "> " * (N // 2) + "x",
    "indented lists": "".join("  " * i + "- x\n" for i in range(400)),
    "line breaks": "\n" * N,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_markdown_costs_time_proportional_to_its_length(text):
    with within(1.0, "Markdown"):
        render_markdown(text)


def test_a_paragraph_beyond_bounds_is_shown_as_plain_text():
    html = render_markdown("Avant [le site](https://exemple.fr).\n\n" + "[<b>" * 500)
    assert '<a href="https://exemple.fr"' in html  # the other paragraphs
    assert "[&lt;b&gt;[&lt;b&gt;" in html
    assert "<b>" not in html


@pytest.mark.django_db
def test_search_excerpts_of_hostile_markdown_are_bounded(client):
    from tests.factories import ArticleFactory

    ArticleFactory(title="Crochets", body="crochets " + "[" * 20_000)
    with within(2.0, "search"):
        response = client.get("/recherche/", {"q": "crochets"})
    assert response.status_code == 200


def test_markdown_as_plain_text_for_calendar_files():
    text = markdown_to_text(
        "## Programme\n\n- Le cadre national\n- Trois villes *témoignent*\n"
        "    - Lyon\n\n1. Accueil\n2. Débat\n\nInscription sur [le site](/agenda/), "
        "questions à [contact@villes.example](mailto:contact@villes.example) "
        "ou <https://exemple.fr>.\n\n| Heure | Quoi |\n|---|---|\n| 9 h | Accueil |\n"
        "\nFin & suite<script>alert(1)</script>",
        "https://villeseducatrices.fr",
    )
    assert text == (
        "Programme\n\n"
        "• Le cadre national\n• Trois villes témoignent\n  • Lyon\n\n"
        "1. Accueil\n2. Débat\n\n"
        "Inscription sur le site (https://villeseducatrices.fr/agenda/), questions à "
        "contact@villes.example ou https://exemple.fr.\n\n"
        "Heure – Quoi\n9 h – Accueil\n\n"
        "Fin & suite"
    )


def test_text_without_markdown_stays_as_typed():
    assert markdown_to_text("Une réunion.\nDeux lignes.  ") == (
        "Une réunion.\nDeux lignes."
    )
    assert markdown_to_text("   ") == ""


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_markdown_as_text_costs_time_proportional_to_its_length(text):
    with within(1.5, "Markdown as text"):
        markdown_to_text(text)
