"""Reading HTML in tests with a real parser (the standard library's): the
source of an element, matched by tag and attributes, with its nested
elements of the same tag counted, not cut at the first closing tag."""

from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input",
    "link", "meta", "source", "track", "wbr",
}  # fmt: skip


def _matches(tag, attrs, want_tag, want) -> bool:
    if tag != want_tag:
        return False
    attrs = dict(attrs)
    for name, value in want.items():
        if name == "class":  # one of the element's classes
            if value not in (attrs.get("class") or "").split():
                return False
        elif attrs.get(name) != value:
            return False
    return True


class _Finder(HTMLParser):
    def __init__(self, source, tag, attrs):
        super().__init__(convert_charrefs=False)
        self.source, self.tag, self.attrs = source, tag, attrs
        self.line_starts = [0]
        # Lines as the parser counts them: "\n" only.
        for line in source.split("\n"):
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)
        self.found = []  # (offset, outer, inner) source of each matching element
        self.open = []  # [depth, outer start, inner start] of elements being read

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        start = self._offset()
        end = start + len(self.get_starttag_text())
        for element in self.open:
            if tag == self.tag:
                element[0] += 1
        if _matches(tag, attrs, self.tag, self.attrs):
            if tag in VOID:
                self.found.append((start, self.source[start:end], ""))
            else:
                self.open.append([1, start, end])

    def handle_startendtag(self, tag, attrs):
        start = self._offset()
        if _matches(tag, attrs, self.tag, self.attrs):
            text = self.source[start : start + len(self.get_starttag_text())]
            self.found.append((start, text, ""))

    def handle_endtag(self, tag):
        if tag != self.tag:
            return
        start = self._offset()
        end = self.source.index(">", start) + 1
        for element in list(self.open):
            element[0] -= 1
            if element[0] == 0:
                self.open.remove(element)
                _, outer, inner = element
                self.found.append(
                    (outer, self.source[outer:end], self.source[inner:start])
                )


def elements(html: str, tag: str, **attrs) -> list[tuple[str, str]]:
    """(outer, inner) HTML source of every `tag` element with these
    attributes (class_="x": one of its classes), in document order."""
    if "class_" in attrs:
        attrs["class"] = attrs.pop("class_")
    finder = _Finder(html, tag, attrs)
    finder.feed(html)
    finder.close()
    return [(o, i) for _, o, i in sorted(finder.found)]


def inner(html: str, tag: str, **attrs) -> str:
    """The content of the first such element; fails the test if there is none."""
    found = elements(html, tag, **attrs)
    assert found, f"No <{tag}> {attrs} in the page."
    return found[0][1]


def outer(html: str, tag: str, **attrs) -> str:
    """The first such element, its tags included."""
    found = elements(html, tag, **attrs)
    assert found, f"No <{tag}> {attrs} in the page."
    return found[0][0]


class _StartTags(HTMLParser):
    def __init__(self, tag):
        super().__init__()
        self.tag, self.found = tag, []

    def handle_starttag(self, tag, attrs):
        if tag == self.tag:
            self.found.append(dict(attrs))


def start_tags(html: str, tag: str) -> list[dict]:
    """The attributes of every `tag` element in this HTML, in order."""
    parser = _StartTags(tag)
    parser.feed(html)
    parser.close()
    return parser.found


def links(html: str) -> list[dict]:
    """The attributes of every <a href> in this HTML, in order."""
    return [attrs for attrs in start_tags(html, "a") if attrs.get("href") is not None]
