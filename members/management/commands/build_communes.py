"""Rebuild members/data/collectivites.csv.gz from @etalab/decoupage-administratif.

    cd "$(mktemp -d)" && npm pack @etalab/decoupage-administratif@6.0.0
    tar xzf etalab-decoupage-administratif-6.0.0.tgz
    python manage.py build_communes "$PWD/package"

Then `manage.py load_communes` (or `make run`) loads the new file."""

import collections
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from members.communes import DATA_FILE, write_rows

SOURCE_FILES = ["communes", "epci", "departements", "regions"]
LICENCE_FILE_NAME = "LICENCE-decoupage-administratif.txt"

# The package does not state the population's millésime in its data. Its README
# («Sources», «Population légale») links INSEE's page 8680726 for version 6:
# the «populations de référence 2023» (population municipale on 1 January
# 2023, in force from 1 January 2026), and keeps Mayotte (976) on INSEE's 2017
# census. Add a line here, or pass the options, for a newer major version.
POPULATION_YEARS = {  # major version: (population year, Mayotte's)
    "6": (2023, 2017),
}
MAYOTTE = "976"
# Communes of the collectivités d'outre-mer (zone "com": Polynésie,
# Nouvelle-Calédonie, Wallis-et-Futuna…) carry the figures of their own
# censuses, whose years the package does not give: left without a millésime.
OVERSEAS_COLLECTIVITY = "com"


class Command(BaseCommand):
    help = (
        "Rebuild the compact list of current communes and EPCI "
        f"({DATA_FILE.name}) from the @etalab/decoupage-administratif package."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source",
            nargs="+",
            type=Path,
            help="The unpacked package folder (or its data/ folder), or the four "
            "files communes.json, epci.json, departements.json, regions.json.",
        )
        parser.add_argument("--output", type=Path, default=DATA_FILE)
        parser.add_argument(
            "--package-version",
            help="Version of the package (read from its package.json by default).",
        )
        parser.add_argument("--population-year", type=int)
        parser.add_argument("--mayotte-population-year", type=int)

    def handle(self, *args, **options):
        files, version = find_sources(options["source"])
        version = options["package_version"] or version
        known_years = POPULATION_YEARS.get(version.split(".")[0], (None, None))
        year = options["population_year"] or known_years[0]
        if year is None:
            raise CommandError(
                f"Population millésime unknown for version {version!r}: see the "
                "package README («Population légale») and pass --population-year."
            )
        mayotte_year = options["mayotte_population_year"] or known_years[1] or year

        data = {name: json.loads(path.read_text("utf-8")) for name, path in files}
        rows = authority_rows(data, year=year, mayotte_year=mayotte_year)
        write_rows(options["output"], rows)
        write_licence(
            options["output"].parent / LICENCE_FILE_NAME,
            files_licence(dict(files)["communes"]),
            version,
        )

        kinds = collections.Counter(row["kind"] for row in rows)
        size = options["output"].stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"{options['output']}: {kinds['commune']} communes, "
                f"{kinds['epci']} EPCI ({size // 1024} KiB), "
                f"package {version}, population {year}."
            )
        )


def find_sources(sources: list[Path]) -> tuple[list[tuple[str, Path]], str]:
    """[(name, path)] of the four JSON files, and the package version."""
    if len(sources) == 1 and sources[0].is_dir():
        folder = sources[0]
        if (folder / "data").is_dir():
            folder = folder / "data"
        paths = {name: folder / f"{name}.json" for name in SOURCE_FILES}
    else:
        paths = {path.stem: path for path in sources}
    missing = [name for name in SOURCE_FILES if not paths.get(name, Path()).is_file()]
    if missing:
        raise CommandError(f"Missing: {', '.join(f'{m}.json' for m in missing)}.")
    package_json = paths["communes"].parent.parent / "package.json"
    version = "unknown"
    if package_json.is_file():
        version = json.loads(package_json.read_text("utf-8")).get("version", version)
    return [(name, paths[name]) for name in SOURCE_FILES], version


def authority_rows(data: dict, *, year: int, mayotte_year: int) -> list[dict]:
    """One row per current commune and per EPCI, sorted by kind and code."""
    departments = {item["code"]: item["nom"] for item in data["departements"]}
    regions = {item["code"]: item["nom"] for item in data["regions"]}

    def place(department: str, region: str) -> dict:
        return {
            "department_code": department,
            "department_name": departments.get(department, ""),
            "region_code": region,
            "region_name": regions.get(region, ""),
        }

    # Arrondissements municipaux (Paris, Lyon, Marseille) and communes
    # déléguées or associées are parts of a current commune: left out.
    communes = {
        item["code"]: item
        for item in data["communes"]
        if item["type"] == "commune-actuelle"
    }
    rows = []
    for code, commune in communes.items():
        population = commune.get("population")
        if population is None or commune.get("zone") == OVERSEAS_COLLECTIVITY:
            population_year = None
        elif commune["departement"] == MAYOTTE:
            population_year = mayotte_year
        else:
            population_year = year
        rows.append(
            {
                "kind": "commune",
                "code": code,
                "name": commune["nom"],
                **place(commune["departement"], commune["region"]),
                "postcodes": " ".join(sorted(set(commune.get("codesPostaux", [])))),
                "siren": commune.get("siren", ""),
                "population": population,
                "population_year": population_year,
            }
        )
    commune_rows = {row["code"]: row for row in rows}

    for epci in data["epci"]:
        members = [
            commune_rows[member["code"]]
            for member in epci["membres"]
            if member["code"] in commune_rows
        ]
        # The package gives no seat (siège): the department where most of the
        # population lives stands for it.
        by_department = collections.Counter()
        for member in members:
            by_department[member["department_code"]] += member["population"] or 0
        department = min(
            by_department, key=lambda d: (-by_department[d], d), default=""
        )
        region = next(
            (m["region_code"] for m in members if m["department_code"] == department),
            "",
        )
        # The sum of the members' figures, so that an EPCI and its communes
        # share one millésime (epci.json's own totals come from the DGCL, with
        # another one: Villeurbanne 162,207 there, 163,684 in communes.json).
        populations = [member["population"] for member in members]
        years = {member["population_year"] for member in members}
        if populations and None not in populations:
            population = sum(populations)
            population_year = years.pop() if len(years) == 1 else None
        else:
            population, population_year = epci.get("populationMunicipale"), None
        rows.append(
            {
                "kind": "epci",
                "code": epci["code"],
                "name": epci["nom"],
                **place(department, region),
                "postcodes": "",
                "siren": epci["code"],
                "population": population,
                "population_year": population_year,
            }
        )
    return sorted(rows, key=lambda row: (row["kind"], row["code"]))


def files_licence(communes_json: Path) -> str:
    """The package's LICENSE text, when the package folder is at hand."""
    licence = communes_json.parent.parent / "LICENSE"
    return licence.read_text("utf-8").strip() if licence.is_file() else ""


def write_licence(path: Path, licence: str, version: str) -> None:
    path.write_text(
        f"""The file collectivites.csv.gz is derived from the npm package
@etalab/decoupage-administratif, version {version}
(data/communes.json, epci.json, departements.json, regions.json),
built on {timezone.localdate():%Y-%m-%d} by `manage.py build_communes`.
https://github.com/datagouv/decoupage-administratif

Its sources, per the package README: INSEE (Code officiel géographique,
populations de référence), DGCL (EPCI à fiscalité propre), La Poste
(codes postaux). The README puts the data under the Licence Ouverte
(Etalab) and the code under the MIT licence below.

{licence or "(LICENSE not found next to the data: see the package.)"}
""",
        encoding="utf-8",
    )
