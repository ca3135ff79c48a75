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
from django.db import connections
from django.db.models import Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce

from campaigns.core.months import PeriodKind, last_day, month_index
from campaigns.plans.channels import BY_VALUE, Channel
from campaigns.statistics.models import DossierStatistic
from campaigns.statistics.rate_definitions import COUNTED, DENOMINATOR, POSTAL_KNOWN
from campaigns.units import areas
from campaigns.units.choices import UnitLevel
from campaigns.units.models import AdministrativeUnit, UnitSuccession
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
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None  # exclusive: the first day the unit no longer exists


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


def _source_query(scope_ids: list[int]):
    """The communes whose figures a panel of the scope may read, as a subquery (never a list of thousands of ids in
    an ``IN``): the communes below the scope and the older communes that went into them. A superset of
    ``areas.communes_on``'s sources: the readers below skip the rows of units it left out (split communes)."""
    below = AdministrativeUnit.objects.filter(
        level=UnitLevel.COMMUNE, pk__in=areas.descendants(scope_ids).values("pk")
    ).values("pk")
    older = UnitSuccession.objects.filter(new_unit_id__in=below).values("old_unit_id")
    return AdministrativeUnit.objects.filter(Q(pk__in=below) | Q(pk__in=older)).values("pk")


def _statistics(sources, first: datetime.date, last: datetime.date):
    """(unit id, report month, online, total, postal, full online, total where postal known): the statistic that
    counts per report month, for the units of ``sources`` (a subquery)."""
    return (
        DossierStatistic.objects.filter(
            COUNTED,
            unit_id__in=sources,
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
        .order_by()
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
    sources = _source_query(scope_ids)
    units = _panel_units(source_of, sources)
    row_of = {unit.id: index for index, unit in enumerate(units)}
    # Each source commune's row in the panel (the commune in force it went into).
    source_row = {source: row_of[target] for source, target in source_of.items()}
    counts = _dossier_counts(sources, source_row, start, end_day, first_month, (len(units), len(months)))
    channels, sessions, first_reached = _activities(
        sources, source_row, end_day, first_month, last_month, counts["total"], rules
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


def _panel_units(source_of: dict[int, int], sources) -> list[PanelUnit]:
    """The panel's units (those the sources map to), by id, each with the older units whose figures it takes."""
    panel_ids = sorted(set(source_of.values()))
    # The units in force the sources went into: the sources themselves, or the units they went into.
    candidates = AdministrativeUnit.objects.filter(
        Q(pk__in=sources) | Q(pk__in=UnitSuccession.objects.filter(old_unit_id__in=sources).values("new_unit_id"))
    )
    wanted = set(panel_ids)
    info = {
        pk: (code, name, parent_code or "", valid_from, valid_to)
        for pk, code, name, parent_code, valid_from, valid_to in candidates.values_list(
            "pk", "code", "name", "parent__code", "valid_from", "valid_to"
        ).iterator(chunk_size=5000)
        if pk in wanted
    }
    sources_of = defaultdict(list)
    for source, target in source_of.items():
        sources_of[target].append(source)
    return [
        PanelUnit(pk, *info[pk][:3], sources=sorted(sources_of[pk]), valid_from=info[pk][3], valid_to=info[pk][4])
        for pk in panel_ids
    ]


_READ_BATCH = 20_000  # statistics rows turned into arrays at a time (the read is streamed, never held whole)


def _dossier_counts(
    sources,
    source_row: dict[int, int],
    start: datetime.date,
    end_day: datetime.date,
    first_month: int,
    shape: tuple[int, int],
) -> dict[str, np.ndarray]:
    """Dossiers per unit and month (online, all, postal, fully online, with postal known) and which were reported.

    The aggregated rows (one per unit and month: 600.000 for the nation) are streamed from a server-side cursor in
    batches, without Django's per-value converters (the sums arrive as integers), and added into the matrices with
    numpy (integer sums: the same figures in any order). Units the panel leaves out (split communes) are skipped."""
    names = ("online", "total", "postal", "full", "postal_total")
    counts = {name: np.zeros(shape, dtype=np.int64) for name in names}
    reported = np.zeros(shape, dtype=bool)
    lookup = np.full(max(source_row, default=0) + 1, -1, dtype=np.int64)
    lookup[list(source_row)] = list(source_row.values())
    column_of: dict = {}

    def column(month) -> int:
        if month not in column_of:
            # SQLite returns the date as text (no converter runs here).
            day = month if isinstance(month, datetime.date) else datetime.date.fromisoformat(str(month))
            column_of[month] = month_index(day) - first_month
        return column_of[month]

    queryset = _statistics(sources, start, end_day)
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(_READ_BATCH):
            table = np.array(batch, dtype=object)
            units = table[:, 0].astype(np.int64)
            rows = np.where(units < len(lookup), lookup[np.minimum(units, len(lookup) - 1)], -1)
            columns = np.fromiter((column(month) for month in table[:, 1]), dtype=np.int64, count=len(batch))
            values = table[:, 2:]
            values[np.equal(values, None)] = 0
            values = values.astype(np.int64)
            keep = rows >= 0
            rows, columns, values = rows[keep], columns[keep], values[keep]
            for index, name in enumerate(names):
                np.add.at(counts[name], (rows, columns), values[:, index])
            reported[rows, columns] = True
    return {**counts, "reported": reported}


def _activities(
    sources,
    source_row: dict[int, int],
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
    for row in exposure(unit_ids=sources, end=end_day):
        index = source_row.get(row.unit_id)
        if index is None:
            continue
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
    below = areas.descendants(scope_ids).values("pk")
    # areas.with_predecessors as a subquery: the units below the scope and the old units that went into them.
    ids = AdministrativeUnit.objects.filter(
        Q(pk__in=below) | Q(pk__in=UnitSuccession.objects.filter(new_unit_id__in=below).values("old_unit_id"))
    ).values("pk")
    bounds = DossierStatistic.objects.filter(COUNTED, unit_id__in=ids, period_kind=PeriodKind.MONTH).aggregate(
        first=Min("report_month"), last=Max("report_month")
    )
    return bounds["first"], bounds["last"]
