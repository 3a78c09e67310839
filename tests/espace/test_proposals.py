"""Issue 23, §2-3: changes are proposals, field by field, decided by the
secretariat in the admin; the proposer is emailed either way; an issued
invoice never changes."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from dues import invoices
from espace.models import AreaAccess, ChangeProposal
from members.models import Person
from pages.dashboard import sections_for
from tests.factories import DuesCallFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _record_data(member, **changes):
    data = {
        "invoicing_address": member.invoicing_address,
        "siret": member.siret,
        "chorus_service_code": member.chorus_service_code,
        "finance_contact_name": member.finance_contact_name,
        "finance_contact_email": member.finance_contact_email,
        "finance_contact_phone": member.finance_contact_phone,
        "website": member.website,
    }
    if member.commitment_number_required:
        data["commitment_number_required"] = "on"
    return {**data, **changes}


def test_a_change_is_a_pending_proposal_per_field_not_a_change(area_client, access):
    member = access.person.member
    page = area_client.post(
        reverse("espace:record"),
        _record_data(
            member,
            finance_contact_name="Direction des finances",
            commitment_number_required="on",
        ),
        follow=True,
    )
    assert "2 modification(s) proposée(s)" in page.text
    member.refresh_from_db()
    assert member.finance_contact_name == "Service des finances"
    assert not member.commitment_number_required
    rows = {p.field: p for p in ChangeProposal.objects.all()}
    assert rows["finance_contact_name"].old_value == "Service des finances"
    assert rows["finance_contact_name"].new_value == "Direction des finances"
    assert rows["commitment_number_required"].new_value == "oui"
    assert rows["finance_contact_name"].proposed_by == access.person
    assert "Direction des finances" in page.text  # listed as pending


def test_a_wrong_siret_is_refused_in_french(area_client, access):
    page = area_client.post(
        reverse("espace:record"), _record_data(access.person.member, siret="123")
    )
    assert page.status_code == 200
    assert "Rien n’est proposé" in page.text
    assert not ChangeProposal.objects.exists()


def test_nothing_proposed_when_nothing_changed(area_client, access):
    page = area_client.post(
        reverse("espace:record"), _record_data(access.person.member), follow=True
    )
    assert "Aucune modification" in page.text


def _propose(client, member, **changes):
    client.post(reverse("espace:record"), _record_data(member, **changes))
    return ChangeProposal.objects.get()


def test_the_admin_shows_before_after_who_and_when_and_accepts_in_one_click(
    area_client, access, staff_client
):
    member = access.person.member
    proposal = _propose(area_client, member, finance_contact_name="Mme Finances")
    url = reverse("admin:espace_changeproposal_change", args=[proposal.pk])
    page = staff_client.get(url)
    assert "Service des finances" in page.text
    assert "Mme Finances" in page.text
    assert str(access.person) in page.text
    assert "Accepter et appliquer" in page.text
    page = staff_client.post(url, {"_accept": "1"}, follow=True)
    assert "acceptée(s) et appliquée(s)" in page.text
    member.refresh_from_db()
    assert member.finance_contact_name == "Mme Finances"
    proposal.refresh_from_db()
    assert proposal.status == ChangeProposal.Status.ACCEPTED
    assert proposal.decided_by.username == "equipe"
    # Applied and logged (the audit trail of the member), proposer emailed.
    entry = AuditEntry.objects.filter(
        content_type__model="member", object_id=member.pk
    ).latest("timestamp")
    assert entry.changes_dict["finance_contact_name"] == [
        "Service des finances",
        "Mme Finances",
    ]
    [message] = mail.outbox
    assert message.to == [access.person.email]
    assert "acceptée" in message.subject
    # Decided once only.
    staff_client.post(url, {"_accept": "1"})
    assert len(mail.outbox) == 1


def test_a_refused_proposal_changes_nothing_and_is_told(
    area_client, access, staff_client
):
    member = access.person.member
    proposal = _propose(area_client, member, website="https://pirate.example")
    url = reverse("admin:espace_changeproposal_change", args=[proposal.pk])
    staff_client.post(url, {"_refuse": "1"})
    member.refresh_from_db()
    assert member.website == ""
    assert ChangeProposal.objects.get().status == ChangeProposal.Status.REFUSED
    assert "refusée" in mail.outbox[0].subject


def test_an_accepted_change_never_touches_an_issued_invoice(
    area_client, access, staff_client, issuer
):
    member = access.person.member
    call = invoices.issue_invoice(
        DuesCallFactory(member=member), today=dt.date(2027, 1, 15)
    )
    document = call.documents.get()
    printed = dict(document.data)
    area_client.post(
        reverse("espace:record"),
        _record_data(
            member,
            invoicing_address="1 place Nouvelle\n69100 Villeurbanne",
            chorus_service_code="NOUVEAU",
        ),
    )
    for proposal in ChangeProposal.objects.all():
        staff_client.post(
            reverse("admin:espace_changeproposal_change", args=[proposal.pk]),
            {"_accept": "1"},
        )
    document.refresh_from_db()
    assert document.data == printed
    member.refresh_from_db()
    assert member.chorus_service_code == "NOUVEAU"


def test_a_persons_details_are_proposed_too(area_client, access, staff_client):
    colleague = PersonFactory(member=access.person.member, position="Agent")
    page = area_client.post(
        reverse("espace:person", args=[colleague.pk]),
        {
            "first_name": colleague.first_name,
            "last_name": colleague.last_name,
            "position": "Directrice de l’éducation",
            "email": colleague.email,
            "phone": colleague.phone,
        },
    )
    assert page.status_code == 302
    proposal = ChangeProposal.objects.get()
    assert proposal.person == colleague
    staff_client.post(
        reverse("admin:espace_changeproposal_change", args=[proposal.pk]),
        {"_accept": "1"},
    )
    colleague.refresh_from_db()
    assert colleague.position == "Directrice de l’éducation"


def test_the_referent_invites_a_colleague_whom_the_secretariat_confirms(
    area_client, access, staff_client, client
):
    page = area_client.post(
        reverse("espace:invite"),
        {"first_name": "Léa", "last_name": "Durand", "email": "lea@ville.example"},
        follow=True,
    )
    assert "Invitation de Léa Durand enregistrée" in page.text
    colleague = Person.objects.get(email="lea@ville.example")
    assert colleague.member == access.person.member
    invitation = colleague.area_access
    assert invitation.status == AreaAccess.Status.INVITED
    assert invitation.invited_by == access.person
    # Not yet: no code.
    client.post(reverse("espace:sign-in"), {"email": "lea@ville.example"})
    assert mail.outbox == []
    staff_client.post(
        reverse("admin:espace_areaaccess_changelist"),
        {"action": "confirm", "_selected_action": [invitation.pk]},
    )
    invitation.refresh_from_db()
    assert invitation.status == AreaAccess.Status.ACTIVE


def test_only_a_referent_invites(area_client, access):
    access.is_referent = False
    access.save()
    assert area_client.get(reverse("espace:invite")).status_code == 403


def test_the_secretariats_dashboard_counts_pending_proposals_and_invitations(
    area_client, access, staff_client, today
):
    _propose(area_client, access.person.member, website="https://ville.example")
    area_client.post(
        reverse("espace:invite"),
        {"first_name": "Léa", "last_name": "Durand", "email": "lea@ville.example"},
    )
    user = staff_client.get(reverse("admin:index")).wsgi_request.user
    figures = {f.label: f.value for s in sections_for(user, today) for f in s.figures}
    assert figures["Changements proposés par les villes"] == "1"
    assert figures["Invitations à l’espace adhérents à confirmer"] == "1"
    page = staff_client.get(reverse("admin:index"))
    assert "Changements proposés par les villes" in page.text


def test_the_citys_admin_page_shows_its_area(area_client, access, staff_client):
    from espace.access import log_sign_in

    log_sign_in(sender=None, request=None, user=access.user)
    page = staff_client.get(
        reverse("admin:members_member_change", args=[access.person.member.pk])
    )
    assert "Personnes ayant accès à l’espace adhérents" in page.text
    assert str(access.person) in page.text
    assert "Connexions à l’espace adhérents" in page.text
