"""The members' area's demo: Villeurbanne's référente with access, a
colleague's invitation and a proposal waiting for the secretariat. Run by
load_demo (registered in apps.py: pages may not import this app)."""

import datetime as dt

from dues import invoices
from dues.models import DuesCall
from members.models import Member, Person

from .models import AreaAccess, ChangeProposal

REFERENTE_EMAIL = "referente@villeurbanne.example"


def load(today: dt.date) -> str:
    villeurbanne = Member.objects.filter(authority__code="69266").first()
    if villeurbanne is None:
        return "no Villeurbanne, nothing loaded"
    referente, _ = Person.objects.update_or_create(
        email=REFERENTE_EMAIL,
        defaults={
            "first_name": "Aurore",
            "last_name": "Vidal",
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
        ("Théo", "Garnier", "Coordinateur du projet éducatif"),
        ("Inès", "Roux", "Chargée de mission petite enfance"),
    ]:
        Person.objects.update_or_create(
            email=f"{first.lower()}.{last.lower()}@villeurbanne.example".replace(
                "é", "e"
            ).replace("è", "e"),
            defaults={
                "first_name": first,
                "last_name": last,
                "member": villeurbanne,
                "position": position,
                "is_demo": True,
            },
        )
    invited, _ = Person.objects.update_or_create(
        email="julien.mercier@villeurbanne.example",
        defaults={
            "first_name": "Julien",
            "last_name": "Mercier",
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
    # An invoice to download from the area (the dues demo issues the first
    # cities' only), issued on the campaign's day.
    call = DuesCall.objects.filter(member=villeurbanne, year=today.year).first()
    if call is not None and not call.is_issued:
        if villeurbanne.commitment_number_required and not call.commitment_number:
            call.commitment_number = f"EJ-{today.year}-69266"
            call.save(update_fields=["commitment_number"])
        invoices.issue_invoice(
            call, today=min(dt.date(today.year, 2, 1), today - dt.timedelta(days=60))
        )
    return (
        f"{REFERENTE_EMAIL} signs in at /espace/connexion/ "
        "(the code is in the worker's console output)"
    )
