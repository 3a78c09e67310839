"""The registrations' processing as /donnees-personnelles/ states it (pages/
privacy.py lists it with the others), its delays taken from the purge that
applies them."""

from rfve_site.formats import duration

from .purge import NEEDS_RETENTION, REGISTRATION_RETENTION, SENDER_KEY_RETENTION


def processing() -> dict[str, str]:
    """The fields of pages.privacy.Processing; "recipients" names those inside
    the association (the page adds the host and the mail provider)."""
    needs_wording = (
        "dès la fin de l’événement"
        if not NEEDS_RETENTION
        else f"{duration(NEEDS_RETENTION)} après la fin de l’événement"
    )
    return dict(
        title="Inscriptions aux événements",
        purpose="Organiser l’événement (places, accueil, émargement, badges), "
        "vous écrire à son sujet, établir votre attestation de présence et, "
        "pour une inscription payante, facturer votre collectivité.",
        legal_basis="Mesures précontractuelles et exécution de votre inscription "
        "(article 6.1.b du RGPD) ; obligation légale de tenue de la comptabilité "
        "pour la facturation (article 6.1.c). Les besoins d’accessibilité et de "
        "régime alimentaire ne sont traités qu’avec votre consentement explicite, "
        "en les indiquant (article 9.2.a).",
        data="Nom, prénom, courriel, fonction, collectivité ou organisme, jours "
        "de présence, tarif et présence effective ; si vous les indiquez, besoins "
        "d’accessibilité et de régime alimentaire ; pour une inscription payante, "
        "données de facturation de la collectivité (SIRET, code service, numéro "
        "d’engagement) ; une empreinte chiffrée de votre adresse IP, qui ne permet "
        "pas de la retrouver.",
        recipients="Le secrétariat de l’association, seul à lire les besoins "
        "d’accessibilité et de régime alimentaire ; la trésorerie et Chorus "
        "Pro pour les inscriptions facturées",
        retention=f"Les besoins d’accessibilité et de régime alimentaire sont "
        f"effacés {needs_wording} ; le nom, le courriel et la fonction "
        f"{duration(REGISTRATION_RETENTION)} après l’événement, ne laissant que "
        "des chiffres anonymes (collectivité, jours, présence) ; l’empreinte de "
        f"l’adresse IP après {duration(SENDER_KEY_RETENTION)}. Les factures "
        "émises sont des pièces comptables conservées au moins dix ans.",
    )
