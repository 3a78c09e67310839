"""The official list of communes and EPCI: name normalisation for search."""

import re
import unicodedata


def normalise_name(name: str) -> str:
    """ "Saint-Étienne" → "saint etienne": what people type, without accents."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = plain.replace("œ", "oe").replace("æ", "ae")
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()
