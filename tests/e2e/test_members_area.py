"""Issue 23, §4: a member city's référente signs in by code, downloads an
invoice, proposes a change, registers three colleagues in one go; the
secretariat accepts the proposal."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from espace.models import ChangeProposal
from members.models import Member
from registrations.models import Registration

from .signin import sign_in

PASSWORD = "mot-de-passe-de-test-assez-long"


def _emailed_code(address: str) -> str:
    message = [m for m in mail.outbox if m.to == [address]][-1]
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.M)[1]


def test_referente_signs_in_downloads_proposes_registers_and_secretariat_accepts(
    site, page: Page, strict_csp
):
    email = "referente@villeurbanne.example"
    page.goto(site + reverse("espace:home"))
    page.get_by_label("Votre adresse électronique").fill(email)
    page.get_by_role("button", name="Recevoir un code").click()
    page.get_by_label("Code reçu par courriel").fill(_emailed_code(email))
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Villeurbanne", exact=True)).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Facture \d{4}-\d{4}")).click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.get_by_role("link", name="Fiche de la ville", exact=True).click()
    page.get_by_label("Contact finances (nom)").fill("Service finances et budget")
    page.get_by_role("button", name="Proposer ces modifications").click()
    expect(page.get_by_text(re.compile("modification\\(s\\) proposée"))).to_be_visible()

    page.get_by_role("link", name="Inscriptions", exact=True).click()
    page.locator("a[href^='/espace/inscriptions/']").filter(
        has_text="Rencontres"
    ).first.click()
    for index, (first, last, login) in enumerate(
        [("Léa", "Durand", "lea"), ("Marc", "Petit", "marc"), ("Zoé", "Blanc", "zoe")]
    ):
        row = page.get_by_role("group", name=f"Personne {index + 1}")
        row.get_by_label("Prénom").fill(first)
        row.get_by_label("Nom", exact=True).fill(last)
        row.get_by_label("Courriel").fill(f"{login}@villeurbanne.example")
        for box in row.get_by_role("checkbox").all():
            box.check()
        rate = row.get_by_label("Tarif")
        if rate.count():
            rate.select_option(index=1)
    commitment = page.get_by_label(re.compile("Numéro d’engagement"))
    if commitment.count():
        commitment.fill("EJ-TEST-1")
    page.get_by_role("button", name="Inscrire ces personnes").click()
    expect(page.get_by_text("3 personne(s) inscrite(s)")).to_be_visible()
    villeurbanne = Member.objects.get(authority__code="69266")
    assert (
        Registration.objects.filter(
            member=villeurbanne, email__endswith="@villeurbanne.example"
        ).count()
        == 3
    )

    page.get_by_role("button", name="Se déconnecter").click()
    user = get_user_model().objects.create_user(
        "marie", "marie@example.org", PASSWORD, is_staff=True, is_superuser=True
    )
    sign_in(page, site, user, PASSWORD)
    page.get_by_role("link", name="Changements proposés par les villes").click()
    row = page.get_by_role("row").filter(has_text="Service finances et budget")
    row.get_by_role("link").first.click()
    page.get_by_role("button", name="Accepter et appliquer").click()
    expect(page.get_by_text(re.compile("acceptée\\(s\\) et appliquée"))).to_be_visible()
    villeurbanne.refresh_from_db()
    assert villeurbanne.finance_contact_name == "Service finances et budget"
    assert ChangeProposal.objects.filter(status="accepted").count() == 1
