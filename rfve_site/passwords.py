"""A password validator that refuses the association's own words: the first
guesses of anyone attacking the back office ("rfve2026", "Villes2026!")."""

import re
import unicodedata

from django.core.exceptions import ValidationError

# Compared without accents, case or digit-for-letter substitutions.
ASSOCIATION_WORDS = (
    "rfve",
    "ville",
    "educat",  # éducatrice(s), éducateur, éducation, éducative
    "educ",
    "reseau",
    "francais",
    "association",
    "tresor",  # trésorerie, trésorier
    "secretariat",
    "bureau",
    "cotisation",
    "adherent",
    "motdepasse",
    "password",
)
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "@": "a"})


def normalised(text: str) -> str:
    """ "Éduc@trices-2026" → "educatrices" (accents, case, digits for letters,
    other characters dropped)."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^a-z]", "", text.translate(LEET))


class AssociationWordsValidator:
    def validate(self, password, user=None):
        plain = normalised(password)
        if any(word in plain for word in ASSOCIATION_WORDS):
            raise ValidationError(
                "Ce mot de passe contient un mot lié à l’association (rfve, ville, "
                "éducatrice, réseau…) : il serait deviné parmi les premiers.",
                code="password_association_word",
            )

    def get_help_text(self):
        return (
            "Votre mot de passe ne peut pas contenir un mot lié à l’association "
            "(rfve, ville, éducatrice, réseau…)."
        )
