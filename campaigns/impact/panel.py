"""Build the unit × month panel that the impact analysis reads, from the database.

The panel's units are the communes (and wards) under the scope that are in force at the end of the
window. Figures of older communes that went *wholly* into one of them are added to it; communes
split between several successors cannot be divided and are left out (reported). Months are report
months (15/10–14/11 is November's report; a calendar month is its own) and only the source that
counts for a unit and month is read, never a sum of sources; longer or irregular periods are not
placed in months.

Nothing here computes a statistic: that is ``campaigns.impact.analysis``'s job.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Max, Min, Sum, Value
from django.db.models.functions import Coalesce

from campaigns.core.months import PeriodKind, last_day, month_index
from campaigns.plans.channels import BY_VALUE, Channel
from campaigns.statistics.models import DossierStatistic
from campaigns.statistics.rate_definitions import COUNTED, DENOMINATOR, POSTAL_KNOWN
from campaigns.units import areas
from campaigns.units.models import AdministrativeUnit
from outreach_media.selectors import exposure


@dataclass(frozen=True)
class RuleSpec:
    channel: str
    minimum: float
    per_thousand_dossiers: bool = False


@dataclass
class PanelUnit:
    id: int
    code: str
    name: str
    cluster: str  # the district (or province) it lies in, for clustered errors
    sources: list[int]  # unit ids whose figures make up this unit


@dataclass
class Panel:
    root: AdministrativeUnit
    units: list[PanelUnit]
    months: list[int]  # month ordinals, consecutive
    online: np.ndarray  # units × months, received online
    total: np.ndarray  # units × months, online + in person + postal (0 = no dossiers or no report)
    postal: np.ndarray
    full_online: np.ndarray
    reported: np.ndarray  # bool: a statistic exists for the unit and month
    channels: dict[str, np.ndarray]  # channel -> units × months quantity (training: attendances)
    training_sessions: np.ndarray  # units × months, classes held
    first_reached: np.ndarray  # month ordinal of the first reached month, 0 = never (in the data up to the end)
    partial_units: list[str] = field(default_factory=list)  # codes of units left out (split between successors)
    postal_total: np.ndarray | None = None  # units × months, the denominator where the postal count is known

    @property
    def index_of(self) -> dict[int, int]:
        return {unit.id: index for index, unit in enumerate(self.units)}


def _statistics(source_ids, first: datetime.date, last: datetime.date):
    """(unit id, report month, online, total, postal, full online): the statistic that counts per report month."""
    return (
        DossierStatistic.objects.filter(
            COUNTED,
            unit_id__in=source_ids,
            period_kind=PeriodKind.MONTH,
            report_month__gte=first,
            report_month__lte=last,
        )
        .values_list("unit_id", "report_month")
        .annotate(
            online=Sum("received_online"),
            total=Sum(DENOMINATOR),
            postal=Sum(Coalesce("received_postal", Value(0)), filter=POSTAL_KNOWN),
            full=Sum(Coalesce("received_online_full", Value(0))),
            postal_total=Sum(DENOMINATOR, filter=POSTAL_KNOWN),
        )
    )


def build_panel(
    *,
    root: AdministrativeUnit,
    scope_ids: list[int],
    start: datetime.date,
    end: datetime.date,
    rules: list[RuleSpec],
) -> Panel:
    """The panel over whole months ``start``…``end`` (first days of months) for the communes under ``scope_ids``."""
    first_month, last_month = month_index(start), month_index(end)
    months = list(range(first_month, last_month + 1))
    end_day = last_day(end)
    source_of, partial = areas.communes_on(scope_ids, end_day)
    units = _panel_units(source_of)
    row_of = {unit.id: index for index, unit in enumerate(units)}
    counts = _dossier_counts(source_of, row_of, start, end_day, first_month, (len(units), len(months)))
    channels, sessions, first_reached = _activities(
        source_of, row_of, end_day, first_month, last_month, counts["total"], rules
    )
    return Panel(
        root=root,
        units=units,
        months=months,
        online=counts["online"],
        total=counts["total"],
        postal=counts["postal"],
        full_online=counts["full"],
        reported=counts["reported"],
        channels=channels,
        training_sessions=sessions,
        first_reached=first_reached,
        postal_total=counts["postal_total"],
        partial_units=list(
            AdministrativeUnit.objects.filter(pk__in=partial).order_by("code").values_list("code", flat=True)
        ),
    )


def _panel_units(source_of: dict[int, int]) -> list[PanelUnit]:
    """The panel's units (those the sources map to), by id, each with the older units whose figures it takes."""
    panel_ids = sorted(set(source_of.values()))
    info = {
        pk: (code, name, parent_code or "")
        for pk, code, name, parent_code in AdministrativeUnit.objects.filter(pk__in=panel_ids).values_list(
            "pk", "code", "name", "parent__code"
        )
    }
    sources = defaultdict(list)
    for source, target in source_of.items():
        sources[target].append(source)
    return [PanelUnit(pk, *info[pk], sources=sorted(sources[pk])) for pk in panel_ids]


def _dossier_counts(
    source_of: dict[int, int],
    row_of: dict[int, int],
    start: datetime.date,
    end_day: datetime.date,
    first_month: int,
    shape: tuple[int, int],
) -> dict[str, np.ndarray]:
    """Dossiers per unit and month (online, all, postal, fully online, with postal known) and which were reported."""
    online, total, postal, full, postal_total = (np.zeros(shape, dtype=np.int64) for _ in range(5))
    reported = np.zeros(shape, dtype=bool)
    for unit_id, month, n_online, n_total, n_postal, n_full, n_postal_total in _statistics(
        list(source_of), start, end_day
    ):
        row, column = row_of[source_of[unit_id]], month_index(month) - first_month
        online[row, column] += n_online
        postal[row, column] += n_postal or 0
        full[row, column] += n_full
        total[row, column] += n_total
        postal_total[row, column] += n_postal_total or 0
        reported[row, column] = True
    return {
        "online": online,
        "total": total,
        "postal": postal,
        "full": full,
        "postal_total": postal_total,
        "reported": reported,
    }


def _activities(
    source_of: dict[int, int],
    row_of: dict[int, int],
    end_day: datetime.date,
    first_month: int,
    last_month: int,
    total: np.ndarray,
    rules: list[RuleSpec],
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Activity volumes per channel in the window, training sessions, and the month each unit was first reached.

    Exposure is read over the whole history up to the window's end: a unit reached before the window is no control.
    """
    shape = total.shape
    wanted = {rule.channel for rule in rules}
    channels: dict[str, np.ndarray] = {}
    first_reached = np.zeros(shape[0], dtype=np.int64)
    sessions = np.zeros(shape, dtype=np.int64)
    for row in exposure(unit_ids=list(source_of), end=end_day):
        target = source_of.get(row.unit_id)
        if target is None:
            continue
        index = row_of[target]
        ordinal = month_index(row.month)
        spec = BY_VALUE.get(row.channel)
        # What the registry says the channel is measured in: attendances for training, the quantity otherwise.
        value = row.people if spec is not None and spec.measure == "people" else row.quantity
        if first_month <= ordinal <= last_month and row.channel == Channel.TRAINING:
            sessions[index, ordinal - first_month] += row.quantity
        if first_month <= ordinal <= last_month:
            channels.setdefault(row.channel, np.zeros(shape, dtype=np.float64))[index, ordinal - first_month] += value
        if row.channel not in wanted:
            continue
        for rule in rules:
            if rule.channel != row.channel:
                continue
            amount = row.quantity
            if rule.per_thousand_dossiers:
                amount = value
                dossiers = total[index, ordinal - first_month] if first_month <= ordinal <= last_month else 0
                amount = 1000 * amount / dossiers if dossiers else 0
            if amount >= rule.minimum and (first_reached[index] == 0 or ordinal < first_reached[index]):
                first_reached[index] = ordinal
    return channels, sessions, first_reached


def statistics_months(scope_ids: list[int]) -> tuple[datetime.date | None, datetime.date | None]:
    """First and last report month with statistics under the scope (including older units that went into it)."""
    ids = areas.with_predecessors(scope_ids)
    bounds = DossierStatistic.objects.filter(COUNTED, unit_id__in=ids, period_kind=PeriodKind.MONTH).aggregate(
        first=Min("report_month"), last=Max("report_month")
    )
    return bounds["first"], bounds["last"]
