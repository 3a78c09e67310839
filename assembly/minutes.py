"""The procès-verbal: drafted from the frozen roll, the quorum recorded at
the opening, the resolutions and their results; edited by the secretariat;
then issued once as a PDF/A-3b file (WeasyPrint, rfve_site/pdf.py) stored
in the private documents' storage with its SHA-256, like an invoice, and
never changed (Minutes.save refuses it, read_pdf checks the hash)."""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from association.models import SiteSettings
from calendar_app.dates import french_day, french_time, to_local
from dues.documents import storage
from rfve_site.markup import render_markdown
from rfve_site.pdf import write_pdf
from rfve_site.typography import french_html

from .models import Assembly, FrozenError, Minutes
from .proxies import holders
from .results import result_of
from .session import frozen_quorum

logger = logging.getLogger(__name__)


class MinutesError(Exception):
    """The minutes cannot be drafted or issued yet; French message."""


def _article(text: str) -> str:
    return f" ({text} des statuts)" if text else ""


def draft_text(assembly: Assembly) -> str:
    """The Markdown of the minutes, from the frozen data."""
    quorum = frozen_quorum(assembly)
    if quorum is None:
        raise MinutesError(
            "La séance n’a pas été ouverte : le quorum n’est pas arrêté."
        )
    rules = SiteSettings.load()
    event = assembly.event
    start = to_local(event.starts_at)
    voting = [entry for entry in assembly.roll.all() if entry.may_vote]
    by_principal = holders(assembly)
    present = [e for e in voting if e.present and e.pk not in by_principal]
    lines = [
        f"Le {french_day(start.date())}, à {french_time(start)}"
        + (f", {event.place}" if event.place else "")
        + f", les villes adhérentes du {rules.name} se sont réunies en "
        f"{assembly.get_kind_display().lower()}"
        + (" sur seconde convocation" if assembly.round == 2 else "")
        + ", convoquées"
        + (
            f" le {to_local(assembly.convened_at):%d/%m/%Y}"
            if assembly.convened_at
            else ""
        )
        + f" par {rules.ag_convened_by}{_article(rules.ag_convened_by_article)}.",
        "",
        "## Liste d’émargement et quorum",
        "",
        f"La liste des villes votantes a été arrêtée au "
        f"{assembly.cutoff_date:%d/%m/%Y} : {len(voting)} villes à jour de leur "
        f"cotisation {assembly.dues_year}, totalisant {quorum.voters} voix"
        f"{_article(rules.ag_vote_article)}.",
        "",
        f"- Voix des villes présentes : {quorum.present}",
        f"- Voix représentées par pouvoir : {quorum.represented}",
        f"- Quorum requis : {quorum.required} voix{_article(rules.ag_quorum_article)}",
        "",
        (
            "Le quorum étant atteint, l’assemblée peut valablement délibérer."
            if quorum.reached
            else "Le quorum n’étant pas atteint, l’assemblée ne peut pas "
            "valablement délibérer."
        ),
        "",
        "Villes présentes : "
        + (", ".join(entry.city_name for entry in present) or "aucune")
        + ".",
        "",
    ]
    if by_principal:
        entries = {entry.pk: entry for entry in voting}
        given = [
            f"{entries[principal].city_name} à {holder.city_name}"
            for principal, holder in by_principal.items()
            if principal in entries
        ]
        lines += ["Pouvoirs : " + " ; ".join(sorted(given)) + ".", ""]
    items = list(assembly.agenda_items.all())
    if items:
        lines += ["## Ordre du jour", ""]
        lines += [f"{n}. {item.title}" for n, item in enumerate(items, 1)]
        lines.append("")
    lines += ["## Résolutions", ""]
    for resolution in assembly.resolutions.all():
        result = result_of(resolution, quorum.counted)
        lines += [
            f"### Résolution n° {resolution.order} : {resolution.title}",
            "",
            resolution.text,
            "",
            f"Majorité requise : {resolution.get_majority_display().lower()}"
            f"{_article(rules.ag_majority_article)}. Vote "
            + ("à bulletin secret, " if resolution.secret else "")
            + (
                "électronique."
                if resolution.method == resolution.Method.ELECTRONIC
                else "à main levée."
            ),
            "",
            f"**Résolution {result.wording}.**"
            if result
            else "**Résultat non enregistré.**",
            "",
        ]
    lines += [
        "L’ordre du jour étant épuisé, la séance est levée.",
        "",
        "La présidente ou le président — La ou le secrétaire",
    ]
    return "\n".join(lines)


def draft(assembly: Assembly) -> Minutes:
    """Create the minutes' draft, or rewrite it from the data if not issued."""
    text = draft_text(assembly)
    minutes = Minutes.objects.filter(assembly=assembly).first()
    if minutes is None:
        return Minutes.objects.create(assembly=assembly, text=text)
    if minutes.is_issued:
        raise FrozenError("Le procès-verbal est émis : il ne change plus.")
    minutes.text = text
    minutes.save()
    return minutes


def minutes_html(minutes: Minutes) -> str:
    rules = SiteSettings.load()
    context = {
        "association": rules.name,
        "legal_form": rules.legal_form,
        "seat": rules.seat_address,
        "assembly": minutes.assembly,
        "title": f"Procès-verbal de l’{minutes.assembly.get_kind_display().lower()}",
        "day": french_day(minutes.assembly.date),
        "body": render_markdown(minutes.text),
    }
    return french_html(render_to_string("assembly/minutes.html", context))


def render(minutes: Minutes) -> bytes:
    """PDF/A-3b, as the invoices (WeasyPrint reads the title and the
    language from the HTML)."""
    return write_pdf(minutes_html(minutes), pdf_variant="pdf/a-3b")


@transaction.atomic
def issue(minutes: Minutes, issued_by=None) -> Minutes:
    """Render the PDF/A, store it with its SHA-256: from now on it is the
    minutes, and nothing changes them."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.is_issued:
        raise FrozenError("Le procès-verbal est déjà émis.")
    if not minutes.text.strip():
        raise MinutesError("Le procès-verbal est vide.")
    pdf = render(minutes)
    date = minutes.assembly.date
    name = storage().save(
        f"assemblees/{date.year}/proces-verbal-{date:%Y-%m-%d}.pdf", ContentFile(pdf)
    )
    minutes.file = name
    minutes.sha256 = hashlib.sha256(pdf).hexdigest()
    minutes.issued_at = timezone.now()
    minutes.issued_by = issued_by
    minutes.save()
    return minutes


class MinutesIntegrityError(Exception):
    """The stored file no longer matches the SHA-256 recorded at issue."""


def read_pdf(minutes: Minutes) -> bytes:
    try:
        with storage().open(minutes.file, "rb") as stored:
            content = stored.read()
    except OSError as error:
        logger.error("Minutes file %s missing: %s", minutes.file, error)
        raise MinutesIntegrityError(
            "Le fichier du procès-verbal est introuvable."
        ) from error
    if hashlib.sha256(content).hexdigest() != minutes.sha256:
        logger.error("Minutes file %s does not match its SHA-256", minutes.file)
        raise MinutesIntegrityError(
            "Le fichier du procès-verbal ne correspond plus à celui émis "
            "(empreinte SHA-256 différente) : il n’est pas transmis."
        )
    return content
