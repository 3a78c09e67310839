"""Who may use the members' area, and for which city: the one place of its
object-level rules. Every view of the area goes through `member_required`,
which gives it `request.area` (the person, their access, their city), and
reads its rows through the querysets below, all filtered by that city.

Sign-in: a person whose access the secretariat opened types their email;
django-allauth's login by code sends a one-time code (a code typed, not a
link: the mail scanners of town halls open links). Their Django user is made
here at the first sign-in, never staff, with no usable password: the back
office's password-and-second-factor sign-in is not theirs, and this one is not
the staff's."""

import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from audit.models import AuditEntry
from dues.models import DuesCall, Invoice
from members.models import Member, Person
from registrations.models import Registration

from .models import AreaAccess


@dataclass(frozen=True)
class Area:
    """The signed-in person of the area and the city they act for."""

    access: AreaAccess
    person: Person
    member: Member

    @property
    def is_referent(self) -> bool:
        return self.access.is_referent


def area_for(user) -> Area | None:
    """The area of a signed-in user, or None: not signed in, a staff account,
    an invitation not confirmed, a person without city or whose city left."""
    if not user.is_authenticated or user.is_staff or user.is_superuser:
        return None
    access = (
        AreaAccess.objects.active()
        .select_related("person__member__authority")
        .filter(user=user)
        .first()
    )
    if access is None:
        return None
    return Area(access=access, person=access.person, member=access.person.member)


def member_required(view):
    """Signed in with an open access, or sent to the sign-in (anonymous) or
    refused (403: a staff account, an access closed since). Never stored by
    any cache: Cache-Control: private, no-store."""

    @never_cache
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            url = reverse("espace:sign-in")
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        area = area_for(request.user)
        if area is None:
            raise PermissionDenied("Votre compte n’a pas accès à l’espace adhérents.")
        request.area = area
        return view(request, *args, **kwargs)

    return wrapper


def referent_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.area.is_referent:
            raise PermissionDenied(
                "Seules les personnes référentes de la ville peuvent inviter "
                "des collègues."
            )
        return view(request, *args, **kwargs)

    return member_required(wrapper)


# ---------------------------------------------------------------------------
# The city's rows: every query of the area starts here.


def calls_of(member: Member):
    return DuesCall.objects.filter(member=member)


def registrations_of(member: Member):
    return Registration.objects.filter(member=member)


def documents_of(member: Member):
    """Invoices and credit notes of the city: its dues calls' and those of
    its registrations' orders."""
    registrations = registrations_of(member)
    return Invoice.objects.filter(
        Q(call__member=member)
        | Q(pk__in=registrations.values("invoice"))
        | Q(pk__in=registrations.values("credit_note"))
    )


def people_of(member: Member):
    return Person.objects.filter(member=member)


# ---------------------------------------------------------------------------
# Sign-in


def sign_in_access(email: str) -> AreaAccess | None:
    """The open access whose person has this email (several people sharing one
    address: the first, by name; the secretariat keeps addresses personal)."""
    email = email.strip()
    if not email:
        return None
    return (
        AreaAccess.objects.active()
        .select_related("person", "user")
        .filter(person__email__iexact=email)
        .order_by("person__last_name", "person__first_name", "pk")
        .first()
    )


def user_for_sign_in(access: AreaAccess):
    """The access's own user: made at the first sign-in, its email kept equal
    to the person's. Never staff, no usable password."""
    User = get_user_model()
    user = access.user
    if user is None:
        user = User(username=f"espace-{access.person_id}", email=access.person.email)
        user.set_unusable_password()
        user.save()
        access.user = user
        access.save(update_fields=["user"])
    elif user.email != access.person.email or user.is_staff or user.is_superuser:
        user.email = access.person.email
        user.is_staff = user.is_superuser = False
        user.save(update_fields=["email", "is_staff", "is_superuser"])
    return user


def log_sign_in(sender, request, user, **kwargs) -> None:
    """Receiver of user_logged_in: a sign-in to the area is an audit entry
    ("accès") on the person's access (who and when; from where is in the
    login log, as for the back office: AUDITLOG_DISABLE_REMOTE_ADDR)."""
    try:
        access = user.area_access
    except AreaAccess.DoesNotExist:
        return
    AuditEntry.objects.log_create(
        access,
        force_log=True,
        action=AuditEntry.Action.ACCESS,
        actor=user,
        changes={"connexion": ["", "code par courriel"]},
    )


def sign_ins_of(member: Member):
    """The audit entries of the sign-ins of the city's people, newest first."""
    from django.contrib.contenttypes.models import ContentType

    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(AreaAccess),
        action=AuditEntry.Action.ACCESS,
        object_id__in=AreaAccess.objects.filter(person__member=member).values("pk"),
    ).order_by("-timestamp")
