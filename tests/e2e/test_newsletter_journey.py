"""The newsletter in a real browser: subscribe, confirm from the email,
leave in one click."""

import re

from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from mailings.models import Subscriber


def _link_in(body: str, site: str, route: str) -> str:
    url = re.search(rf"https://[^/\s]+/lettre/{route}/[^\s]+/", body)[0]
    return url.replace(f"https://{settings.SITE_DOMAIN}", site)


def test_visitor_subscribes_confirms_then_leaves_in_one_click(
    site, page: Page, strict_csp
):
    page.goto(site + "/lettre/")
    page.get_by_role("link", name="S’inscrire à la lettre").click()
    page.get_by_label("Votre courriel").fill("camille.durand@mairie-exemple.fr")
    page.get_by_label(re.compile("^Agenda du réseau")).check()
    page.get_by_role("button", name="Recevoir le lien de confirmation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plus qu’une étape")
    assert not Subscriber.objects.filter(email="camille.durand@mairie-exemple.fr")

    [email] = [m for m in mail.outbox if m.to == ["camille.durand@mairie-exemple.fr"]]
    page.goto(_link_in(email.body, site, "confirmer"))
    page.get_by_role("button", name="Confirmer mon inscription").click()
    expect(page.get_by_role("status")).to_have_text(
        "Votre inscription est confirmée. Bienvenue !"
    )
    subscriber = Subscriber.objects.get(email="camille.durand@mairie-exemple.fr")
    assert [topic.slug for topic in subscriber.topics.all()] == ["agenda"]

    page.get_by_role("button", name="Me désinscrire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Désinscription enregistrée"
    )
    assert not Subscriber.objects.filter(email="camille.durand@mairie-exemple.fr")
