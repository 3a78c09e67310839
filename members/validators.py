"""Validators of the coded fields typed in the admin (SIRET, SIREN, INSEE code,
postcodes, phone numbers, Chorus Pro service code), with French messages.

Beyond typos, they keep a value such as `=HYPERLINK(…)` out of fields that end
up in CSV exports and invoices."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

# La Poste's establishments do not follow the Luhn key (INSEE rule): the sum of
# the SIRET's digits is a multiple of 5 instead.
LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def with_luhn_key(digits: str) -> str:
    """The digits followed by the key that makes them Luhn-valid."""
    return next(digits + key for key in "0123456789" if luhn_valid(digits + key))


def validate_siren(value: str) -> None:
    if not re.fullmatch(r"\d{9}", value) or not luhn_valid(value):
        raise ValidationError(
            "Un SIREN compte 9 chiffres, sans espace, dont le dernier est une "
            "clé de contrôle : vérifiez-le sur annuaire-entreprises.data.gouv.fr.",
            code="invalid_siren",
        )


def validate_siret(value: str) -> None:
    if not re.fullmatch(r"\d{14}", value):
        raise ValidationError(
            "Un SIRET compte 14 chiffres, sans espace (SIREN puis NIC).",
            code="invalid_siret",
        )
    if value.startswith(LA_POSTE_SIREN):
        valid = sum(int(digit) for digit in value) % 5 == 0
    else:
        valid = luhn_valid(value)
    if not valid:
        raise ValidationError(
            "Ce SIRET n’existe pas (sa clé de contrôle est fausse) : vérifiez-le "
            "sur annuaire-entreprises.data.gouv.fr.",
            code="invalid_siret",
        )


validate_insee_code = RegexValidator(
    r"\A(\d{5}|2[AB]\d{3})\Z",
    "Un code INSEE de commune compte 5 caractères : 69266, ou 2A004 en Corse.",
    code="invalid_insee_code",
)


def validate_official_code(value: str) -> None:
    """INSEE code of a commune, or SIREN of an EPCI."""
    if len(value) == 9:
        validate_siren(value)
    else:
        validate_insee_code(value)


validate_postcodes = RegexValidator(
    r"\A\d{5}( \d{5})*\Z",
    "Codes postaux de 5 chiffres, séparés par une espace : 69100 69616.",
    code="invalid_postcodes",
)

# French numbers (10 digits from 0) or international ones (+ and 8 to 15
# digits), grouped by spaces, dots or hyphens as people write them.
validate_phone = RegexValidator(
    r"\A(0\d([ .-]?\d{2}){4}|\+\d{1,3}([ .-]?\d{1,4}){2,6})\Z",
    "Numéro de téléphone à 10 chiffres (04 72 10 30 30) ou au format "
    "international (+33 4 72 10 30 30).",
    code="invalid_phone",
)

# Chorus Pro service codes: letters, digits, "_" and "-" (FINANCES, SF-01).
validate_chorus_service_code = RegexValidator(
    r"\A[A-Za-z0-9][A-Za-z0-9_-]*\Z",
    "Le code service Chorus Pro ne contient que des lettres sans accent, des "
    "chiffres, « _ » et « - », et commence par une lettre ou un chiffre.",
    code="invalid_chorus_service_code",
)
