"""Whether a resolution passes: exact integer comparisons, no percentages
rounded on the way.

- simple majority of the votes cast (suffrages exprimés: for and against,
  abstentions not counted): for > against;
- absolute majority of the votes present and represented: 2 × for > that
  total (abstentions count against, in effect);
- two thirds of the votes cast: 3 × for ≥ 2 × (for + against).
A tie is a rejection. No vote cast at all is a rejection."""

from dataclasses import dataclass

from association.models import AssemblyMajority


@dataclass(frozen=True)
class Result:
    votes_for: int
    votes_against: int
    abstentions: int
    majority: str
    present_and_represented: int

    @property
    def cast(self) -> int:
        return self.votes_for + self.votes_against

    @property
    def adopted(self) -> bool:
        if self.majority == AssemblyMajority.ABSOLUTE:
            return 2 * self.votes_for > self.present_and_represented
        if self.majority == AssemblyMajority.TWO_THIRDS:
            return self.cast > 0 and 3 * self.votes_for >= 2 * self.cast
        return self.votes_for > self.votes_against

    @property
    def wording(self) -> str:
        verdict = "adoptée" if self.adopted else "rejetée"
        return (
            f"{verdict} : {self.votes_for} pour, {self.votes_against} contre, "
            f"{self.abstentions} abstention(s)"
        )


def result_of(resolution, present_and_represented: int) -> Result | None:
    """The result of a resolution, or None while it is not counted (show of
    hands not entered, electronic vote not closed)."""
    from .models import Choice, Resolution

    if resolution.method == Resolution.Method.ELECTRONIC:
        if resolution.ballot_closed_at is None:
            return None
        counts = {choice: 0 for choice in Choice.values}
        for ballot in resolution.ballots.values_list("choice", flat=True):
            counts[ballot] += 1
        numbers = (
            counts[Choice.FOR],
            counts[Choice.AGAINST],
            counts[Choice.ABSTENTION],
        )
    else:
        numbers = (
            resolution.votes_for,
            resolution.votes_against,
            resolution.votes_abstention,
        )
        if any(number is None for number in numbers):
            return None
    return Result(*numbers, resolution.majority, present_and_represented)
