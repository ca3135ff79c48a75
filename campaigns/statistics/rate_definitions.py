"""The one definition of each rate (PRODUCT.md, "Dossier statistics"), used by every screen, export and analysis.

Counts are summed over units and report months, then divided; rates are never averaged. Only the
statistic that counts for its unit and report month is read (``is_counted``), never a sum of sources.

- online rate = received online ÷ (online + in person + by post), carried-over dossiers excluded;
  a source that joins in person and by post ("Trực tiếp, dịch vụ bưu chính") gives the combined count;
- BCCI rate = received by post ÷ the same denominator, over the statistics that give the postal count
  separately; unknown ("—") when none does;
- results-by-post rate = results returned by post ÷ resolved; on-time rate = (early + on time) ÷ resolved.
"""

from dataclasses import dataclass

from django.db.models import BigIntegerField, ExpressionWrapper, Q, Value
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

BIG = BigIntegerField()

# Dossiers received in the period: online + in person + by post (or their combined count). The first field is the
# online rate's numerator and is always reported; the others count as 0 when a statistic leaves them empty.
DENOMINATOR_FIELDS = ("received_online", "received_direct", "received_postal", "received_direct_or_postal")
# Added in 64 bits: counts near the 32-bit limit (the largest a statistic accepts) would overflow a PostgreSQL
# integer sum.
DENOMINATOR = ExpressionWrapper(
    sum((Coalesce(Cast(name, BIG), Value(0)) for name in DENOMINATOR_FIELDS[1:]), Cast(DENOMINATOR_FIELDS[0], BIG)),
    output_field=BIG,
)
# The postal count is known only when a statistic gives it apart from in-person receipts.
POSTAL_KNOWN = Q(received_postal__isnull=False, received_direct_or_postal__isnull=True)
COUNTED = Q(is_counted=True)

UNKNOWN_COMBINED = _("in person and by post are reported together (“Trực tiếp, dịch vụ bưu chính”)")
UNKNOWN_NOT_REPORTED = _("not reported")
UNKNOWN_NO_DOSSIERS = _("no dossiers")


def postal_known(*, postal: int | None, combined: int | None) -> bool:
    return postal is not None and combined is None


@dataclass(frozen=True)
class RateDefinition:
    key: str
    label: str
    numerator: str
    denominator: str


RATES = (
    RateDefinition("online_rate", _("online rate"), "received online", "online + in person + by post"),
    RateDefinition("bcci_rate", _("BCCI rate"), "received by post", "online + in person + by post"),
    RateDefinition("full_online_share", _("full-process online share"), "full-process online", "the same"),
    RateDefinition("results_postal_rate", _("results-by-post rate"), "results returned by post", "resolved"),
    RateDefinition("on_time_rate", _("on-time rate"), "resolved early + on time", "resolved"),
)


def unknown_reason(*, denominator_total: int, combined_only: bool) -> str:
    """Why a rate is shown as "—"."""
    if combined_only:
        return str(UNKNOWN_COMBINED)
    if denominator_total:
        return str(UNKNOWN_NOT_REPORTED)
    return str(UNKNOWN_NO_DOSSIERS)
