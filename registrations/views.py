"""Registration pages, under the event's address
(/agenda/evenements/<slug>/inscription/…): the form, what follows it, and the
personal page reached by the emailed link."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from calendar_app.models import Event
from rfve_site.client_address import client_key

from . import booking, emails, links, orders, rates
from .forms import ChangeForm, RegistrationForm
from .models import Registration, RegistrationSettings
from .purge import REGISTRATION_RETENTION


def _settings_or_404(slug: str) -> RegistrationSettings:
    """The registration settings of a public event that takes registrations."""
    settings = get_object_or_404(
        RegistrationSettings.objects.select_related("event__event_type"),
        event__slug=slug,
        event__in=Event.objects.public(),
    )
    return settings


def register(request, slug: str):
    settings = _settings_or_404(slug)
    event = settings.event
    now = timezone.now()
    if not settings.is_open_at(now):
        return render(
            request,
            "registrations/closed.html",
            {"event": event, "settings": settings, "now": now},
        )
    day_places = booking.places(settings)
    form = RegistrationForm(
        request.POST or None,
        settings=settings,
        days=[place.day for place in day_places],
    )
    status = 200
    if form.is_valid():
        if form.is_spam:  # as if registered: teach robots nothing
            return redirect("registrations:done", slug=slug)
        key = client_key(request)
        if booking.too_many(form.cleaned_data["email"], key, now):
            form.add_error(
                None,
                "Plusieurs inscriptions viennent d’être faites depuis votre "
                "connexion : celle-ci n’a pas été enregistrée. Réessayez dans "
                "une heure ; vos réponses sont conservées ci-dessous.",
            )
            status = 429
        else:
            registration = form.save(commit=False)
            registration.sender_key = key
            answer = None
            try:
                booking.register(settings, registration, form.chosen_days)
            except booking.AlreadyRegistered as already:
                # The answer a new registration would get; the email tells
                # the address's owner it was registered already.
                booking.resend_link(already.registration, now)
                answer = already.status
            except booking.Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                orders.attach(registration, form.billing)  # paying rates
                answer = registration.status
            if answer is not None:
                confirmed = answer == Registration.Status.CONFIRMED
                name = "done" if confirmed else "waiting"
                return redirect(f"registrations:{name}", slug=slug)
            if not form.non_field_errors():
                form.add_error(None, booking.FULL)
            day_places = booking.places(settings)
            status = 409
    elif request.method == "POST":
        status = 400
    context = {
        "event": event,
        "settings": settings,
        "form": form,
        "places": day_places,
        "is_full": all(place.is_full for place in day_places) and day_places,
        "retention_days": REGISTRATION_RETENTION.days,
        "rates": (shown := rates.offered(form.rates, invitations=False)),
        "has_paying_rate": any(not rate.is_free for rate in shown),
    }
    return render(request, "registrations/register.html", context, status=status)


def done(request, slug: str, template: str):
    """What follows the form: stateless, the email carries the rest."""
    settings = _settings_or_404(slug)
    return render(request, template, {"event": settings.event})


def manage(request, slug: str, token: str):
    """The personal page: see, change or cancel a registration."""
    now = timezone.now()
    try:
        registration = links.registration_from_token(token, now)
    except links.LinkExpired:
        return render(request, "registrations/link_expired.html", status=410)
    if registration is None or registration.event.slug != slug:
        raise Http404("Ce lien d’inscription n’est pas valide.")
    settings = registration.event.registration_settings
    form = ChangeForm(
        request.POST if request.POST.get("action") == "modifier" else None,
        instance=registration,
        settings=settings,
    )
    status = 200
    message = ""
    if request.method == "POST" and not registration.is_cancelled:
        if request.POST.get("action") == "annuler":
            booking.cancel(registration, now)
            return redirect(request.path + "?annulee=1")
        if form.is_valid():
            try:
                if form.chosen_days is not None:
                    booking.change_days(registration, form.chosen_days, now)
            except booking.Refused as refusal:
                form.add_error("days", str(refusal))
                status = 409
            else:
                form.save()
                return redirect(request.path + "?modifiee=1")
        else:
            status = 400
    if request.GET.get("annulee") and registration.is_cancelled:
        message = "Votre inscription est annulée. Merci de nous avoir prévenus."
    elif request.GET.get("modifiee"):
        message = "Vos modifications sont enregistrées."
    position = registration.waiting_position()
    context = {
        "event": registration.event,
        "registration": registration,
        "days": list(registration.days.all()),
        "form": form,
        "message": message,
        "position": emails.ordinal(position) if position else "",
        # What only a confirmed registration reads.
        "practical": settings if registration.is_confirmed else None,
    }
    response = render(request, "registrations/manage.html", context, status=status)
    # A personal page: never in a shared cache, never indexed.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
