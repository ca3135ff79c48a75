"""Settings shared by every environment. Secure by default: no DEBUG, no secret."""

import importlib.util
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from cms.settings.env import env_bool, env_int, env_list, env_str
from cms.settings.storage import default_storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms",
    "campaigns",
    "trainings",
    "outreach_media",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.api.v2",
    "rest_framework",
    "django.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every answer (cms/middleware.py).
    "cms.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whole public pages for anonymous visitors, before sessions, authentication and routing (cms/page_cache.py).
    "cms.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.middleware.DatabaseUnavailableMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.content_language.languages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# DATABASE_URL selects PostgreSQL (postgres://user:pass@host:5432/name). Without it the
# embedded SQLite database is used, opened in WAL mode with IMMEDIATE transactions and a busy
# timeout so that concurrent writers queue instead of failing with "database is locked".
SQLITE_PATH = Path(env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")))
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}


def database_from_env() -> dict:
    url = env_str("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
        return config
    # Persistent connections: opening SQLite and running the PRAGMAs on every request cost more than the page.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(SQLITE_PATH),
        "OPTIONS": dict(SQLITE_OPTIONS),
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# "default": Wagtail's and the site's small caches (site roots, renditions, the registration and feedback throttles,
# charts). "pages": the page cache (whole public pages for anonymous visitors) and the versions that purge it
# (cms/page_cache.py). Both must be shared by every worker process and every server, or a server would go on serving
# a page another has just republished, and a throttle would count per process: Redis when REDIS_URL is set,
# otherwise tables of the database (Django's DatabaseCache; `manage.py migrate` creates them, cms migration 0006).
# Never a per-process memory cache or a per-machine file cache. A Redis that goes away only slows pages down
# (cms.cache.TolerantRedisCache). PAGE_CACHE_SECONDS=0 turns the page cache off.
REDIS_URL = env_str("REDIS_URL")
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_ALIAS = "pages"
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "dvc")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "cms.cache.TolerantRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": CACHE_KEY_PREFIX},
        "pages": {
            "BACKEND": "cms.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{CACHE_KEY_PREFIX}-pages",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cms_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cms_page_cache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }

# --- Background tasks (Django Tasks backport) --------------------------------------------------
# Default: the database backend. Scale-out: TASKS_BACKEND=rq with REDIS_URL (django-tasks-rq, the `rq` extra).
# Either way `manage.py run_worker` starts the right worker; see docs/operations.md.
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
if TASKS_BACKEND == "rq":
    # A missing package or REDIS_URL is reported by `manage.py check` (cms.checks), not by a crash here.
    if importlib.util.find_spec("django_tasks_rq") is not None:
        INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]
        TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    else:
        TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # A national impact report may run for minutes: the job timeout is an hour, not RQ's default 3 minutes.
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Workers of the database backend beat every TASK_HEARTBEAT_SECONDS; a task whose worker has not beaten for
# TASK_WORKER_STALE_SECONDS is put back in the queue after TASK_RETRY_SECONDS (doubling), at most
# TASK_MAX_ATTEMPTS times (campaigns.core.tasks).
TASK_HEARTBEAT_SECONDS = env_int("TASK_HEARTBEAT_SECONDS", 10)
TASK_WORKER_STALE_SECONDS = env_int("TASK_WORKER_STALE_SECONDS", 60)
TASK_RETRY_SECONDS = env_int("TASK_RETRY_SECONDS", 30)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3)

# --- Passwords, sessions, security --------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
# Back-office sessions expire after 30 idle minutes: the expiry moves forward on every request.
# (Anonymous visitors of the public site carry no session, so nothing is written for them.)
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
# Content-Security-Policy: everything from this site; video frames only from the listed hosts (CSP_FRAME_SOURCES).
# The Wagtail admin needs inline scripts and styles; the public site runs no inline script.
CSP_FRAME_SOURCES = env_list(
    "CSP_FRAME_SOURCES", ["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"]
)
# Another origin serving images and media (an S3 bucket or a CDN), comma-separated.
CSP_IMAGE_SOURCES = env_list("CSP_IMAGE_SOURCES")
_CSP_COMMON = (
    "default-src 'self'; img-src 'self' data: blob:"
    + "".join(" " + source for source in CSP_IMAGE_SOURCES)
    + "; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'; "
    "frame-src 'self' " + " ".join(CSP_FRAME_SOURCES) + "; "
)
CONTENT_SECURITY_POLICY = _CSP_COMMON + "script-src 'self'; style-src 'self' 'unsafe-inline'"
# The admin also shows thumbnails of embedded videos from their hosts (https images).
CONTENT_SECURITY_POLICY_ADMIN = (
    _CSP_COMMON + "script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'"
).replace("img-src 'self' data: blob:", "img-src 'self' data: blob: https:")
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(self), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), interest-cohort=()"
)
# Login throttling (cms/auth.py): past this many failures within the window, one address + account pair backs off
# (refused for LOGIN_BACKOFF_SECONDS, doubled at every further failure, at most LOGIN_BACKOFF_MAX_SECONDS); one
# address failing with many accounts backs off past LOGIN_ADDRESS_FAILURE_LIMIT. Counted in the database.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
LOGIN_BACKOFF_SECONDS = env_int("LOGIN_BACKOFF_SECONDS", 30)
LOGIN_BACKOFF_MAX_SECONDS = env_int("LOGIN_BACKOFF_MAX_SECONDS", 15 * 60)
AUTHENTICATION_BACKENDS = ["cms.auth.ThrottledModelBackend"]

# Uploads: size limits (documents and images have their own, below).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# Documents: at most this size, and their first bytes must match their extension (cms/documents.py).
DOCUMENT_MAX_UPLOAD_BYTES = env_int("DOCUMENT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.documents.DocumentForm"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "xls", "odt", "ods", "pptx", "csv", "txt", "zip"]

# XLSX files read by imports are refused before parsing when their ZIP archive declares more than this
# (campaigns/imports/safe_xlsx.py): entries, unpacked bytes in total and per entry, unpacked / packed ratio.
XLSX_MAX_ENTRIES = env_int("XLSX_MAX_ENTRIES", 500)
XLSX_MAX_UNPACKED_BYTES = env_int("XLSX_MAX_UNPACKED_BYTES", 400 * 1024 * 1024)
XLSX_MAX_ENTRY_BYTES = env_int("XLSX_MAX_ENTRY_BYTES", 300 * 1024 * 1024)
XLSX_MAX_RATIO = env_int("XLSX_MAX_RATIO", 100)

# Import previews (uploaded files waiting for confirmation, roster previews in sessions) expire after this and are
# erased by `manage.py purge_stale_data` (cms/retention.py), with expired sessions.
IMPORT_PREVIEW_MAX_AGE_SECONDS = env_int("IMPORT_PREVIEW_MAX_AGE_SECONDS", 60 * 60)
# Admin exports of more rows, and confirmed imports of more data rows, run as background jobs (campaigns.core.jobs)
# whose results are kept ADMIN_JOB_RETENTION_DAYS for their owner.
ADMIN_EXPORT_DIRECT_MAX_ROWS = env_int("ADMIN_EXPORT_DIRECT_MAX_ROWS", 20_000)
ADMIN_IMPORT_DIRECT_MAX_ROWS = env_int("ADMIN_IMPORT_DIRECT_MAX_ROWS", 2_000)
ADMIN_JOB_RETENTION_DAYS = env_int("ADMIN_JOB_RETENTION_DAYS", 7)

# --- Language, time, formats --------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Dates dd/mm/yyyy (also as input), numbers 1.234.567,8, weeks start on Monday.
FORMAT_MODULE_PATH = ["cms.formats"]
# Our own catalogues win over Wagtail's and Django's: the project's strings first, then the
# Vietnamese for Wagtail admin strings that Wagtail itself leaves untranslated.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "wagtail"]

# --- Static and media ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "cms" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# STORAGE_BACKEND=s3 puts media, pending import files and export results in an S3-compatible bucket
# (cms/settings/storage.py, docs/operations.md); `manage.py check` refuses it without a bucket.
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "filesystem")
STORAGES = {
    "default": default_storage_from_env(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Wagtail ------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "Dịch vụ công trực tuyến — Tuyên truyền và tập huấn")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = [("vi", "Tiếng Việt")]
# Pages are written in Vietnamese only; in English mode their text keeps lang="vi" (cms/content_language.py).
CONTENT_LANGUAGE = "vi"
# Slugs are ASCII (campaigns.core.text.ascii_slug): readable addresses, no percent-encoded diacritics.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
# The public search folds accents itself (campaigns.core.text.fold); "simple" keeps PostgreSQL from stemming the folded words.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No staff member's e-mail hash goes to an outside avatar service.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_PASSWORD_RESET_ENABLED = env_bool("WAGTAIL_PASSWORD_RESET_ENABLED", True)

# --- E-mail ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@localhost")
# SMTP (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): the province's mail relay.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)

# --- Logging: no personal data in logs ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
WAGTAILADMIN_USER_LOGIN_FORM = "cms.forms.LoginForm"

# Trainings: attendees' personal data is anonymised this many days after their last class ends
# (manage.py anonymise_attendees); public registration allows this many submissions per address per hour.
ATTENDEE_RETENTION_DAYS = env_int("ATTENDEE_RETENTION_DAYS", 730)
# Public registration (docs/security.md): a seat is held only once the code sent to the phone (SMS) or e-mail is
# confirmed. Per address and hour, successful and failed posts apart: refusal after REGISTRATION_RATE_LIMIT codes
# asked (a commune hall of 100 people behind one address still registers); a light question after
# REGISTRATION_CHALLENGE_AFTER failed posts, refusal after REGISTRATION_FAILURE_LIMIT. Per phone number (a family
# shares one): REGISTRATION_REQUESTS_PER_PHONE requests an hour from one address, REGISTRATION_REQUESTS_PER_PHONE_ALL
# from all; per class: REGISTRATION_PENDING_PER_CLASS waiting for a code.
REGISTRATION_RATE_LIMIT = env_int("REGISTRATION_RATE_LIMIT", 400)
REGISTRATION_CHALLENGE_AFTER = env_int("REGISTRATION_CHALLENGE_AFTER", 10)
REGISTRATION_FAILURE_LIMIT = env_int("REGISTRATION_FAILURE_LIMIT", 60)
REGISTRATION_REQUESTS_PER_PHONE = env_int("REGISTRATION_REQUESTS_PER_PHONE", 6)
REGISTRATION_REQUESTS_PER_PHONE_ALL = env_int("REGISTRATION_REQUESTS_PER_PHONE_ALL", 12)
REGISTRATION_PENDING_PER_CLASS = env_int("REGISTRATION_PENDING_PER_CLASS", 200)
REGISTRATION_CODE_MAX_AGE_SECONDS = env_int("REGISTRATION_CODE_MAX_AGE_SECONDS", 30 * 60)
REGISTRATION_CODE_MAX_ATTEMPTS = env_int("REGISTRATION_CODE_MAX_ATTEMPTS", 5)
# Check-in (trainings/schedule.py): from this many minutes before a class starts to this many after it ends,
# never outside the class's own days (local time).
TRAINING_CHECK_IN_OPENS_BEFORE_MINUTES = env_int("TRAINING_CHECK_IN_OPENS_BEFORE_MINUTES", 120)
TRAINING_CHECK_IN_CLOSES_AFTER_MINUTES = env_int("TRAINING_CHECK_IN_CLOSES_AFTER_MINUTES", 360)
# The class's room feedback link (QR on the wall): open from check-in until this many days after the class, at
# most this many answers per client address and class in an hour (a hall shares one address).
TRAINING_ROOM_FEEDBACK_DAYS = env_int("TRAINING_ROOM_FEEDBACK_DAYS", 7)
TRAINING_ROOM_FEEDBACK_PER_ADDRESS = env_int("TRAINING_ROOM_FEEDBACK_PER_ADDRESS", 150)
# Text messages (trainings/sms.py): a provider's backend class; without one, codes go by e-mail only.
SMS_BACKEND = env_str("SMS_BACKEND", "trainings.sms.DisabledSmsBackend")
# trainings.sms.FileSmsBackend (development) appends the messages to this file.
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(BASE_DIR / "var" / "sms.log"))
# Messages to registered people (trainings/notifications.py): tries in all, and the first wait between tries
# (seconds; then ×5 each time) when the task backend can defer.
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 4)
NOTIFICATION_RETRY_SECONDS = env_int("NOTIFICATION_RETRY_SECONDS", 60)
# "Tìm vé của tôi": requests per client address per hour, and sends per phone or e-mail per hour.
FIND_TICKET_RATE_LIMIT = env_int("FIND_TICKET_RATE_LIMIT", 30)
FIND_TICKET_SENDS_PER_CONTACT = env_int("FIND_TICKET_SENDS_PER_CONTACT", 3)
