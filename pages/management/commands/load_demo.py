"""`manage.py load_demo`: the whole demo site. Safe to run again.

It lives in `pages`, the app that may use all the others: the association's
identity first (the invoices need it), then members (cities, people), the dues,
the agenda (events hosted by cities, working groups' meetings), the news
and publications (linked to events and groups), the pages."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from association import demo as association_demo
from calendar_app import demo as calendar_demo
from dues import demo as dues_demo
from members import demo as members_demo
from news import demo as news_demo
from pages import demo as pages_demo
from registrations import demo as registrations_demo
from rfve_site.two_factor import current_totp_code

# Demo back-office accounts (DEBUG only) and their group (rfve_site.groups).
DEMO_ACCOUNTS = {
    "secretariat": "Secrétariat",
    "tresorerie": "Trésorerie",
    "bureau": "Bureau",
}
DEMO_PASSWORD = "demo-rfve-2023"
# The demo accounts' TOTP secret (the second factor every staff account needs
# by default, rfve_site/two_factor.py): add it to an authenticator app, or
# `oathtool --totp -b <secret>` prints the current code. DEBUG only.
DEMO_TOTP_SECRET = "RFVEDEMOSECRETTOTPDEMORFVEXYZ234"


class Command(BaseCommand):
    help = "Load the demo data (cities, dues, agenda, pages). Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        association_demo.load()
        members = members_demo.load()
        dues_demo.load_scales(today.year)
        dues_demo.load_campaign(today.year, today)
        self.stdout.write(self.style.SUCCESS(f"Demo members: {len(members)} cities."))
        # Registrations protect their event: cleared before the agenda moves.
        registrations_demo.unload()
        # The assembly app sits above pages: reached by its command's name.
        if apps.is_installed("assembly"):
            call_command("load_demo_assembly", unload=True)
        # Demo events made by the apps above (the past general assembly).
        others = [
            slug
            for config in apps.get_app_configs()
            for slug in getattr(config, "demo_event_slugs", ())
        ]
        kept, stale = calendar_demo.load(members, today, keep=others)
        self.stdout.write(
            self.style.SUCCESS(f"Demo agenda: {kept} events ({stale} stale removed).")
        )
        registrations = registrations_demo.load(today)
        self.stdout.write(self.style.SUCCESS(f"Demo registrations: {registrations}."))
        articles, documents = news_demo.load(today)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo news: {articles} articles, {documents} publications."
            )
        )
        pages = pages_demo.load()
        self.stdout.write(self.style.SUCCESS(f"Demo pages: {len(pages)} pages."))
        # Apps beside or above pages (mailings, the members' area) load theirs
        # through their AppConfig's `load_demo(today)`.
        for config in apps.get_app_configs():
            if hasattr(config, "load_demo"):
                summary = config.load_demo(today)
                self.stdout.write(
                    self.style.SUCCESS(f"Demo {config.label}: {summary}.")
                )
        if apps.is_installed("assembly"):
            call_command("load_demo_assembly", stdout=self.stdout)
        if settings.DEBUG:
            self._demo_account()

    def _demo_account(self):
        """Development only (DEBUG): one back-office login per group, to try
        what each sees (dashboard, lists, permissions)."""
        for username, group in DEMO_ACCOUNTS.items():
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            user.is_staff, user.is_superuser = True, False
            if created:
                user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=group)])
            if not Authenticator.objects.filter(user=user, type="totp").exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)
        names = ", ".join(f"«{name}»" for name in DEMO_ACCOUNTS)
        self.stdout.write(
            f"Back office: users {names}, password «{DEMO_PASSWORD}», "
            f"TOTP secret «{DEMO_TOTP_SECRET}» (current code: "
            f"{current_totp_code(DEMO_TOTP_SECRET)}; demo accounts, created only "
            "when DEBUG is on)."
        )
