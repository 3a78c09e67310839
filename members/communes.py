"""The official list of communes and EPCI: name normalisation for search, the
compact file shipped with the project, and loading it into LocalAuthority."""

import csv
import functools
import gzip
import io
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

# The Unicode blocks of combining marks (accents once decomposed). A regular
# expression, not a loop over characters: the site search runs this on
# every event's text (pages/search.py).
COMBINING_MARKS = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)
NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]+")


def normalise_name(name: str) -> str:
    """ "Saint-Étienne" → "saint etienne": what people type, without accents."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = COMBINING_MARKS.sub("", decomposed).replace("œ", "oe").replace("æ", "ae")
    return NOT_LETTER_OR_DIGIT.sub(" ", plain).strip()


# ---------------------------------------------------------------------------
# The compact reference file shipped with the project
# ---------------------------------------------------------------------------

# Built by `manage.py build_communes` from @etalab/decoupage-administratif,
# loaded by `manage.py load_communes` (and by `make run`).
DATA_FILE = Path(__file__).resolve().parent / "data" / "collectivites.csv.gz"

# Columns of the file: LocalAuthority's fields, search_name aside (computed).
COLUMNS = [
    "kind",
    "code",
    "name",
    "department_code",
    "department_name",
    "region_code",
    "region_name",
    "postcodes",
    "siren",
    "population",
    "population_year",
]
NUMBER_COLUMNS = {"population", "population_year"}


def write_rows(path: Path, rows: Iterable[dict]) -> None:
    """The compact file: gzip CSV, byte for byte the same for the same rows."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(
        buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)  # None is written as an empty field
    path.parent.mkdir(parents=True, exist_ok=True)
    # No file name or timestamp in the gzip header: rebuilding gives the same file.
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0
        ) as compressed,
    ):
        compressed.write(buffer.getvalue().encode())


def read_rows(path: Path = DATA_FILE) -> list[dict]:
    """Rows of the compact file, numbers as int (or None), texts as str."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        if reader.fieldnames != COLUMNS:
            raise ValueError(f"{path}: unexpected columns {reader.fieldnames}")
        return [
            {column: _typed(column, text) for column, text in row.items()}
            for row in reader
        ]


@functools.lru_cache(maxsize=1)
def _rows_by_code(path: Path) -> dict[str, dict]:
    """The file's rows by code, parsed once per process: the demo data (and so
    the test suite) asks for a few codes many times. Callers copy the rows."""
    return {row["code"]: row for row in read_rows(path)}


def _typed(column: str, text: str) -> str | int | None:
    if column in NUMBER_COLUMNS:
        return int(text) if text else None
    return text


# ---------------------------------------------------------------------------
# Loading the file into LocalAuthority
# ---------------------------------------------------------------------------


@dataclass
class LoadSummary:
    in_file: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    kept: int = 0  # gone from the file, but still referenced (by a member…)

    def __str__(self):
        text = (
            f"{self.in_file} communes and EPCI in the file: {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deleted} deleted"
        )
        if self.kept:
            text += f", {self.kept} no longer official but kept (still referenced)"
        return text + "."


def load_reference(
    path: Path = DATA_FILE, *, only_codes: Collection[str] | None = None
) -> LoadSummary:
    """Upsert the file's rows into LocalAuthority, writing only what changed.

    With only_codes, load just these rows and delete nothing. Otherwise,
    authorities that left the file are deleted unless something refers to them
    (Member.authority is PROTECT). Call it inside a transaction."""
    from .models import LocalAuthority  # this module stays importable by models.py

    if only_codes is not None:
        index = _rows_by_code(path)
        rows = [dict(index[code]) for code in set(only_codes) if code in index]
    else:
        rows = read_rows(path)
    for row in rows:
        row["search_name"] = normalise_name(row["name"])

    fields = ["code", *(column for column in COLUMNS if column != "code")]
    fields.append("search_name")
    in_database = {
        values[0]: values
        for values in LocalAuthority.objects.values_list(*fields).iterator(
            chunk_size=5000
        )
    }
    changed = [
        row
        for row in rows
        if in_database.get(row["code"]) != tuple(row[field] for field in fields)
    ]
    summary = LoadSummary(in_file=len(rows))
    summary.created = sum(1 for row in changed if row["code"] not in in_database)
    summary.updated = len(changed) - summary.created
    summary.unchanged = len(rows) - len(changed)
    LocalAuthority.objects.bulk_create(
        [LocalAuthority(**row) for row in changed],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["code"],
        # updated_at: auto_now is set on insert only, not on a conflict's update.
        update_fields=[*(field for field in fields if field != "code"), "updated_at"],
    )

    if only_codes is None:
        gone = sorted(set(in_database) - {row["code"] for row in rows})
        unreferenced = {
            f"{relation.name}__isnull": True
            for relation in LocalAuthority._meta.related_objects
        }
        for start in range(0, len(gone), 500):
            chunk = gone[start : start + 500]
            deleted, _ = LocalAuthority.objects.filter(
                code__in=chunk, **unreferenced
            ).delete()
            summary.deleted += deleted
        summary.kept = len(gone) - summary.deleted
    return summary


def ensure_authorities(codes: Collection[str]) -> dict:
    """The authorities with these codes, loaded from the shipped file when
    missing (a fresh database): {code: LocalAuthority}. Unknown codes are left
    out."""
    from .models import LocalAuthority

    found = LocalAuthority.objects.in_bulk(codes, field_name="code")
    missing = set(codes) - set(found)
    if missing:
        load_reference(only_codes=missing)
        found = LocalAuthority.objects.in_bulk(codes, field_name="code")
    return found
