"""Monthly per-unit aggregates of the figures that count, and their national roll-up per province.

Every read of monthly figures (dashboard, chart, ranking, indicators export) sums ``UnitMonthFigure`` rows instead
of the statistics: one row per unit, report month and source, with the denominator, the optional counts and the
products of the intervals already summed by the one rate definition (``rate_definitions``). The national dashboard
reads ``NationalMonthFigure``: the same sums per province in force and report month, so the country over 60
months is a few thousand rows, not the 660.000 statistics.

Both are kept current by ``statistics_recount`` (campaigns.statistics.precedence), the step every import, hand
entry, edit, deletion and source-precedence change runs after writing; a change of units or succession links
(``load_units``, the admin) re-places every unit in the country. ``manage.py rebuild_aggregates`` rebuilds them and
``--check`` compares them with a fresh computation.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, ExpressionWrapper, Q, Sum
from django.db.models.functions import Cast

from campaigns.core.events import aggregates_stale
from campaigns.core.months import PeriodKind
from campaigns.statistics.models import (
    AGGREGATE_SUM_NAMES,
    DossierStatistic,
    NationalMonthFigure,
    UnitMonthFigure,
)
from campaigns.statistics.rate_definitions import BIG, COUNTED, DENOMINATOR, POSTAL_KNOWN
from campaigns.units.areas import nation_area

CHUNK = 900  # ids per statement (SQLite's limit of variables)
WHOLE_REBUILD_UNITS = 5 * CHUNK
PLACES = "unit_month_figure_places"  # temporary: where each unit written counts in the country
RESOLVED = ExpressionWrapper(
    Cast("resolved_early", BIG) + Cast("resolved_on_time", BIG) + Cast("resolved_late", BIG), output_field=BIG
)


def _product(left: str, right: str):
    # In 64 bits before multiplying: two counts near the 32-bit limit overflow a PostgreSQL integer product.
    return ExpressionWrapper(Cast(left, BIG) * Cast(right, BIG), output_field=BIG)


def _statistic_sums() -> dict:
    """Each aggregate column as a sum over the counted statistics (annotated with denominator and resolved)."""
    resolved_known = Q(resolved__isnull=False)
    on_time = ExpressionWrapper(Cast("resolved_early", BIG) + Cast("resolved_on_time", BIG), output_field=BIG)
    sums = {
        "rows": Count("pk"),
        "online": Sum("received_online", default=0),
        "denominator": Sum("denominator", default=0),
        "postal": Sum("received_postal", filter=POSTAL_KNOWN, default=0),
        "postal_denominator": Sum("denominator", filter=POSTAL_KNOWN, default=0),
        "postal_rows": Count("pk", filter=POSTAL_KNOWN),
        "combined_rows": Count("pk", filter=Q(received_direct_or_postal__isnull=False)),
        "full": Sum("received_online_full", default=0),
        "full_denominator": Sum("denominator", filter=Q(received_online_full__isnull=False), default=0),
        "resolved": Sum("resolved", default=0),
        "on_time": Sum(on_time, filter=resolved_known, default=0),
        "results_postal": Sum("results_postal", filter=resolved_known, default=0),
        "results_denominator": Sum("resolved", filter=Q(results_postal__isnull=False), default=0),
        "yy": Sum(_product("received_online", "received_online"), default=0),
        "xy": Sum(_product("received_online", "denominator"), default=0),
        "xx": Sum(_product("denominator", "denominator"), default=0),
        "cells": Count("pk", filter=Q(denominator__gt=0)),
    }
    assert tuple(sums) == AGGREGATE_SUM_NAMES
    return sums


def fresh_unit_months(unit_ids: Iterable[int] | None = None):
    """The aggregate rows computed afresh from the statistics (values: unit_id, report_month, source, the sums
    prefixed ``sum_``), for the given units or all."""
    queryset = DossierStatistic.objects.filter(COUNTED, period_kind=PeriodKind.MONTH)
    if unit_ids is not None:
        queryset = queryset.filter(unit_id__in=list(unit_ids))
    return (
        queryset.annotate(denominator=DENOMINATOR, resolved=RESOLVED)
        .values("unit_id", "report_month", "source")
        .annotate(**{f"sum_{name}": expression for name, expression in _statistic_sums().items()})
        .order_by()
    )


def _insert_select(table: str, columns: list[str], queryset, *, tail: str = "", joined: str = "") -> None:
    """INSERT INTO table (columns) the rows of ``queryset`` (SQL built by the ORM), with ``tail`` columns taken from
    the ``joined`` source."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter on an empty list of ids: nothing to write
        return
    quote = connection.ops.quote_name
    if joined:
        sql = f"SELECT fresh.*, {tail} FROM ({sql}) fresh {joined}"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) {sql}", params)


def _delete(queryset) -> None:
    """One DELETE statement: aggregates have no signals or relations to walk (Django's delete() would first read
    every row because other apps listen to every model's deletion)."""
    queryset._raw_delete(queryset.db)


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _write_units(unit_ids: list[int] | None) -> set:
    """Write the aggregates of the given units (all when None) with where each counts in the country (its province
    in force, or none: ``nation_area``), joined from a temporary table in the same statement. Returns the
    provinces written (None among them for units of the country placed in no province)."""
    area = nation_area(unit_ids)
    wanted = None if unit_ids is None else set(unit_ids)
    placed = [(pk, area.child_of.get(pk)) for pk in area.included if wanted is None or pk in wanted]
    columns = ["unit_id", "month", "source", *AGGREGATE_SUM_NAMES, "province_id", "in_nation"]
    table = UnitMonthFigure._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PLACES}")
        cursor.execute(f"CREATE TEMPORARY TABLE {PLACES} (unit_id bigint PRIMARY KEY, province_id bigint)")
        for start in range(0, len(placed), 5000):
            cursor.executemany(f"INSERT INTO {PLACES} VALUES (%s, %s)", placed[start : start + 5000])
    join = f"LEFT JOIN {PLACES} places ON places.unit_id = fresh.unit_id"
    tail = "places.province_id, places.unit_id IS NOT NULL"
    if unit_ids is None:
        _delete(UnitMonthFigure.objects.all())
        _insert_select(table, columns, fresh_unit_months(), tail=tail, joined=join)
    else:
        for chunk in _chunks(unit_ids):
            _delete(UnitMonthFigure.objects.filter(unit_id__in=chunk))
            _insert_select(table, columns, fresh_unit_months(chunk), tail=tail, joined=join)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PLACES}")
    return {province for _pk, province in placed}


def _provinces_of(unit_ids: list[int]) -> set:
    found = set()
    for chunk in _chunks(unit_ids):
        found |= set(
            UnitMonthFigure.objects.filter(unit_id__in=chunk, in_nation=True)
            .values_list("province_id", flat=True)
            .distinct()
        )
    return found


def _roll_up(provinces: set | None) -> None:
    """Rewrite the national rows of the given provinces (None in the set: the units placed in no province; the
    whole table when ``provinces`` is None)."""
    national = NationalMonthFigure.objects.all()
    source = UnitMonthFigure.objects.filter(in_nation=True)
    if provinces is not None:
        keys = [key for key in provinces if key is not None]
        narrow = Q(province_id__in=keys) | Q(province__isnull=True) if None in provinces else Q(province_id__in=keys)
        national, source = national.filter(narrow), source.filter(narrow)
    _delete(national)
    rolled = (
        source.values("province_id", "month", "source")
        .annotate(**{f"total_{name}": Sum(name) for name in AGGREGATE_SUM_NAMES})
        .annotate(total_units=Count("unit_id", distinct=True, filter=Q(denominator__gt=0)))
        .order_by()
    )
    columns = ["province_id", "month", "source", *AGGREGATE_SUM_NAMES, "units"]
    _insert_select(NationalMonthFigure._meta.db_table, columns, rolled)


def aggregates_refresh(*, unit_ids: Iterable[int] | None = None) -> None:
    """Recompute the aggregates of the given units (all when None) from their statistics, and the national rows
    of the provinces they count for (before and after)."""
    with transaction.atomic():
        if unit_ids is None:
            _write_units(None)
            _roll_up(None)
            return
        ids = sorted(set(unit_ids))
        if not ids:
            return
        if len(ids) > WHOLE_REBUILD_UNITS:
            # A file for most of the country: one statement over every statistic is faster than chunk after chunk
            # (national data: about 40 s against 110 s on the 2-core machine under load), and it runs once in the
            # background after the import commits (campaigns.statistics.tasks), so that the import keeps its speed;
            # meanwhile the dashboard says its figures are being recounted.
            aggregates_stale.send(sender=aggregates_refresh)
            return
        before = _provinces_of(ids)
        _roll_up(before | _write_units(ids))


def aggregates_replace() -> None:
    """After units or succession links changed: every unit placed again in the country, so everything rebuilt."""
    aggregates_refresh()


def aggregate_differences(*, limit: int = 20) -> list[str]:
    """How the stored aggregates differ from a fresh computation (empty when they agree): at most ``limit``
    descriptions, per unit and month or per province and month."""
    fields = ["unit_id", "month", "source", *AGGREGATE_SUM_NAMES]
    stored = {row[:3]: row[3:] for row in UnitMonthFigure.objects.values_list(*fields).iterator(chunk_size=5000)}
    differences = []
    for row in fresh_unit_months().iterator(chunk_size=5000):
        key = (row["unit_id"], row["report_month"], row["source"])
        values = tuple(row[f"sum_{name}"] for name in AGGREGATE_SUM_NAMES)
        if stored.pop(key, None) != values:
            differences.append(("unit", key))
    differences += [("unit", key) for key in stored]
    area = nation_area()
    expected = defaultdict(lambda: [0] * (len(AGGREGATE_SUM_NAMES) + 1))
    for row in UnitMonthFigure.objects.values_list(*fields).iterator(chunk_size=5000):
        if row[0] not in area.included:
            continue
        total = expected[(area.child_of.get(row[0]), row[1], row[2])]
        for index, value in enumerate(row[3:]):
            total[index] += value
        total[-1] += 1 if row[3 + AGGREGATE_SUM_NAMES.index("denominator")] > 0 else 0
    national = {
        row[:3]: list(row[3:])
        for row in NationalMonthFigure.objects.values_list(
            "province_id", "month", "source", *AGGREGATE_SUM_NAMES, "units"
        )
    }
    for key, values in expected.items():
        if national.pop(key, None) != values:
            differences.append(("province", key))
    differences += [("province", key) for key in national]
    return [f"{kind} {key[0]} {key[1]:%m/%Y} {key[2]!r}" for kind, key in differences[:limit]] + (
        [f"… {len(differences) - limit}"] if len(differences) > limit else []
    )
