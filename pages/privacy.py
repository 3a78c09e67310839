"""What /donnees-personnelles/ states for each processing (RGPD arts 13–14).
Retention periods are read from the constants that the daily purge applies
(`manage.py purge_personal_data`), so the page and the code cannot disagree."""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings as django_settings

from association.models import SiteSettings
from audit.models import AUDIT_RETENTION
from members.models import PERSON_RETENTION_YEARS
from outbox import purge as outbox_purge
from pages.contact import MESSAGE_RETENTION, SENDER_KEY_RETENTION
from registrations import privacy as registrations_privacy
from rfve_site.formats import duration
from rfve_site.login_throttle import LOGIN_LOG_RETENTION


@dataclass(frozen=True)
class Processing:
    title: str
    purpose: str
    legal_basis: str
    data: str
    recipients: str
    retention: str
    # Where data not collected from the person comes from (RGPD art. 14).
    source: str = ""


def recipients(association: SiteSettings, *others: str) -> str:
    """Who receives the data besides the secretariat: the host and the mail
    provider as the settings name them."""
    names = list(others)
    if association.host_name:
        names.append(f"l’hébergeur du site ({association.host_name})")
    if association.mail_provider:
        names.append(
            f"le prestataire d’envoi des courriels ({association.mail_provider})"
        )
    return ", ".join(names) + "."


def processings(association: SiteSettings) -> list[Processing]:
    items = [
        Processing(
            title="Messages du formulaire de contact",
            purpose="Répondre à votre message, et à rien d’autre ; limiter les "
            "envois répétés depuis une même adresse.",
            legal_basis="Intérêt légitime de l’association à répondre aux "
            "personnes qui lui écrivent (article 6.1.f du RGPD).",
            data="Nom, courriel, organisme, objet et message ; une empreinte "
            "chiffrée de votre adresse IP, qui ne permet pas de la retrouver (votre "
            "adresse IP elle-même n’est pas enregistrée).",
            recipients=recipients(
                association,
                "Le secrétariat de l’association, qui reçoit aussi "
                "le message par courriel",
            ),
            retention=f"Le message est effacé {duration(MESSAGE_RETENTION)} après "
            f"sa réception, l’empreinte de l’adresse IP après "
            f"{duration(SENDER_KEY_RETENTION)}.",
        ),
        Processing(
            title="Comptes de l’administration du site et journal des connexions",
            purpose="Permettre à l’équipe de l’association de gérer le site ; "
            "protéger l’administration contre les intrusions.",
            legal_basis="Intérêt légitime de l’association à gérer son site et à "
            "en assurer la sécurité (article 6.1.f du RGPD).",
            data="Identifiant, nom, courriel et mot de passe chiffré des membres "
            "de l’équipe ; un cookie de session, strictement nécessaire ; pour "
            "chaque connexion ou tentative : identifiant, adresse IP, navigateur, "
            "date et heure.",
            recipients=recipients(association, "Les administrateurs du site"),
            retention="Un compte est supprimé quand la personne quitte l’équipe ; "
            "la session se ferme après "
            f"{duration(django_settings.SESSION_IDLE_TIMEOUT)} sans activité, et "
            f"au plus tard {duration(django_settings.SESSION_MAX_AGE)} après la "
            "connexion ; le journal des "
            f"connexions est effacé après {duration(LOGIN_LOG_RETENTION)}.",
        ),
        Processing(
            title="Journal des modifications de l’administration",
            purpose="Savoir qui a créé, modifié ou supprimé quoi et quand dans "
            "l’administration (villes adhérentes, personnes, cotisations, "
            "factures, avoirs, paiements, inscriptions, réglages, comptes), "
            "avec les valeurs avant et après : contrôle de la trésorerie, "
            "sécurité.",
            legal_basis="Intérêt légitime de l’association à contrôler sa "
            "gestion et à sécuriser ses données (article 6.1.f du RGPD).",
            data="L’auteur de la modification (membre de l’équipe), la date et "
            "l’heure, l’élément modifié et ses valeurs avant et après, qui peuvent "
            "contenir les données des personnes concernées (jamais les besoins "
            "d’accessibilité ou alimentaires).",
            recipients=recipients(
                association, "Le secrétariat et la trésorerie de l’association"
            ),
            retention="Chaque entrée du journal est effacée "
            f"{duration(AUDIT_RETENTION)} après la modification.",
        ),
        Processing(
            title="Élues, élus et agents des villes adhérentes",
            purpose="Faire vivre les instances (bureau, conseil d’administration, "
            "groupes de travail) et les convoquer ; présenter la gouvernance du "
            "réseau sur le site, avec le seul nom, la fonction et la ville.",
            legal_basis="Intérêt légitime de l’association à faire fonctionner ses "
            "instances et à présenter sa gouvernance (article 6.1.f du RGPD).",
            data="Nom, prénom, ville, fonction dans la ville, mandats au sein du "
            "réseau ; courriel et téléphone professionnels, jamais publiés.",
            source="La ville adhérente (délibération désignant l’élue ou l’élu "
            "référent, ses services) ou la personne elle-même.",
            recipients=recipients(
                association,
                "Le secrétariat et les membres du bureau ; sur le site, le nom, "
                "la fonction et la ville des membres des instances et des pilotes "
                "de groupes de travail",
            ),
            retention="Pendant les mandats au sein du réseau, puis "
            f"{duration(dt.timedelta(days=365 * PERSON_RETENTION_YEARS))} après "
            "la fin du dernier mandat ; une personne sans mandat, tant que sa "
            "ville la désigne comme contact.",
        ),
        Processing(
            title="Contacts financiers des villes adhérentes",
            purpose="Émettre et envoyer les factures de cotisation, suivre les "
            "paiements et les relances.",
            legal_basis="Obligation légale de tenue de la comptabilité (article "
            "6.1.c du RGPD) et intérêt légitime de l’association à recouvrer les "
            "cotisations (article 6.1.f).",
            data="Nom et courriel du service ou de la personne chargée des "
            "finances de la ville, données de facturation de la ville.",
            source="La ville adhérente.",
            recipients=recipients(
                association,
                "Le secrétariat et la trésorerie ; Chorus Pro, la plateforme de "
                "facturation publique de l’État, pour les factures qui y sont "
                "déposées",
            ),
            retention="Pendant l’adhésion de la ville ; les factures émises, qui "
            "reproduisent ces données, sont des pièces comptables conservées au "
            "moins dix ans (article L123-22 du Code de commerce).",
        ),
    ]
    # The registrations app states its own processing (its delays are its
    # purge's); the host and mail provider are added here, as for the others.
    registrations = registrations_privacy.processing()
    registrations["recipients"] = recipients(association, registrations["recipients"])
    items.append(Processing(**registrations))
    items.append(
        Processing(
            title="Courriels envoyés par le site",
            purpose="Remettre les courriels que le site envoie (réponses au "
            "formulaire de contact, inscriptions, factures, avoirs, relances, "
            "attestations, mot de passe oublié d’un compte de gestion), "
            "réessayer quand le serveur de messagerie est "
            "indisponible, vérifier qu’ils sont partis ; ne plus écrire aux "
            "adresses qui n’existent plus ou qui ont signalé un courriel comme "
            "indésirable.",
            legal_basis="Intérêt légitime de l’association à s’assurer que ses "
            "courriels arrivent (article 6.1.f du RGPD).",
            data="Destinataires, objet, texte et pièces jointes de chaque "
            "courriel, ses dates d’envoi, les erreurs et le compte rendu de "
            "remise du prestataire ; pour une adresse exclue des envois, "
            "l’adresse, le motif et la date.",
            recipients=recipients(association, "Le secrétariat"),
            retention="Chaque courriel est effacé "
            f"{duration(outbox_purge.MESSAGE_RETENTION)} après son envoi ; une "
            "adresse exclue des envois l’est pendant "
            f"{duration(outbox_purge.SUPPRESSION_RETENTION)}.",
        )
    )
    # Apps beside this one (the newsletter and mailings) state theirs through
    # their AppConfig; the host and mail provider are added here.
    for config in apps.get_app_configs():
        if hasattr(config, "privacy_processings"):
            for item in config.privacy_processings(association):
                item["recipients"] = recipients(association, item["recipients"])
                items.append(Processing(**item))
    return items
