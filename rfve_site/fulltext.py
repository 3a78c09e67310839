"""PostgreSQL full-text search, shared by the apps: the French configuration
without accents and the weighted vector that searches and indexes build alike.

An index is used only when its expression is the very one a query builds:
both come from `weighted_vector`."""

from collections.abc import Sequence

from django.contrib.postgres.search import SearchVector

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
DROP_CONFIGURATION = f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {SEARCH_CONFIG}"


def weighted_vector(title: str, text: Sequence[str]) -> SearchVector:
    """The title weighted A, the other text fields B."""
    return SearchVector(title, weight="A", config=SEARCH_CONFIG) + SearchVector(
        *text, weight="B", config=SEARCH_CONFIG
    )
