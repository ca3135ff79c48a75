"""Local development and the demo of `make run`: a throw-away secret, e-mails printed on the console.

DEBUG is off unless asked for (DJANGO_DEBUG=1): a mistyped address shows the site's own Vietnamese 404 page and an
error the Vietnamese 500 page, not Django's English debug pages that list every URL pattern. Static files come
from the apps through WhiteNoise and uploaded media from MEDIA_ROOT, with or without DEBUG.
"""

from cms.settings.base import *  # noqa: F401,F403
from cms.settings.env import env_bool, env_str

DEBUG = env_bool("DJANGO_DEBUG", False)
SERVE_MEDIA = True
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

# Serve static files straight from the apps while developing (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SMS_BACKEND = env_str("SMS_BACKEND", "trainings.sms.ConsoleSmsBackend")
