"""Demo agenda: the February 2023 agenda of the original site, plus a living
agenda around today's month. Called by `manage.py load_demo` (pages app);
safe to run again: nothing is created twice."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from members.models import WorkingGroup

from .models import Event, EventType

Colour = EventType.Colour
RENCONTRES_SLUG = "rencontres-nationales"
EVENT_TYPES = [  # name, slug, colour
    ("Réunion plénière", "reunion-pleniere", Colour.BLUE),
    ("Groupe de travail", "groupe-de-travail", Colour.GREEN),
    ("Audience", "audience", Colour.PURPLE),
    ("Rencontres nationales", "rencontres-nationales", Colour.RED),
    ("Conseil d’administration", "conseil-d-administration", Colour.TEAL),
    ("Bureau", "bureau", Colour.BROWN),
    ("Assemblée générale", "assemblee-generale", Colour.ORANGE),
    ("Webinaire", "webinaire", Colour.GREY),
]

# The original site's page (shared/seed/): titles as there, with French
# apostrophes and dashes (’ –); hours made up. Real people are named only here.
FEBRUARY_2023 = [
    (
        "2023-02-02 09:30",
        "2023-02-02 12:00",
        "Réunion plénière du comité de filière animation",
        "reunion-pleniere",
    ),
    (
        "2023-02-14 10:00",
        "2023-02-14 11:30",
        "Rencontre avec le cabinet d’Olivier Klein",
        "audience",
    ),
    (
        "2023-02-14 14:30",
        "2023-02-14 16:00",
        "Groupe de travail petite enfance – avec Elisabeth Laithier",
        "groupe-de-travail",
    ),
    (
        "2023-02-20 11:00",
        "2023-02-20 12:30",
        "Audience des membres du Mouvement ambition éducation par le ministre "
        "de l’éducation nationale",
        "audience",
    ),
]


def nth_weekday(first_day: dt.date, weekday: int, n: int) -> dt.date:
    """The n-th given weekday (0 = Monday) of the month; n = -1 for the last."""
    if n < 0:
        following = (first_day + dt.timedelta(days=32)).replace(day=1)
        day = following - dt.timedelta(days=1)
        return day - dt.timedelta(days=(day.weekday() - weekday) % 7)
    day = first_day + dt.timedelta(days=(weekday - first_day.weekday()) % 7)
    return day + dt.timedelta(weeks=n - 1)


def add_months(first_day: dt.date, months: int) -> dt.date:
    index = first_day.year * 12 + first_day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(
        day.year,
        day.month,
        day.day,
        hour,
        minute,
        tzinfo=timezone.get_default_timezone(),
    )


def living_agenda(today: dt.date) -> list[dict]:
    """A believable agenda from two months ago to four months ahead."""
    this_month = today.replace(day=1)
    events = []

    def add(title, type_slug, start, end, **extra):
        events.append(
            {"title": title, "type": type_slug, "starts_at": start, "ends_at": end}
            | extra
        )

    for offset in range(-2, 5):
        month = add_months(this_month, offset)
        thursday = nth_weekday(month, 3, 1)
        add(
            "Réunion plénière du réseau",
            "reunion-pleniere",
            at(thursday, 9, 30),
            at(thursday, 12, 30),
            place="Visioconférence",
            summary="Point mensuel des villes adhérentes : actualités, "
            "groupes de travail, prochains rendez-vous.",
        )
        tuesday = nth_weekday(month, 1, 2)
        add(
            "Groupe de travail petite enfance",
            "groupe-de-travail",
            at(tuesday, 14, 30),
            at(tuesday, 16, 30),
            place="Hôtel de ville de Villeurbanne",
            address="Place Lazare-Goujon, 69100 Villeurbanne",
        )
        wednesday = nth_weekday(month, 2, 3)
        add(
            "Groupe de travail Cités éducatives",
            "groupe-de-travail",
            at(wednesday, 10),
            at(wednesday, 12),
            place="Visioconférence",
            # Last month's was cancelled a week before; its registrants were
            # told (registrations/demo.py).
            status=Event.Status.CANCELLED if offset == -1 else Event.Status.PUBLISHED,
        )
        if offset % 2 == 0:
            monday = nth_weekday(month, 0, -1)
            add(
                "Conseil d’administration",
                "conseil-d-administration",
                at(monday, 17),
                at(monday, 19),
                place="Siège du réseau, Villeurbanne",
            )
        monday = nth_weekday(month, 0, 2)
        add(
            "Réunion du bureau",
            "bureau",
            at(monday, 18),
            at(monday, 19, 30),
            place="Visioconférence",
            # This month's bureau is cancelled, next month's postponed: the
            # statuses show on the agenda.
            status={0: Event.Status.CANCELLED, 1: Event.Status.POSTPONED}.get(
                offset, Event.Status.PUBLISHED
            ),
        )

    # A few one-off events, and a busy day to show the "+ N autres" link.
    webinar = nth_weekday(add_months(this_month, 1), 4, 2)
    add(
        "Webinaire : la tarification sociale de la restauration scolaire",
        "webinaire",
        at(webinar, 12, 30),
        at(webinar, 13, 30),
        place="En ligne",
        summary="Retours d’expérience de trois villes adhérentes.",
        description="## Programme\n\n- Le cadre national\n- Trois villes témoignent\n"
        "- Questions des participants",
    )
    # Last year's edition, with its gallery (load_gallery).
    last_edition = nth_weekday(add_months(this_month, -10), 3, 2)
    add(
        "Rencontres nationales des villes éducatrices",
        "rencontres-nationales",
        at(last_edition, 0),
        at(last_edition + dt.timedelta(days=1), 0),
        all_day=True,
        place="Villeurbanne",
        summary="Deux journées sur la place des enfants dans la ville : "
        "tables rondes, ateliers et visites des écoles de Villeurbanne.",
    )
    meetings = nth_weekday(add_months(this_month, 2), 3, 2)
    add(
        "Rencontres nationales des villes éducatrices",
        "rencontres-nationales",
        at(meetings, 0),
        at(meetings + dt.timedelta(days=1), 0),
        all_day=True,
        place="Villeurbanne",
        summary="Deux journées d’études et d’échanges ouvertes aux membres "
        "du réseau et aux personnes extérieures.",
    )
    busy = nth_weekday(this_month, 3, 3)
    for hour, title in [
        (9, "Audience au ministère de l’Éducation nationale"),
        (11, "Groupe de travail restauration scolaire"),
        (14, "Rencontre avec l’Association des maires de France"),
        (16, "Groupe de travail numérique éducatif"),
    ]:
        add(
            title,
            "audience" if hour in (9, 14) else "groupe-de-travail",
            at(busy, hour),
            at(busy, hour + 1, 30),
        )
    assembly = nth_weekday(add_months(this_month, 3), 4, 1)
    add(
        "Assemblée générale",
        "assemblee-generale",
        at(assembly, 14),
        at(assembly, 17),
        place="Siège du réseau, Villeurbanne",
        visibility=Event.Visibility.INTERNAL,
    )
    add(
        "Groupe de travail temps périscolaires (à confirmer)",
        "groupe-de-travail",
        at(busy + dt.timedelta(days=7), 14),
        at(busy + dt.timedelta(days=7), 16),
        status=Event.Status.DRAFT,
    )
    return events


def _group_of(title: str, groups: dict) -> int | None:
    lowered = title.lower()
    for slug, words in (
        ("petite-enfance", "petite enfance"),
        ("cites-educatives", "cités éducatives"),
    ):
        if words in lowered and slug in groups:
            return groups[slug].pk
    return None


def _host_of(row: dict, villeurbanne) -> int | None:
    """The seat hosts the Rencontres nationales and its own meetings."""
    if villeurbanne and "Villeurbanne" in row.get("place", ""):
        return villeurbanne.pk
    return None


@transaction.atomic
def load(members: dict, today: dt.date, keep=()) -> tuple[int, int]:
    """Create or refresh the demo events; `members` by INSEE code (the seat
    hosts some); `keep`: the slugs of demo events other apps make (their
    AppConfig's `demo_event_slugs`). Returns (events kept, stale events
    removed)."""
    groups = {group.slug: group for group in WorkingGroup.objects.all()}
    types = {}
    for order, (name, slug, colour) in enumerate(EVENT_TYPES, start=1):
        types[slug], _ = EventType.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "colour": colour,
                "order": order,
                "is_rencontres": slug == RENCONTRES_SLUG,
            },
        )
    paris = timezone.get_default_timezone()
    rows = [
        {
            "title": title,
            "type": type_slug,
            "starts_at": dt.datetime.fromisoformat(start).replace(tzinfo=paris),
            "ends_at": dt.datetime.fromisoformat(end).replace(tzinfo=paris),
            "place": "Paris",
        }
        for start, end, title, type_slug in FEBRUARY_2023
    ] + living_agenda(today)

    villeurbanne = members.get("69266")
    kept = set()
    for row in rows:
        row = dict(row)
        event_type = types[row.pop("type")]
        slug = slugify(f"{row['title']} {row['starts_at']:%Y-%m-%d}")[:200]
        values = (
            {"status": Event.Status.PUBLISHED}
            | row
            | {
                "event_type_id": event_type.pk,
                "working_group_id": _group_of(row["title"], groups),
                "host_id": _host_of(row, villeurbanne),
                "is_demo": True,
            }
        )
        save_if_changed(slug, values)
        kept.add(slug)
    # The living agenda follows today's date: drop what an earlier run left
    # (a gallery's photos and their files with their event).
    stale, _ = (
        Event.objects.filter(is_demo=True).exclude(slug__in=kept | set(keep)).delete()
    )
    load_gallery(today)
    return len(kept), stale


# The gallery of last year's Rencontres: drawings made here with Pillow (no
# download), described as what they are. (alternative text, drawing)
DEMO_CREDIT = "Illustration de démonstration dessinée par le site"
DEMO_PHOTOS = [
    (
        "Dessin de démonstration : une salle de conférence vue du fond, des "
        "rangées de participants face à une scène où parle une oratrice.",
        "plenary",
    ),
    (
        "Dessin de démonstration : six participants autour d’une table ronde, "
        "carnets ouverts.",
        "round_table",
    ),
    (
        "Dessin de démonstration : une banderole « Rencontres nationales » "
        "au-dessus de l’entrée d’un bâtiment.",
        "banner",
    ),
    (
        "Dessin de démonstration : un groupe d’enfants et d’adultes dans la "
        "cour d’une école, sous des arbres.",
        "schoolyard",
    ),
]


def load_gallery(today: dt.date) -> int:
    """Photos for the last past Rencontres nationales of the demo, made once
    (its files are kept while the edition is)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from . import demo_drawings
    from .models import EventPhoto

    edition = (
        Event.objects.rencontres()
        .filter(is_demo=True, ends_at__lt=at(today, 0))
        .order_by("-starts_at")
        .first()
    )
    if edition is None or edition.photos.exists():
        return 0
    for order, (alt, drawing) in enumerate(DEMO_PHOTOS, start=1):
        content = demo_drawings.jpeg(drawing)
        photo = EventPhoto(
            event=edition,
            image=SimpleUploadedFile(f"rencontres-{order}.jpg", content),
            alt=alt,
            credit=DEMO_CREDIT,
            licence=EventPhoto.Licence.CC_BY,
            consent=True,
            order=order,
        )
        photo.full_clean()
        photo.save()
    return len(DEMO_PHOTOS)


def save_if_changed(slug: str, values: dict) -> Event:
    """Create or update; an unchanged event is not saved again, so its
    iCalendar SEQUENCE and the feed's ETag stay put."""
    event = Event.objects.filter(slug=slug).first() or Event(slug=slug)
    changed = event.pk is None
    for name, value in values.items():
        if getattr(event, name) != value:
            setattr(event, name, value)
            changed = True
    if changed:
        event.full_clean()
        event.save()
    return event
