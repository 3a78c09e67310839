"""Documents to download (PDF, ODT, DOCX, ODS, XLSX): their real type read
from their content, never from their name, and their size in French."""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# The largest [Content_Types].xml or mimetype entry read from an archive.
MAX_ENTRY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FileFormat:
    extension: str
    label: str  # what a visitor reads: "PDF"
    content_type: str


FORMATS = {
    fmt.extension: fmt
    for fmt in [
        FileFormat("pdf", "PDF", "application/pdf"),
        FileFormat("odt", "ODT", "application/vnd.oasis.opendocument.text"),
        FileFormat("ods", "ODS", "application/vnd.oasis.opendocument.spreadsheet"),
        FileFormat(
            "docx",
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileFormat(
            "xlsx",
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ]
}
ODF_TYPES = {FORMATS[ext].content_type: ext for ext in ("odt", "ods")}
# The folder of the main part of an Office Open XML file.
OOXML_PARTS = {"word/": "docx", "xl/": "xlsx"}
ACCEPTED = "PDF, ODT, DOCX, ODS ou XLSX"


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def _zip_format(upload) -> str | None:
    """ODF: the first entry is `mimetype`, naming the type; Office Open XML:
    `[Content_Types].xml` and a `word/` or `xl/` part. Macro-enabled files
    (.docm, .xlsm, disguised) are refused."""
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            names = [entry.filename for entry in entries]
            if names and names[0] == "mimetype" and entries[0].file_size < 200:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return ODF_TYPES.get(mimetype)
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > MAX_ENTRY_BYTES:
                    return None
                types = archive.read(info).decode("utf-8", "replace")
                if "macroEnabled" in types or "vbaProject" in types:
                    _refuse(
                        "Les fichiers contenant des macros sont refusés : "
                        "enregistrez-le sans macros (DOCX ou XLSX).",
                        "document_macros",
                    )
                found = {
                    ext
                    for prefix, ext in OOXML_PARTS.items()
                    if any(name.startswith(prefix) for name in names)
                }
                return found.pop() if len(found) == 1 else None
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    return None


def detect_format(upload) -> str:
    """The extension of the document's real type, or a French ValidationError:
    a renamed executable or an HTML page named `.pdf` is refused."""
    size = upload.size
    if size > MAX_DOCUMENT_BYTES:
        _refuse(
            f"Fichier trop lourd ({french_size(size)}) : "
            f"{french_size(MAX_DOCUMENT_BYTES)} au maximum.",
            "document_too_large",
        )
    if size == 0:
        _refuse("Ce fichier est vide.", "document_empty")
    upload.seek(0)
    try:
        head = upload.read(8)
        upload.seek(0)
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head.startswith(b"PK\x03\x04"):
            found = _zip_format(upload)
            if found:
                return found
    finally:
        upload.seek(0)
    _refuse(
        f"Ce fichier n’est pas un document accepté (format lu dans son contenu, "
        f"pas dans son nom). Formats acceptés : {ACCEPTED}.",
        "document_format",
    )


def validate_document(upload):
    detect_format(upload)


def french_size(size: int) -> str:
    """ "1,2 Mo", "340 Ko", "812 octets"."""
    if size < 1024:
        return f"{size} octet{'s' if size > 1 else ''}"
    for unit in ("Ko", "Mo", "Go"):
        size /= 1024
        if size < 1024 or unit == "Go":
            break
    text = f"{size:.0f}" if size >= 100 else f"{size:.1f}".removesuffix(".0")
    return f"{text.replace('.', ',')}\u00a0{unit}"
