from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.models import AUDIT_RETENTION, purge_audit_trail
from members.models import PERSON_RETENTION_YEARS, Person
from outbox import purge as outbox
from pages.contact import MESSAGE_RETENTION, purge
from registrations import purge as registrations
from rfve_site.login_throttle import LOGIN_LOG_RETENTION, purge_login_log


class Command(BaseCommand):
    help = (
        "Apply the retention periods that /donnees-personnelles/ states (run "
        f"daily from cron): contact messages after {MESSAGE_RETENTION.days} days "
        f"(senders' address keys after a day), the back office's login log after "
        f"{LOGIN_LOG_RETENTION.days} days, the audit trail after "
        f"{AUDIT_RETENTION.days} days, people {PERSON_RETENTION_YEARS} years "
        "after their last mandate; registrations' needs once the event is over, "
        f"their people anonymised {registrations.REGISTRATION_RETENTION.days} days "
        f"after it; sent emails after {outbox.MESSAGE_RETENTION.days} days, "
        f"suppressed addresses after {outbox.SUPPRESSION_RETENTION.days} days."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        deleted, forgotten = purge(now)
        logins = purge_login_log(now)
        audited = purge_audit_trail(now)
        people, _ = Person.objects.past_retention(timezone.localdate(now)).delete()
        registered = registrations.purge(now)
        emails, addresses = outbox.purge(now)
        self.stdout.write(
            f"{deleted} message(s) deleted, {forgotten} sender key(s) forgotten, "
            f"{logins} login log entr(y/ies) deleted, {audited} audit trail "
            f"entr(y/ies) deleted, {people} row(s) of former "
            "people deleted; registrations: "
            f"{registered['needs']} with needs erased, {registered['anonymised']} "
            f"anonymised, {registered['forgotten']} client key(s) forgotten; "
            f"{emails} sent email(s) and {addresses} suppressed address(es) deleted."
        )
