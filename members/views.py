from itertools import groupby

from django.shortcuts import render

from rfve_site.page_cache import cached_page

from .communes import normalise_name
from .models import LocalAuthority, Member


@cached_page(Member, LocalAuthority)
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
