"""Markdown written in the admin, rendered to HTML that is safe to show."""

import re
import secrets

import markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "img", "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope"},
}

# Python-Markdown's inline step costs time quadratic in what a paragraph
# holds: it looks for the end of a link from every "[" (and of its address
# from every "(") up to the matching bracket or the paragraph's end, and
# rebuilds the paragraph's text after each element it finds ("[" × 5,000:
# seconds). Lists or quotes nested hundreds deep exhaust Python's recursion
# limit. No real text comes near these bounds: a paragraph beyond them is
# shown as the plain text it is (escaped, line breaks kept), and indentation
# and quote or list markers stop at a depth the layout never uses.
MAX_NESTING = 8
MAX_MARKS = 300  # characters with an inline meaning, in one paragraph
MAX_PARAGRAPH = 20_000  # characters
MAX_INDENT = 4 * MAX_NESTING  # columns (a nesting level is 4)
_MARKS = re.compile(r"[\[\]()<>*_`&!\\~]")
_PARAGRAPHS = re.compile(r"(\n[ \t]*\n)")
_LINE_START = re.compile(r"^(?:[ \t>]|[-*+][ \t]|\d{1,9}[.)][ \t])*", re.MULTILINE)
_MARKERS = re.compile(r">|[-*+][ \t]|\d{1,9}[.)][ \t]")


def _too_nested(paragraph: str) -> bool:
    depth = {"[": 0, "(": 0}
    for char in paragraph:
        if char in depth:
            depth[char] += 1
            if depth[char] > MAX_NESTING:
                return True
        elif char == "]" and depth["["]:
            depth["["] -= 1
        elif char == ")" and depth["("]:
            depth["("] -= 1
    return False


def _beyond_bounds(paragraph: str) -> bool:
    return (
        len(paragraph) > MAX_PARAGRAPH
        or len(_MARKS.findall(paragraph)) > MAX_MARKS
        or _too_nested(paragraph)
    )


def _flatten(match: re.Match) -> str:
    lead = match[0]
    columns = len(lead.expandtabs(4))
    if columns <= MAX_INDENT and len(_MARKERS.findall(lead)) <= MAX_NESTING:
        return lead
    return ""  # the line as plain text


def _plain(paragraph: str) -> str:
    return "<br>".join(escape(line) for line in paragraph.strip().splitlines())


def _render(text: str) -> str:
    plain = {}
    parts = _PARAGRAPHS.split(text)
    if any(_beyond_bounds(part) for part in parts):
        nonce = secrets.token_hex(8)
        for index, part in enumerate(parts):
            if _beyond_bounds(part):
                token = f"rfveplain{nonce}n{index}"
                plain[token] = _plain(part)
                parts[index] = token
        text = "".join(parts)
    html = markdown.markdown(
        _LINE_START.sub(_flatten, text), extensions=["tables", "sane_lists"]
    )
    for token, paragraph in plain.items():
        html = html.replace(token, paragraph)
    return html


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML; nh3 removes scripts, event handlers and javascript: URLs."""
    html = _render(text)
    return mark_safe(  # noqa: S308 - sanitised just above
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel="noopener noreferrer",
        )
    )
