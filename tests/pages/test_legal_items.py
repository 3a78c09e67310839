"""Issue 13 §2: legal pages a lawyer would sign. Every item the law asks for
comes from the association's settings; a missing one is a `check --deploy`
warning, never a public "non renseigné"; retention periods are the purge's."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from association.checks import legal_pages
from association.models import SiteSettings
from members.models import PERSON_RETENTION_YEARS, Mandate, Person
from pages.contact import MESSAGE_RETENTION, SENDER_KEY_RETENTION
from pages.models import ContactMessage
from rfve_site.formats import duration
from rfve_site.login_throttle import LOGIN_LOG_RETENTION
from rfve_site.typography import french_html as typeset
from tests.factories import MemberFactory
from tests.markup import inner, outer

pytestmark = pytest.mark.django_db

COMPLETE = {
    "name": "Réseau des villes test",
    "legal_form": "association régie par la loi du 1er juillet 1901",
    "seat_address": "1 place de la Mairie\n69100 Villeurbanne",
    "phone": "04 65 71 20 23",
    "contact_email": "contact@reseau.example",
    "rna": "W691234567",
    "siret": "12345678900012",
    "publication_director": "Camille Durand, présidente",
    "host_name": "Hébergeur Exemple SAS",
    "host_address": "2 rue des Serveurs\n59100 Roubaix",
    "host_phone": "03 00 00 00 00",
    "mail_provider": "Courriels Exemple, France",
    "accessibility_statement_date": dt.date(2026, 11, 2),
}


@pytest.fixture
def complete():
    return SiteSettings.objects.create(**COMPLETE)


def _main(client, url):
    return inner(client.get(url).content.decode(), "main")


def test_legal_notice_states_every_lcen_item(client, complete):
    main = _main(client, "/mentions-legales/")
    for name in (
        "name",
        "phone",
        "contact_email",
        "rna",
        "siret",
        "publication_director",
        "host_name",
        "host_phone",
    ):
        assert typeset(COMPLETE[name]) in main, name
    assert "Association régie par la loi du 1er juillet 1901" in main
    assert "1 place de la Mairie<br>69100 Villeurbanne" in main
    assert "2 rue des Serveurs<br>59100 Roubaix" in main


def test_complete_settings_raise_no_legal_warning(complete):
    assert legal_pages(None) == []


def test_missing_items_are_deploy_warnings_never_public(client, db):
    SiteSettings.objects.create(name="Réseau", seat_address="", siret="", rna="")
    [warning] = legal_pages(None)
    assert warning.id == "association.W003"
    for missing in (
        "téléphone",
        "courriel de contact",
        "directrice ou directeur de la publication",
        "hébergeur",
        "adresse de l’hébergeur",
        "téléphone de l’hébergeur",
        "prestataire d’envoi des courriels",
        "date de la déclaration",
        "numéro RNA ou SIRET",
        "adresse du siège",
    ):
        assert missing in warning.msg, missing
    for url in ("/mentions-legales/", "/donnees-personnelles/", "/accessibilite/"):
        main = _main(client, url).lower()
        assert "non renseigné" not in main, url
        assert "<dd></dd>" not in main, url


def test_check_deploy_shows_the_warning(db, capsys):
    SiteSettings.objects.create(name="Réseau")
    call_command("check", "--deploy", "--tag", "association")
    assert "association.W003" in capsys.readouterr().err


def test_privacy_page_describes_each_processing(client, complete):
    main = _main(client, "/donnees-personnelles/")
    for title in (
        "Messages du formulaire de contact",
        "Comptes de l’administration du site et journal des connexions",
        "Élues, élus et agents des villes adhérentes",
        "Contacts financiers des villes adhérentes",
    ):
        section = outer(
            main, "section", **{"aria-labelledby": _section_id(main, title)}
        )
        for item in (
            "Finalité",
            "Base légale",
            "Données",
            "Destinataires",
            "Durée de conservation",
        ):
            assert f"<dt>{item}</dt>" in section, (title, item)
        # The host and the mail provider receive every processing's data.
        assert "Hébergeur Exemple SAS" in section
        assert "Courriels Exemple, France" in section
    # Data not collected from the person: where it comes from (art. 14).
    assert main.count("<dt>Origine des données</dt>") == 3  # + mailings' contacts
    assert "La ville adhérente" in main
    assert "Aucune donnée n’est transférée hors de l’Union européenne." in main
    assert "directives sur le sort de vos données après votre décès" in main
    assert "article 85 de la loi n° 78-17" in main
    assert "https://www.cnil.fr/fr/plaintes" in main
    assert "contact@reseau.example" in main


def _section_id(main: str, title: str) -> str:
    return re.search(rf'<h3 id="([^"]+)">{re.escape(title)}</h3>', main)[1]


def test_transfers_outside_the_eu_come_from_the_settings(client, complete):
    complete.transfers_outside_eu = "Courriels : serveurs aux États-Unis (CCT)."
    complete.save()
    main = _main(client, "/donnees-personnelles/")
    assert typeset("Courriels : serveurs aux États-Unis (CCT).") in main
    assert "Aucune donnée n’est transférée" not in main


def test_privacy_page_states_the_purges_retentions(client, complete):
    main = _main(client, "/donnees-personnelles/")
    for retention in (
        MESSAGE_RETENTION,
        SENDER_KEY_RETENTION,
        LOGIN_LOG_RETENTION,
        dt.timedelta(days=365 * PERSON_RETENTION_YEARS),
    ):
        assert typeset(duration(retention)) in main, retention
    assert duration(MESSAGE_RETENTION) == "deux ans"
    assert duration(LOGIN_LOG_RETENTION) == "un an"


@pytest.mark.dates
def test_the_daily_purge_applies_those_retentions(db, today):
    from axes.models import AccessLog

    now = timezone.now()
    old = ContactMessage.objects.create(
        name="x", email="x@exemple.fr", subject="ancien", message="x"
    )
    ContactMessage.objects.filter(pk=old.pk).update(
        received_at=now - MESSAGE_RETENTION - dt.timedelta(days=1)
    )
    ContactMessage.objects.create(
        name="y", email="y@exemple.fr", subject="récent", message="y"
    )
    for age in (LOGIN_LOG_RETENTION + dt.timedelta(days=1), dt.timedelta(days=1)):
        log = AccessLog.objects.create(username="equipe", ip_address="127.0.0.1")
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=now - age)
    member = MemberFactory()
    long_ago = today - dt.timedelta(days=366 * PERSON_RETENTION_YEARS + 1)
    former = Person.objects.create(first_name="Ancienne", last_name="Élue")
    recent = Person.objects.create(first_name="Récente", last_name="Élue")
    current = Person.objects.create(first_name="Actuelle", last_name="Élue")
    contact = Person.objects.create(
        first_name="Contact", last_name="Seul", member=member
    )
    for person, end in ((former, long_ago), (recent, today), (current, None)):
        Mandate.objects.create(
            person=person,
            body=Mandate.Body.BOARD,
            start=dt.date(2000, 1, 1),
            end=end,
        )

    call_command("purge_personal_data", stdout=io.StringIO())

    assert list(ContactMessage.objects.values_list("subject", flat=True)) == ["récent"]
    assert AccessLog.objects.count() == 1
    assert set(Person.objects.all()) == {recent, current, contact}


def test_accessibility_statement_follows_the_rgaa_model(client, complete):
    complete.accessibility_state = SiteSettings.Conformity.PARTIAL
    complete.accessibility_audit_date = dt.date(2026, 3, 1)
    complete.accessibility_audit_by = "Cabinet Audit"
    complete.accessibility_rate = "87 %"
    complete.accessibility_non_conformities = "- Les PDF anciens ne sont pas balisés."
    complete.accessibility_derogations = "- Les archives de 2016."
    complete.accessibility_exempt_contents = "- Les cartes interactives."
    complete.accessibility_test_environment = "Firefox et NVDA\nSafari et VoiceOver"
    complete.accessibility_tools = "axe-core"
    complete.accessibility_audited_pages = "Accueil – /\nAgenda – /agenda/"
    complete.accessibility_multiyear_plan_url = "https://exemple.fr/schema.pdf"
    complete.accessibility_action_plan_url = "https://exemple.fr/plan-2026.pdf"
    complete.save()
    main = _main(client, "/accessibilite/")
    for text in (
        "Cette déclaration a été établie le 2 novembre 2026.",
        "<strong>partiellement conforme</strong>",
        "version 4.1.2, en raison des non-conformités énumérées ci-dessous",
        "87 % des critères du RGAA version 4.1.2 sont respectés",
        "1er mars 2026",
        "Cabinet Audit",
        "Technologies utilisées pour la réalisation du site",
        "<li>Firefox et NVDA</li>",
        "<li>axe-core</li>",
        "<li>Agenda – /agenda/</li>",
        "<li>Les PDF anciens ne sont pas balisés.</li>",
        "Dérogations pour charge disproportionnée",
        "<li>Les archives de 2016.</li>",
        "Contenus non soumis à l’obligation d’accessibilité",
        "<li>Les cartes interactives.</li>",
        'href="https://exemple.fr/schema.pdf"',
        'href="https://exemple.fr/plan-2026.pdf"',
        "contact@reseau.example",
        "https://formulaire.defenseurdesdroits.fr/",
        "carte-des-delegues",
        "Libre réponse 71120, 75342 Paris CEDEX 07",
    ):
        assert typeset(text) in main, text


@pytest.mark.parametrize(
    ("state", "label"),
    [
        (SiteSettings.Conformity.NONE, "non conforme"),
        (SiteSettings.Conformity.PARTIAL, "partiellement conforme"),
        (SiteSettings.Conformity.FULL, "totalement conforme"),
    ],
)
def test_statement_and_footer_say_the_same_state(client, complete, state, label):
    complete.accessibility_state = state
    complete.save()
    html = client.get("/accessibilite/").content.decode()
    assert f"<strong>{label}</strong>" in inner(html, "main")
    footer = outer(html, "footer", class_="site-footer")
    assert typeset(f"Accessibilité : {label}") in footer


def test_a_site_never_audited_claims_no_absence_of_faults(client, complete):
    """The statement said "Aucune non-conformité" next to "non conforme"."""
    main = _main(client, "/accessibilite/")
    assert "<strong>non conforme</strong>" in main
    assert "en raison de l’absence de résultats d’audit" in main
    assert "Aucune non-conformité" not in main
    assert "Faute d’audit, les non-conformités ne sont pas encore recensées." in main


def test_an_audit_without_its_faults_is_a_deploy_warning(complete):
    complete.accessibility_state = SiteSettings.Conformity.PARTIAL
    complete.accessibility_audit_date = dt.date(2026, 3, 1)
    complete.save()
    [warning] = legal_pages(None)
    assert "non-conformités" in warning.msg


def test_contact_form_states_the_same_retention(client, complete, monkeypatch):
    monkeypatch.setattr("pages.views.MESSAGE_RETENTION", dt.timedelta(days=365 * 3))
    main = _main(client, "/contact/")
    assert "Ils sont conservés trois ans au plus" in main
