"""Who may take which rate. A rate's category says it: a member city's elected
official or agent, a non-member collectivité's, a partner (an organisation,
no collectivité), an invited person. A free rate at a paying event is for
invited people only, whatever its category: the secretariat gives them the
event's invitation code, or sets the rate on the registration in the admin.

The form offers every rate a visitor may take before the collectivité is
known, then only the eligible ones; the server refuses any other."""

from dataclasses import dataclass

from .models import Rate


@dataclass(frozen=True)
class Buyer:
    """Who registers, as far as rates go."""

    has_authority: bool
    is_member: bool
    has_invitation: bool


def needs_invitation(rate: Rate, rates) -> bool:
    """Invited rates, and free rates of an event that has a paying one."""
    if rate.category == Rate.Category.INVITED:
        return True
    return rate.is_free and any(not other.is_free for other in rates)


def is_open_to(rate: Rate, buyer: Buyer, rates) -> bool:
    if needs_invitation(rate, rates) and not buyer.has_invitation:
        return False
    match rate.category:
        case Rate.Category.MEMBER:
            return buyer.is_member
        case Rate.Category.NON_MEMBER:
            return buyer.has_authority and not buyer.is_member
        case Rate.Category.PARTNER:
            return not buyer.has_authority
    return True  # invited: the code was given


def offered(rates, *, invitations: bool) -> list[Rate]:
    """What the form shows before anything is known: every rate somebody may
    take; rates that need an invitation only when the event has a code."""
    rates = list(rates)
    return [rate for rate in rates if invitations or not needs_invitation(rate, rates)]


def eligible(rates, buyer: Buyer) -> list[Rate]:
    rates = list(rates)
    return [rate for rate in rates if is_open_to(rate, buyer, rates)]


def refusal(rate: Rate, buyer: Buyer, rates, *, where: str) -> str:
    """Why this buyer may not take this rate, and which ones they may take."""
    if needs_invitation(rate, rates) and not buyer.has_invitation:
        why = (
            "Ce tarif est réservé aux invités : indiquez le code d’invitation "
            "que le secrétariat vous a donné."
        )
    elif rate.category == Rate.Category.MEMBER:
        why = (
            "Ce tarif est réservé aux villes adhérentes du réseau ; "
            f"{where} n’en fait pas partie."
        )
    elif rate.category == Rate.Category.NON_MEMBER:
        why = (
            "Ce tarif est celui des collectivités non adhérentes ; "
            f"{where} est adhérente."
            if buyer.has_authority
            else "Ce tarif est celui des collectivités non adhérentes : indiquez "
            "votre collectivité."
        )
    else:
        why = (
            "Ce tarif est celui des partenaires qui ne viennent pas d’une collectivité."
        )
    choices = eligible(rates, buyer)
    if not choices:
        return f"{why} Aucun autre tarif ne vous est ouvert : écrivez au secrétariat."
    listed = " ; ".join(str(choice) for choice in choices)
    plural = "s" if len(choices) > 1 else ""
    return f"{why} Tarif{plural} possible{plural} : {listed}."
