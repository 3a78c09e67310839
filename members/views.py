from itertools import groupby

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from calendar_app.models import Event

from .communes import normalise_name
from .models import Member


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
