"""The admin's home page: what needs doing, for the person logged in, by
group (rfve_site.groups). Each figure links to the filtered list behind it,
and counts exactly what that list shows. A fixed number of queries, however
many rows (the dues figures come from year_summary and
reminders_due, as in the treasury view)."""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from calendar_app.models import Event
from dues import charts
from dues.models import DuesCall
from dues.reminders import reminders_due
from dues.treasury import YearSummary, year_summary
from members.models import Member
from news.models import Article
from outbox.models import OutboxMessage
from rfve_site import formats

from .models import ContactMessage

SECRETARIAT, TREASURY, BUREAU = "Secrétariat", "Trésorerie", "Bureau"
# Figures that apps above this one add to a group's section (the members'
# area's pending proposals and invitations), registered from their
# AppConfig.ready(): this app may not import them. Each is called with today.
EXTRA_FIGURES: dict[str, list] = {}


def register_figures(group: str, build) -> None:
    if build not in EXTRA_FIGURES.setdefault(group, []):
        EXTRA_FIGURES[group].append(build)


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    url: str


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass
class Section:
    title: str
    figures: list[Figure]
    # A short list of rows to act on (the reminders to send), with its title.
    items_title: str = ""
    items: list[Link] = field(default_factory=list)
    # dues.charts Tables, drawn with their figures.
    charts: list = field(default_factory=list)


def changelist(model, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def fortnight(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From Monday of this week (midnight, local time) to Monday in two weeks."""
    monday = today - dt.timedelta(days=today.weekday())
    start = dt.datetime.combine(
        monday, dt.time(), tzinfo=timezone.get_current_timezone()
    )
    return start, start + dt.timedelta(days=14)


def events_this_week_and_next(today: dt.date) -> Figure:
    start, end = fortnight(today)
    count = Event.objects.filter(starts_at__gte=start, starts_at__lt=end).count()
    # The same lookups as the list's date filter, so the admin keeps them.
    url = changelist(Event, starts_at__gte=str(start), starts_at__lt=str(end))
    return Figure("Événements cette semaine et la suivante", str(count), url)


def secretariat(today: dt.date) -> Section:
    unread = ContactMessage.objects.filter(status=ContactMessage.Status.NEW).count()
    draft_events = Event.objects.filter(status=Event.Status.DRAFT).count()
    draft_articles = Article.objects.filter(status=Article.Status.DRAFT).count()
    incomplete = Member.objects.missing_billing_data().count()
    undelivered = OutboxMessage.objects.needing_attention(timezone.now()).count()
    return Section(
        SECRETARIAT,
        [
            Figure(
                "Messages non lus",
                str(unread),
                changelist(ContactMessage, status__exact=ContactMessage.Status.NEW),
            ),
            Figure(
                "Événements en brouillon",
                str(draft_events),
                changelist(Event, status__exact=Event.Status.DRAFT),
            ),
            Figure(
                "Actualités en brouillon",
                str(draft_articles),
                changelist(Article, status__exact=Article.Status.DRAFT),
            ),
            events_this_week_and_next(today),
            Figure(
                "Villes adhérentes sans SIRET ou contact finances",
                str(incomplete),
                changelist(Member, facturation="incompletes"),
            ),
            Figure(
                "Courriels en échec ou interrompus",
                str(undelivered),
                changelist(OutboxMessage, **{"a-traiter": "oui"}),
            ),
        ],
    )


def _money_figures(summary: YearSummary) -> list[Figure]:
    year = summary.year
    treasury = reverse("admin:dues_duescall_treasury") + f"?annee={year}"
    return [
        Figure(
            f"Dû {year} (avoirs déduits)",
            formats.euros(summary.due),
            changelist(DuesCall, year__exact=year),
        ),
        Figure(f"Payé {year}", formats.euros(summary.paid), treasury),
        Figure(
            f"Reste à payer {year}",
            formats.euros(summary.outstanding),
            changelist(DuesCall, year__exact=year, statut="reste-du"),
        ),
        Figure(
            f"Appels {year} en retard",
            str(len(summary.late)),
            changelist(DuesCall, year__exact=year, statut=DuesCall.Status.LATE),
        ),
    ]


def treasury(today: dt.date) -> Section:
    summary = year_summary(today.year, today=today)
    reminders = reminders_due(DuesCall.objects.all(), today=today)
    return Section(
        TREASURY,
        [
            *_money_figures(summary),
            Figure(
                "Relances à envoyer aujourd’hui",
                str(len(reminders)),
                changelist(DuesCall, relance="a-envoyer"),
            ),
        ],
        items_title="Prochaines relances",
        items=[
            Link(
                f"{call.member} : {step} (échéance le {call.due_on:%d/%m/%Y})",
                reverse("admin:dues_duescall_change", args=[call.pk]),
            )
            for call, step in reminders[:5]
        ],
    )


def bureau(today: dt.date) -> Section:
    summary = year_summary(today.year, today=today)
    members = Member.objects.active().count()
    return Section(
        BUREAU,
        [
            Figure(
                "Villes adhérentes",
                formats.number(members),
                changelist(Member, status__exact=Member.Status.ACTIVE),
            ),
            events_this_week_and_next(today),
            *_money_figures(summary),
        ],
        charts=[
            charts.by_bracket(summary),
            charts.by_month(summary),
            charts.members_by_year(today),
        ],
    )


def sections_for(user, today: dt.date) -> list[Section]:
    """The sections of the user's groups; superusers get the secretariat's
    and the treasury's."""
    if user.is_superuser:
        groups = {SECRETARIAT, TREASURY}
    else:
        groups = set(user.groups.values_list("name", flat=True))
    builders = [(SECRETARIAT, secretariat), (TREASURY, treasury), (BUREAU, bureau)]
    sections = []
    for name, build in builders:
        if name in groups:
            section = build(today)
            for extra in EXTRA_FIGURES.get(name, []):
                section.figures.extend(extra(today))
            sections.append(section)
    return sections
