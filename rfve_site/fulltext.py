"""Full-text search on both databases, shared by the apps: each searched table
holds a stored, indexed search document that a migration builds
(`SearchIndex.operation()`), and `matching()` is the one place that reads it.

- PostgreSQL: a generated column `search_vector` (the title weighted A, the
  other text fields B, French stemming after unaccent: the `french_unaccent`
  configuration) with a GIN index; a websearch query, ranked with ts_rank on
  the stored column. PostgreSQL computes the column on every write.
- SQLite: an FTS5 table `<table>_fts` (title, text) whose unicode61 tokenizer
  drops accents and case, kept in step by triggers, so that save(), update(),
  bulk_create(), delete() and fixtures all reach it. Every word of the query
  must start a word of the row ("educ" finds "Éducation"); rows whose title
  holds every word come first.

Neither the column nor the FTS table is a model field: the ORM never loads
them with the rows. On SQLite, a migration that rebuilds an indexed table
(some AlterField do) drops its triggers: tests/pages/test_search.py checks
that every index is complete after all migrations."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, migrations
from django.db.models import Case, F, Func, QuerySet, Value, When
from django.db.models.expressions import RawSQL

# French stemming after unaccent: "éducatives" finds "Education".
SEARCH_CONFIG = "french_unaccent"

# Idempotent: databases migrated before calendar_app 0006 already have it
# (pages 0003 created it then). unaccent is a trusted extension since
# PostgreSQL 13: the database's owner may create it without superuser rights.
CREATE_CONFIGURATION = f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_ts_config WHERE cfgname = '{SEARCH_CONFIG}') THEN
    CREATE TEXT SEARCH CONFIGURATION {SEARCH_CONFIG} (COPY = french);
    ALTER TEXT SEARCH CONFIGURATION {SEARCH_CONFIG}
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
  END IF;
END $$;
"""

VECTOR_COLUMN = "search_vector"  # PostgreSQL
FTS_SUFFIX = "_fts"  # SQLite: the FTS5 table of `<table>`
FTS_TOKENIZER = "unicode61 remove_diacritics 2"
# What unicode61 does not fold but the query's words do (members.communes.
# normalise_name): "oeuvre" finds "Œuvre".
LIGATURES = [("œ", "oe"), ("Œ", "OE"), ("æ", "ae"), ("Æ", "AE")]


@dataclass(frozen=True)
class SearchIndex:
    """The search document of a table: its title column and its other text
    columns. A migration of the app that owns the table runs `operation()`;
    running it again (after a migration that rebuilt the table on SQLite)
    recreates what is missing and refills the index."""

    table: str
    title: str
    text: Sequence[str]

    def operation(self) -> migrations.RunPython:
        return migrations.RunPython(self._create, self._drop)

    def _create(self, apps, schema_editor):
        for statement in self.statements(schema_editor.connection.vendor):
            schema_editor.execute(statement)

    def statements(self, vendor: str) -> list[str]:
        return {"postgresql": self.postgresql, "sqlite": self.sqlite}[vendor]()

    def _drop(self, apps, schema_editor):
        table, fts = self.table, self.table + FTS_SUFFIX
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{table}_search"')
            schema_editor.execute(
                f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS {VECTOR_COLUMN}'
            )
        else:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{fts}_{event}"')
            schema_editor.execute(f'DROP TABLE IF EXISTS "{fts}"')

    def postgresql(self) -> list[str]:
        """The very vector that Django's SearchVector(title, weight="A") +
        SearchVector(*text, weight="B") builds, stored."""

        def vector(columns: Sequence[str], weight: str) -> str:
            text = " || ' ' || ".join(f"COALESCE(\"{c}\", '')" for c in columns)
            config = f"'{SEARCH_CONFIG}'::regconfig"
            return f"setweight(to_tsvector({config}, {text}), '{weight}')"

        document = f"{vector([self.title], 'A')} || {vector(self.text, 'B')}"
        return [
            CREATE_CONFIGURATION,
            f'ALTER TABLE "{self.table}" ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} '
            f"tsvector GENERATED ALWAYS AS ({document}) STORED",
            f'CREATE INDEX IF NOT EXISTS "{self.table}_search" ON "{self.table}" '
            f"USING GIN ({VECTOR_COLUMN})",
        ]

    def sqlite(self) -> list[str]:
        table, fts = self.table, self.table + FTS_SUFFIX

        def folded(columns: Sequence[str], row: str) -> str:
            text = " || ' ' || ".join(f"COALESCE({row}.\"{c}\", '')" for c in columns)
            for ligature, letters in LIGATURES:
                text = f"replace({text}, '{ligature}', '{letters}')"
            return text

        def values(row: str) -> str:
            return f"{folded([self.title], row)}, {folded(self.text, row)}"

        columns = ", ".join(f'"{c}"' for c in [self.title, *self.text])
        trigger = f'CREATE TRIGGER IF NOT EXISTS "{fts}'
        refresh = (
            f'DELETE FROM "{fts}" WHERE rowid = new.id; '
            f'INSERT INTO "{fts}" (rowid, title, text) '
            f"VALUES (new.id, {values('new')})"
        )
        return [
            f'CREATE VIRTUAL TABLE IF NOT EXISTS "{fts}" USING fts5(title, text, '
            f"tokenize = '{FTS_TOKENIZER}')",
            # Delete first: a row left by a lost trigger never blocks a save.
            # (Not INSERT OR REPLACE: an upsert's conflict clause, as in
            # bulk_create(update_conflicts=True), overrides the trigger's.)
            f'{trigger}_insert" AFTER INSERT ON "{table}" BEGIN {refresh}; END',
            f'{trigger}_update" AFTER UPDATE OF {columns} ON "{table}" '
            f"BEGIN {refresh}; END",
            f'{trigger}_delete" AFTER DELETE ON "{table}" '
            f'BEGIN DELETE FROM "{fts}" WHERE rowid = old.id; END',
            f'DELETE FROM "{fts}"',
            f'INSERT INTO "{fts}" (rowid, title, text) '
            f'SELECT row.id, {values("row")} FROM "{table}" AS row',
        ]


# --- Queries --------------------------------------------------------------------


class StoredVector(Func):
    """PostgreSQL: the search_vector column of the row that holds `field`
    ("title", or "authority__name" through a join): the field locates the
    table's alias in the query."""

    output_field = SearchVectorField()

    def __init__(self, field: str):
        super().__init__(F(field))

    def as_sql(self, compiler, connection, **extra_context):
        column = self.get_source_expressions()[0]  # a Col once resolved
        return f"{compiler.quote_name(column.alias)}.{VECTOR_COLUMN}", []


def _fts_rows(queryset: QuerySet, title: str, fts_query: str) -> dict:
    """SQLite: a filter on the rows of the indexed table that holds `title`
    among the FTS5 table's matches: `pk__in` (or `authority__pk__in`, which
    Django reads as the foreign key, without a join), so that SQLite fetches
    the matched rows by their id instead of scanning the table."""
    *path, _ = title.split("__")
    model = queryset.model
    for name in path:
        model = model._meta.get_field(name).related_model
    fts = model._meta.db_table + FTS_SUFFIX
    matches = RawSQL(f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s', [fts_query])
    return {"__".join([*path, "pk__in"]): matches}


def fts_query(words: Sequence[str], column: str | None = None) -> str:
    """An FTS5 query where every word starts a word of the text (or of the
    column): each one a quoted string, so nothing the visitor typed is
    syntax."""
    prefix = f"{column} : " if column else ""
    return " ".join(prefix + '"' + word.replace('"', '""') + '" *' for word in words)


def matching(
    queryset: QuerySet,
    query: str,
    words: Sequence[str],
    *,
    title: str,
    order: list[str],
) -> QuerySet:
    """The rows of `queryset` whose search document matches, best first.

    `query` is what the visitor typed (PostgreSQL parses it), `words` its
    words lower case without accents (SQLite); `title` is the title field of
    the indexed table, through a join if need be ("authority__name")."""
    if connection.vendor == "postgresql":
        vector = StoredVector(title)
        # PostgreSQL refuses NUL in any text; websearch syntax never fails.
        plain = query.replace("\x00", " ")
        search_query = SearchQuery(plain, config=SEARCH_CONFIG, search_type="websearch")
        return (
            queryset.alias(search=vector)
            .filter(search=search_query)
            .annotate(search_rank=SearchRank(vector, search_query))
            .order_by("-search_rank", *order)
        )
    if not words:
        return queryset.none()
    in_title = When(
        **_fts_rows(queryset, title, fts_query(words, column="title")), then=Value(0)
    )
    return (
        queryset.filter(**_fts_rows(queryset, title, fts_query(words)))
        .alias(title_first=Case(in_title, default=Value(1)))
        .order_by("title_first", *order)
    )
