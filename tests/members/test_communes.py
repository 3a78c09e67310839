"""The official list of communes and EPCI: building the shipped file from
@etalab/decoupage-administratif, loading it, and finding a commune."""

import io
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from members.communes import (
    DATA_FILE,
    ensure_authorities,
    read_rows,
    write_rows,
)
from members.models import LocalAuthority
from rfve_site.data_version import data_version
from tests.factories import LocalAuthorityFactory, MemberFactory

# A few real records of version 6.0.0: current communes, an arrondissement
# municipal, a commune associée, a commune déléguée sharing its code with the
# current commune, Mayotte, Polynésie française, and two trimmed EPCI.
PACKAGE = Path(__file__).parent / "data" / "decoupage-administratif"


def build(output: Path, *sources) -> str:
    stdout = io.StringIO()
    call_command(
        "build_communes",
        *(str(source) for source in sources or [PACKAGE]),
        "--output",
        str(output),
        stdout=stdout,
    )
    return stdout.getvalue()


def load(path: Path = DATA_FILE) -> str:
    stdout = io.StringIO()
    call_command("load_communes", "--file", str(path), stdout=stdout)
    return stdout.getvalue()


@pytest.fixture
def small_file(tmp_path) -> Path:
    build(tmp_path / "collectivites.csv.gz")
    return tmp_path / "collectivites.csv.gz"


# --- build_communes ----------------------------------------------------------


def test_build_keeps_current_communes_and_epci(small_file):
    rows = {row["code"]: row for row in read_rows(small_file)}

    assert list(rows) == [
        *["2A004", "42218", "42245", "69123", "69266", "97611", "98735"],
        *["200046977", "244200770"],
    ]
    assert rows["42218"] == {
        "kind": "commune",
        "code": "42218",
        "name": "Saint-Étienne",
        "department_code": "42",
        "department_name": "Loire",
        "region_code": "84",
        "region_name": "Auvergne-Rhône-Alpes",
        "postcodes": "42000 42100 42230",
        "siren": "214202186",
        "population": 173136,
        "population_year": 2023,
    }
    assert rows["42245"]["name"] == "Vêtre-sur-Anzon"  # not its commune déléguée
    assert rows["2A004"]["department_name"] == "Corse-du-Sud"
    assert rows["97611"]["population_year"] == 2017  # Mayotte: 2017 census
    assert rows["98735"]["population"] == 26654
    assert rows["98735"]["population_year"] is None  # census year not given


def test_build_sums_the_population_of_an_epci(small_file):
    lyon = next(row for row in read_rows(small_file) if row["code"] == "200046977")

    assert lyon == {
        "kind": "epci",
        "code": "200046977",
        "name": "Métropole de Lyon",
        "department_code": "69",
        "department_name": "Rhône",
        "region_code": "84",
        "region_name": "Auvergne-Rhône-Alpes",
        "postcodes": "",
        "siren": "200046977",
        "population": 519127 + 163684,  # Lyon and Villeurbanne in the fixture
        "population_year": 2023,
    }


def test_rebuilding_gives_the_same_file_and_the_licence(small_file, tmp_path):
    data = PACKAGE / "data"
    files = [data / f"{name}.json" for name in ["regions", "epci", "communes"]]
    again = tmp_path / "again" / "collectivites.csv.gz"
    build(again, *files, data / "departements.json")

    assert again.read_bytes() == small_file.read_bytes()
    licence = (tmp_path / "LICENCE-decoupage-administratif.txt").read_text()
    assert "@etalab/decoupage-administratif, version 6.0.0" in licence
    assert "Copyright (c) 2018-2019 Etalab" in licence


def test_build_asks_for_the_population_year_of_an_unknown_version(tmp_path):
    with pytest.raises(CommandError, match="--population-year"):
        call_command(
            "build_communes",
            str(PACKAGE),
            "--output",
            str(tmp_path / "out.csv.gz"),
            "--package-version",
            "99.0.0",
        )


def test_build_names_missing_files(tmp_path):
    shutil.copytree(PACKAGE / "data", tmp_path / "data")
    (tmp_path / "data" / "epci.json").unlink()
    with pytest.raises(CommandError, match="epci.json"):
        build(tmp_path / "out.csv.gz", tmp_path)


# --- load_communes -----------------------------------------------------------


@pytest.mark.django_db
def test_reloading_updates_changes_and_keeps_authorities_of_members(
    small_file, tmp_path
):
    referenced = LocalAuthorityFactory(code="69999", name="Ancienne-Commune")
    MemberFactory(authority=referenced)
    LocalAuthorityFactory(code="69998", name="Commune-Fusionnée")
    assert "9 created, 0 updated, 0 unchanged, 1 deleted, 1 no longer" in load(
        small_file
    )

    rows = [row for row in read_rows(small_file) if row["code"] != "98735"]
    rows[0]["population"] += 1
    write_rows(tmp_path / "next.csv.gz", rows)
    summary = load(tmp_path / "next.csv.gz")

    assert "0 created, 1 updated, 7 unchanged, 1 deleted, 1 no longer" in summary
    assert LocalAuthority.objects.filter(code="69999", member__isnull=False).exists()
    assert not LocalAuthority.objects.filter(code__in=["69998", "98735"]).exists()
    assert LocalAuthority.objects.get(code="42218").search_name == "saint etienne"


@pytest.mark.django_db
def test_reloading_a_renamed_commune_moves_the_cached_pages_version(
    small_file, tmp_path
):
    """The site search's cached pages show communes' names (page_cache.py)."""
    load(small_file)
    before = data_version(LocalAuthority)
    rows = list(read_rows(small_file))
    rows[0]["name"] = "Nouvelle-Commune"
    write_rows(tmp_path / "next.csv.gz", rows)

    assert "1 updated" in load(tmp_path / "next.csv.gz")

    assert data_version(LocalAuthority) != before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, first",
    [
        ("saint etienne", "42218"),
        ("St-Étienne", "42218"),
        ("SAINT-ÉTIENNE", "42218"),
        ("69100", "69266"),  # postcode
        ("69266", "69266"),  # INSEE code
        ("2a004", "2A004"),  # Corsica
        ("200046977", "200046977"),  # SIREN of an EPCI
        ("lyon", "69123"),  # the commune before the Métropole de Lyon
        ("vetre", "42245"),
    ],
)
def test_search(small_file, text, first):
    load(small_file)
    assert LocalAuthority.objects.search(text)[0].code == first


@pytest.mark.django_db
def test_search_finds_nothing_for_punctuation_alone(small_file):
    load(small_file)
    assert not LocalAuthority.objects.search(" - ").exists()


@pytest.mark.django_db
def test_ensure_authorities_loads_only_what_is_missing():
    found = ensure_authorities(["69266", "00000"])

    assert list(found) == ["69266"]
    assert found["69266"].name == "Villeurbanne"
    assert LocalAuthority.objects.count() == 1


@pytest.mark.django_db
def test_shipped_file_loads_in_batches_and_is_found_by_the_admin(
    admin_client, django_assert_max_num_queries
):
    """The real file (~36,000 rows), loaded once for all these checks: in
    batches of a thousand rows (a few dozen queries, not one a row), and a
    reload that changes nothing writes nothing."""
    with django_assert_max_num_queries(38_000 // 1000 + 10):
        first = load()
    count = LocalAuthority.objects.count()
    assert 34_000 <= count <= 38_000
    assert f"{count} created" in first
    with django_assert_max_num_queries(10):
        again = load()
    assert f"0 created, 0 updated, {count} unchanged, 0 deleted" in again

    search = LocalAuthority.objects.search
    assert search("saint etienne")[0].code == "42218"
    assert "69266" in [authority.code for authority in search("69100")]
    assert [authority.code for authority in search("69266")] == ["69266"]

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "members",
            "model_name": "member",
            "field_name": "authority",
            "term": "saint etienne",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["text"] == "Saint-Étienne (42)"


@pytest.mark.django_db
def test_reference_is_read_only_for_the_secretariat(staff_client, django_user_model):
    user = django_user_model.objects.get(username="equipe")
    user.user_permissions.set(
        Permission.objects.filter(content_type__model="localauthority")
    )
    authority = LocalAuthorityFactory()

    add_url = reverse("admin:members_localauthority_add")
    assert staff_client.get(add_url).status_code == 403
    change_url = reverse("admin:members_localauthority_change", args=[authority.pk])
    response = staff_client.get(change_url)
    assert response.status_code == 200
    assert b'name="name"' not in response.content  # shown, not editable
