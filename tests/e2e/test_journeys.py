"""What visitors and the secretariat do, in a real browser."""

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Page, expect

from calendar_app.models import Event
from calendar_app.months import shift_month
from pages.models import ContactMessage
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.dates

PASSWORD = "un-mot-de-passe-solide-2026"


def _focus_is_visible(page: Page) -> bool:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return el !== document.body
                && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
        }"""
    )


def _next_month_with_event(today: dt.date) -> tuple[dt.date, Event]:
    next_month = shift_month(today.replace(day=1), 1)
    event = (
        Event.objects.public()
        .in_month(next_month.year, next_month.month)
        .exclude(status=Event.Status.CANCELLED)
        .order_by("starts_at")
        .first()
    )
    return next_month, event


def test_visitor_goes_from_home_to_a_calendar_file(site, page: Page, strict_csp, today):
    next_month, event = _next_month_with_event(today)
    page.goto(site + "/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Agenda", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agenda de")
    page.get_by_role("link", name=re.compile("mois suivant")).click()
    expect(page).to_have_url(re.compile(f"/agenda/{next_month:%Y/%m}/$"))
    page.get_by_role("table").get_by_role(
        "link", name=re.compile(re.escape(event.title))
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Ajouter à mon agenda")).click()
    download = download_info.value
    assert download.suggested_filename == f"{event.slug}.ics"
    content = open(download.path(), encoding="utf-8").read()
    assert content.startswith("BEGIN:VCALENDAR")
    assert event.title[:40] in content.replace("\r\n ", "")


def _tab_to(page: Page, name_pattern: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text matches; focus must show."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate("() => document.activeElement.textContent || ''")
        if re.search(name_pattern, text):
            assert _focus_is_visible(page), f"no visible focus on {text!r}"
            return
    raise AssertionError(f"never reached {name_pattern!r} with Tab")


def test_visitor_uses_the_agenda_with_the_keyboard_only(
    site, page: Page, strict_csp, today
):
    next_month, event = _next_month_with_event(today)
    page.goto(site + "/agenda/")
    page.keyboard.press("Tab")
    assert (
        page.evaluate("() => document.activeElement.textContent") == "Aller au contenu"
    )
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    _tab_to(page, "mois suivant")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/agenda/{next_month:%Y/%m}/$"))
    _tab_to(page, re.escape(event.title))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
    _tab_to(page, "Ajouter à mon agenda")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    assert download_info.value.suggested_filename.endswith(".ics")


def test_month_reads_as_a_list_of_days_on_a_phone(site, page: Page, strict_csp):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + "/agenda/2023/02/")
    expect(page.get_by_role("table")).to_be_hidden()
    days = page.locator(".month-list h3")
    expect(days).to_have_text(
        ["Jeudi 2 février 2023", "Mardi 14 février 2023", "Lundi 20 février 2023"]
    )
    expect(page.locator(".month-list li")).to_have_count(4)
    root = "document.documentElement"
    overflow = page.evaluate(f"() => {root}.scrollWidth - {root}.clientWidth")
    assert overflow <= 0


def test_visitor_searches_then_writes_to_the_secretariat(site, page: Page, strict_csp):
    page.goto(site + "/agenda/")
    search = page.get_by_role("search").get_by_label("Rechercher sur le site")
    search.fill("education")  # no accent typed
    search.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("pour « education »")
    pages = page.get_by_role("region", name=re.compile("^Pages"))
    expect(pages.locator("mark").first).to_have_text(re.compile("^éducation$"))
    pages.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile("/le-reseau/adn/$"))

    page.get_by_role("contentinfo").get_by_role("link", name="Contact").click()
    page.get_by_label("Nom et prénom").fill("Camille Martin")
    page.get_by_label("Courriel").fill("camille.martin")
    page.get_by_label("Objet").fill("Rencontres nationales")
    page.get_by_label("Message").fill("Les inscriptions sont-elles ouvertes ?")
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_role("alert")).to_contain_text("n’a pas été envoyé")
    email = page.get_by_label("Courriel")
    expect(email).to_have_attribute("aria-invalid", "true")
    email.fill("camille.martin@mairie-exemple.fr")
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Merci, votre message est bien reçu"
    )
    message = ContactMessage.objects.get(email="camille.martin@mairie-exemple.fr")
    assert message.message == "Les inscriptions sont-elles ouvertes ?"


def _admin_login(page: Page, site: str) -> None:
    user = get_user_model().objects.create_user(
        "marie", "marie@example.org", PASSWORD, is_staff=True, is_superuser=True
    )
    sign_in(page, site, user, PASSWORD)


def _run_action(page: Page, site: str, title: str, action: str, status: str):
    """Tick the event's row (the one with this status) and run an admin action."""
    changelist = reverse("admin:calendar_app_event_changelist")
    page.goto(site + changelist + "?q=" + quote(title))
    row = page.get_by_role("row").filter(has_text=title).filter(has_text=status)
    row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name="Exécuter").click()


def test_secretariat_publishes_duplicates_and_unpublishes(site, page: Page, strict_csp):
    title = "Groupe de travail restauration scolaire (test)"
    day = dt.date(2023, 2, 16)
    _admin_login(page, site)
    page.goto(site + reverse("admin:calendar_app_event_add"))
    page.get_by_label("Titre").fill(title)
    page.get_by_label("Type").select_option(label="Groupe de travail")
    page.locator("#id_starts_at_0").fill(day.strftime("%d/%m/%Y"))
    page.locator("#id_starts_at_1").fill("14:30")
    page.locator("#id_ends_at_0").fill(day.strftime("%d/%m/%Y"))
    page.locator("#id_ends_at_1").fill("16:00")
    page.get_by_label("Statut").select_option(label="Publié")
    page.get_by_role("button", name="Enregistrer", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("ajouté avec succès")

    page.goto(site + "/agenda/2023/02/")
    cell = page.locator("td", has=page.locator('time[datetime="2023-02-16"]'))
    expect(cell).to_contain_text("14 h 30")
    expect(cell).to_contain_text(title)

    _run_action(
        page,
        site,
        title,
        "Dupliquer (copies en brouillon, à redater ; inscriptions, tarifs et "
        "places compris)",
        "Publié",
    )
    expect(page.locator(".messagelist")).to_contain_text("1 copie(s) créée(s)")
    assert Event.objects.filter(title=title).count() == 2
    copy = Event.objects.get(title=title, status=Event.Status.DRAFT)
    assert copy.starts_at == Event.objects.get(title=title, status="publie").starts_at

    _run_action(page, site, title, "Dépublier (repasser en brouillon)", "Publié")
    page.goto(site + "/agenda/2023/02/")
    expect(page.get_by_text(title)).to_have_count(0)


def _register(page: Page, site: str, event: Event, first: str, last: str):
    page.goto(site + event.get_absolute_url())
    page.get_by_role("link", name=re.compile("^S’inscrire")).click()
    page.get_by_label("Prénom", exact=True).fill(first)
    page.get_by_label("Nom", exact=True).fill(last)
    page.get_by_label("Courriel", exact=True).fill(f"{first}.{last}@villeurbanne.fr")
    page.get_by_label(re.compile("^Collectivité")).fill("Villeurbanne")
    rate = page.get_by_label(re.compile(r"ville adhérente\s:"))
    rate.check()
    # The radio sits beside its label, not stretched over a line of its own.
    assert rate.bounding_box()["width"] < 40
    days = page.get_by_role("group", name="Jours de présence")
    for box in days.get_by_role("checkbox").all():
        box.check()
        assert box.bounding_box()["width"] < 40
    # The Rencontres are paying, but a member city is billed from its record:
    # no billing question.
    expect(page.get_by_label(re.compile("^SIRET"))).to_have_count(0)
    page.get_by_role("button", name=re.compile("^M’inscrire")).click()


def test_visitor_registers_cancels_and_the_waiting_list_moves_up(
    site, page: Page, strict_csp
):
    from django.core import mail

    from registrations.models import Registration

    event = Event.objects.rencontres().upcoming().first()
    settings = event.registration_settings
    page.goto(site + event.get_absolute_url())
    expect(page.get_by_role("region", name="Inscription")).to_contain_text(
        "places restantes"
    )

    # A mistake first: a clear French answer, tied to the field.
    page.get_by_role("link", name=re.compile("^S’inscrire")).click()
    page.get_by_label("Prénom", exact=True).fill("Inès")
    page.get_by_role("button", name=re.compile("^M’inscrire")).click()
    expect(page.get_by_role("alert")).to_contain_text("n’est pas enregistrée")
    expect(page.get_by_label("Nom", exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )

    _register(page, site, event, "ines", "bernard")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Votre inscription est confirmée"
    )
    (confirmation,) = mail.outbox
    link = re.search(r"https://\S+/inscription/\S+/", confirmation.body).group(0)

    # The secretariat closes the room at today's count: the next one waits.
    taken = Registration.objects.confirmed().filter(event=event).count()
    settings.days.update(capacity=taken)
    _register(page, site, event, "paul", "girard")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vous êtes sur la liste d’attente"
    )

    # Inès follows the link of her email and cancels.
    page.goto(site + "/" + link.split("://", 1)[1].partition("/")[2])
    expect(page.get_by_text("Confirmée")).to_be_visible()
    page.get_by_role("button", name="Annuler mon inscription").click()
    expect(page.get_by_role("status")).to_have_text(
        "Votre inscription est annulée. Merci de nous avoir prévenus."
    )
    paul = Registration.objects.get(email="paul.girard@villeurbanne.fr")
    assert paul.is_confirmed
    promotion = mail.outbox[-1]
    assert promotion.to == ["paul.girard@villeurbanne.fr"]
    assert "Une place s’est libérée" in promotion.subject
