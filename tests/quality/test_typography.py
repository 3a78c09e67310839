"""French typography on every public page (issue 13 §1): the text a visitor
reads, with the demo data, has no ordinary space before « ; : ! ? » or inside
guillemets, no long figure without its thousands separator, no straight
apostrophe. Only text is read: attributes, scripts, styles and code are the
machines' and stay as they are."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.public_pages import public_urls

# The same on any database: run once, on SQLite (.ci/run).
pytestmark = pytest.mark.engine_independent

# Where text is not French prose: scripts (JSON-LD), styles, code.
SKIPPED = {"script", "style", "pre", "code", "textarea"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input",
    "link", "meta", "source", "track", "wbr",
}  # fmt: skip

# An ordinary space or line break (\s would match the no-break ones too).
SPACE = r"[ \t\r\n]"
HITS = {
    "space before ; : ! ?": re.compile(SPACE + r"[;:!?]"),
    "space inside « »": re.compile(f"«{SPACE}|{SPACE}»"),
    "ordinary space in a time": re.compile(
        rf"\b\d{{1,2}}{SPACE}h\b|\bh{SPACE}\d{{2}}\b"
    ),
    "ordinary space before a unit": re.compile(
        rf"\d{SPACE}+(?:€|%|habitants?\b|km\b|kg\b)"
    ),
    # A figure of five digits or more, not a postcode ("75342 Paris").
    "figure without separator": re.compile(r"(?<![\w,.])\d{5,}(?![\w,.])(?!\s+[A-Z])"),
    "straight apostrophe": re.compile(r"\w'\w?"),
}


class _Text(HTMLParser):
    """The text nodes a reader sees, outside SKIPPED elements and identifiers
    (`translate="no"`: a SIRET is a code, not a figure to group)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping = []
        self.chunks = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED or ("translate", "no") in attrs:
            if tag not in VOID:
                self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    # Tags between two words do not hide a space before a sign: "<b>a</b> :".
    return "".join(parser.chunks)


def typography_hits(text: str) -> list[tuple[str, str]]:
    """(rule, the text around it) for each fault."""
    return [
        (rule, text[max(0, m.start() - 25) : m.end() + 25].replace("\n", " "))
        for rule, pattern in HITS.items()
        for m in pattern.finditer(text)
    ]


def html_pages(client) -> dict[str, str]:
    pages = {}
    for url in public_urls().values():
        response = client.get(url)
        if response["Content-Type"].startswith("text/html"):
            pages[url] = response.content.decode()
    return pages


def test_every_public_page_follows_french_typography(client, demo):
    hits = [
        (url, *hit)
        for url, html in html_pages(client).items()
        for hit in typography_hits(visible_text(html))
    ]
    print(f"typography hits: {len(hits)}")
    for hit in hits:
        print(hit)
    assert hits == []


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("Agenda : mars", ["space before ; : ! ?"]),
        ("« zzqxw »", ["space inside « »", "space inside « »"]),
        ("163684\u00a0habitants", ["figure without separator"]),
        ("l'élu", ["straight apostrophe"]),
        ("14 h 30", ["ordinary space in a time"]),
        ("3\u202f000,00 €, 12 %", ["ordinary space before a unit"] * 2),
        ("14\u00a0h\u00a030, 3\u202f000,00\u00a0€, 12\u202f%", []),
        ("Agenda\u202f: « zzqxw »", ["space inside « »", "space inside « »"]),
        ("Agenda\u202f: «\u202fzzqxw\u202f», 163\u202f684\u00a0habitants, l’élu", []),
        ("75342 Paris CEDEX 07, 2027-0001, 14:30", []),
    ],
)
def test_the_walk_finds_each_fault(text, rules):
    assert [rule for rule, _ in typography_hits(text)] == rules


TYPOGRAPHY = "rfve_site.middleware.french_typography"
# What the step must keep byte for byte in a page: tags with their
# attributes (links, `datetime`), scripts (JSON-LD), styles, code.
MACHINE_PARTS = re.compile(
    r"<(script|style|pre|code)\b.*?</\1>|<[^>]*>", re.DOTALL | re.IGNORECASE
)


def _stamped(content: bytes) -> bytes:
    """iCalendar's DTSTAMP is the time of the request."""
    return re.sub(rb"DTSTAMP:\w+", b"DTSTAMP", content)


def test_machine_formats_and_markup_are_never_touched(client, demo, settings):
    """Feeds, calendars, CSV, sitemap: the same bytes with or without the
    step; pages: the same markup, only text nodes differ."""
    urls = public_urls()
    typeset = {url: client.get(url) for url in urls.values()}
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != TYPOGRAPHY]
    changed_pages = 0
    without_step = Client()  # a new handler reads MIDDLEWARE again
    for url, response in typeset.items():
        plain = without_step.get(url)
        if response.streaming or "csrfmiddlewaretoken" in str(response.content):
            continue  # downloads (files as stored), per-visitor forms
        if not response["Content-Type"].startswith("text/html"):
            assert _stamped(response.content) == _stamped(plain.content), url
            continue
        html, plain_html = response.content.decode(), plain.content.decode()
        assert [m[0] for m in MACHINE_PARTS.finditer(html)] == [
            m[0] for m in MACHINE_PARTS.finditer(plain_html)
        ], url
        changed_pages += html != plain_html
    assert changed_pages  # the step did run on pages
