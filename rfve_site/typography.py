"""French typography, the one step every shown text goes through: pages (the
response's text nodes, rfve_site.middleware.french_typography), emails and
PDFs (their text or HTML, before sending or rendering).

- a narrow no-break space (U+202F) before ; : ! ? and inside « »;
- a no-break space (U+00A0) in "14 h 30" and between a figure and its unit
  or €, the figure's thousands grouped with U+202F ("3 000 €");
- a typographic apostrophe (’) between two letters ("l’élu").

Only spaces already typed are made no-break: a sign without a space before it
("14:30", "?type=") is left alone, as are URLs and email addresses written in
the text. In HTML, tags and their attributes, comments, scripts, styles, code
and form fields are copied unchanged: machine formats (JSON-LD, `datetime`
attributes, links) never change."""

import re

NNBSP = "\u202f"  # espace fine insécable
NBSP = "\u00a0"  # espace insécable

# What a writer types (not the no-break spaces). In HTML a line break is a
# space too; in plain text (an email) it stays a line break.
_BLANK = r"[ \t\r\n]"
_LINE_BLANK = r"[ \t]"
# Left whole: URLs and email addresses written in the text.
# Every run of repeatable characters (blanks, an address's local part) starts
# where the run starts (a negative lookbehind): a pattern tried at every
# position of a long run would rescan the rest of it each time, and 200,000
# blanks typed into a form would cost minutes instead of milliseconds.
_UNTOUCHED = re.compile(
    r"(?:https?://|www\.)[^\s<>«»]*[^\s<>«».,;:!?)]"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
_UNITS = r"€|%|habitants?\b|km\b|kg\b|m²|ha\b|ans\b|euros\b|places\b"


def _make_rules(blank: str) -> list:
    space = blank + "+"
    # A whole run of blanks, from its first one (see _UNTOUCHED).
    run = f"(?<!{blank}){space}"
    return [
        (re.compile(run + r"(?=[;:!?])"), NNBSP),
        (re.compile(r"«" + space), "«" + NNBSP),
        (re.compile(run + r"»"), NNBSP + "»"),
        # "14 h 30", "9 h": hours are at most two figures.
        (
            re.compile(rf"(?<![\d,])(\d{{1,2}}){space}h(?:{space}(\d\d))?\b"),
            lambda m: f"{m[1]}{NBSP}h" + (f"{NBSP}{m[2]}" if m[2] else ""),
        ),
        (re.compile(r"(?<=\d)" + space + rf"(?={_UNITS})"), NBSP),
        (re.compile(r"(?<=\w)'(?=\w)"), "’"),
    ]


_HTML_RULES = _make_rules(_BLANK)
_TEXT_RULES = _make_rules(_LINE_BLANK)
# A figure of five digits or more before its unit: "12000 €", "163684 habitants".
_LONG_FIGURE = re.compile(rf"(?<![\d,.\w])(\d{{5,}})(?=(?:,\d+)?{NBSP}(?:{_UNITS}))")


def _group(match: re.Match) -> str:
    return f"{int(match[1]):,}".replace(",", NNBSP)


def _prose(text: str, rules: list) -> str:
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return _LONG_FIGURE.sub(_group, text)


def french(text: str, *, rules: list = _TEXT_RULES) -> str:
    """Plain text (an email's body, a subject) with French typography; its
    line breaks stay where they are."""
    parts, end = [], 0
    for match in _UNTOUCHED.finditer(text):
        parts += [_prose(text[end : match.start()], rules), match[0]]
        end = match.end()
    parts.append(_prose(text[end:], rules))
    return "".join(parts)


# Elements whose content is not prose, copied as it is.
_RAW = ("script", "style", "pre", "code", "textarea", "kbd", "samp")
# One token at a time: a raw element; a run of tags, comments and blanks
# between tags (copied); or a text node, with the blanks before it (typeset:
# "<b>Lieu</b> : Lyon").
_RAW_NAMES = "|".join(_RAW)
_TOKENS = re.compile(
    rf"<(?P<raw>{_RAW_NAMES})\b.*?</(?P=raw)\s*>"
    rf"|(?:<!--.*?-->|<(?!(?:{_RAW_NAMES})\b)[^>]*>|\s+(?=<))+"
    r"|(?P<text>[^<]+)",
    re.DOTALL | re.IGNORECASE,
)
# Django escapes the apostrophe in text: read it as one.
_ESCAPED_APOSTROPHE = re.compile(r"&#x27;|&#39;|&apos;")
# Cheap test first: most text nodes have nothing to change.
_WORK = re.compile(
    rf"(?<!{_BLANK}){_BLANK}+[;:!?»]|«|\d{_BLANK}|\w(?:'|&#x27;|&#39;|&apos;)"
)


def _token(match: re.Match) -> str:
    text = match["text"]
    if text is None or not _WORK.search(text):
        return match[0]
    return french(_ESCAPED_APOSTROPHE.sub("'", text), rules=_HTML_RULES)


def french_html(html: str) -> str:
    """HTML whose text nodes follow French typography; markup unchanged."""
    return _TOKENS.sub(_token, html)


def typeset_response(response):
    """Typeset an HTML response's text once: the page cache stores pages typeset
    (and says so), so that a cached page is not typeset again on each request."""
    if (
        not getattr(response, "typeset", False)
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.has_header("Content-Encoding")
    ):
        charset = response.charset
        response.content = french_html(response.content.decode(charset)).encode(charset)
    response.typeset = True
    return response


# Elision before a vowel or a mute h ("d’Anne", "d’Hélène"); a y before a
# vowel is a consonant ("de Yacine"), before a consonant a vowel ("d’Yves").
_ELIDED = re.compile(r"[aeiouhàâäéèêëîïôöùûüœæ]|y(?![aeiouéèêàâîôû])", re.IGNORECASE)


def de(name: str) -> str:
    """The preposition "de" before a name, elided as French writes it:
    "d’Anne Vidal", "de Paul Martin"."""
    name = name.strip()
    return f"d’{name}" if _ELIDED.match(name) else f"de {name}"
