"""Familyhub settings, read from the environment through the typed helpers in familyhub.env.

Defaults are safe for production (DEBUG off, HTTPS-only cookies, HSTS, a strict CSP) except where
FAMILYHUB_DEMO=true asks for the local demo: then the database is SQLite under var/, two-factor
sign-in is not required, cookies work over plain http://127.0.0.1 and a secret key is made once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from familyhub.audit.keys import access_log_key, retired_access_log_keys
from familyhub.core.logs import logging_config
from familyhub.env import envbool, envdatabase, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("FAMILYHUB_VAR_DIR", str(BASE_DIR / "var")))

DEMO = envbool("FAMILYHUB_DEMO", False)
DEBUG = envbool("DEBUG", False)
HTTPS = envbool("FAMILYHUB_HTTPS", not DEMO)


def _secret_key() -> str:
    key = envsecret("SECRET_KEY")
    if key:
        if len(key) < 50 and not DEMO:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")
        return key
    if not DEMO:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE), "
            "or FAMILYHUB_DEMO=true for the local demo."
        )
    # The demo keeps one generated key under var/ so sessions survive a restart.
    path = VAR_DIR / "demo_secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "familyhub.core",
    "familyhub.accounts",
    "familyhub.audit",
    "familyhub.places",
    "familyhub.services",
    "familyhub.notifications",
    "familyhub.people",
    "familyhub.matching",
    "familyhub.access",
    "familyhub.tracing",
    "familyhub.referrals",
    "familyhub.contacts",
    "familyhub.casework",
    "familyhub.familyhelp",
    "familyhub.births",
    "familyhub.directory",
    "familyhub.childhealth",
    "familyhub.hubs",
    "familyhub.outcomes",
    "familyhub.planning",
    "familyhub.portal",
    "familyhub.api",
    "familyhub.fhir",
    "familyhub.returns",
    "familyhub.retention",
    "familyhub.demo",
    "familyhub.bench",
    # Last, so our GOV.UK form templates override Django's built-in ones.
    "django.forms",
]

MIDDLEWARE = [
    # First, so every log line of the request carries its id (familyhub.core.logs).
    "familyhub.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Moves the idle timeout on at most once a minute (settings.SESSION_SAVE_EVERY_REQUEST).
    "familyhub.core.middleware.SessionTouchMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A family account reaches only the family side (/family/): every staff page sends it home.
    "familyhub.portal.middleware.FamilyAccountsStayOnTheFamilySide",
    # Opens the request's scope: one access-log entry per person a page shows (audit.scope).
    "familyhub.audit.middleware.AccessLogMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "familyhub.accounts.middleware.TwoFactorRequiredMiddleware",
    "familyhub.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]
# `familyhub bench pages --profile` only: one line per request of where its time went
# (familyhub.bench.profiling). Never set in production.
if envstr("FAMILYHUB_PROFILE_PAGES", ""):
    MIDDLEWARE.insert(1, "familyhub.bench.profiling.PageProfileMiddleware")

ROOT_URLCONF = "familyhub.urls"
WSGI_APPLICATION = "familyhub.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "familyhub.core.context_processors.service",
                "familyhub.notifications.context_processors.unread",
            ],
        },
    },
]
FORM_RENDERER = "familyhub.core.forms.GovukFormRenderer"

DATABASES = {"default": envdatabase("DATABASE_URL", f"sqlite:///{VAR_DIR / 'familyhub.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Repeated wrong passwords lock the username (django-axes), from every address. An address is
# only throttled, more gently and across usernames, because a council's staff often share one
# outgoing address: locking it would lock everyone out (familyhub.accounts.lockout).
AXES_FAILURE_LIMIT = envint("FAMILYHUB_SIGNIN_FAILURE_LIMIT", 5, minimum=1)
_LOCKOUT_MINUTES = envint("FAMILYHUB_LOCKOUT_MINUTES", 30, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=_LOCKOUT_MINUTES)
# Each entry locks on its own: the username anywhere, and the username at one address.
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_HANDLER = "familyhub.accounts.lockout.AddressThrottlingHandler"
AXES_LOCKOUT_CALLABLE = "familyhub.accounts.lockout.lockout_response"
# A refused attempt is not a wrong password: it neither counts nor pushes the lock back.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
FAMILYHUB_ADDRESS_FAILURE_LIMIT = envint("FAMILYHUB_ADDRESS_FAILURE_LIMIT", 50, minimum=1)
FAMILYHUB_ADDRESS_WINDOW_MINUTES = envint("FAMILYHUB_ADDRESS_WINDOW_MINUTES", 15, minimum=1)
if FAMILYHUB_ADDRESS_WINDOW_MINUTES > _LOCKOUT_MINUTES:
    # axes forgets failed attempts after the lockout time, so a longer window would count less.
    raise ImproperlyConfigured(
        f"FAMILYHUB_ADDRESS_WINDOW_MINUTES must be at most FAMILYHUB_LOCKOUT_MINUTES "
        f"({_LOCKOUT_MINUTES}) (got {FAMILYHUB_ADDRESS_WINDOW_MINUTES})."
    )

# Two-factor sign-in (TOTP) is required for every account outside the demo.
FAMILYHUB_REQUIRE_2FA = envbool("FAMILYHUB_REQUIRE_2FA", not DEMO)
OTP_TOTP_ISSUER = envstr("FAMILYHUB_SERVICE_NAME", "Familyhub")

# Sessions end after a period without activity.
SESSION_COOKIE_AGE = envint("FAMILYHUB_SESSION_MINUTES", 30, minimum=1) * 60
# Not saved on every request: core.middleware.SessionTouchMiddleware moves the expiry on at most
# once a minute, which keeps the idle timeout without a write on every page.
SESSION_SAVE_EVERY_REQUEST = False
# The family side (familyhub.portal): the public signs in with a one-time code by email or text
# message; sessions are shorter than staff ones; sending codes is throttled per address or
# number and per network address (wrong codes lock out like wrong staff passwords).
FAMILYHUB_FAMILY_SESSION_MINUTES = envint("FAMILYHUB_FAMILY_SESSION_MINUTES", 15, minimum=1)
FAMILYHUB_FAMILY_CODE_MINUTES = envint("FAMILYHUB_FAMILY_CODE_MINUTES", 10, minimum=1)
FAMILYHUB_FAMILY_CODES_PER_HOUR = envint("FAMILYHUB_FAMILY_CODES_PER_HOUR", 5, minimum=1)
FAMILYHUB_FAMILY_CODES_PER_ADDRESS_PER_HOUR = envint(
    "FAMILYHUB_FAMILY_CODES_PER_ADDRESS_PER_HOUR", 30, minimum=1
)
FAMILYHUB_SMS_SENDER = envstr("FAMILYHUB_SMS_SENDER", "familyhub.portal.messages.ConsoleSmsSender")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = HTTPS and envbool("FAMILYHUB_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("FAMILYHUB_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# A load balancer's health probe often comes over plain HTTP: answer it rather than redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^health/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The container image collects static files at build time, outside the data volume.
STATIC_ROOT = Path(envstr("FAMILYHUB_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
# The API's OpenAPI schema and documentation page need sign-in (a token or a session) unless a
# council chooses to publish them. The demo needs neither: its docs page works signed in.
FAMILYHUB_PUBLIC_API_SCHEMA = envbool("FAMILYHUB_PUBLIC_API_SCHEMA", False)
SPECTACULAR_SETTINGS = {
    "TITLE": "Familyhub API",
    "DESCRIPTION": "The register and services of an integrated 0-19 family wellbeing service.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# The service as people see it.
FAMILYHUB_SERVICE_NAME = envstr("FAMILYHUB_SERVICE_NAME", "Familyhub")
# Passkeys on the family side (portal.passkeys): the relying party id (the site's domain, for
# example families.example.gov.uk) and the origin the browser reports (https://...). Empty: taken
# from the request, which is right for one host name; set both behind a proxy.
FAMILYHUB_PASSKEY_RP_ID = envstr("FAMILYHUB_PASSKEY_RP_ID", "")
FAMILYHUB_PASSKEY_ORIGIN = envstr("FAMILYHUB_PASSKEY_ORIGIN", "")
# The address people use to reach the service, for links in emails (which never hold personal
# details). Email goes out through Django's SMTP settings; the demo prints it instead.
FAMILYHUB_BASE_URL = envstr("FAMILYHUB_BASE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = envstr(
    "FAMILYHUB_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("FAMILYHUB_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("FAMILYHUB_EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = envstr("FAMILYHUB_EMAIL_FROM", "familyhub@localhost")
FAMILYHUB_COUNCIL_NAME = envstr("FAMILYHUB_COUNCIL_NAME", "Demo Borough Council")
FAMILYHUB_AUTHORITY_CODE = envstr("FAMILYHUB_AUTHORITY_CODE", "E06000034")
# Statutory returns: the council's DfE local authority number (the census's LEA: Thurrock, the
# demo borough, is 883) and the NHS organisation code its CSDS is submitted under.
FAMILYHUB_DFE_LA_NUMBER = envstr("FAMILYHUB_DFE_LA_NUMBER", "883")
FAMILYHUB_CSDS_ORG_ID = envstr("FAMILYHUB_CSDS_ORG_ID", "DEMO1" if DEMO else "")
# Bank holidays skipped by working-day deadlines and recurring sessions (ISO dates, comma list).
FAMILYHUB_BANK_HOLIDAYS = envlist("FAMILYHUB_BANK_HOLIDAYS", [])
# Email domains counted as secure for referral letters to partners outside Familyhub.
FAMILYHUB_SECURE_EMAIL_DOMAINS = envlist("FAMILYHUB_SECURE_EMAIL_DOMAINS", ["nhs.net"])

# Family hubs: a family is "engaged" after this many attendances within this many days.
FAMILYHUB_ENGAGED_ATTENDANCES = envint("FAMILYHUB_ENGAGED_ATTENDANCES", 3, minimum=1)
FAMILYHUB_ENGAGED_PERIOD_DAYS = envint("FAMILYHUB_ENGAGED_PERIOD_DAYS", 365, minimum=1)
# The data-sharing protocol: how long break-glass access lasts; what counts as unusual access;
# categories a council adds to the built-in ones (and which of them stay with their owner).
FAMILYHUB_BREAK_GLASS_HOURS = envint("FAMILYHUB_BREAK_GLASS_HOURS", 24, minimum=1)
# How long a FHIR API bearer token lasts (familyhub.fhir.auth).
FAMILYHUB_FHIR_TOKEN_MINUTES = envint("FAMILYHUB_FHIR_TOKEN_MINUTES", 60, minimum=1)
FAMILYHUB_UNUSUAL_ACCESS_PER_HOUR = envint("FAMILYHUB_UNUSUAL_ACCESS_PER_HOUR", 50, minimum=1)
FAMILYHUB_UNUSUAL_ACCESS_DAYS = envint("FAMILYHUB_UNUSUAL_ACCESS_DAYS", 30, minimum=1)
FAMILYHUB_EXTRA_CATEGORIES: list[tuple[str, str]] = []  # e.g. [("youth_justice", "Youth justice")]
FAMILYHUB_EXTRA_SENSITIVE_CATEGORIES: list[str] = []
# The categories break-glass opens; empty: every category but the sensitive ones.
FAMILYHUB_BREAK_GLASS_CATEGORIES = envlist("FAMILYHUB_BREAK_GLASS_CATEGORIES", [])
# The family side: the categories it never shows (empty: safeguarding, mental health, substance
# use; the sensitive categories always), and whether "who has looked at my record" names staff.
FAMILYHUB_FAMILY_HIDDEN_CATEGORIES = envlist("FAMILYHUB_FAMILY_HIDDEN_CATEGORIES", [])
FAMILYHUB_FAMILY_SEES_STAFF_NAMES = envbool("FAMILYHUB_FAMILY_SEES_STAFF_NAMES", False)
# Involvement: how long an ended episode, a decided referral and a past session keep a team
# involved with the family (time to finish the work and hand over), and whether a team is
# involved with registrations and sessions at every site of its locality, not only its own hub.
FAMILYHUB_ACCESS_DAYS_AFTER_EPISODE = envint("FAMILYHUB_ACCESS_DAYS_AFTER_EPISODE", 90, minimum=0)
FAMILYHUB_ACCESS_DAYS_AFTER_REFERRAL = envint("FAMILYHUB_ACCESS_DAYS_AFTER_REFERRAL", 30, minimum=0)
FAMILYHUB_ACCESS_DAYS_AFTER_SESSION = envint("FAMILYHUB_ACCESS_DAYS_AFTER_SESSION", 365, minimum=0)
FAMILYHUB_INVOLVEMENT_BY_LOCALITY = envbool("FAMILYHUB_INVOLVEMENT_BY_LOCALITY", False)
# The service directory: a record not checked for this many months is on the editors' worklist.
FAMILYHUB_DIRECTORY_STALE_MONTHS = envint("FAMILYHUB_DIRECTORY_STALE_MONTHS", 12, minimum=1)
# The access log: the key that chains it (held outside the database), the keys it was chained
# with before a rotation, and where the checkpoints of its head are written (docs/ACCESS-LOG.md).
FAMILYHUB_ACCESS_LOG_KEY = access_log_key(demo=DEMO, secret_key=SECRET_KEY)
FAMILYHUB_ACCESS_LOG_RETIRED_KEYS = retired_access_log_keys()
FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR = Path(
    envstr("FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR", str(VAR_DIR / "access-log-checkpoints"))
)
# Lets the test runner's flush empty the log on SQLite (it deletes every row between tests);
# only the test settings turn it on.
FAMILYHUB_ACCESS_LOG_ALLOW_RESET = False

# The front door: working days to decide a referral, and for a child who may be at risk
# (0 = the same day); early help reviews every this many weeks.
FAMILYHUB_REFERRAL_DECISION_WORKING_DAYS = envint(
    "FAMILYHUB_REFERRAL_DECISION_WORKING_DAYS", 1, minimum=0
)
FAMILYHUB_REFERRAL_URGENT_WORKING_DAYS = envint(
    "FAMILYHUB_REFERRAL_URGENT_WORKING_DAYS", 0, minimum=0
)
FAMILYHUB_REVIEW_WEEKS = envint("FAMILYHUB_REVIEW_WEEKS", 6, minimum=1)
# Child health: the EPDS score at which a maternal mood alert is raised.
FAMILYHUB_EPDS_CUTOFF = envint("FAMILYHUB_EPDS_CUTOFF", 13, minimum=1)
# Births: the folder the council's MESH client fills with NEMS messages, and the token a system
# sends to POST messages to /births/messages/ (no token: the endpoint refuses every request).
FAMILYHUB_MESH_INBOX_DIR = Path(envstr("FAMILYHUB_MESH_INBOX_DIR", str(VAR_DIR / "mesh" / "in")))
FAMILYHUB_BIRTHS_ENDPOINT_TOKEN = envsecret("FAMILYHUB_BIRTHS_ENDPOINT_TOKEN", "") or ""

# Outcomes: counts below this are suppressed in published exports (not on internal pages).
FAMILYHUB_SUPPRESS_BELOW = envint("FAMILYHUB_SUPPRESS_BELOW", 5, minimum=1)

# /healthz (familyhub.core.health): the longest a ready task may wait for the task worker, and
# the least free space where Familyhub writes, before the instance reports itself unhealthy.
FAMILYHUB_HEALTH_MAX_TASK_WAIT_SECONDS = envint(
    "FAMILYHUB_HEALTH_MAX_TASK_WAIT_SECONDS", 300, minimum=1
)
FAMILYHUB_HEALTH_MIN_FREE_MB = envint("FAMILYHUB_HEALTH_MIN_FREE_MB", 1024, minimum=0)

# NHS number tracing (familyhub.tracing): the Personal Demographics Service FHIR R4 API in its
# application-restricted mode. No base URL: tracing waits (the demo uses `familyhub pds-standin`).
# The token URL, API key, key id and private key come from NHS England's onboarding; without a
# token URL and key the client signs nothing (the sandbox and the stand-in need no token).
FAMILYHUB_PDS_BASE_URL = envstr(
    "FAMILYHUB_PDS_BASE_URL",
    "http://127.0.0.1:8787/personal-demographics/FHIR/R4" if DEMO else "",
)
FAMILYHUB_PDS_TOKEN_URL = envstr("FAMILYHUB_PDS_TOKEN_URL", "")
FAMILYHUB_PDS_API_KEY = envsecret("FAMILYHUB_PDS_API_KEY")
FAMILYHUB_PDS_KEY_ID = envstr("FAMILYHUB_PDS_KEY_ID", "")
FAMILYHUB_PDS_PRIVATE_KEY = envsecret("FAMILYHUB_PDS_PRIVATE_KEY")
FAMILYHUB_PDS_ODS_CODE = envstr("FAMILYHUB_PDS_ODS_CODE", "")
FAMILYHUB_PDS_TIMEOUT_SECONDS = envint("FAMILYHUB_PDS_TIMEOUT_SECONDS", 10, minimum=1)
FAMILYHUB_PDS_RETRY_SECONDS = envint("FAMILYHUB_PDS_RETRY_SECONDS", 60, minimum=1)
FAMILYHUB_PDS_MAX_ATTEMPTS = envint("FAMILYHUB_PDS_MAX_ATTEMPTS", 6, minimum=1)
FAMILYHUB_PDS_BATCH_SIZE = envint("FAMILYHUB_PDS_BATCH_SIZE", 50, minimum=1)
if FAMILYHUB_PDS_TOKEN_URL and not (FAMILYHUB_PDS_API_KEY and FAMILYHUB_PDS_PRIVATE_KEY):
    raise ImproperlyConfigured(
        "FAMILYHUB_PDS_TOKEN_URL is set: FAMILYHUB_PDS_API_KEY and FAMILYHUB_PDS_PRIVATE_KEY "
        "(or their _FILE variants) must be set too."
    )

# Logs go to standard error: one JSON object a line in production, readable lines in the demo,
# each with the request's id (familyhub.core.logs); one line a request unless switched off.
FAMILYHUB_LOG_FORMAT = envstr("FAMILYHUB_LOG_FORMAT", "plain" if DEMO else "json").strip().lower()
if FAMILYHUB_LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(
        f"FAMILYHUB_LOG_FORMAT must be json or plain (got {FAMILYHUB_LOG_FORMAT!r})."
    )
LOG_LEVEL = envstr("LOG_LEVEL", "WARNING").strip().upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL (got {LOG_LEVEL!r})."
    )
LOGGING = logging_config(
    format=FAMILYHUB_LOG_FORMAT,
    level=LOG_LEVEL,
    request_log=envbool("FAMILYHUB_REQUEST_LOG", not DEMO),
    sql=DEBUG,
)
