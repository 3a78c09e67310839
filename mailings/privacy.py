"""What /donnees-personnelles/ states for the newsletter and the mailings
(pages.privacy reads it through MailingsConfig.privacy_processings)."""

from association.models import SiteSettings

from .links import CONFIRMATION_DAYS


def processings(association: SiteSettings) -> list[dict]:
    return [
        {
            "title": "Lettre d’information",
            "purpose": "Vous envoyer la lettre du réseau sur les thèmes que vous "
            "avez choisis ; publier sur le site les lettres envoyées (sans "
            "aucune donnée des abonnés).",
            "legal_basis": "Votre consentement (article 6.1.a du RGPD), donné en "
            "confirmant l’inscription par le lien reçu par courriel ; vous le "
            "retirez à tout moment, en un clic, depuis chaque lettre.",
            "data": "Votre courriel, les thèmes choisis et la date de "
            "confirmation. Avant la confirmation, rien n’est enregistré : la "
            f"demande n’existe que dans le lien envoyé, valable {CONFIRMATION_DAYS} "
            "jours. Aucun pixel de suivi, aucun lien détourné : nous ne savons "
            "pas si vous ouvrez la lettre ni sur quoi vous cliquez.",
            "recipients": "Le secrétariat de l’association",
            "retention": "Jusqu’à votre désinscription, qui efface votre adresse "
            "de la liste des abonnés.",
        },
        {
            "title": "Envois aux contacts professionnels des villes adhérentes",
            "purpose": "Écrire aux élues, élus, agents et contacts finances des "
            "villes adhérentes, aux membres des groupes de travail et aux "
            "personnes inscrites à un événement, au sujet de leurs fonctions et "
            "des activités du réseau ; compter pour chaque envoi les messages "
            "partis, en échec, revenus et les désinscriptions.",
            "legal_basis": "Intérêt légitime de l’association à informer les "
            "représentants de ses membres (article 6.1.f du RGPD) ; chaque "
            "message permet de s’opposer aux envois suivants en un clic.",
            "data": "Nom et courriel professionnels (tirés des fiches des villes, "
            "des groupes de travail ou des inscriptions), l’état de l’envoi de "
            "chaque message ; pour une personne qui s’est opposée aux envois, "
            "son adresse sur la liste des adresses exclues.",
            "source": "La ville adhérente ou la personne elle-même (inscription "
            "à un événement).",
            "recipients": "Le secrétariat de l’association",
            "retention": "Les destinataires d’un envoi sont conservés avec lui, "
            "pour son compte rendu ; l’opposition est conservée comme les autres "
            "adresses exclues des envois.",
        },
    ]
