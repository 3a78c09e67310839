"""What a letter or a mailing looks like in a mailbox: the Markdown text as
plain text and as HTML (the site's Markdown and typography), each with the
opt-out, and the headers of RFC 2369 and RFC 8058 (one-click unsubscribe).
No tracking pixel, no rewritten link: the links are the ones written."""

from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from association.models import SiteSettings
from outbox.sending import KIND_HEADER
from rfve_site.markup import render_markdown
from rfve_site.typography import french, french_html

from . import links
from .models import Mailing


def list_unsubscribe(url: str, association: SiteSettings) -> str:
    """The List-Unsubscribe header: the one-click https URL, and a mailto to
    the secretariat when the settings have its address."""
    parts = [f"<{url}>"]
    if association.contact_email:
        subject = quote("Désinscription")
        parts.append(f"<mailto:{association.contact_email}?subject={subject}>")
    return ", ".join(parts)


def build(
    mailing: Mailing,
    email: str,
    *,
    association: SiteSettings | None = None,
    test: bool = False,
) -> EmailMultiAlternatives:
    """The message of `mailing` for `email` (a test send says so in its subject)."""
    association = association or SiteSettings.load()
    unsubscribe = links.unsubscribe_url(email, mailing.pk or 0)
    context = {
        "mailing": mailing,
        "association": association,
        "unsubscribe_url": unsubscribe,
        "preferences_url": links.preferences_url(email) if mailing.is_letter else "",
        "letter_url": links.absolute(mailing.get_absolute_url())
        if mailing.is_letter and mailing.slug
        else "",
        "body_html": render_markdown(mailing.body),
        "body_text": mailing.body,
        "site_domain": settings.SITE_DOMAIN,
    }
    subject = french(("[Essai] " if test else "") + mailing.subject)
    text = french(render_to_string("mailings/emails/message.txt", context))
    html = french_html(render_to_string("mailings/emails/message.html", context))
    headers = {
        KIND_HEADER: "lettre" if mailing.is_letter else "envoi",
        "List-Unsubscribe": list_unsubscribe(unsubscribe, association),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{_list_name(mailing)} <{mailing.kind}.{settings.SITE_DOMAIN}>",
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[email],
        reply_to=association.secretariat_reply_to(),
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def _list_name(mailing: Mailing) -> str:
    return "Lettre du RFVE" if mailing.is_letter else "Envois du RFVE"


def confirmation(
    email: str, topic_names: list[str], url: str
) -> EmailMultiAlternatives:
    """The double opt-in's email: nothing is subscribed until its link is used."""
    association = SiteSettings.load()
    text = render_to_string(
        "mailings/emails/confirm.txt",
        {
            "topics": topic_names,
            "url": url,
            "days": links.CONFIRMATION_DAYS,
            "association": association,
        },
    )
    return EmailMultiAlternatives(
        subject=french("Confirmez votre inscription à la lettre du réseau"),
        body=french(text),
        to=[email],
        reply_to=association.secretariat_reply_to(),
        headers={KIND_HEADER: "lettre-confirmation"},
    )
