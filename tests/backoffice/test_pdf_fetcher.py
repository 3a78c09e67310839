"""Every PDF is rendered with the fetcher that loads nothing (issue 22, §4)."""

import ast
import socket
from pathlib import Path

import pytest
from django.conf import settings

from rfve_site.pdf import write_pdf

ROOT = Path(settings.BASE_DIR)
APPS = ["association", "members", "calendar_app", "dues", "news", "registrations"]


@pytest.fixture
def no_network(monkeypatch):
    """Records every connection or name lookup instead of making it."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_a_document_referencing_another_host_makes_no_request(no_network, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { background: red }")
    html = (
        '<img src="http://example.org/x.png" alt="">'
        '<link rel="stylesheet" href="https://example.org/style.css">'
        f'<link rel="stylesheet" href="file://{secret}">'
        "<p>Texte</p>"
    )
    pdf = write_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert no_network == []


def _weasyprint_calls(path: Path) -> list[str]:
    """Where a module builds a WeasyPrint document itself."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "weasyprint"
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        if isinstance(node, ast.Import) and any(
            alias.name.startswith("weasyprint") for alias in node.names
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_renderer_goes_through_the_one_helper():
    """WeasyPrint is imported by rfve_site/pdf.py only: no renderer can fall
    back to its default fetcher (network, files)."""
    found = [
        call
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for call in _weasyprint_calls(path)
    ]
    assert found == []


def test_the_renderers_use_the_helper(monkeypatch, db):
    """The registrations' documents and the certificate reach `write_pdf`."""
    import datetime as dt

    from dues import certificates
    from registrations import documents

    used = []
    monkeypatch.setattr(certificates, "certificate_html", lambda call, today: "")
    monkeypatch.setattr(
        certificates, "write_pdf", lambda html, **kw: used.append("certificate")
    )
    monkeypatch.setattr(documents, "write_pdf", lambda html, **kw: used.append("pdf"))
    certificates.certificate_pdf(None, today=dt.date(2027, 1, 1))
    documents._pdf("registrations/documents/badges.html", {"badges": []})
    assert used == ["certificate", "pdf"]
