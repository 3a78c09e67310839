"""Issue 10, §4: amounts and populations in French form wherever they appear
("3 000,00 €", "163 684 habitants"); the CSV keeps plain figures."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from dues.models import DuesBracket
from rfve_site import formats
from tests.factories import DuesCallFactory, DuesScaleFactory, PaymentFactory

NNBSP, NBSP = "\u202f", "\u00a0"  # thousands; between a figure and its unit


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("3000"), f"3{NNBSP}000,00{NBSP}€"),
        (Decimal("1234567.5"), f"1{NNBSP}234{NNBSP}567,50{NBSP}€"),
        (Decimal("999.99"), f"999,99{NBSP}€"),
        (Decimal("0.125"), f"0,13{NBSP}€"),  # half up, to the cent
        (0, f"0,00{NBSP}€"),
    ],
)
def test_euros(amount, text):
    assert formats.euros(amount) == text


@pytest.mark.parametrize(
    ("population", "text"),
    [
        (163_684, f"163{NNBSP}684{NBSP}habitants"),
        (2_165_423, f"2{NNBSP}165{NNBSP}423{NBSP}habitants"),
        (999, f"999{NBSP}habitants"),
        (1, f"1{NBSP}habitant"),
        (0, f"0{NBSP}habitant"),
    ],
)
def test_habitants(population, text):
    assert formats.habitants(population) == text


def test_template_filters():
    template = Template(
        "{% load french %}{{ amount|euros }}|{{ population|habitants }}|"
        "{{ limit|number }}|{{ missing|euros }}|{{ word|habitants }}"
    )
    text = template.render(
        Context(
            {
                "amount": Decimal("3000"),
                "population": 163_684,
                "limit": 49_999,
                "missing": None,
                "word": "beaucoup",
            }
        )
    )
    assert text == (
        f"3{NNBSP}000,00{NBSP}€|163{NNBSP}684{NBSP}habitants|49{NNBSP}999||"
    )


@pytest.mark.django_db
def test_admin_lists_show_amounts_in_french_form(admin_client):
    call = DuesCallFactory(amount=Decimal("3000"), scale_amount=Decimal("3000"))
    PaymentFactory(call=call, amount=Decimal("1250.5"))
    DuesScaleFactory(brackets=[(0, 49_999, "1500"), (50_000, None, "12000")])

    calls = admin_client.get(reverse("admin:dues_duescall_changelist"))
    scales = admin_client.get(reverse("admin:dues_duesscale_changelist"))
    call_page = admin_client.get(reverse("admin:dues_duescall_change", args=[call.pk]))

    assert f"3{NNBSP}000,00{NBSP}€" in calls.content.decode()
    assert f"1{NNBSP}250,50{NBSP}€" in calls.content.decode()
    assert f"12{NNBSP}000,00{NBSP}€" in scales.content.decode()
    assert f"1{NNBSP}250,50{NBSP}€ le 01/03/2027" in call_page.content.decode()


@pytest.mark.django_db
def test_bracket_names_itself_in_french_form():
    scale = DuesScaleFactory()
    brackets = [str(bracket) for bracket in DuesBracket.objects.filter(scale=scale)]
    assert brackets == [
        f"jusqu’à 9{NNBSP}999{NBSP}habitants : 300,00{NBSP}€",
        f"de 10{NNBSP}000 à 49{NNBSP}999{NBSP}habitants : 900,00{NBSP}€",
        f"50{NNBSP}000{NBSP}habitants et plus : 2{NNBSP}500,00{NBSP}€",
    ]


@pytest.mark.django_db
def test_member_admin_shows_the_population_in_french_form(admin_client):
    call = DuesCallFactory()
    authority = call.member.authority
    authority.population, authority.population_year = 163_684, 2023
    authority.save()

    page = admin_client.get(
        reverse("admin:members_member_change", args=[call.member.pk])
    ).content.decode()
    listing = admin_client.get(reverse("admin:members_member_changelist"))

    assert "population municipale (insee)" in page.lower()
    assert f"163{NNBSP}684{NBSP}habitants (millésime 2023)" in page
    assert f"163{NNBSP}684" in listing.content.decode()


@pytest.mark.django_db
def test_csv_keeps_plain_figures_with_a_decimal_comma(admin_client):
    call = DuesCallFactory(amount=Decimal("3000"), scale_amount=Decimal("3000"))
    response = admin_client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "export_csv", "_selected_action": [call.pk]},
    )
    text = response.content.decode("utf-8-sig")
    assert ";25000;2022;3000,00;0,00;0,00;3000,00;" in text
    assert NNBSP not in text and NBSP not in text
