"""Demo members: cities across France (real communes, official figures),
working groups from the original site, a fictional bureau and council.

Called by `manage.py load_demo`; safe to run again."""

import datetime as dt

from django.db import transaction

from .communes import ensure_authorities
from .models import Mandate, Member, Person, WorkingGroup
from .validators import with_luhn_key

# INSEE code, member since (year). Villeurbanne hosts the seat.
CITIES = [
    ("69266", 1998),  # Villeurbanne
    ("69123", 1998),  # Lyon
    ("38185", 1999),  # Grenoble
    ("42218", 2004),  # Saint-Étienne
    ("63113", 2001),  # Clermont-Ferrand
    ("73065", 2012),  # Chambéry
    ("35238", 1998),  # Rennes
    ("29019", 2003),  # Brest
    ("22093", 2019),  # Lamballe-Armor
    ("44109", 1998),  # Nantes
    ("49007", 2006),  # Angers
    ("59350", 1998),  # Lille
    ("59512", 2008),  # Roubaix
    ("80021", 2010),  # Amiens
    ("67482", 1998),  # Strasbourg
    ("57463", 2005),  # Metz
    ("54395", 1999),  # Nancy
    ("21231", 2002),  # Dijon
    ("21515", 2016),  # Quetigny
    ("25056", 2000),  # Besançon
    ("33063", 2001),  # Bordeaux
    ("33318", 2014),  # Pessac
    ("87085", 2007),  # Limoges
    ("86194", 2003),  # Poitiers
    ("31555", 1999),  # Toulouse
    ("34172", 2002),  # Montpellier
    ("30189", 2011),  # Nîmes
    ("13055", 2009),  # Marseille
    ("84007", 2013),  # Avignon
    ("45234", 2004),  # Orléans
    ("45284", 2018),  # Saint-Jean-de-Braye
    ("37261", 2006),  # Tours
    ("76540", 2000),  # Rouen
    ("14118", 2008),  # Caen
    ("93066", 2015),  # Saint-Denis
    ("94028", 2012),  # Créteil
    ("26113", 2021),  # Die
]
# Each city's invoicing address: its town hall's street and the postcode of
# the town hall's district (public addresses of the town halls; Marseille's
# is quai du Port, in the 2nd arrondissement: 13002, not the city's first
# postcode). The city is printed once, after the postcode.
TOWN_HALLS = {
    "69266": ("Hôtel de ville", "Place Lazare-Goujon", "69100"),
    "69123": ("Hôtel de ville", "1 place de la Comédie", "69001"),
    "38185": ("Hôtel de ville", "11 boulevard Jean-Pain", "38000"),
    "42218": ("Hôtel de ville", "Place de l’Hôtel-de-Ville", "42000"),
    "63113": ("Hôtel de ville", "10 rue Philippe-Marcombes", "63000"),
    "73065": ("Hôtel de ville", "Place de l’Hôtel-de-Ville", "73000"),
    "35238": ("Hôtel de ville", "Place de la Mairie", "35000"),
    "29019": ("Hôtel de ville", "2 rue Frézier", "29200"),
    "22093": ("Hôtel de ville", "Place du Champ-de-Foire", "22400"),
    "44109": ("Hôtel de ville", "2 rue de l’Hôtel-de-Ville", "44000"),
    "49007": (
        "Hôtel de ville",
        "Boulevard de la Résistance-et-de-la-Déportation",
        "49000",
    ),
    "59350": ("Hôtel de ville", "Place Augustin-Laurent", "59000"),
    "59512": ("Hôtel de ville", "17 Grand-Place", "59100"),
    "80021": ("Hôtel de ville", "Place de l’Hôtel-de-Ville", "80000"),
    "67482": ("Centre administratif", "1 parc de l’Étoile", "67000"),
    "57463": ("Hôtel de ville", "1 place d’Armes", "57000"),
    "54395": ("Hôtel de ville", "1 place Stanislas", "54000"),
    "21231": ("Hôtel de ville", "Place de la Libération", "21000"),
    "21515": ("Hôtel de ville", "Place Théodore-Monod", "21800"),
    "25056": ("Hôtel de ville", "2 rue Mégevand", "25000"),
    "33063": ("Palais Rohan, hôtel de ville", "Place Pey-Berland", "33000"),
    "33318": ("Hôtel de ville", "Place de la Ve-République", "33600"),
    "87085": ("Hôtel de ville", "Place Léon-Betoulle", "87000"),
    "86194": ("Hôtel de ville", "15 place du Maréchal-Leclerc", "86000"),
    "31555": ("Capitole", "Place du Capitole", "31000"),
    "34172": ("Hôtel de ville", "1 place Georges-Frêche", "34000"),
    "30189": ("Hôtel de ville", "Place de l’Hôtel-de-Ville", "30000"),
    "13055": ("Hôtel de ville", "Quai du Port", "13002"),
    "84007": ("Hôtel de ville", "Place de l’Horloge", "84000"),
    "45234": ("Hôtel de ville", "Place de l’Étape", "45000"),
    "45284": ("Hôtel de ville", "43 rue Jean-Zay", "45800"),
    "37261": ("Hôtel de ville", "1-3 rue des Minimes", "37000"),
    "76540": ("Hôtel de ville", "2 place du Général-de-Gaulle", "76000"),
    "14118": ("Hôtel de ville", "Esplanade Jean-Marie-Louvel", "14000"),
    "93066": ("Hôtel de ville", "2 place Victor-Hugo", "93200"),
    "94028": ("Hôtel de ville", "1 place Salvador-Allende", "94000"),
    "26113": ("Hôtel de ville", "Place de l’Hôtel-de-Ville", "26150"),
}


def invoicing_address(code: str, city: str) -> str:
    """ "Hôtel de ville\nQuai du Port\n13002 Marseille"."""
    building, street, postcode = TOWN_HALLS[code]
    return f"{building}\n{street}\n{postcode} {city}"


# A suspended member and a former one: the public pages leave them out.
SUSPENDED = {"84007"}
LEFT = {"26113"}

WORKING_GROUPS = [
    (
        "Petite enfance",
        "petite-enfance",
        "Accueil du jeune enfant, parentalité, premiers apprentissages : les villes "
        "comparent leurs politiques de la petite enfance et portent leurs propositions "
        "auprès de l’État.",
    ),
    (
        "Cités éducatives",
        "cites-educatives",
        "Les villes engagées dans le programme des Cités éducatives partagent leurs "
        "démarches, leurs outils d’évaluation et leurs questions.",
    ),
]

# (first name, last name, INSEE code of the city, position, bureau role or None).
# Fictional people: no role or mandate is given to a real person (real names
# appear only in the original site's event titles, calendar_app/demo.py).
PEOPLE = [
    ("Claire", "Morel", "69266", "Adjointe à l’éducation", Mandate.Role.PRESIDENT),
    (
        "Julien",
        "Garnier",
        "35238",
        "Adjoint à l’éducation",
        Mandate.Role.VICE_PRESIDENT,
    ),
    (
        "Nadia",
        "Benali",
        "59350",
        "Adjointe à la réussite éducative",
        Mandate.Role.VICE_PRESIDENT,
    ),
    ("Thomas", "Lefèvre", "33063", "Adjoint à l’enfance", Mandate.Role.VICE_PRESIDENT),
    ("Sophie", "Marchand", "67482", "Adjointe à l’éducation", Mandate.Role.TREASURER),
    ("Karim", "Haddad", "93066", "Adjoint à l’éducation", Mandate.Role.SECRETARY),
    (
        "Élodie",
        "Fabre",
        "34172",
        "Conseillère municipale déléguée",
        Mandate.Role.MEMBER,
    ),
    ("Marc", "Perrin", "38185", "Adjoint à l’éducation", Mandate.Role.MEMBER),
    ("Hélène", "Vasseur", "54395", "Adjointe à la petite enfance", None),
    ("Pauline", "Roux", "44109", "Adjointe à l’éducation", None),
    ("Hugo", "Blanc", "31555", "Adjoint à la jeunesse", None),
    ("Amélie", "Girard", "21231", "Adjointe à l’éducation", None),
    ("Samir", "Mansouri", "59512", "Adjoint à l’éducation", None),
    ("Léa", "Dupuis", "29019", "Adjointe à l’enfance", None),
    ("Vincent", "Colin", "14118", "Adjoint à l’éducation", None),
]
# Their civility, which gives each their own title ("la présidente").
MEN = {"Julien", "Thomas", "Karim", "Marc", "Hugo", "Samir", "Vincent"}
MANDATE_START = dt.date(2024, 6, 15)  # the last general assembly's elections


@transaction.atomic
def load() -> dict[str, Member]:
    """Create or refresh the demo members; returns them by INSEE code."""
    authorities = ensure_authorities([code for code, _since in CITIES])
    members = {}
    for code, since in CITIES:
        if code not in authorities:
            continue  # not in this version of the reference file
        mail_domain = authorities[code].search_name.replace(" ", "-")
        status = (
            Member.Status.SUSPENDED
            if code in SUSPENDED
            else Member.Status.LEFT
            if code in LEFT
            else Member.Status.ACTIVE
        )
        member, _ = Member.objects.update_or_create(
            authority=authorities[code],
            defaults={
                "member_since": dt.date(since, 1, 1),
                "status": status,
                "siret": with_luhn_key(f"{authorities[code].siren or '0' * 9}0001"),
                "chorus_service_code": "FINANCES" if len(members) % 3 == 0 else "",
                "commitment_number_required": len(members) % 4 == 0,
                "finance_contact_name": "Direction des finances",
                "finance_contact_email": f"finances@{mail_domain}.example.org",
                "invoicing_address": invoicing_address(code, authorities[code].name),
            },
        )
        members[code] = member

    groups = {}
    for order, (name, slug, description) in enumerate(WORKING_GROUPS, start=1):
        groups[slug], _ = WorkingGroup.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "order": order},
        )

    kept = []
    for first, last, code, position, bureau_role in PEOPLE:
        person, _ = Person.objects.update_or_create(
            first_name=first,
            last_name=last,
            defaults={
                "member": members.get(code),
                "civility": Person.Civility.MONSIEUR
                if first in MEN
                else Person.Civility.MADAME,
                "position": position,
                "email": f"{first.lower()}.{last.lower()}@demo.example.org".replace(
                    "é", "e"
                ).replace("è", "e"),
                "is_demo": True,
            },
        )
        kept.append(person.pk)
        board_role = bureau_role or Mandate.Role.MEMBER
        _mandate(person, Mandate.Body.BOARD, board_role)
        if bureau_role:
            _mandate(person, Mandate.Body.BUREAU, bureau_role)
    # Demo people an earlier version loaded (a real person once among them).
    Person.objects.filter(is_demo=True).exclude(pk__in=kept).delete()
    vasseur = Person.objects.get(first_name="Hélène", last_name="Vasseur")
    groups["petite-enfance"].lead = vasseur
    groups["petite-enfance"].save()
    _mandate(
        vasseur,
        Mandate.Body.WORKING_GROUP,
        Mandate.Role.MEMBER,
        groups["petite-enfance"],
    )
    haddad = Person.objects.get(first_name="Karim", last_name="Haddad")
    groups["cites-educatives"].lead = haddad
    groups["cites-educatives"].save()

    return members


def _mandate(person, body, role, group=None):
    Mandate.objects.update_or_create(
        person=person,
        body=body,
        working_group=group,
        defaults={"role": role, "start": MANDATE_START},
    )
