"""The back-office groups and what each may do: one declarative table, applied
after every `migrate` (pages/apps.py connects `apply_groups` to post_migrate).

The table is the truth: permissions added to these groups by hand are removed
at the next deployment. A new or moved model is one line here, never a data
migration. Models are named "app_label.model"; superusers bypass the table.

- Secrétariat runs the site: agenda, members and people, dues, news and
  publications, pages, inbox; it launches campaigns and issues invoices
  (`add_invoice`), deletes draft calls only, and neither edits the Chorus Pro
  follow-up nor issues credit notes.
- Trésorerie runs the dues: invoicing data of members (finance contacts
  included), scales, calls (deletes those not issued yet), invoices (Chorus
  Pro follow-up: `change_invoice`), credit notes (`credit_invoice`), payments,
  the reminder schedule; reads the agenda. It reads registrations (to
  invoice them) but not their accessibility and dietary needs: health data,
  read only by those who may change registrations, the Secrétariat
  (registrations.documents.may_read_needs: the admin form and the CSV).
- Bureau reads figures, not personal data: agenda, member cities (private
  finance contacts hidden, see MemberAdmin), dues scales, calls and the list
  of invoices with the treasury summary, news and publications. No people,
  payments, reminder log, invoice file (`download_invoice`) or CSV
  (`change_duescall`), no inbox; an invoice addressed to a private person
  (an event's registration without SIRET) shows "Particulier", and the
  invoices are not searched by recipient (dues.models.may_read_private_recipients).

Actions named here beyond view/add/change/delete are the custom permissions
of the model (Invoice.Meta.permissions). The reminder log is read-only for
every group: it is what stops a step from being sent twice (ReminderAdmin
refuses change and delete even to superusers). Issued invoices and calls are
deleted by nobody (InvoiceAdmin, DuesCallAdmin; PROTECT in the database).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

VIEW = ("view",)
EDIT = ("view", "change")
ALL = ("view", "add", "change", "delete")

GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "Secrétariat": {
        "calendar_app.event": ALL,
        # Galleries: uploads, and taking a photo down at once (change).
        "calendar_app.eventphoto": ALL,
        "calendar_app.eventtype": ALL,
        "members.localauthority": VIEW,  # official data: superusers only
        "members.member": ALL,
        "members.person": ALL,
        "members.mandate": ALL,
        "members.workinggroup": ALL,
        "dues.duesscale": ALL,
        "dues.duesbracket": ALL,
        # Launches campaigns and issues invoices; deletes a draft call only
        # (DuesCallAdmin refuses deleting an issued one to everybody).
        "dues.duescall": ALL,
        "dues.invoice": ("view", "add", "download"),
        "dues.issuerun": VIEW,
        "dues.reminderrun": VIEW,
        "dues.payment": ALL,
        "dues.reminderstep": ALL,
        "dues.reminder": VIEW,
        "news.article": ALL,
        "news.category": ALL,
        "news.document": ALL,
        "pages.page": ALL,
        "pages.pageredirect": ALL,
        "pages.legacyredirect": ALL,
        "association.sitesettings": EDIT,
        "pages.contactmessage": ("view", "change", "delete"),
        # The outbox: every email sent; failed ones sent again.
        "outbox.outboxmessage": ("view", "resend"),
        "outbox.suppressedaddress": ALL,
        # The newsletter and the mailings: composed and sent by the secretariat.
        "mailings.topic": ALL,
        "mailings.subscriber": ALL,
        "mailings.mailing": ALL,
        "registrations.registrationsettings": ALL,
        "registrations.eventday": ALL,
        "registrations.rate": ALL,
        "registrations.registration": ALL,
        "registrations.order": ALL,
        # The audit trail: read only, for everybody (audit/models.py).
        "audit.auditentry": VIEW,
        # The general assembly: proxies are never deleted (revoked), issued
        # minutes never change (assembly/models.py).
        "assembly.assembly": ("view", "add", "change"),
        "assembly.rollentry": EDIT,
        "assembly.proxy": ("view", "add", "change"),
        "assembly.resolution": ALL,
        "assembly.minutes": ("view", "add", "change"),
        # The members' area: who has access; the cities' proposals, decided
        # (accepted or refused) by changing them.
        "espace.areaaccess": ALL,
        "espace.changeproposal": EDIT,
    },
    "Trésorerie": {
        "calendar_app.event": VIEW,
        "calendar_app.eventtype": VIEW,
        "members.localauthority": VIEW,
        "members.member": EDIT,
        "members.workinggroup": VIEW,
        "dues.duesscale": ALL,
        "dues.duesbracket": ALL,
        "dues.duescall": ALL,
        "dues.invoice": ("view", "add", "change", "credit", "download"),
        "dues.issuerun": VIEW,
        "dues.reminderrun": VIEW,
        "dues.payment": ALL,
        "dues.reminderstep": ALL,
        "dues.reminder": VIEW,
        # Paying registrations are invoiced (issue 15, §3).
        "registrations.registrationsettings": VIEW,
        "registrations.rate": VIEW,
        "registrations.registration": VIEW,
        # Corrects the Chorus Pro data of an order before its invoice.
        "registrations.order": EDIT,
        "audit.auditentry": VIEW,
    },
    "Bureau": {
        "calendar_app.event": VIEW,
        "calendar_app.eventphoto": VIEW,
        "calendar_app.eventtype": VIEW,
        "members.localauthority": VIEW,
        "members.member": VIEW,
        "members.workinggroup": VIEW,
        "dues.duesscale": VIEW,
        "dues.duesbracket": VIEW,
        "dues.duescall": VIEW,
        "dues.invoice": VIEW,
        "news.article": VIEW,
        "news.category": VIEW,
        "news.document": VIEW,
        "pages.page": VIEW,
        "pages.pageredirect": VIEW,
        "pages.legacyredirect": VIEW,
        "association.sitesettings": VIEW,
        # Figures (places, counts), not the people.
        "registrations.registrationsettings": VIEW,
        "registrations.eventday": VIEW,
        "registrations.rate": VIEW,
    },
}


def codenames(table: dict[str, tuple[str, ...]]) -> set[str]:
    """{"members.member": EDIT} → {"members.view_member", "members.change_member"}"""
    return {
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label, actions in table.items()
        for action in actions
    }


def apply_groups(using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    """Create the groups and give each exactly the permissions of the table.
    Idempotent; a permission missing from the database is an error, so that a
    renamed or moved model cannot silently leave a group without access."""
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth not migrated (yet)
        return
    # post_migrate creates permissions app by app: make sure all exist now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=global_apps)
    for name, table in GROUPS.items():
        wanted = codenames(table)
        permissions = [
            permission
            for permission in Permission.objects.using(using).select_related(
                "content_type"
            )
            if f"{permission.content_type.app_label}.{permission.codename}" in wanted
        ]
        found = {
            f"{permission.content_type.app_label}.{permission.codename}"
            for permission in permissions
        }
        if missing := wanted - found:
            raise LookupError(f"Unknown permissions for {name}: {sorted(missing)}")
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(permissions)
