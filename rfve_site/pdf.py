"""Every PDF the site makes goes through `write_pdf`: WeasyPrint with a URL
fetcher that loads nothing (no file, no network). A document is its own HTML
with inline CSS and system fonts; a name or a text typed by someone that
smuggled an `<img src="http://…">` or a `file:///etc/passwd` into it would
otherwise make the server fetch it. Also spares the default fetcher's TLS
set-up, a tenth of a rendering."""

from urllib import request


def no_fetch():
    """A WeasyPrint URL fetcher that refuses every URL (logged by WeasyPrint
    as a resource it could not load, the rendering goes on without it)."""
    from weasyprint.urls import URLFetcher  # slow to import: only when rendering

    class NoFetch(URLFetcher):
        def __init__(self):  # no handlers, no TLS context
            request.OpenerDirector.__init__(self)
            self._fail_on_errors = False

        def fetch(self, url, headers=None):
            raise ValueError(f"A document of the site loads no resource: {url}")

    return NoFetch()


def write_pdf(html: str, **options) -> bytes:
    """The PDF of `html` (options go to WeasyPrint's `write_pdf`, e.g.
    `pdf_variant="pdf/a-3b"`)."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=no_fetch()).write_pdf(**options)
