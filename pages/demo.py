"""Demo pages and association settings, from the original site's
presentation (shared/seed/). Called by `manage.py load_demo`; idempotent."""

from django.utils import timezone

from association.models import SiteSettings

from .models import MEMBER_COUNT_PLACEHOLDER, ContactMessage, Page

PRESENTATION = (
    "Le Réseau français des villes éducatrices est une association loi 1901 créée "
    f"en 1998. Il rassemble {MEMBER_COUNT_PLACEHOLDER} villes de toutes tailles, "
    "impliquées dans le parcours éducatif des enfants et des jeunes dès le plus "
    "jeune âge. Élues, élus et services y partagent leurs expériences pour construire "
    "ensemble des politiques éducatives territoriales innovantes."
)

# The original text, with the number of cities computed from data.
ADN_BODY = f"""\
Le Réseau français des villes éducatrices est une association de loi 1901. Créé \
en 1998, il regroupe {MEMBER_COUNT_PLACEHOLDER} villes françaises de toutes \
tailles, impliquées dans le parcours éducatif des enfants et des jeunes au-delà \
de leurs simples compétences liées aux écoles et cela, dès le plus jeune âge. \
Les élues et les élus en charge de l’éducation et de la petite enfance participent à \
la vie du Réseau. Les services sont également les bienvenus.

Le Réseau permet aux élues, aux élus et aux techniciens des villes adhérentes \
de partager leur expérience, échanger sur leurs questionnements, pour \
construire ensemble des politiques éducatives innovantes. Le Réseau s’intègre \
aussi dans un dialogue permanent avec les autres acteurs du monde de \
l’éducation (Éducation nationale, éducation populaire, parents…) pour \
promouvoir les politiques éducatives territoriales. Le principal rendez-vous \
annuel est celui des \
[Rencontres nationales des villes éducatrices](/le-reseau/rencontres-nationales/), \
deux journées d’études et d’échanges ouvertes aux membres du Réseau mais aussi \
aux personnes extérieures.

L’association est structurée autour d’un \
[bureau et d’un conseil d’administration](/le-reseau/gouvernance/) composés \
d’élues et d’élus des villes adhérentes. En plus des réunions régulières, des \
[groupes de travail](/le-reseau/groupes-de-travail/) spécifiques se réunissent, \
notamment sur les sujets liés à la petite enfance et aux Cités éducatives. Le \
siège social est basé dans une des villes adhérentes (actuellement \
Villeurbanne), où se trouve également le secrétariat (une salariée à temps \
plein). Les ressources de l’association sont composées des cotisations des \
villes adhérentes, dont le montant est modulé selon le nombre d’habitants \
([voir le barème](/adherer/)).
"""

# (slug, title, summary, body, in menu, order), under /le-reseau/.
NETWORK_PAGES = [
    (
        "adn",
        "Un réseau d’élus au service des élus pour des politiques éducatives "
        "territoriales",
        "Le Réseau français des villes éducatrices : qui sont ses membres, ce "
        "qu’ils font ensemble, comment l’association fonctionne.",
        ADN_BODY,
        False,
        1,
    ),
    (
        "gouvernance",
        "Gouvernance",
        "Le bureau et le conseil d’administration du réseau.",
        "Le bureau et le conseil d’administration sont élus par l’assemblée "
        "générale parmi les élues et les élus des villes adhérentes.",
        False,
        2,
    ),
    (
        "groupes-de-travail",
        "Groupes de travail",
        "Les groupes de travail du réseau et leurs prochaines réunions.",
        "Entre les réunions plénières, des groupes de travail approfondissent un "
        "sujet. Toute ville adhérente peut y participer.",
        False,
        3,
    ),
    (
        "rencontres-nationales",
        "Rencontres nationales",
        "Les Rencontres nationales des villes éducatrices : prochaine édition "
        "et archives.",
        "Deux journées d’études et d’échanges, chaque année dans une ville "
        "adhérente, ouvertes aux membres du réseau et aux personnes extérieures.",
        True,
        2,
    ),
]

# The identity (name, seat, SIRET, bank details, the legal pages' items) is
# association.demo's.
SETTINGS = {
    "presentation": PRESENTATION,
    "accessibility_tools": "axe-core, à chaque version (tests automatiques)\n"
    "Navigation au clavier",
    "accessibility_state": SiteSettings.Conformity.NONE,
    "accessibility_non_conformities": (
        "Le site n’a pas encore fait l’objet d’un audit de conformité au RGAA. "
        "Chaque version est vérifiée automatiquement (axe-core, navigation au "
        "clavier), ce qui ne remplace pas un audit."
    ),
}


# The contact inbox as the secretariat finds it: one message forwarded and
# read, one that the mail server refused (to forward again from the admin).
CONTACT_MESSAGES = [
    {
        "name": "Claire Dubois",
        "email": "claire.dubois@exemple.fr",
        "organisation": "Mairie de Saint-Priest",
        "subject": "Adhésion de notre commune",
        "message": "Bonjour,\n\nnotre conseil municipal envisage d’adhérer au "
        "réseau. Pourriez-vous nous envoyer les statuts ?\n\nCordialement,\n"
        "Claire Dubois, adjointe à l’éducation",
        "status": ContactMessage.Status.READ,
        "mailed": True,
    },
    {
        "name": "Julien Moreau",
        "email": "j.moreau@presse.exemple",
        "organisation": "Le Journal de l’éducation",
        "subject": "Interview sur les Rencontres nationales",
        "message": "Bonjour, je prépare un article sur les Rencontres nationales "
        "et souhaiterais interroger la présidence du réseau.",
        "status": ContactMessage.Status.NEW,
        "mailed": False,
    },
]


def load() -> dict[str, Page]:
    """The /le-reseau/ tree, the association's settings and the contact inbox."""
    for message in CONTACT_MESSAGES:
        fields = dict(message)
        fields["mailed_at"] = timezone.now() if fields.pop("mailed") else None
        ContactMessage.objects.get_or_create(
            subject=fields.pop("subject"), email=fields.pop("email"), defaults=fields
        )
    settings = SiteSettings.load()
    for name, value in SETTINGS.items():
        setattr(settings, name, value)
    settings.save()
    network, _ = Page.objects.update_or_create(
        parent=None,
        slug="le-reseau",
        defaults={
            "title": "Le réseau",
            "summary": "Ce qu’est le Réseau français des villes éducatrices, "
            "qui le gouverne et comment il travaille.",
            "body": "Des villes de toutes tailles qui construisent ensemble des "
            "politiques éducatives territoriales.",
            "is_published": True,
            "in_menu": True,
            "menu_order": 1,
        },
    )
    pages = {"le-reseau": network}
    for slug, title, summary, body, in_menu, order in NETWORK_PAGES:
        pages[slug], _ = Page.objects.update_or_create(
            parent=network,
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "body": body,
                "is_published": True,
                "in_menu": in_menu,
                "menu_order": order,
            },
        )
    return pages
