"""The W3C Nu HTML Checker finds no error on any public page: every route of
tests/public_pages.py with the demo data, and the variants a visitor can
reach (error pages, forms sent back with their errors, searches with and
without results). One checker run for all pages: the JVM takes seconds to
start."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from rfve_site.views import server_error
from tests.public_pages import public_urls

# The same on any database: run once, on SQLite (.ci/run).
pytestmark = pytest.mark.engine_independent

VNU = Path(__file__).resolve().parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"
JAVA = shutil.which("java")
CONTACT = {
    "name": "Camille Martin",
    "email": "camille.martin@mairie-exemple.fr",
    "organisation": "",
    "subject": "Une question",
    "message": "Bonjour, une question sur le réseau.",
    "website": "",
}


def _html(response) -> str | None:
    if not response["Content-Type"].startswith("text/html"):
        return None
    return response.content.decode()


def _database_down(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1 failed")


def _expect(status: int, response):
    assert response.status_code == status, (response.status_code, response.content)
    return response


def _variants() -> dict[str, str]:
    """{label: HTML} of the pages a visitor reaches beside the routes' samples."""
    client = Client(raise_request_exception=False)
    contact = reverse("pages:contact")
    search = reverse("pages:search")
    join = reverse("dues:join")
    pages = {
        "404": _expect(404, client.get("/cette-page-n-existe-pas/")),
        "400 (hôte inconnu)": _expect(400, client.get("/", HTTP_HOST="evil.example")),
        "403 (jeton CSRF absent)": _expect(
            403, Client(enforce_csrf_checks=True).post(contact, CONTACT)
        ),
        "recherche sans résultat": _expect(200, client.get(search, {"q": "zzyzx"})),
        "recherche vide": _expect(200, client.get(search, {"q": ""})),
        "recherche sans mot": _expect(200, client.get(search, {"q": "de la"})),
        "contact avec erreurs": _expect(
            200, client.post(contact, CONTACT | {"email": "camille"})
        ),
        "adhérer, simulateur": _expect(200, client.get(join, {"commune": "Lyon"})),
        "adhérer, simulateur sans réponse": _expect(
            200, client.get(join, {"commune": "zzyzx"})
        ),
        "agenda, mois vide": _expect(
            200,
            client.get(reverse("calendar:month", kwargs={"year": 2000, "month": 1})),
        ),
    }
    for _ in range(3):
        _expect(302, client.post(contact, CONTACT))
    pages["contact, trop de messages"] = _expect(429, client.post(contact, CONTACT))
    login = reverse("account_login")
    pages["connexion"] = _expect(200, client.get(login))
    for _ in range(5):
        lockout = client.post(login, {"login": "personne", "password": "faux"})
    pages["429 (connexion bloquée)"] = _expect(429, lockout)
    with connection.execute_wrapper(_database_down):
        pages["503 (base de données en panne)"] = _expect(503, client.get("/"))
    pages["500"] = _expect(500, server_error(None))
    return {label: _html(response) for label, response in pages.items()}


def _all_pages() -> dict[str, str]:
    client = Client()
    pages = {}
    for name, url in public_urls().items():
        html = _html(client.get(url, follow=True))
        if html is not None:
            pages[f"{name} {url}"] = html
    pages.update(_variants())
    return pages


def nu_errors(pages: dict[str, str], folder: Path) -> dict[str, list[dict]]:
    """{label: the checker's error messages} for every page, in one run."""
    labels, files = {}, []
    for n, (label, html) in enumerate(pages.items()):
        path = folder / f"page-{n:03}.html"
        path.write_text(html, encoding="utf-8")
        labels[path.name] = label
        files.append(str(path))
    command = [JAVA, "-jar", str(VNU), "--errors-only", "--format", "json"]
    command += ["--stdout", "--exit-zero-always", *files]
    result = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=300
    )
    errors = {label: [] for label in pages}
    for message in json.loads(result.stdout)["messages"]:
        # "url": "file:/tmp/…/page-007.html"; anything else (the checker's own
        # failures) is reported as is.
        name = message.get("url", "").rsplit("/", 1)[-1]
        errors.setdefault(labels.get(name, "vnu"), []).append(message)
    return errors


@pytest.fixture
def checker():
    missing = [
        what for what, there in (("java", JAVA), (str(VNU), VNU.exists())) if not there
    ]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"The Nu HTML Checker needs {', '.join(missing)}.")
        pytest.skip(f"missing {', '.join(missing)}: run make test")


def test_every_public_page_passes_the_nu_html_checker(checker, demo, tmp_path):
    pages = _all_pages()
    assert all(pages.values()), [label for label, html in pages.items() if not html]
    report = []
    for label, messages in nu_errors(pages, tmp_path).items():
        for message in messages:
            report.append(
                f"{label}, ligne {message.get('lastLine', '?')}: {message['message']}"
                f"\n    {message.get('extract', '').strip()}"
            )
    assert not report, f"{len(report)} erreurs :\n" + "\n".join(report)
