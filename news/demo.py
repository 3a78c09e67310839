"""Demo news, press releases and publications, written from public facts about
the network (shared/seed/network-facts.md); no real person is named. Called by
`manage.py load_demo` after the agenda; idempotent.

The publications are small real PDF files made by WeasyPrint from their
accessible text. Their stored name carries a hash of that text, so a run finds
the file an earlier run made and does not render it again (`make run` and the
test suite stay fast)."""

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from calendar_app.models import Event
from members.models import Member, WorkingGroup
from rfve_site.markup import render_markdown
from rfve_site.pdf import write_pdf
from rfve_site.typography import french_html

from .models import Article, Category, Document

CATEGORIES = [  # name, slug, description
    ("Vie du réseau", "vie-du-reseau", "Assemblées générales, instances, adhésions."),
    (
        "Plaidoyer",
        "plaidoyer",
        "Ce que le réseau porte auprès de l’État et des parlementaires.",
    ),
    (
        "Rencontres nationales",
        "rencontres-nationales",
        "Les deux journées annuelles d’études et d’échanges du réseau.",
    ),
    ("Webinaires", "webinaires", "Une heure en ligne sur une question précise."),
    (
        "Groupes de travail",
        "groupes-de-travail",
        "Les travaux des groupes petite enfance et Cités éducatives.",
    ),
]

MANIFESTO = """\
## Pourquoi un manifeste

Les villes sont le premier lieu où se construit le parcours éducatif des enfants \
et des jeunes : l’école, mais aussi la crèche, la cantine, le temps périscolaire, \
la bibliothèque, le sport et la culture. Le réseau affirme que l’éducation est \
une responsabilité partagée, dont les communes sont des actrices à part entière.

## Nos engagements pour 2030

1. Garantir à chaque enfant un accueil de qualité dès le plus jeune âge.
2. Construire avec l’Éducation nationale des projets éducatifs de territoire \
qui associent les familles et les associations.
3. Réduire les inégalités : tarification sociale, restauration scolaire, accès \
aux loisirs éducatifs.
4. Faire des enfants et des jeunes des citoyens qui participent à la vie de \
leur ville.

## Ce que nous demandons

Une reconnaissance du rôle éducatif des villes, des financements stables et \
pluriannuels, et une place pour les élues et les élus locaux dans les instances où se \
décident les politiques éducatives.
"""

ADVOCACY = """\
## Un texte adopté par les villes adhérentes

Réunie à Paris le 24 septembre 2025, l’assemblée générale du réseau a adopté \
ce texte, destiné aux candidates et candidats aux élections municipales de 2026 \
et aux pouvoirs publics.

## Les priorités

- **La petite enfance** : un service public de l’accueil du jeune enfant, \
construit avec les communes qui le portent au quotidien.
- **Les temps de l’enfant** : une cohérence entre temps scolaire, périscolaire \
et extrascolaire, pensée localement.
- **La coopération avec l’État** : des engagements pluriannuels, qui ne \
changent pas à chaque rentrée.
- **La participation** : associer les enfants, les jeunes et les familles aux \
décisions qui les concernent.
"""

GUIDANCE = """\
## À qui s’adresse ce texte

Aux équipes municipales élues en 2026, et d’abord aux nouvelles et nouveaux \
élus chargés de l’éducation et de la petite enfance.

## Les questions à se poser en début de mandat

1. Quel projet éducatif de territoire, avec quels partenaires ?
2. Comment organiser les temps de l’enfant, de la crèche au collège ?
3. Quelle place pour les familles, les associations et les jeunes eux-mêmes ?
4. Quels moyens, et comment en rendre compte ?

## Ce que propose le réseau

Des échanges entre villes de toutes tailles, des webinaires pour les élues \
et les élus qui découvrent leur délégation et des exemplaires imprimés de ce \
texte, envoyés sur simple demande au secrétariat.
"""

MINUTES = """\
## Présents

Élues, élus et techniciens de huit villes adhérentes (liste tenue par le secrétariat).

## Points abordés

- Tour de table : les projets d’accueil du jeune enfant engagés depuis la \
rentrée.
- Préparation de la contribution du réseau sur le service public de la petite \
enfance.
- Calendrier : prochaine réunion le mois prochain.
"""


def _publications(today: dt.date, events: dict) -> list[dict]:
    return [
        {
            "slug": "manifeste-2030",
            "title": "Manifeste 2030 des villes éducatrices",
            "kind": Document.Kind.MANIFESTO,
            "date": dt.date(2020, 2, 27),
            "summary": "Ce que les villes éducatrices s’engagent à faire d’ici à "
            "2030, et ce qu’elles demandent à l’État.",
            "body": MANIFESTO,
            "in_press_kit": True,
        },
        {
            "slug": "texte-de-plaidoyer-2025",
            "title": "Texte de plaidoyer adopté par l’assemblée générale "
            "du 24 septembre 2025",
            "kind": Document.Kind.ADVOCACY,
            "date": dt.date(2025, 9, 24),
            "summary": "Les priorités des villes éducatrices à l’approche des "
            "élections municipales de 2026.",
            "body": ADVOCACY,
            "in_press_kit": True,
        },
        {
            "slug": "texte-d-orientation-municipales-2026",
            "title": "Texte d’orientation pour les élections municipales de 2026",
            "kind": Document.Kind.GUIDANCE,
            "date": dt.date(2025, 11, 20),
            "summary": "Les questions qu’une équipe municipale se pose en début "
            "de mandat, et ce que le réseau lui propose.",
            "body": GUIDANCE,
            "in_press_kit": False,
        },
        {
            "slug": "compte-rendu-groupe-petite-enfance",
            "title": "Compte rendu du groupe de travail petite enfance",
            "kind": Document.Kind.MINUTES,
            "date": events["minutes"].first_day if events["minutes"] else today,
            "summary": "Relevé des échanges et des prochaines étapes.",
            "body": "",
            "pdf_text": MINUTES,
            "events": [events["minutes"]] if events["minutes"] else [],
            "groups": ["petite-enfance"],
            "in_press_kit": False,
        },
    ]


def _articles(today: dt.date, events: dict) -> list[dict]:
    paris = timezone.get_default_timezone()

    def days_ago(days: int, hour: int = 10) -> dt.datetime:
        day = today - dt.timedelta(days=days)
        return dt.datetime.combine(day, dt.time(hour), tzinfo=paris)

    def on(year, month, day, hour=10) -> dt.datetime:
        return dt.datetime(year, month, day, hour, tzinfo=paris)

    rencontres = events["rencontres"]
    return [
        {
            "slug": "journee-internationale-de-la-ville-educatrice",
            "title": "30 novembre : Journée internationale de la ville éducatrice",
            "category": "vie-du-reseau",
            # Scheduled: appears by itself tomorrow at 9:00.
            "publish_at": days_ago(-1, 9),
            "lead": "Comme chaque année, les villes membres de l’association "
            "internationale des villes éducatrices célèbrent le 30 novembre.",
            "body": "Expositions, conseils d’enfants, portes ouvertes : les "
            "villes adhérentes montrent ce que veut dire, chez elles, être une "
            "ville éducatrice.",
        },
        {
            "slug": "rencontres-nationales-inscriptions-ouvertes",
            "title": "Rencontres nationales : les inscriptions sont ouvertes",
            "category": "rencontres-nationales",
            "publish_at": days_ago(12),
            "lead": "Deux journées d’études et d’échanges, ouvertes aux villes "
            "adhérentes comme aux autres collectivités et à leurs partenaires.",
            "body": "## Au programme\n\n"
            "- des ateliers entre élues, élus et techniciens\n"
            "- des tables rondes avec des chercheurs et des associations\n"
            "- une conférence du soir ouverte au public\n\n"
            "Un espace presse accueille les journalistes pendant les deux jours.",
            "events": [rencontres] if rencontres else [],
            "members": ["69266"],
        },
        {
            "slug": "webinaires-pour-les-nouveaux-elus",
            "title": "Des webinaires pour les élues et les élus qui découvrent "
            "leur délégation",
            "category": "webinaires",
            "publish_at": days_ago(34),
            "lead": "Une série de rendez-vous en ligne d’une heure, pour les "
            "élues et les élus "
            "chargés de l’éducation et de la petite enfance depuis les "
            "élections municipales.",
            "body": "Chaque séance part des questions d’une ville et laisse la "
            "moitié du temps aux échanges. L’inscription se fait par un court "
            "formulaire ; les supports sont ensuite envoyés aux participants.",
            "events": [events["webinar"]] if events["webinar"] else [],
        },
        {
            "slug": "groupe-petite-enfance-service-public",
            "title": "Petite enfance : le groupe de travail prépare la contribution "
            "du réseau",
            "category": "groupes-de-travail",
            "publish_at": days_ago(58),
            "lead": "Les villes du groupe petite enfance comparent leurs "
            "pratiques pour nourrir la position du réseau sur le service public "
            "de la petite enfance.",
            "body": "Le compte rendu de la dernière réunion est disponible dans "
            "les [publications](/publications/).",
            "groups": ["petite-enfance"],
            "events": [events["minutes"]] if events["minutes"] else [],
        },
        {
            "slug": "assemblee-generale-texte-de-plaidoyer",
            "title": "L’assemblée générale adopte un texte de plaidoyer",
            "category": "vie-du-reseau",
            "publish_at": on(2025, 9, 25),
            "lead": "Réunies à l’Hôtel de Ville de Paris le 24 septembre 2025, "
            "les villes adhérentes ont adopté les priorités qu’elles porteront "
            "à l’approche des élections municipales de 2026.",
            "body": "Le texte est à lire en ligne et à télécharger dans les "
            "publications du réseau.",
            "document": "texte-de-plaidoyer-2025",
        },
        {
            "slug": "rencontres-avec-le-cabinet-de-la-ministre-et-les-deputes-de-la"
            "-commission-culture-et-education",
            "title": "Rencontres avec le cabinet de la ministre et les députés de "
            "la commission culture et éducation",
            "category": "plaidoyer",
            "publish_at": on(2025, 2, 20),
            "lead": "Le 19 février 2025, une délégation d’élues et d’élus du réseau a "
            "présenté les attentes des villes éducatrices au cabinet de la "
            "ministre puis aux députés de la commission.",
            "body": "Les échanges ont porté sur la petite enfance, les temps de "
            "l’enfant et la place des communes dans les politiques éducatives.",
        },
        {
            "slug": "communique-texte-d-orientation-municipales-2026",
            "title": "Municipales 2026 : le réseau publie un texte d’orientation",
            "kind": Article.Kind.PRESS_RELEASE,
            "category": "plaidoyer",
            "publish_at": on(2025, 11, 20),
            "lead": "À quelques mois des élections municipales, le Réseau "
            "français des villes éducatrices propose aux futures équipes un "
            "texte d’orientation et des webinaires.",
            "document": "texte-d-orientation-municipales-2026",
        },
        {
            "slug": "communique-plan-pauvrete",
            "title": "Plan pauvreté : les villes éducatrices demandent à être "
            "associées",
            "kind": Article.Kind.PRESS_RELEASE,
            "category": "plaidoyer",
            "publish_at": on(2018, 9, 20),
            "lead": "Le réseau salue l’attention portée à la petite enfance et "
            "rappelle que les communes sont en première ligne pour la mettre "
            "en œuvre.",
        },
        {
            "slug": "communique-fonds-de-soutien-periscolaire",
            "title": "Fonds de soutien aux activités périscolaires et projets "
            "éducatifs territoriaux",
            "kind": Article.Kind.PRESS_RELEASE,
            "category": "plaidoyer",
            "publish_at": on(2017, 10, 5),
            "lead": "Le réseau demande que le fonds de soutien soit maintenu pour "
            "les villes qui ont bâti un projet éducatif de territoire.",
        },
        {
            "slug": "brouillon-bilan-de-l-annee",
            "title": "Bilan de l’année du réseau (brouillon)",
            "category": "vie-du-reseau",
            "status": Article.Status.DRAFT,
            "publish_at": days_ago(2),
            "lead": "Un brouillon : invisible sur le site public.",
        },
    ]


def _pdf_name(slug: str, html: str) -> str:
    digest = hashlib.sha256(html.encode()).hexdigest()[:12]
    return f"publications/demo-{slug}-{digest}.pdf"


def _pdf_file(slug: str, title: str, text: str) -> str:
    """The stored name of a PDF of `text`, rendered only if not stored yet."""
    html = french_html(
        render_to_string(
            "news/demo_publication.html",
            {"title": title, "body_html": render_markdown(text)},
        )
    )
    name = _pdf_name(slug, html)
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(write_pdf(html)))
    return name


def _demo_events() -> dict:
    public = Event.objects.filter(is_demo=True).public()
    now = timezone.now()
    return {
        "rencontres": public.filter(event_type__slug="rencontres-nationales")
        .upcoming(now)
        .first(),
        "webinar": public.filter(event_type__slug="webinaire").upcoming(now).first(),
        "minutes": public.filter(working_group__slug="petite-enfance")
        .filter(ends_at__lt=now)
        .order_by("-starts_at")
        .first(),
    }


@transaction.atomic
def load(today: dt.date) -> tuple[int, int]:
    """Create or refresh the demo content; returns (articles, documents)."""
    categories = {}
    for order, (name, slug, description) in enumerate(CATEGORIES, start=1):
        categories[slug], _ = Category.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "order": order},
        )
    events = _demo_events()
    groups = {group.slug: group for group in WorkingGroup.objects.all()}
    members = {
        member.authority.code: member
        for member in Member.objects.select_related("authority")
    }

    documents = {}
    for row in _publications(today, events):
        row = dict(row)
        slug = row.pop("slug")
        linked_events = row.pop("events", [])
        linked_groups = row.pop("groups", [])
        name = _pdf_file(slug, row["title"], row.pop("pdf_text", row["body"]))
        document, _ = Document.objects.update_or_create(
            slug=slug,
            defaults=row
            | {
                "file": name,
                "file_format": "pdf",
                "file_size": default_storage.size(name),
                "is_published": True,
                "is_demo": True,
            },
        )
        document.events.set(linked_events)
        document.working_groups.set([groups[g] for g in linked_groups if g in groups])
        documents[slug] = document

    kept = set()
    for row in _articles(today, events):
        row = dict(row)
        slug = row.pop("slug")
        linked = {
            "events": row.pop("events", []),
            "members": [members[c] for c in row.pop("members", []) if c in members],
            "working_groups": [groups[g] for g in row.pop("groups", []) if g in groups],
        }
        row["category"] = categories[row["category"]]
        row["document"] = documents.get(row.pop("document", None))
        article, _ = Article.objects.update_or_create(
            slug=slug,
            defaults={"status": Article.Status.PUBLISHED, "is_demo": True} | row,
        )
        for relation, objects in linked.items():
            getattr(article, relation).set(objects)
        kept.add(slug)
    Article.objects.filter(is_demo=True).exclude(slug__in=kept).delete()
    return len(kept), len(documents)
