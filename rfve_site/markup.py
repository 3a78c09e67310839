"""Markdown written in the admin, rendered to HTML that is safe to show, or
to plain text where no HTML is read (calendar files)."""

import re
import secrets
import threading
from functools import lru_cache
from html.parser import HTMLParser

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


_converters = threading.local()


def _converter() -> markdown.Markdown:
    """This thread's converter: building one (its extensions) costs a third
    of a short text's rendering, and a converter is not thread-safe."""
    if not hasattr(_converters, "markdown"):
        _converters.markdown = markdown.Markdown(extensions=["tables", "sane_lists"])
    return _converters.markdown


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
    html = _converter().reset().convert(_LINE_START.sub(_flatten, text))
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


class _TextWriter(HTMLParser):
    """Sanitised HTML (render_markdown's) read back as plain text: blocks
    separated by a blank line, each list item on its own line ("• " or
    "1. "), links as "text (address)", tables one row a line, emphasis and
    code marks dropped."""

    BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre",
              "table", "hr"}  # fmt: skip

    def __init__(self, base_url: str = ""):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.lists: list[list] = []  # per open list: [ordered, next number]
        self.links: list[str] = []
        self.link_start: list[int] = []
        self.cells = 0
        self.indent = ""
        self.pre = False

    def _break(self, blank: bool = False):
        text = re.sub(r"\s+", " ", "".join(self.line)).strip()
        self.line = []
        if text:
            self.blocks.append(self.indent + text)
        self.indent = ""
        if blank and self.blocks and self.blocks[-1] != "":
            self.blocks.append("")

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "pre":
            self.pre = True
        if tag in self.BLOCKS and not (tag == "p" and self.lists):
            # A loose list's item holds paragraphs: its text follows its mark.
            self._break(blank=not self.lists)
        if tag in {"ul", "ol"}:
            self.lists.append([tag == "ol", 1])
        elif tag == "li":
            self._break()
            ordered, number = self.lists[-1] if self.lists else (False, 1)
            if self.lists and ordered:
                self.lists[-1][1] += 1
            self.indent = "  " * (len(self.lists) - 1)
            self.line.append(f"{number}. " if ordered else "• ")
        elif tag == "br":
            self._break()
        elif tag == "tr":
            self._break()
            self.cells = 0
        elif tag in {"td", "th"}:
            if self.cells:
                self.line.append(" – ")
            self.cells += 1
        elif tag == "a":
            self.links.append(attributes.get("href") or "")
            self.link_start.append(len(self.line))
        elif tag == "img" and attributes.get("alt"):
            self.line.append(attributes["alt"])

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href = self.links.pop()
            start = self.link_start.pop()
            label = "".join(self.line[start:]).strip()
            if href.startswith("/") and not href.startswith("//"):
                href = self.base_url + href
            shown = href.removeprefix("mailto:").removeprefix("tel:")
            if shown and not label:
                self.line.append(shown)
            elif shown and shown != label:
                self.line.append(f" ({shown})")
        elif tag in {"ul", "ol"}:
            self._break()
            if self.lists:
                self.lists.pop()
            if not self.lists:
                self._break(blank=True)
        elif tag == "li":
            self._break()
        elif tag in self.BLOCKS:
            self.pre = self.pre and tag != "pre"
            self._break(blank=not self.lists)

    def handle_data(self, data):
        if self.pre:  # code keeps its lines
            first, *others = data.split("\n")
            self.line.append(first)
            for line in others:
                self._break()
                self.line.append(line)
            return
        self.line.append(data)

    def text(self) -> str:
        self._break()
        return "\n".join(self.blocks).strip("\n")


# Text with none of Markdown's marks reads the same rendered or not.
_MARKDOWN_FREE = re.compile(r"[^\\`*_\[\]<>#&|!~\t]*", re.DOTALL)
_BLOCK_MARK = re.compile(r"^ *(?:[-+=]|\d{1,9}[.)]| {4})", re.MULTILINE)


@lru_cache(maxsize=512)  # the feed repeats a recurring meeting's text
def markdown_to_text(text: str, base_url: str = "") -> str:
    """Markdown as plain text, for what shows no HTML (calendar files):
    rendered and sanitised as on the site, then read back as text; links
    within the site ("/agenda/") are given `base_url` in front."""
    if not text.strip():
        return ""
    if _MARKDOWN_FREE.fullmatch(text) and not _BLOCK_MARK.search(text):
        return text.strip()
    writer = _TextWriter(base_url)
    writer.feed(render_markdown(text))
    writer.close()
    return writer.text()
