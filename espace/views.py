"""/espace/: the members' area. Every view but the sign-in is behind
access.member_required (object-level rules in access.py) and never cached."""

from allauth.core import ratelimit
from allauth.core.internal.cryptokit import compare_user_code
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dues import documents
from dues.certificates import certificate_filename, certificate_pdf
from dues.errors import DuesError
from dues.models import DuesCall
from news.models import Document
from registrations import booking
from registrations.models import RegistrationSettings

from . import access, group_registration, proposals, signin
from .access import member_required, referent_required
from .forms import (
    AttendeeFormSet,
    CodeForm,
    GroupOrderForm,
    InviteForm,
    MemberRecordForm,
    PersonRecordForm,
    SignInForm,
)
from .models import AreaAccess, ChangeProposal


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url.startswith("/espace/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/espace/"


@never_cache
def sign_in(request):
    if access.area_for(request.user) is not None:
        return redirect("espace:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not ratelimit.consume(
            request, action="request_login_code", key=email.lower()
        ):
            form.add_error(
                None,
                "Trop de demandes de code pour cette adresse : réessayez dans "
                "quelques minutes.",
            )
        else:
            signin.send_code(request, email)
            query = urlencode({"next": _next_url(request)})
            return redirect(f"{reverse('espace:confirm-code')}?{query}")
    return render(
        request, "espace/sign_in.html", {"form": form, "next": _next_url(request)}
    )


@never_cache
def confirm_code(request):
    if access.area_for(request.user) is not None:
        return redirect("espace:home")
    stage, process = signin.pending_process(request)
    if process is None:
        messages.error(
            request, "Ce code a expiré ou n’a pas été demandé : demandez-en un autre."
        )
        return redirect("espace:sign-in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if compare_user_code(actual=form.cleaned_data["code"], expected=process.code):
            return process.finish(_next_url(request))
        if not process.record_invalid_attempt():
            messages.error(
                request, "Trop d’essais avec ce code : demandez-en un nouveau."
            )
            return redirect("espace:sign-in")
        form.add_error("code", "Ce code n’est pas le bon.")
    context = {
        "form": form,
        "email": process.state.get("email", ""),
        "next": _next_url(request),
    }
    return render(request, "espace/confirm_code.html", context)


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, "Votre session de l’espace adhérents est fermée.")
    return redirect("espace:sign-in")


@member_required
def home(request):
    member = request.area.member
    today = timezone.localdate()
    calls = list(
        access.calls_of(member)
        .with_status(today)
        .prefetch_related("documents")
        .order_by("-year")
    )
    other_documents = (
        access.documents_of(member).filter(call=None).order_by("-issued_on", "number")
    )
    context = {
        "area": request.area,
        "member": member,
        "year": today.year,
        "calls": calls,
        "current_call": next((c for c in calls if c.year == today.year), None),
        "other_documents": other_documents,
        "paid": DuesCall.Status.PAID,
        "late": DuesCall.Status.LATE,
        "pending_proposals": ChangeProposal.objects.pending()
        .filter(member=member)
        .count(),
    }
    return render(request, "espace/home.html", context)


@member_required
def download(request, pk: int):
    document = get_object_or_404(access.documents_of(request.area.member), pk=pk)
    try:
        content = documents.read_pdf(document)
    except documents.DocumentIntegrityError as error:
        messages.error(request, f"{error} Le secrétariat en est averti.")
        return redirect("espace:home")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


@member_required
def certificate(request, year: int):
    call = get_object_or_404(
        access.calls_of(request.area.member).select_related("member__authority"),
        year=year,
    )
    try:
        content = certificate_pdf(call, today=timezone.localdate())
    except DuesError as error:
        messages.error(request, str(error))
        return redirect("espace:home")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{certificate_filename(call)}"'
    )
    return response


@member_required
def record(request):
    """The city's record, and the proposal of changes to its own fields."""
    member = request.area.member
    form = MemberRecordForm(request.POST or None, instance=_copy(member))
    if request.method == "POST" and form.is_valid():
        made = proposals.propose(
            form, member=member, person=None, by=request.area.person
        )
        _told(request, made)
        return redirect("espace:record")
    people = (
        access.people_of(member)
        .select_related("area_access")
        .prefetch_related("mandates__working_group")
    )
    context = {
        "area": request.area,
        "member": member,
        "form": form,
        "people": people,
        "pending": ChangeProposal.objects.pending()
        .filter(member=member)
        .select_related("person", "proposed_by"),
    }
    return render(request, "espace/record.html", context)


@member_required
def person(request, pk: int):
    member = request.area.member
    target = get_object_or_404(access.people_of(member), pk=pk)
    form = PersonRecordForm(request.POST or None, instance=_copy(target))
    if request.method == "POST" and form.is_valid():
        made = proposals.propose(
            form, member=member, person=target, by=request.area.person
        )
        _told(request, made)
        return redirect("espace:record")
    context = {"area": request.area, "person": target, "form": form}
    return render(request, "espace/person.html", context)


@referent_required
def invite(request):
    member = request.area.member
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            colleague = form.save(commit=False)
            colleague.member = member
            colleague.save()
            AreaAccess.objects.create(
                person=colleague,
                status=AreaAccess.Status.INVITED,
                invited_by=request.area.person,
            )
        messages.success(
            request,
            f"Invitation de {colleague} enregistrée : le secrétariat la confirme, "
            "puis votre collègue pourra se connecter avec son adresse.",
        )
        return redirect("espace:record")
    return render(request, "espace/invite.html", {"area": request.area, "form": form})


def _copy(instance):
    """A copy for a form to validate against: the record itself is only
    changed when the secretariat accepts (ModelForm writes into its instance)."""
    copy = type(instance).objects.get(pk=instance.pk)
    return copy


def _told(request, made) -> None:
    if made:
        messages.success(
            request,
            f"{len(made)} modification(s) proposée(s) : le secrétariat les examine "
            "et vous écrit dès qu’elles sont acceptées ou refusées.",
        )
    else:
        messages.info(request, "Aucune modification : rien n’a été proposé.")


@member_required
def registrations(request):
    """The events open to registration, and the city's registrations to come
    and past (attendance, certificates)."""
    now = timezone.now()
    open_settings = [
        settings
        for settings in RegistrationSettings.objects.filter(
            is_open=True, event__starts_at__gt=now
        )
        .select_related("event")
        .order_by("event__starts_at")
        if settings.is_open_at(now)
    ]
    mine = (
        access.registrations_of(request.area.member)
        .select_related("event", "rate")
        .prefetch_related("days", "attended_days")
        .order_by("event__starts_at", "last_name")
    )
    context = {
        "area": request.area,
        "open_settings": open_settings,
        "upcoming": [r for r in mine if r.event.ends_at >= now],
        "past": [r for r in mine if r.event.ends_at < now],
    }
    return render(request, "espace/registrations.html", context)


@member_required
def register_group(request, slug: str):
    member = request.area.member
    settings = get_object_or_404(
        RegistrationSettings.objects.select_related("event"), event__slug=slug
    )
    now = timezone.now()
    if not settings.is_open_at(now):
        messages.error(
            request, "Les inscriptions à cet événement ne sont pas ouvertes."
        )
        return redirect("espace:registrations")
    rates = group_registration.eligible_rates(settings)
    days = [place.day for place in booking.places(settings)]
    people = access.people_of(member).exclude(email="").order_by("last_name")
    formset = AttendeeFormSet(
        request.POST or None,
        form_kwargs={"people": people, "rates": rates, "days": days},
    )
    order_form = GroupOrderForm(
        request.POST or None, required=member.commitment_number_required
    )
    status = 200
    if request.method == "POST":
        status = 400
        if formset.is_valid() and order_form.is_valid():
            attendees = [
                group_registration.Attendee(
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    email=form.cleaned_data["email"],
                    function=form.cleaned_data["function"],
                    rate=form.chosen_rate,
                    days=form.chosen_days,
                )
                for form in formset.forms
                if form.has_changed()
            ]
            try:
                made = group_registration.register_group(
                    settings,
                    member,
                    attendees,
                    agent=request.area.person,
                    commitment_number=order_form.cleaned_data["commitment_number"],
                )
            except group_registration.GroupRefused as refusal:
                formset._non_form_errors = formset.error_class([str(refusal)])
                status = 409
            else:
                messages.success(
                    request,
                    f"{len(made)} personne(s) inscrite(s) à « "
                    f"{settings.event.title} » : chacune reçoit sa confirmation, "
                    "vous recevez un récapitulatif.",
                )
                return redirect("espace:registrations")
    context = {
        "area": request.area,
        "event": settings.event,
        "formset": formset,
        "order_form": order_form,
        "rates": rates,
        "places": booking.places(settings),
    }
    return render(request, "espace/register_group.html", context, status=status)


@member_required
def publications(request):
    context = {"area": request.area, "documents": Document.objects.for_members()}
    return render(request, "espace/publications.html", context)


@member_required
def publication_download(request, slug: str):
    """As news' download (real type, title as name), for members only."""
    document = get_object_or_404(Document.objects.for_members(), slug=slug)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("Ce fichier n’est plus disponible.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type=document.format.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
