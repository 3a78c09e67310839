"""/adherer/: how to join, this year's dues scale and the dues simulator."""

from django.shortcuts import render
from django.utils import timezone

from members.models import LocalAuthority

from . import scales
from .forms import DuesSimulatorForm
from .models import DuesScale

# Beyond this many matches the simulator asks for a more precise name.
SIMULATOR_MAX_CHOICES = 10


def join(request):
    """How to join, this year's dues scale, and the dues simulator."""
    year = timezone.localdate().year
    scale = (
        DuesScale.objects.filter(year__lte=year)
        .prefetch_related("brackets")
        .order_by("-year")
        .first()
    )
    # Bound only when the simulator was used: a link with ?utm_source=… is
    # a visit, not an empty answer ("Ce champ est obligatoire.").
    asked = any(name in request.GET for name in DuesSimulatorForm.base_fields)
    form = DuesSimulatorForm(request.GET if asked else None)
    choices, authority, amount = [], None, None
    if form.is_valid():
        matches = list(
            LocalAuthority.objects.search(form.cleaned_data["commune"])[
                : SIMULATOR_MAX_CHOICES + 1
            ]
        )
        exact = [match for match in matches if match.exact_name]
        if len(matches) == 1 or len(exact) == 1:
            authority = exact[0] if len(exact) == 1 else matches[0]
            if scale and authority.population is not None:
                amount = scales.amount_for(scale, authority.population)
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
    return render(request, "dues/join.html", context)
