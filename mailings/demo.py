"""Demo letters and mailings (manage.py load_demo, through MailingsConfig):
three topics, subscribers in two of them, three letters sent in the last
months (the archive), one mailing sent to the member cities' people. The
sent ones are recorded as sent: the demo writes nothing to the outbox."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from . import audiences
from .models import Mailing, Recipient, Subscriber, Topic

PARIS = ZoneInfo("Europe/Paris")
TOPICS = [
    (
        "Agenda du réseau",
        "agenda",
        "Les rendez-vous à venir : webinaires, "
        "groupes de travail, Rencontres nationales.",
    ),
    (
        "Publications",
        "publications",
        "Plaidoyers, textes d’orientation, comptes rendus.",
    ),
    (
        "Vie du réseau",
        "vie-du-reseau",
        "Nouvelles villes adhérentes, instances, initiatives des villes.",
    ),
]
# (address, topic slugs)
SUBSCRIBERS = [
    ("camille.robert@demo.example.org", ["agenda"]),
    ("ines.moreau@demo.example.org", ["agenda", "publications"]),
    ("yanis.petit@demo.example.org", ["publications"]),
    ("louise.fontaine@demo.example.org", ["agenda"]),
    ("mathis.lambert@demo.example.org", ["publications", "agenda"]),
]
# (days ago, slug, subject, topic slugs, body)
LETTERS = [
    (
        75,
        "lettre-rentree",
        "La lettre du réseau : une rentrée éducative",
        ["agenda", "publications"],
        "## Les rendez-vous de la rentrée\n\n"
        "- Le webinaire sur les temps périscolaires, ouvert aux élus et aux "
        "agents des villes adhérentes ;\n"
        "- la réunion du groupe de travail Petite enfance.\n\n"
        "## Publication\n\n"
        "Le texte de plaidoyer du réseau est en ligne dans les publications.",
    ),
    (
        45,
        "lettre-automne",
        "La lettre du réseau : l’automne des villes éducatrices",
        ["agenda"],
        "## Agenda\n\n"
        "Les inscriptions aux Rencontres nationales sont ouvertes : programme, "
        "tarifs et hébergement sur la page de l’événement.\n\n"
        "## Cités éducatives\n\n"
        "Le groupe de travail partage les outils d’évaluation des villes.",
    ),
    (
        15,
        "lettre-municipales",
        "La lettre du réseau : les municipales et l’éducation",
        ["publications"],
        "## Un texte pour les équipes municipales\n\n"
        "Le texte d’orientation pour les élections municipales de 2026 rappelle "
        "les engagements des villes éducatrices : continuité éducative, "
        "participation des enfants, alliances éducatives locales.",
    ),
]
MAILING_SUBJECT = "Assemblée générale : l’ordre du jour"
MAILING_BODY = (
    "Madame, Monsieur,\n\n"
    "L’assemblée générale du réseau se tiendra au printemps. L’ordre du jour, "
    "les rapports et les modalités de procuration vous parviendront trois "
    "semaines avant la séance.\n\n"
    "Le secrétariat reste à votre disposition."
)


def _sent_at(today: dt.date, days_ago: int) -> dt.datetime:
    return dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(9), PARIS)


@transaction.atomic
def load(today: dt.date) -> str:
    topics = {}
    for order, (name, slug, description) in enumerate(TOPICS, start=1):
        topics[slug], _ = Topic.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "order": order},
        )
    for email, slugs in SUBSCRIBERS:
        subscriber, _ = Subscriber.objects.update_or_create(
            email=email, defaults={"confirmed_at": _sent_at(today, 100)}
        )
        subscriber.topics.set([topics[slug] for slug in slugs])

    for days_ago, slug, subject, slugs, body in LETTERS:
        when = _sent_at(today, days_ago)
        letter, _ = Mailing.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": Mailing.Kind.LETTER,
                "subject": subject,
                "body": body,
                "created_at": when - dt.timedelta(days=1),
                "started_at": when,
                "heartbeat_at": when,
                "finished_at": when,
            },
        )
        letter.topics.set([topics[slug] for slug in slugs])
        _record_sent(letter, when)

    when = _sent_at(today, 30)
    mailing, _ = Mailing.objects.update_or_create(
        kind=Mailing.Kind.MAILING,
        subject=MAILING_SUBJECT,
        defaults={
            "body": MAILING_BODY,
            "to_representatives": True,
            "created_at": when - dt.timedelta(days=1),
            "started_at": when,
            "heartbeat_at": when,
            "finished_at": when,
        },
    )
    count = _record_sent(mailing, when)
    return (
        f"{len(TOPICS)} topics, {len(SUBSCRIBERS)} subscribers, {len(LETTERS)} "
        f"letters, one mailing to {count} people of member cities"
    )


def _record_sent(mailing: Mailing, when: dt.datetime) -> int:
    """Its recipients as the data gives them now, marked sent."""
    mailing.recipients.all().delete()
    found = audiences.addresses(mailing)
    Recipient.objects.bulk_create(
        Recipient(
            mailing=mailing,
            email=address.email,
            name=address.name[:200],
            state=Recipient.State.SENT,
            sent_at=when,
        )
        for address in found
    )
    return len(found)
