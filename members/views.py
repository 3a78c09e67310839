from itertools import groupby

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from calendar_app.models import Event

from . import dues
from .communes import normalise_name
from .forms import DuesSimulatorForm
from .models import DuesScale, LocalAuthority, Member

# Beyond this many matches the simulator asks for a more precise name.
SIMULATOR_MAX_CHOICES = 10


def city_list(request):
    members = list(Member.objects.active().select_related("authority"))
    # Alphabetical as French readers expect: Île-de-France among the I.
    members.sort(
        key=lambda m: (normalise_name(m.authority.region_name), normalise_name(m.name))
    )
    regions = [
        (region or "Autres", list(group))
        for region, group in groupby(members, key=lambda m: m.authority.region_name)
    ]
    return render(
        request, "members/city_list.html", {"regions": regions, "count": len(members)}
    )


def city_detail(request, slug: str):
    member = get_object_or_404(
        Member.objects.exclude(status=Member.Status.LEFT).select_related("authority"),
        slug=slug,
    )
    hosted = Event.objects.public().filter(host=member).select_related("event_type")
    now = timezone.now()
    context = {
        "member": member,
        "upcoming_events": hosted.filter(ends_at__gte=now).order_by("starts_at"),
        "past_events": hosted.filter(ends_at__lt=now).order_by("-starts_at")[:10],
    }
    return render(request, "members/city_detail.html", context)


def join(request):
    """How to join, this year's dues scale, and the dues simulator."""
    year = timezone.localdate().year
    scale = (
        DuesScale.objects.filter(year__lte=year)
        .prefetch_related("brackets")
        .order_by("-year")
        .first()
    )
    form = DuesSimulatorForm(request.GET or None)
    choices, authority, amount = [], None, None
    if form.is_valid():
        matches = list(
            LocalAuthority.objects.search(form.cleaned_data["commune"])[
                : SIMULATOR_MAX_CHOICES + 1
            ]
        )
        typed = normalise_name(form.cleaned_data["commune"])
        exact = [match for match in matches if match.search_name == typed]
        if len(matches) == 1 or len(exact) == 1:
            authority = exact[0] if len(exact) == 1 else matches[0]
            if scale and authority.population is not None:
                amount = dues.amount_for(scale, authority.population)
        else:
            choices = matches
    context = {
        "scale": scale,
        "current_year": year,
        "form": form,
        "choices": choices[:SIMULATOR_MAX_CHOICES],
        "too_many": len(choices) > SIMULATOR_MAX_CHOICES,
        "authority": authority,
        "amount": amount,
    }
    return render(request, "members/join.html", context)
