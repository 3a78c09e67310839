"""Changes a member proposes to its city's record, field by field, and the
secretariat's decision: accepted ones are applied (the audit trail logs the
change, as any edit of the record), refused ones are kept; the proposer is
emailed either way."""

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from members.models import Member, Person

from .models import ChangeProposal


class ProposalError(Exception):
    """A decision that cannot be taken, told in French."""


def as_text(value) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    return "" if value is None else str(value)


def _from_text(model, field: str, text: str):
    if model._meta.get_field(field).get_internal_type() == "BooleanField":
        return text == "oui"
    return text


def propose(form, *, member: Member, person: Person | None, by: Person) -> list:
    """One pending proposal per field the bound, valid `form` changed (a
    ModelForm of the member or of one of its people, never saved)."""
    now = timezone.now()
    created = []
    for field in form.changed_data:
        created.append(
            ChangeProposal.objects.create(
                member=member,
                person=person,
                field=field,
                old_value=as_text(form.initial.get(field)),
                new_value=as_text(form.cleaned_data[field]),
                proposed_by=by,
                proposer_email=by.email,
                created_at=now,
            )
        )
    return created


def current_value(proposal: ChangeProposal) -> str:
    return as_text(getattr(proposal.target, proposal.field))


def decide(proposal_id: int, *, accept: bool, user) -> ChangeProposal:
    """Accept (apply to the record, validated as the admin would) or refuse a
    pending proposal, then email the proposer."""
    with transaction.atomic():
        proposal = (
            ChangeProposal.objects.select_for_update()
            .select_related("member__authority", "person", "proposed_by")
            .get(pk=proposal_id)
        )
        if proposal.status != ChangeProposal.Status.PENDING:
            raise ProposalError(
                f"Cette proposition est déjà {proposal.get_status_display()}."
            )
        if accept:
            target = proposal.target
            model = Person if proposal.person_id else Member
            setattr(
                target,
                proposal.field,
                _from_text(model, proposal.field, proposal.new_value),
            )
            try:
                target.full_clean()
            except ValidationError as error:
                messages = " ".join(
                    " ".join(errors) for errors in error.message_dict.values()
                )
                raise ProposalError(
                    f"La proposition ne peut pas être appliquée : {messages}"
                ) from error
            target.save()
        proposal.status = (
            ChangeProposal.Status.ACCEPTED if accept else ChangeProposal.Status.REFUSED
        )
        proposal.decided_at = timezone.now()
        proposal.decided_by = user
        proposal.save(update_fields=["status", "decided_at", "decided_by"])
        if proposal.proposer_email:
            context = {"proposal": proposal, "accepted": accept}
            send_mail(
                render_to_string("espace/email/decision_subject.txt", context).strip(),
                render_to_string("espace/email/decision.txt", context),
                None,
                [proposal.proposer_email],
            )
    return proposal
