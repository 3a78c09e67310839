"""What the secretariat has to decide about the members' area: the figures of
its dashboard (pages/dashboard.py), and accepting or refusing a proposal."""

import datetime as dt

from pages.dashboard import Figure, changelist

from .models import AreaAccess, ChangeProposal


def pending_figures(today: dt.date) -> list[Figure]:
    proposals = ChangeProposal.objects.pending().count()
    invitations = AreaAccess.objects.invited().count()
    return [
        Figure(
            "Changements proposés par les villes",
            str(proposals),
            changelist(ChangeProposal, status__exact=ChangeProposal.Status.PENDING),
        ),
        Figure(
            "Invitations à l’espace adhérents à confirmer",
            str(invitations),
            changelist(AreaAccess, status__exact=AreaAccess.Status.INVITED),
        ),
    ]
