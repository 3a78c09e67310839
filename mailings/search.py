"""The letters of the archive in the site search (pages.search reads it
through MailingsConfig.site_search): their stored search document is built
by migration 0001 (rfve_site/fulltext.py)."""

from dataclasses import dataclass

from rfve_site.fulltext import matching

from .models import Mailing


@dataclass
class Found:
    title: str
    url: str
    markdown: str  # the text, shown as an excerpt
    detail: str
    when: object


LABEL = "Lettres d’information"


def letter_hits(query: str, words: list[str], limit: int):
    """("letters", label, the letters found, whether there are more)."""
    letters = list(
        matching(
            Mailing.objects.archived_letters().only(
                "subject", "slug", "body", "started_at"
            ),
            query,
            words,
            title="subject",
            order=["-started_at"],
        )[: limit + 1]
    )
    found = [
        Found(
            letter.subject,
            letter.get_absolute_url(),
            letter.body,
            "Lettre d’information",
            letter.started_at,
        )
        for letter in letters[:limit]
    ]
    return "letters", LABEL, found, len(letters) > limit
