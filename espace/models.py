"""The members' area: who of a member city may sign in, and the changes they
propose to their city's record.

Access belongs to a person of a member city (members.Person), set by the
secretariat or proposed by the city's référent (an invitation the
secretariat confirms). The Django user the sign-in needs is made at the first
sign-in (access.py): nobody types a password here."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from members.models import Member, Person
from rfve_site import formats
from rfve_site.text import MultiLineField


class AreaAccessQuerySet(models.QuerySet):
    def active(self):
        """Open accesses of people of a member city that has not left."""
        return self.filter(
            status=AreaAccess.Status.ACTIVE,
            person__member__isnull=False,
        ).exclude(person__member__status=Member.Status.LEFT)

    def invited(self):
        return self.filter(status=AreaAccess.Status.INVITED)


class AreaAccess(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "accès ouvert"
        INVITED = "invited", "invitation à confirmer"

    person = models.OneToOneField(
        Person,
        verbose_name="personne",
        on_delete=models.CASCADE,
        related_name="area_access",
    )
    status = models.CharField(
        "état", max_length=10, choices=Status, default=Status.ACTIVE
    )
    is_referent = models.BooleanField(
        "personne référente",
        default=False,
        help_text="Peut inviter des collègues de sa ville (invitations à confirmer).",
    )
    # Made at the first sign-in (access.user_for_sign_in), never a staff account.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="area_access",
    )
    invited_by = models.ForeignKey(
        Person,
        verbose_name="invitée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)

    objects = AreaAccessQuerySet.as_manager()

    class Meta:
        ordering = ["person__member__authority__name", "person__last_name"]
        verbose_name = "accès à l’espace adhérents"
        verbose_name_plural = "accès à l’espace adhérents"

    def __str__(self):
        return f"{self.person} ({self.person.member or 'sans ville'})"


# What a member may propose to change, field by field: the city's invoicing
# data and contacts, and the details of its people.
MEMBER_FIELDS = [
    "invoicing_address",
    "siret",
    "chorus_service_code",
    "commitment_number_required",
    "finance_contact_name",
    "finance_contact_email",
    "finance_contact_phone",
    "website",
]
PERSON_FIELDS = ["first_name", "last_name", "position", "email", "phone"]


class ChangeProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ChangeProposal.Status.PENDING)


class ChangeProposal(models.Model):
    """One field's new value as a member typed it: kept as typed, applied to
    the record only when the secretariat accepts it (like registrations'
    BillingProposal, never applied by itself). Invoices already issued keep
    what they printed whatever happens here (dues.Invoice is frozen)."""

    class Status(models.TextChoices):
        PENDING = "pending", "à examiner"
        ACCEPTED = "accepted", "acceptée"
        REFUSED = "refused", "refusée"

    member = models.ForeignKey(
        Member,
        verbose_name="ville",
        on_delete=models.CASCADE,
        related_name="change_proposals",
    )
    # Empty: a field of the city itself; else a field of this person.
    person = models.ForeignKey(
        Person,
        verbose_name="personne concernée",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_proposals",
    )
    field = models.CharField("champ", max_length=50)
    old_value = models.TextField("avant", blank=True)
    new_value = MultiLineField("après", blank=True)
    proposed_by = models.ForeignKey(
        Person,
        verbose_name="proposée par",
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposals_made",
    )
    proposer_email = models.EmailField("courriel de l’auteur", blank=True)
    created_at = models.DateTimeField("proposée le", default=timezone.now)
    status = models.CharField(
        "état", max_length=10, choices=Status, default=Status.PENDING
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décidée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ChangeProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = "changement proposé"
        verbose_name_plural = "changements proposés"

    def __str__(self):
        return f"{self.field_label} – {self.target}"

    @property
    def target(self):
        return self.person if self.person_id else self.member

    @property
    def field_label(self) -> str:
        model = Person if self.person_id else Member
        try:
            return str(model._meta.get_field(self.field).verbose_name)
        except Exception:
            return self.field

    @property
    def provenance(self) -> str:
        when = formats.date(timezone.localtime(self.created_at), "j F Y à G \\h i")
        who = str(self.proposed_by) if self.proposed_by_id else self.proposer_email
        return f"proposée le {when} par {who}"
