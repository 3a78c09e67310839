"""Votes on resolutions: the secretariat's count of a show of hands, and the
electronic vote (opened and closed by the secretariat, ballots cast by the
voting cities or their proxy holders).

`cast_ballot` is what the members' area will call once the representative
is signed in: `cast_ballot(resolution, voter=<their city>, choice=…)` for
the city's own votes, `cast_ballot(resolution, voter=<principal city>,
choice=…, cast_by=<their city>)` for a proxy they hold.

Secrecy (CNIL délibération 2019-053, level 1; README, "The general
assembly"): for a secret resolution the ballot rows carry the choice only,
one row per vote, under a random key, without time; the participation row
says who voted, not how. The two are written in one transaction, so that a
ballot is never counted without its participation nor the reverse."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from association.models import SiteSettings
from members.models import Member

from .models import Assembly, Ballot, Choice, Participation, Resolution, RollEntry
from .proxies import holders
from .session import quorum


class VoteError(Exception):
    """A vote refused; the message is French, for the user."""


def _electronic_voting_allowed():
    rules = SiteSettings.load()
    if not rules.ag_electronic_voting:
        raise VoteError(
            "Les statuts ne prévoient pas le vote électronique : il ne peut pas "
            "être ouvert (réglage « vote électronique permis » des informations "
            "de l’association)."
        )


@transaction.atomic
def open_ballot(resolution: Resolution) -> None:
    _electronic_voting_allowed()
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if resolution.method != Resolution.Method.ELECTRONIC:
        raise VoteError("Cette résolution se vote à main levée.")
    if not resolution.assembly.is_open:
        raise VoteError("Ouvrez d’abord la séance (le quorum est alors arrêté).")
    if resolution.ballot_opened_at is not None:
        raise VoteError("Le vote a déjà été ouvert.")
    resolution.ballot_opened_at = timezone.now()
    resolution.save(update_fields=["ballot_opened_at"])


@transaction.atomic
def close_ballot(resolution: Resolution) -> None:
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if not resolution.ballot_is_open:
        raise VoteError("Ce vote n’est pas ouvert.")
    resolution.ballot_closed_at = timezone.now()
    resolution.save(update_fields=["ballot_closed_at"])


def _roll_entry(assembly: Assembly, city: Member | RollEntry) -> RollEntry:
    if isinstance(city, RollEntry):
        entry = city if city.assembly_id == assembly.pk else None
    else:
        entry = assembly.roll.filter(member=city).first()
    if entry is None or not entry.may_vote:
        raise VoteError(f"{city} ne figure pas parmi les villes votantes.")
    return entry


def cast_ballot(
    resolution: Resolution,
    voter: Member | RollEntry,
    choice: str,
    *,
    cast_by: Member | RollEntry | None = None,
) -> None:
    """Record the vote of `voter` (all its votes), cast by itself or by the
    city holding its proxy. One vote per city and resolution."""
    if choice not in Choice.values:
        raise VoteError("Choix inconnu : pour, contre ou abstention.")
    _electronic_voting_allowed()
    try:
        with transaction.atomic():
            # The resolution's row lock orders votes against its closing.
            resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
            if resolution.method != Resolution.Method.ELECTRONIC:
                raise VoteError("Cette résolution ne se vote pas en ligne.")
            if not resolution.ballot_is_open:
                raise VoteError("Le vote n’est pas ouvert.")
            assembly = resolution.assembly
            entry = _roll_entry(assembly, voter)
            by = _roll_entry(assembly, cast_by) if cast_by is not None else entry
            holder = holders(assembly).get(entry.pk)
            if holder is not None and by.pk != holder.pk:
                raise VoteError(
                    f"{entry.city_name} a donné pouvoir à {holder.city_name} : "
                    "seule la ville mandataire vote pour elle tant que le "
                    "pouvoir court."
                )
            if holder is None and by.pk != entry.pk:
                raise VoteError(
                    f"{by.city_name} ne détient pas le pouvoir de {entry.city_name}."
                )
            Participation.objects.create(
                resolution=resolution,
                voter=entry,
                cast_by=by,
                public_choice="" if resolution.secret else choice,
            )
            Ballot.objects.bulk_create(
                Ballot(resolution=resolution, choice=choice) for _ in range(entry.votes)
            )
    except IntegrityError:
        raise VoteError("Cette ville a déjà voté sur cette résolution.") from None


def record_show_of_hands(
    resolution: Resolution, votes_for: int, votes_against: int, abstentions: int
) -> None:
    """The secretariat's count, represented votes included."""
    if resolution.method != Resolution.Method.HANDS:
        raise VoteError("Un vote électronique se compte par ses bulletins.")
    assembly = resolution.assembly
    if not assembly.is_open:
        raise VoteError("La séance n’est pas ouverte.")
    counted = quorum(assembly).counted
    total = votes_for + votes_against + abstentions
    if min(votes_for, votes_against, abstentions) < 0 or total > counted:
        raise VoteError(
            f"{total} voix comptées pour {counted} voix présentes et représentées."
        )
    resolution.votes_for = votes_for
    resolution.votes_against = votes_against
    resolution.votes_abstention = abstentions
    resolution.save(update_fields=["votes_for", "votes_against", "votes_abstention"])
