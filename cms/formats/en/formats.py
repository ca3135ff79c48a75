# English screens of a Vietnamese system keep the day-first dates users know; only the number
# separators follow English.
from cms.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
