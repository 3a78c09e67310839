from itertools import groupby

from django.http import Http404
from django.shortcuts import render

from rfve_site.page_cache import cached_page

from .communes import normalise_name
from .map import city_map, department_names, member_department
from .models import LocalAuthority, Member


@cached_page(Member, LocalAuthority, query=("departement",))
def city_list(request):
    members = list(Member.objects.active().select_related("authority"))
    department = request.GET.get("departement", "")
    names = department_names()
    if department and department not in names:
        raise Http404("Ce département n’existe pas.")
    the_map = city_map(members, selected=department)
    if department:
        members = [m for m in members if member_department(m) == department]
    # Alphabetical as French readers expect: Île-de-France among the I.
    members.sort(
        key=lambda m: (normalise_name(m.authority.region_name), normalise_name(m.name))
    )
    regions = [
        (region or "Autres", list(group))
        for region, group in groupby(members, key=lambda m: m.authority.region_name)
    ]
    return render(
        request,
        "members/city_list.html",
        {
            "regions": regions,
            "count": len(members),
            "map": the_map,
            "department": department,
            "department_name": names.get(department, ""),
        },
    )
