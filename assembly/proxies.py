"""Proxies: a voting city gives its votes to another voting city.

`give_proxy` is the one way in: the secretariat's admin form (a paper
proxy) calls it, and the members' area will call it with
`source=Proxy.Source.ONLINE` and the signed-in representative's name. The
rules hold whoever calls: both cities on the roll and voting, the holder's
cap (the statutes' maximum), no chain (a city that gave its proxy holds
none, and a holder gives none), one standing proxy per city, and nothing
changes once the session is open."""

from django.db import transaction
from django.utils import timezone

from association.models import SiteSettings
from members.models import Member

from .models import Assembly, Proxy, RollEntry


class ProxyError(Exception):
    """A proxy the rules refuse; the message is French, for the user."""


def _entry(assembly: Assembly, city: Member | RollEntry, role: str) -> RollEntry:
    if isinstance(city, RollEntry):
        entry = city
    else:
        entry = assembly.roll.filter(member=city).first()
    if entry is None or entry.assembly_id != assembly.pk:
        raise ProxyError(f"{city} n’est pas sur la liste d’émargement ({role}).")
    if not entry.may_vote:
        raise ProxyError(
            f"{entry.city_name} ne vote pas à cette assemblée "
            f"({entry.excluded_reason}) : elle ne peut pas être {role}."
        )
    return entry


@transaction.atomic
def give_proxy(
    assembly: Assembly,
    principal_city: Member | RollEntry,
    holder_city: Member | RollEntry,
    *,
    source: str = Proxy.Source.PAPER,
    signed_by: str = "",
    recorded_by=None,
) -> Proxy:
    """Record that `principal_city` gives its votes to `holder_city`."""
    # One proxy at a time per assembly: the cap is counted under this lock.
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if not assembly.is_convened:
        raise ProxyError(
            "La liste d’émargement n’est pas encore arrêtée : un pouvoir se "
            "donne après l’envoi de la convocation."
        )
    if assembly.is_open:
        raise ProxyError("La séance est ouverte : les pouvoirs ne changent plus.")
    principal = _entry(assembly, principal_city, "mandante")
    holder = _entry(assembly, holder_city, "mandataire")
    if principal.pk == holder.pk:
        raise ProxyError("Une ville ne se donne pas pouvoir à elle-même.")
    standing = assembly.proxies.standing()
    if standing.filter(principal=principal).exists():
        raise ProxyError(
            f"{principal.city_name} a déjà donné un pouvoir : révoquez-le d’abord."
        )
    if standing.filter(holder=principal).exists():
        raise ProxyError(
            f"{principal.city_name} détient déjà des pouvoirs : elle ne peut pas "
            "donner le sien."
        )
    if standing.filter(principal=holder).exists():
        raise ProxyError(
            f"{holder.city_name} a donné son propre pouvoir : elle ne peut pas en "
            "recevoir."
        )
    rules = SiteSettings.load()
    held = standing.filter(holder=holder).count()
    if held >= rules.ag_max_proxies:
        article = f" ({rules.ag_proxies_article})" if rules.ag_proxies_article else ""
        raise ProxyError(
            f"{holder.city_name} détient déjà {held} pouvoir(s) : les statuts "
            f"en permettent {rules.ag_max_proxies} au plus par ville{article}."
        )
    return Proxy.objects.create(
        assembly=assembly,
        principal=principal,
        holder=holder,
        source=source,
        signed_by=signed_by,
        recorded_by=recorded_by,
    )


@transaction.atomic
def revoke_proxy(proxy: Proxy) -> None:
    """The principal takes its votes back (before the session opens)."""
    assembly = Assembly.objects.select_for_update().get(pk=proxy.assembly_id)
    if assembly.is_open:
        raise ProxyError("La séance est ouverte : les pouvoirs ne changent plus.")
    Proxy.objects.filter(pk=proxy.pk).update(revoked_at=timezone.now())


def holders(assembly: Assembly) -> dict[int, RollEntry]:
    """roll entry id of each principal → the entry holding its proxy."""
    return {
        proxy.principal_id: proxy.holder
        for proxy in assembly.proxies.standing().select_related("holder")
    }
