"""The session: attendance on the roll, the quorum (live until the opening,
frozen by `open_session`).

Present votes: the voting cities marked present that gave no proxy.
Represented votes: the cities whose proxy holder is present. The quorum is
the statutes' percentage (first or second convocation) of the roll's votes,
rounded up: 50 % of 25 votes is 13."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from association.models import SiteSettings

from .models import Assembly


class SessionError(Exception):
    """A session step refused; the message is French."""


@dataclass(frozen=True)
class Quorum:
    voters: int  # votes on the roll
    present: int
    represented: int
    required: int

    @property
    def counted(self) -> int:
        return self.present + self.represented

    @property
    def reached(self) -> bool:
        return self.counted >= self.required


def required_votes(voters: int, percent: int) -> int:
    """Ceiling of voters × percent / 100, in integers."""
    return -(-voters * percent // 100)


def quorum_percent(assembly: Assembly, rules: SiteSettings) -> int:
    if assembly.round == Assembly.Round.SECOND:
        return rules.ag_quorum_second
    return rules.ag_quorum_first


def live_quorum(assembly: Assembly, rules: SiteSettings | None = None) -> Quorum:
    rules = rules or SiteSettings.load()
    entries = {e.pk: e for e in assembly.roll.filter(votes__gt=0, excluded_reason="")}
    proxies = list(assembly.proxies.standing().values_list("principal", "holder"))
    principals = {principal for principal, _holder in proxies}
    present = sum(
        entry.votes
        for pk, entry in entries.items()
        if entry.present and pk not in principals
    )
    represented = sum(
        entries[principal].votes
        for principal, holder in proxies
        if principal in entries and holder in entries and entries[holder].present
    )
    voters = sum(entry.votes for entry in entries.values())
    return Quorum(
        voters,
        present,
        represented,
        required_votes(voters, quorum_percent(assembly, rules)),
    )


def frozen_quorum(assembly: Assembly) -> Quorum | None:
    if not assembly.is_open:
        return None
    return Quorum(
        assembly.quorum_voters,
        assembly.quorum_present,
        assembly.quorum_represented,
        assembly.quorum_required,
    )


def quorum(assembly: Assembly) -> Quorum:
    """Frozen once the session is open, live before."""
    return frozen_quorum(assembly) or live_quorum(assembly)


@transaction.atomic
def open_session(assembly: Assembly) -> Quorum:
    """Open the session: the quorum as it stands is recorded for good."""
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if not assembly.is_convened:
        raise SessionError("L’assemblée n’a pas été convoquée.")
    if assembly.is_open:
        raise SessionError("La séance est déjà ouverte.")
    current = live_quorum(assembly)
    Assembly.objects.filter(pk=assembly.pk).update(
        opened_at=timezone.now(),
        quorum_voters=current.voters,
        quorum_present=current.present,
        quorum_represented=current.represented,
        quorum_required=current.required,
    )
    return current
