"""Issue 10, §4: the rules of the scale. The figure is the INSEE population
municipale and says so; the scale states its millésime and a campaign on
another one needs a recorded reason; the first year is whole or pro rata by
month from the council's decision; a city that joins after the campaign gets
its call from one admin action. §5: who may do what with calls."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from dues import campaign, errors, invoice_lines, scales
from dues.models import DuesCall, DuesScale
from members.models import LocalAuthority
from tests.factories import (
    DuesCallFactory,
    DuesScaleFactory,
    LocalAuthorityFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db

DUE = dt.date(2027, 3, 31)
CAMPAIGN_URL = reverse("admin:dues_duescall_campaign")


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def staff(client, django_user_model):
    def login_as(group: str):
        user = django_user_model.objects.create_user(
            username=f"equipe-{group}", password="unused", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        return client

    return login_as


# --- The figure is the population municipale --------------------------------


@pytest.mark.dates
def test_the_reference_figure_is_labelled_population_municipale(
    client, admin_client, today
):
    field = LocalAuthority._meta.get_field("population")
    assert field.verbose_name == "population municipale (Insee)"
    DuesScaleFactory(year=today.year, population_year=2023)
    authority = LocalAuthorityFactory(
        name="Villeurbanne", population=163_684, population_year=2023
    )
    member = MemberFactory(authority=authority)

    join = client.get(reverse("dues:join"), {"commune": "Villeurbanne"})
    city = client.get(member.get_absolute_url())
    campaign = admin_client.get(CAMPAIGN_URL)

    for page in (join, city, campaign):
        assert "population légale" not in page.content.decode().lower()
    join_text = join.content.decode()
    assert "population municipale (Insee, millésime 2023)" in join_text
    assert "163\u202f684\u00a0habitants (population municipale, Insee, " in join_text
    assert "Population municipale" in city.content.decode()


# --- The scale's millésime ---------------------------------------------------


def test_campaign_on_the_scales_millesime_needs_no_reason():
    DuesScaleFactory(population_year=2022)
    member = MemberFactory()  # reference millésime 2022
    result = campaign.launch_campaign(2027)
    call = result.created[0]
    assert (call.member, call.population_year) == (member, 2022)
    assert call.population_year_reason == ""


def test_campaign_on_another_millesime_is_refused_without_a_reason():
    DuesScaleFactory(population_year=2023)
    MemberFactory(authority__name="Lyon", authority__population_year=2022)
    MemberFactory(authority__name="Brest", authority__population_year=2023)
    with pytest.raises(errors.DuesError) as error:
        campaign.launch_campaign(2027)
    assert "millésime 2023" in str(error.value)
    assert "1 ville(s) : Lyon (2022)" in str(error.value)
    assert "indiquez le motif" in str(error.value)
    assert not DuesCall.objects.exists()  # nothing half done


def test_the_reason_is_recorded_on_the_calls_it_explains():
    DuesScaleFactory(population_year=2023)
    lyon = MemberFactory(authority__population_year=2022)
    brest = MemberFactory(authority__population_year=2023)
    campaign.launch_campaign(
        2027,
        population_year_reason="  Référentiel 2023 pas encore\r\nchargé. ",
    )
    calls = {call.member: call for call in DuesCall.objects.all()}
    assert calls[lyon].population_year == 2022
    assert calls[lyon].population_year_reason == "Référentiel 2023 pas encore\nchargé."
    assert calls[brest].population_year_reason == ""


def test_a_scale_without_its_millesime_cannot_be_launched():
    DuesScaleFactory(population_year=None)
    MemberFactory()
    with pytest.raises(errors.DuesError, match="millésime de la population"):
        campaign.launch_campaign(2027)


def test_the_admin_asks_for_the_reason_then_records_it(admin_client):
    DuesScaleFactory(population_year=2023)
    member = MemberFactory(authority__population_year=2022)
    data = {"year": 2027, "due_on": "2027-03-31", "member": ""}

    refused = admin_client.post(CAMPAIGN_URL, data)
    assert "indiquez le motif de l’écart" in _messages(refused)
    assert not DuesCall.objects.exists()

    data["population_year_reason"] = "Décision du bureau du 12 janvier 2027."
    admin_client.post(CAMPAIGN_URL, data)
    call = DuesCall.objects.get(member=member)
    assert call.population_year_reason == "Décision du bureau du 12 janvier 2027."
    page = admin_client.get(reverse("admin:dues_duescall_change", args=[call.pk]))
    assert "Décision du bureau du 12 janvier 2027." in page.content.decode()


def test_the_scale_form_requires_its_millesime(admin_client):
    response = admin_client.post(
        reverse("admin:dues_duesscale_add"),
        {
            "year": 2028,
            "population_year": "",
            "first_year_rule": "full",
            "brackets-TOTAL_FORMS": 1,
            "brackets-INITIAL_FORMS": 0,
            "brackets-0-min_population": 0,
            "brackets-0-max_population": "",
            "brackets-0-amount": "300",
        },
    )
    assert response.status_code == 200
    assert not DuesScale.objects.filter(year=2028).exists()


def test_copying_a_scale_takes_the_millesime_of_the_loaded_reference():
    """Seen: "Copier le barème" set 2024 for 2027 while the bundled data is
    2023, and the 2027 campaign refused all 35 demo cities."""
    DuesScaleFactory(
        year=2026, population_year=2023, first_year_rule=DuesScale.FirstYear.PRO_RATA
    )
    LocalAuthorityFactory(population=1000, population_year=2023)
    copy = scales.copy_scale(2026, 2027)
    assert copy.population_year == 2023
    assert copy.first_year_rule == DuesScale.FirstYear.PRO_RATA
    assert "millésime 2023" in copy.notes


def test_copying_a_scale_after_refreshing_the_reference_takes_the_new_millesime():
    DuesScaleFactory(year=2026, population_year=2023)
    LocalAuthorityFactory(population_year=2023)
    LocalAuthorityFactory(population_year=2024)
    assert scales.copy_scale(2026, 2027).population_year == 2024


@pytest.mark.dates
def test_join_page_states_the_scales_millesime(client, today):
    DuesScaleFactory(year=today.year, population_year=2023)
    page = client.get(reverse("dues:join")).content.decode()
    assert "selon la population municipale (Insee, millésime 2023)" in page


# --- First year: whole or pro rata by month ----------------------------------


def _first_year_call(rule, joined_on, amount="900"):
    DuesScaleFactory(
        first_year_rule=rule, brackets=[(0, None, amount)], population_year=2022
    )
    MemberFactory(member_since=joined_on)
    campaign.launch_campaign(2027)
    return DuesCall.objects.get()


def test_pro_rata_from_the_month_of_the_councils_decision():
    call = _first_year_call(DuesScale.FirstYear.PRO_RATA, dt.date(2027, 4, 15))
    assert call.amount == call.scale_amount == Decimal("675.00")  # 900 × 9/12
    assert call.annual_amount == Decimal("900.00")
    assert (call.period_start, call.period_end) == (
        dt.date(2027, 4, 1),
        dt.date(2027, 12, 31),
    )
    line = invoice_lines.invoice_line(call)
    assert line.period == "du 1er avril au 31 décembre 2027"
    assert line.months == 9 and line.pro_rata
    assert line.bracket == "0\u00a0habitants et plus"
    assert line.population == "25\u202f000\u00a0habitants"
    assert line.population_basis == "population municipale (Insee, millésime 2022)"
    assert line.text == (
        "Cotisation 2027, du 1er avril au 31 décembre 2027 (9 mois sur 12 : "
        "900,00\u00a0€ × 9/12) ; tranche 0\u00a0habitants et plus ; population "
        "municipale (Insee, millésime 2022) : 25\u202f000\u00a0habitants."
    )


def test_full_year_rule_calls_the_whole_year_in_the_first_year():
    call = _first_year_call(DuesScale.FirstYear.FULL, dt.date(2027, 4, 15))
    assert call.amount == Decimal("900.00")
    assert (
        invoice_lines.invoice_line(call).period == "du 1er janvier au 31 décembre 2027"
    )
    assert invoice_lines.invoice_line(call).months == 12


def test_pro_rata_only_in_the_year_of_the_decision():
    call = _first_year_call(DuesScale.FirstYear.PRO_RATA, dt.date(2026, 10, 1))
    assert call.amount == Decimal("900.00")
    assert call.period_start == dt.date(2027, 1, 1)


@pytest.mark.parametrize(
    ("annual", "month", "amount"),
    [
        ("1000", 12, "83.33"),  # 83,333… down
        ("1000", 11, "166.67"),  # 166,666… up
        ("1.50", 12, "0.13"),  # 0,125: half up, not to even
        ("900", 1, "900.00"),  # January: the whole year
    ],
)
def test_pro_rata_is_rounded_to_the_cent_half_up(annual, month, amount):
    joined = dt.date(2027, month, 20)
    call = _first_year_call(DuesScale.FirstYear.PRO_RATA, joined, amount=annual)
    assert call.amount == Decimal(amount)


def test_a_member_whose_decision_comes_after_the_year_is_not_called():
    DuesScaleFactory()
    later = MemberFactory(member_since=dt.date(2028, 2, 1))
    result = campaign.launch_campaign(2027)
    assert result.not_yet_members == [later]
    assert not DuesCall.objects.exists()


def test_calls_made_before_periods_were_recorded_cover_the_whole_year():
    call = DuesCallFactory(period_start=None, period_end=None, annual_amount=None)
    line = invoice_lines.invoice_line(call)
    assert line.period == "du 1er janvier au 31 décembre 2027"
    assert line.annual_amount == call.amount and not line.pro_rata


# --- A city that joins after the campaign ------------------------------------


def test_one_admin_action_calls_a_city_that_joins_after_the_campaign(admin_client):
    DuesScaleFactory(first_year_rule=DuesScale.FirstYear.PRO_RATA)
    MemberFactory()
    campaign.launch_campaign(2027)
    newcomer = MemberFactory(member_since=dt.date(2027, 9, 10))  # 25 000: 900 €
    other_newcomer = MemberFactory()
    data = {"year": 2027, "due_on": "2027-10-31", "member": newcomer.pk}

    response = admin_client.post(CAMPAIGN_URL, data)
    again = admin_client.post(CAMPAIGN_URL, data)

    call = DuesCall.objects.get(member=newcomer)
    assert call.amount == Decimal("300.00")  # 900 × 4/12
    assert call.due_on is None  # set when its invoice is issued
    assert "300,00\u00a0€, du 1er septembre au 31 décembre 2027" in _messages(response)
    assert "0 appel(s) créé(s), 1 existai(en)t déjà" in _messages(again)
    assert not DuesCall.objects.filter(member=other_newcomer).exists()
    assert DuesCall.objects.count() == 2


def test_call_page_shows_how_the_amount_was_set(admin_client):
    call = _first_year_call(DuesScale.FirstYear.PRO_RATA, dt.date(2027, 4, 15))
    page = admin_client.get(reverse("admin:dues_duescall_change", args=[call.pk]))
    assert "du 1er avril au 31 décembre 2027 (9 mois sur 12" in page.content.decode()


# --- Permissions (§5) --------------------------------------------------------


def test_secretariat_launches_the_campaign(staff):
    DuesScaleFactory()
    MemberFactory()
    staff("Secrétariat").post(CAMPAIGN_URL, {"year": 2027, "due_on": "2027-03-31"})
    assert DuesCall.objects.count() == 1


def test_bureau_cannot_launch_the_campaign(staff):
    DuesScaleFactory()
    MemberFactory()
    client = staff("Bureau")
    assert client.get(CAMPAIGN_URL).status_code == 403
    client.post(CAMPAIGN_URL, {"year": 2027, "due_on": "2027-03-31"})
    assert not DuesCall.objects.exists()


@pytest.mark.parametrize(
    ("group", "deleted"),
    [("Trésorerie", True), ("Secrétariat", True), ("Bureau", False)],
)
def test_a_call_not_issued_yet_is_deleted_by_those_who_run_the_dues(
    staff, group, deleted
):
    call = DuesCallFactory()
    staff(group).post(
        reverse("admin:dues_duescall_delete", args=[call.pk]), {"post": "yes"}
    )
    assert DuesCall.objects.filter(pk=call.pk).exists() != deleted


@pytest.mark.parametrize("group", ["Trésorerie", "Secrétariat"])
def test_nobody_deletes_or_changes_the_amount_of_an_issued_call(staff, group):
    call = DuesCallFactory(number=1, issued_on=dt.date(2027, 2, 1))
    client = staff(group)
    delete = client.post(
        reverse("admin:dues_duescall_delete", args=[call.pk]), {"post": "yes"}
    )
    client.post(
        reverse("admin:dues_duescall_changelist"),
        {"action": "delete_selected", "_selected_action": [call.pk], "post": "yes"},
    )
    page = client.get(reverse("admin:dues_duescall_change", args=[call.pk]))

    assert delete.status_code == 403
    assert DuesCall.objects.filter(pk=call.pk).exists()
    assert 'name="amount"' not in page.content.decode()  # read-only
