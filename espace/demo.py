"""The members' area's demo: Villeurbanne's référente with access, a
colleague's invitation and a proposal waiting for the secretariat. Run by
load_demo (registered in apps.py: pages may not import this app)."""

import datetime as dt

from members.models import Member, Person

from .models import AreaAccess, ChangeProposal

REFERENTE_EMAIL = "referente@villeurbanne.example"


def load(today: dt.date) -> str:
    villeurbanne = Member.objects.filter(authority__code="69266").first()
    if villeurbanne is None:
        return "Demo members' area: no Villeurbanne, nothing loaded."
    referente, _ = Person.objects.update_or_create(
        email=REFERENTE_EMAIL,
        defaults={
            "first_name": "Nadia",
            "last_name": "Benali",
            "member": villeurbanne,
            "position": "Directrice de l’éducation",
            "is_demo": True,
        },
    )
    AreaAccess.objects.update_or_create(
        person=referente,
        defaults={"status": AreaAccess.Status.ACTIVE, "is_referent": True},
    )
    for first, last, position in [
        ("Sophie", "Lambert", "Animatrice périscolaire"),
        ("Thomas", "Girard", "Coordinateur du projet éducatif"),
        ("Inès", "Moreau", "Chargée de mission petite enfance"),
    ]:
        Person.objects.update_or_create(
            email=f"{first.lower()}.{last.lower()}@villeurbanne.example".replace(
                "è", "e"
            ),
            defaults={
                "first_name": first,
                "last_name": last,
                "member": villeurbanne,
                "position": position,
                "is_demo": True,
            },
        )
    invited, _ = Person.objects.update_or_create(
        email="julien.morel@villeurbanne.example",
        defaults={
            "first_name": "Julien",
            "last_name": "Morel",
            "member": villeurbanne,
            "position": "Service des finances",
            "is_demo": True,
        },
    )
    AreaAccess.objects.get_or_create(
        person=invited,
        defaults={"status": AreaAccess.Status.INVITED, "invited_by": referente},
    )
    ChangeProposal.objects.get_or_create(
        member=villeurbanne,
        person=None,
        field="finance_contact_phone",
        status=ChangeProposal.Status.PENDING,
        defaults={
            "old_value": villeurbanne.finance_contact_phone,
            "new_value": "04 78 03 67 67",
            "proposed_by": referente,
            "proposer_email": referente.email,
        },
    )
    return (
        f"Demo members' area: {REFERENTE_EMAIL} signs in at /espace/connexion/ "
        "(the code is in the worker's console output)."
    )
