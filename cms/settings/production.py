"""Production: refuses to start without its secrets; HTTPS, secure cookies, WhiteNoise, gunicorn."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from cms.settings.base import *  # noqa: F401,F403
from cms.settings.env import env_bool, env_int, env_list, env_required

DEBUG = False
SECRET_KEY = env_required("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith(("dev-", "test-", "django-insecure")):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is too weak: use at least 50 random characters.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("The environment variable ALLOWED_HOSTS must list the site's host names.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# E-mails carry ticket links with their bearer tokens: never printed on the console or dropped in production.
EMAIL_BACKEND = env_required("EMAIL_BACKEND")
if EMAIL_BACKEND.rsplit(".", 1)[0] in {
    "django.core.mail.backends.console",
    "django.core.mail.backends.locmem",
    "django.core.mail.backends.dummy",
    "django.core.mail.backends.filebased",
}:
    raise ImproperlyConfigured("EMAIL_BACKEND must deliver e-mail (for example django.core.mail.backends.smtp).")
if SMS_BACKEND in {
    "trainings.sms.ConsoleSmsBackend",
    "trainings.sms.FileSmsBackend",
    "trainings.sms.LocmemSmsBackend",
}:  # noqa: F405
    raise ImproperlyConfigured("SMS_BACKEND must be a provider's backend or trainings.sms.DisabledSmsBackend.")
# Printed QR codes and e-mailed links point here: it must be the site's public HTTPS address.
WAGTAILADMIN_BASE_URL = env_required("WAGTAILADMIN_BASE_URL").rstrip("/")
_base = urlsplit(WAGTAILADMIN_BASE_URL)
if _base.scheme != "https" or not _base.hostname or _base.hostname in {"localhost", "127.0.0.1", "::1", "0.0.0.0"}:  # noqa: S104
    raise ImproperlyConfigured("WAGTAILADMIN_BASE_URL must be the site's public https:// address.")

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405

# Wagtail's page preview shows the page in a same-origin frame, so framing stays SAMEORIGIN
# (set in base) rather than DENY; other origins still cannot frame the site.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
