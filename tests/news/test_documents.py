"""Issue 14, §3: documents checked from their content, served with their real
type and name, French sizes, accessible versions."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from news import files
from news.files import detect_format, french_size
from news.models import Document
from tests.factories import PDF_BYTES, DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


ODT = _zip(
    [("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")]
)
ODS = _zip(
    [
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", b"<x/>"),
    ]
)
DOCX = _zip([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>")])
XLSX = _zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<x/>")])


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("texte.pdf", PDF_BYTES, "pdf"),
        ("statuts.odt", ODT, "odt"),
        ("bareme.ods", ODS, "ods"),
        ("deliberation.docx", DOCX, "docx"),
        ("bareme.xlsx", XLSX, "xlsx"),
        ("mal-nomme.docx", PDF_BYTES, "pdf"),  # the content decides
    ],
)
def test_accepted_formats_are_read_from_the_content(name, content, expected):
    assert detect_format(SimpleUploadedFile(name, content)) == expected


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("manifeste.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "pas un document accepté"),
        ("texte.pdf", b"<!doctype html><script>alert(1)</script>", "pas un document"),
        ("texte.pdf", b"", "vide"),
        ("archive.docx", _zip([("virus.exe", b"MZ")]), "pas un document accepté"),
        ("faux.odt", _zip([("mimetype", b"text/html")]), "pas un document accepté"),
        (
            "macro.docx",
            _zip(
                [
                    ("[Content_Types].xml", b"<Types macroEnabled/>"),
                    ("word/document.xml", b"<w/>"),
                ]
            ),
            "macros",
        ),
        ("casse.docx", b"PK\x03\x04 not really a zip", "pas un document accepté"),
    ],
)
def test_refused_by_content_with_a_french_message(name, content, message):
    with pytest.raises(ValidationError, match=message):
        detect_format(SimpleUploadedFile(name, content))


def test_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_DOCUMENT_BYTES", 1000)
    with pytest.raises(ValidationError, match="trop lourd"):
        detect_format(SimpleUploadedFile("gros.pdf", PDF_BYTES + b" " * 1000))


def test_admin_refuses_an_html_page_named_pdf(admin_client):
    response = admin_client.post(
        reverse("admin:news_document_add"),
        {
            "title": "Manifeste",
            "slug": "manifeste",
            "kind": Document.Kind.MANIFESTO,
            "date": "27/02/2020",
            "file": SimpleUploadedFile("manifeste.pdf", b"<html><body>x</body></html>"),
        },
    )
    assert response.status_code == 200
    assert "pas un document accepté" in response.content.decode()
    assert not Document.objects.exists()


def test_stored_under_the_slug_and_the_real_extension(admin_client):
    response = admin_client.post(
        reverse("admin:news_document_add"),
        {
            "title": "Barème voté 2027",
            "slug": "bareme-2027",
            "kind": Document.Kind.DUES_SCALE,
            "date": "24/09/2026",
            "file": SimpleUploadedFile("Barème FINAL (2).pdf", XLSX),
            "is_published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    document = Document.objects.get()
    assert document.file.name == "publications/bareme-2027.xlsx"
    assert (document.file_format, document.file_size) == ("xlsx", len(XLSX))


def test_download_has_real_type_nosniff_and_french_file_name(client):
    document = DocumentFactory(title="Texte d’orientation : municipales 2026")
    response = client.get(document.get_download_url())
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''"
        "Texte%20d%E2%80%99orientation%20municipales%202026.pdf"
    )
    assert b"".join(response.streaming_content) == PDF_BYTES
    last_modified = response["Last-Modified"]
    again = client.get(
        document.get_download_url(), HTTP_IF_MODIFIED_SINCE=last_modified
    )
    assert again.status_code == 304


def test_unpublished_documents_are_not_public(client):
    document = DocumentFactory(title="Projet de statuts", is_published=False)
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(document.get_download_url()).status_code == 404
    assert (
        "Projet de statuts"
        not in client.get(reverse("news:documents")).content.decode()
    )
    assert (
        document.get_absolute_url() not in client.get("/sitemap.xml").content.decode()
    )


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (800, "800 octets"),
        (4662, "4,6\u00a0Ko"),
        (1_258_291, "1,2\u00a0Mo"),
        (20 * 1024 * 1024, "20\u00a0Mo"),
        (150 * 1024, "150\u00a0Ko"),
    ],
)
def test_french_sizes(size, text):
    assert french_size(size) == text


def test_document_page_shows_format_size_and_accessible_version(client):
    document = DocumentFactory(
        title="Manifeste 2030",
        body="## Nos engagements\n\nUn accueil de qualité.<script>x</script>",
    )
    page = client.get(document.get_absolute_url()).content.decode()
    assert f"(PDF, {french_size(len(PDF_BYTES))})" in page
    assert "<h2>Nos engagements</h2>" in page and "<script>x" not in page
    assert document.get_download_url() in page


def test_list_filters_by_kind(client):
    DocumentFactory(title="Manifeste 2030", kind=Document.Kind.MANIFESTO)
    DocumentFactory(title="Statuts", kind=Document.Kind.STATUTES)
    page = client.get(reverse("news:documents"), {"type": "manifeste"})
    assert "Manifeste 2030" in page.content.decode()
    assert "Statuts</a>" not in page.content.decode()
    hostile = client.get(reverse("news:documents"), {"type": "<script>"})
    assert hostile.status_code == 200 and "Statuts</a>" in hostile.content.decode()
