"""Settings of the RFVE website, read from the environment (see .env.example)."""

import datetime as dt
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# No invented key in production: start-up fails rather than sign with a guess.
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-deploy")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Path of the back office, without leading slash, e.g. "gestion-8f3k/".
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"

INSTALLED_APPS = [
    "pages.apps.AdminConfig",  # Django's admin, the project's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    # Background tasks stored in the database (`manage.py db_worker` runs them).
    "django_tasks_db",
    # The one sign-in of the site (rfve_site/accounts.py): staff with a
    # password and a second factor (TOTP, passkeys, recovery codes).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "auditlog",
    # The project's apps, bottom layer first: an app imports only those above it
    # in this list (pages composes the others).
    "table_versions",
    "outbox",
    "audit",
    "association",
    "members",
    "calendar_app",
    "dues",
    "news",
    "registrations",
    "mailings",
    "pages",
    "assembly",
    "espace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rfve_site.middleware.cross_origin_resource_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads the Host header.
    "rfve_site.middleware.health_probes",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware: it sees the 404 before APPEND_SLASH does.
    "pages.middleware.legacy_redirects",
    "django.middleware.http.ConditionalGetMiddleware",
    # Inside ConditionalGetMiddleware: the ETag is the typeset page's.
    "rfve_site.middleware.french_typography",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in sessions end after inactivity and after a working day.
    "rfve_site.sessions.session_limits",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # The audit trail's author: the person signed in (audit/models.py).
    "audit.middleware.AuditlogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rfve_site.urls"
WSGI_APPLICATION = "rfve_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.context_processors.site",
            ],
            # French notation of amounts and populations: {% load french %}.
            "libraries": {"french": "rfve_site.templatetags.french"},
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
# Persistent connections: opening one per request halves PostgreSQL's
# throughput, and costs a page served from the cache most of its time (SQLite
# too: each new connection also registers the search function).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# SQLite under several workers: a transaction that reads then writes (a
# registration counts the places, then saves) would take the write lock only
# at its first write, and two of them at once fail at once with "database is
# locked" (SQLite cannot wait there without a deadlock). Taking the write lock
# when the transaction begins makes the others wait for it, up to `timeout`
# seconds (tests/test_sqlite_concurrency.py).
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS | DATABASES["default"].get(
        "OPTIONS", {}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every process and host: a table of the site's database (created
# after every migrate, pages/apps.py) or, for larger sites, Redis
# (CACHE_URL=redis://127.0.0.1:6379/0). Cached values are keyed by the version
# of their data (rfve_site/data_version.py), so any cache is correct; a shared
# one builds each value once for all processes.
#
# Every cache has a bound: the database's table and a process's memory keep
# at most CACHE_MAX_ENTRIES values (a third is culled beyond it); Redis is
# given its own in redis.conf (`maxmemory` with `maxmemory-policy
# allkeys-lru`, deploy/redis/rfve.conf). Search results, one page per query
# typed, are kept apart ("search": this process's memory, bounded, five
# minutes by default), so that no flood of distinct queries can evict the
# pages every visitor reads (rfve_site/page_cache.py).
CACHES = {
    "default": env.cache("CACHE_URL", default="dbcache://rfve_cache"),
    "search": env.cache("SEARCH_CACHE_URL", default="locmemcache://rfve-search"),
}
CACHES["search"].setdefault("TIMEOUT", env.int("SEARCH_CACHE_SECONDS", default=300))
CACHES["search"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 300)
for _cache in CACHES.values():
    if "redis" not in _cache["BACKEND"]:
        _cache.setdefault("OPTIONS", {}).setdefault(
            "MAX_ENTRIES", env.int("CACHE_MAX_ENTRIES", default=3000)
        )

_VALIDATION = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATION}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATION}.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": f"{_VALIDATION}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATION}.NumericPasswordValidator"},
    # The association's own words ("rfve", "villes", "éducatrices"…).
    {"NAME": "rfve_site.passwords.AssociationWordsValidator"},
]

# Signed-in sessions (rfve_site/sessions.py): they end after this long
# without a request, and this long after the sign-in whatever the activity.
SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_MAX_AGE = dt.timedelta(hours=10)
# The cookie and the stored session do not outlive the working day either.
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE.total_seconds())

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in (django-allauth, rfve_site/accounts.py): the back office's login
# page is allauth's (/compte/connexion/), then its second-factor step. No
# sign-up: accounts are created in the admin.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/" + ADMIN_URL
ACCOUNT_ADAPTER = "rfve_site.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False  # the session rules of rfve_site/sessions.py
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
# People of member cities sign in to /espace/ with a code sent by email
# (espace/signin.py starts allauth's login by code for them only; allauth's
# own request form stays off, so staff cannot skip their second factor).
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 15 * 60  # town halls' mail can be slow
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 5
# Failed logins are throttled by django-axes (below), per address and
# username; allauth's other limits stay, reading the client's address as
# rfve_site.client_address does.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Wrong codes at the second step have their own ceiling (allauth counts them
# under "login_failed", left to axes above).
MFA_FORMS = {"authenticate": "rfve_site.mfa_forms.AuthenticateForm"}
MFA_TOTP_ISSUER = "RFVE"
MFA_TOTP_TOLERANCE = 1  # one period either side: clocks of phones drift
MFA_RECOVERY_CODE_COUNT = 10
MFA_ALLOW_UNVERIFIED_EMAIL = True  # staff addresses are set by the admins
# Passkeys need HTTPS, except on http://localhost for `make run`.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Who must use a second factor (rfve_site/two_factor.py): superusers and the
# Trésorerie always; the other staff too unless this is set.
STAFF_MFA_OPTIONAL = env.bool("STAFF_MFA_OPTIONAL", default=False)
# Login throttling (rfve_site/login_throttle.py): failures within the last
# 15 minutes that lock each kind of attempt, for 15 minutes, with the French
# 429 page. A wrong password locks only its own address for that username, so
# nobody can lock a colleague out from elsewhere; the higher per-username
# ceiling stops guessing spread over many addresses (it takes four addresses
# to reach it, since failures during a lockout are not counted), the
# per-address one an address trying many usernames.
LOGIN_FAILURE_LIMITS = {
    ("ip_address", "username"): 5,
    ("username",): 20,
    ("ip_address",): 20,
}
AXES_HANDLER = "rfve_site.login_throttle.LoginThrottle"
AXES_LOCKOUT_PARAMETERS = [list(parameters) for parameters in LOGIN_FAILURE_LIMITS]
AXES_FAILURE_LIMIT = min(LOGIN_FAILURE_LIMITS.values())
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Number of trusted reverse proxies in front of gunicorn, each appending the
# address it received the request from to X-Forwarded-For; 0: trust only the
# socket's address. Read by rfve_site.client_address (login throttle and
# contact form alike).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured("PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "rfve_site.client_address.rate_limited_address"
ALLAUTH_TRUSTED_PROXY_COUNT = PROXY_COUNT
# allauth's login form names the username field "login".
AXES_USERNAME_CALLABLE = "rfve_site.login_throttle.username"

# The audit trail (app `audit`, django-auditlog): every change of these
# models, with its author, time and values before and after; append-only.
# `QuerySet.update()` is refused on them (audit/updates.py). Secrets, health
# data and bookkeeping columns are left out.
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
AUDITLOG_DISABLE_REMOTE_ADDR = True  # who, not from where (the login log has it)
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    *(
        {"model": label, "exclude_fields": ["updated_at"]}
        for label in (
            "association.SiteSettings",
            "members.Member",
            "members.Person",
            "members.Mandate",
            "dues.DuesScale",
            "dues.DuesBracket",
            "dues.DuesCall",
            "dues.Invoice",  # invoices and credit notes
            "dues.Payment",
            "dues.ReminderStep",
            "registrations.RegistrationSettings",
            "registrations.Rate",
            "registrations.Order",
            "espace.AreaAccess",
            "espace.ChangeProposal",
        )
    ),
    {
        "model": "registrations.Registration",
        # Health data (erased after the event), the personal link's secret,
        # the client's keyed address.
        "exclude_fields": [
            "accessibility_needs",
            "dietary_needs",
            "link_key",
            "link_resent_at",
            "sender_key",
            "updated_at",
        ],
        "m2m_fields": ["days", "attended_days"],
    },
    {"model": "auth.Group", "m2m_fields": ["permissions"]},
    {
        "model": "auth.User",
        "exclude_fields": ["password", "last_login"],
        "m2m_fields": ["groups", "user_permissions"],
    },
)

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
# Django's admin wording corrected where it reads wrong (locale/fr).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Issued invoices and credit notes (personal and financial documents): never
# under MEDIA_ROOT, which the reverse proxy serves publicly at /media/; only
# the permission-checked admin views read them.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "invoices": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    # Hashed names (cached forever by browsers) and gzip/brotli copies.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}


def _mailer_from_url(url: str) -> dict:
    """Turn an EMAIL_URL (smtp://user:pass@host:587, consolemail://) into a
    Django 6.1 MAILERS entry."""
    old = environ.Env.email_url_config(url)
    options = {}
    if old["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
        options = {
            "host": old["EMAIL_HOST"] or "localhost",
            "port": old["EMAIL_PORT"] or 25,
            "username": old["EMAIL_HOST_USER"] or None,
            "password": old["EMAIL_HOST_PASSWORD"] or None,
            "use_tls": old.get("EMAIL_USE_TLS", False),
            "use_ssl": old.get("EMAIL_USE_SSL", False),
            "timeout": 10,
        }
    elif old["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
        options = {"file_path": old["EMAIL_FILE_PATH"]}
    return {"BACKEND": old["EMAIL_BACKEND"], "OPTIONS": options}


# Every message goes to the outbox (outbox/backend.py), in the transaction of
# what caused it; a task sends it through the "transport" mailer: SMTP from
# EMAIL_URL by default, or an HTTP provider through django-anymail when
# EMAIL_PROVIDER names one (brevo, mailgun, postmark… : the module name in
# anymail.backends) with its options as JSON in EMAIL_PROVIDER_OPTIONS, e.g.
# {"api_key": "…"}. Its delivery webhooks are then served at /anymail/<provider>/
# tracking/, behind ANYMAIL_WEBHOOK_SECRET ("user:password" basic auth).
EMAIL_PROVIDER = env.str("EMAIL_PROVIDER", default="")
if EMAIL_PROVIDER:
    TRANSPORT = {
        "BACKEND": f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend",
        "OPTIONS": env.json("EMAIL_PROVIDER_OPTIONS", default={}),
    }
    ANYMAIL = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="")}
    if ":" not in ANYMAIL["WEBHOOK_SECRET"]:
        # Without it anymail accepts any request: anybody could put the
        # members' addresses on the suppression list.
        raise ImproperlyConfigured(
            "ANYMAIL_WEBHOOK_SECRET (user:password) must be set with EMAIL_PROVIDER."
        )
else:
    TRANSPORT = _mailer_from_url(
        env.str("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost")
    )
MAILERS = {
    "default": {"BACKEND": "outbox.backend.OutboxBackend"},
    "transport": TRANSPORT,
}
OUTBOX_TRANSPORT = "transport"
# Seconds before each new try after a temporary failure: six tries over about
# eight hours, then the message is marked failed with the server's answer.
OUTBOX_RETRY_DELAYS = env.list(
    "OUTBOX_RETRY_DELAYS", cast=int, default=[60, 300, 1800, 7200, 21600]
)
# A message taken by a worker and not settled after this long is shown as
# interrupted (never sent again without a person's decision).
OUTBOX_STALE_SECONDS = env.int("OUTBOX_STALE_SECONDS", default=600)

# Work that outlasts a request (sending mail, issuing a campaign, rendering
# certificates) runs as Django tasks, stored in the database and run by
# `manage.py db_worker` (django-tasks-db): no broker, SQLite or PostgreSQL.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Mailings and letters (app mailings) go out in batches of this many messages,
# at most this many a minute (the mail provider's or server's limits).
MAILINGS_BATCH_SIZE = env.int("MAILINGS_BATCH_SIZE", default=50)
MAILINGS_PER_MINUTE = env.int("MAILINGS_PER_MINUTE", default=120)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="site@villeseducatrices.fr")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Public address of the site, used in iCalendar UIDs and absolute links.
SITE_DOMAIN = env.str("SITE_DOMAIN", default="villeseducatrices.fr")

# Security. Behind the reverse proxy, which terminates HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer's probes (rfve_site.middleware.health_probes) speak HTTP.
SECURE_REDIRECT_EXEMPT = [r"^sante/(pret/)?$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Only allows submission to the browsers' preload list; submitting is a choice.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything is self-hosted: no inline script or style, nothing from other hosts.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The site's log, like the access logs, never shows a personal link.
    "filters": {"personal_links": {"()": "rfve_site.access_log.MaskPersonalLinks"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_links"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# WeasyPrint logs each rendering step at INFO.
LOGGING.setdefault("loggers", {})["weasyprint.progress"] = {"level": "WARNING"}
# factur-x logs each check and embedding at INFO.
LOGGING["loggers"]["factur-x"] = {"level": "WARNING"}
