"""Writing dossier statistics: one transaction per import, through a staging table.

Rows are validated while the file streams (constant memory), copied into a temporary staging
table (PostgreSQL ``COPY``, SQLite batched inserts), checked for conflicting duplicates in SQL,
and upserted in one statement on (unit, period, source). Changed rows keep their old values in
``DossierStatisticRevision``. Imports are serialised (an advisory lock on PostgreSQL, the
IMMEDIATE write lock on SQLite), so two imports of the same month never mix.
"""

import datetime
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.core.errors import RowError
from campaigns.core.events import figures_changed
from campaigns.core.imports.report import ImportFailed, ImportReport
from campaigns.core.imports.transactions import import_transaction
from campaigns.core.months import classify_period, period_label
from campaigns.statistics import copy as statistics_copy
from campaigns.statistics.models import COUNT_FIELD_NAMES, DossierStatistic, DossierStatisticRevision
from campaigns.statistics.precedence import precedence_key, statistics_recount
from campaigns.statistics.reader import HeaderError, StatisticsReader
from campaigns.units.models import AdministrativeUnit

BATCH = 5000
IMPORT_LOCK_ID = 842_001  # pg_advisory_xact_lock key shared by every statistics import
KEY = ("unit_id", "period_start", "period_end", "source")
STAGE = "statistic_import_stage"
KINDS = "statistic_import_kinds"
_SQLITE_IMPORT_LOCK = threading.Lock()


class StatisticsImportError(ImportFailed):
    """Nothing was written. ``code``: ``unreadable_file`` or ``invalid_rows``."""


class _DryRunRollback(Exception):
    pass


def _table() -> str:
    return DossierStatistic._meta.db_table


def _revision_table() -> str:
    return DossierStatisticRevision._meta.db_table


def _distinct(left: str, right: str) -> str:
    if connection.vendor == "postgresql":
        return f"{left} IS DISTINCT FROM {right}"
    return f"{left} IS NOT {right}"


def _json_object(prefix: str) -> str:
    pairs = ", ".join(f"'{name}', {prefix}.{name}" for name in COUNT_FIELD_NAMES)
    return f"jsonb_build_object({pairs})" if connection.vendor == "postgresql" else f"json_object({pairs})"


def _create_stage(cursor):
    columns = ", ".join(f"{name} bigint" for name in COUNT_FIELD_NAMES)
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    temporary = "TEMPORARY TABLE" + (" IF NOT EXISTS" if connection.vendor == "sqlite" else "")
    suffix = " ON COMMIT DROP" if connection.vendor == "postgresql" else ""
    cursor.execute(
        f"CREATE {temporary} {STAGE} (row_number integer, unit_id bigint, period_start date, period_end date, "
        f"source varchar(100), {columns}, period_kind varchar(10), report_month date){suffix}"
    )


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        # normalize_text already collapsed tabs and newlines; only the escape character remains.
        return value.replace("\\", "\\\\")
    return str(value)


def _stage_rows(cursor, rows: list[tuple]):
    """Rows are the reader's tuples: (row number, unit id, start, end, source, *counts)."""
    columns = ("row_number", *KEY, *COUNT_FIELD_NAMES)
    if connection.vendor == "postgresql":
        # COPY's text format, built here: several times faster than adapting row by row.
        text = "".join(
            f"{row[0]}\t{row[1]}\t{row[2].isoformat()}\t{row[3].isoformat()}\t{_copy_text(row[4])}\t"
            + "\t".join("\\N" if value is None else str(value) for value in row[5:])
            + "\n"
            for row in rows
        )
        with cursor.cursor.copy(f"COPY {STAGE} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(text)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {STAGE} ({', '.join(columns)}) VALUES ({placeholders})", rows)


@dataclass(frozen=True)
class PreviewRow:
    row: int
    unit: str
    start: object
    end: object
    source: str
    online: int
    direct: int | None
    status: str
    combined: int | None = None
    other_sources: tuple[str, ...] = ()  # sources already stored for the same unit and report month
    counting_source: str = ""  # the one that will count

    @property
    def status_label(self) -> str:
        return {"new": _("new"), "changed": _("changed"), "unchanged": _("unchanged")}[self.status]

    @property
    def period_label(self) -> str:

        kind, month = classify_period(self.start, self.end)
        return period_label(kind, self.start, self.end, month)

    @property
    def source_note(self) -> str:
        if not self.other_sources:
            return ""
        if self.counting_source == self.source:
            return _("also given by %(others)s; this file's figure (%(source)s) will count") % {
                "others": ", ".join(self.other_sources),
                "source": self.source or "—",
            }
        return _("also given by %(others)s; the figure of %(counting)s will count, not this one") % {
            "others": ", ".join(self.other_sources),
            "counting": self.counting_source or "—",
        }


def _preview(cursor, limit: int) -> list[PreviewRow]:

    units = AdministrativeUnit._meta.db_table
    cursor.execute(
        f"SELECT s.row_number, u.name, u.code, s.period_start, s.period_end, s.source, s.received_online, "
        f"s.received_direct, s.received_direct_or_postal, s.unit_id, k.report_month, "
        f"CASE WHEN m.id IS NULL THEN 'new' WHEN {_any_difference()} THEN 'changed' "
        f"ELSE 'unchanged' END FROM {STAGE} s JOIN {units} u ON u.id = s.unit_id "
        f"JOIN {KINDS} k ON k.period_start = s.period_start AND k.period_end = s.period_end "
        f"LEFT JOIN {_table()} m ON {_join()} ORDER BY s.row_number LIMIT %s",
        [limit],
    )
    rows = cursor.fetchall()
    # Other sources already stored for the same unit and report month (or the same period).
    unit_ids = {row[9] for row in rows}
    stored = {}
    for unit_id, month, start, end, source in DossierStatistic.objects.filter(unit_id__in=unit_ids).values_list(
        "unit_id", "report_month", "period_start", "period_end", "source"
    ):
        slot = (unit_id, month) if month else (unit_id, start, end)
        stored.setdefault(slot, set()).add(source)
    preview = []
    for number, name, code, start, end, source, online, direct, combined, unit_id, month, status in rows:
        start, end, month = _as_date(start), _as_date(end), _as_date(month)
        slot = (unit_id, month) if month else (unit_id, start, end)
        others = tuple(sorted(stored.get(slot, set()) - {source}))
        counting = min([source, *others], key=precedence_key) if others else source
        preview.append(
            PreviewRow(
                number,
                f"{name} ({code})",
                start,
                end,
                source,
                online,
                direct,
                status,
                combined=combined,
                other_sources=others,
                counting_source=counting,
            )
        )
    return preview


def _classify_stage(cursor):
    """Kind of period and report month of the file's distinct periods (a few), in a small table that the
    upsert joins: updating a million staged rows once per period would cost more than the import."""
    suffix = " ON COMMIT DROP" if connection.vendor == "postgresql" else ""
    cursor.execute(f"DROP TABLE IF EXISTS {KINDS}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {KINDS} (period_start date, period_end date, period_kind varchar(10), "
        f"report_month date, PRIMARY KEY (period_start, period_end)){suffix}"
    )
    cursor.execute(f"SELECT DISTINCT period_start, period_end FROM {STAGE}")
    rows = []
    for start, end in cursor.fetchall():
        kind, month = classify_period(_as_date(start), _as_date(end))
        rows.append((_as_date(start), _as_date(end), kind, month))
    if rows:
        cursor.executemany(f"INSERT INTO {KINDS} VALUES (%s, %s, %s, %s)", rows)


def _as_date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _overlapping_period_pairs(cursor) -> dict[str, list[tuple]]:
    """Pairs of different, overlapping periods of one source: (stage period, other period, source), for the
    stored statistics and within the file. Files hold a few distinct periods, so this is cheap, and the
    row-level joins below run only for pairs that really overlap."""
    cursor.execute(f"SELECT DISTINCT period_start, period_end, source FROM {STAGE}")
    staged = [(_as_date(start), _as_date(end), source) for start, end, source in cursor.fetchall()]
    sources = {source for _start, _end, source in staged}
    stored = set(
        DossierStatistic.objects.filter(source__in=sources)
        .values_list("period_start", "period_end", "source")
        # No model ordering: its columns would join the DISTINCT and bring back every stored row (a million
        # rows re-imported took the process from 150 to 450 MB).
        .order_by()
        .distinct()
    )

    def overlapping(candidates):
        pairs = []
        for start, end, source in staged:
            for other_start, other_end, other_source in candidates:
                if (
                    other_source == source
                    and (other_start, other_end) != (start, end)
                    and other_start <= end
                    and other_end >= start
                ):
                    pairs.append((start, end, other_start, other_end, source))
        return pairs

    return {"stored": overlapping(stored), "file": overlapping(staged)}


def _overlapping_periods(cursor, file_label: str) -> list[RowError]:
    """Rows whose period overlaps another period of the same unit and source (stored or in the file)."""
    errors = []
    pairs = _overlapping_period_pairs(cursor)
    for table, key, described in ((_table(), "stored", _("stored")), (STAGE, "file", _("in this file"))):
        for start, end, other_start, other_end, source in pairs[key]:
            if len(errors) >= 1000:
                return errors
            cursor.execute(
                f"SELECT DISTINCT s.row_number FROM {STAGE} s JOIN {table} o ON o.unit_id = s.unit_id "
                f"AND o.source = s.source WHERE s.period_start = %s AND s.period_end = %s AND s.source = %s "
                f"AND o.period_start = %s AND o.period_end = %s ORDER BY s.row_number LIMIT 1000",
                [start, end, source, other_start, other_end],
            )
            for (number,) in cursor.fetchall():
                errors.append(
                    RowError(
                        file_label,
                        number,
                        _("period"),
                        f"{start:%d/%m/%Y}–{end:%d/%m/%Y}",
                        _(
                            "overlaps the period %(start)s–%(end)s (%(where)s) of the same unit and source: "
                            "a period may not overlap another"
                        )
                        % {"start": f"{other_start:%d/%m/%Y}", "end": f"{other_end:%d/%m/%Y}", "where": described},
                    )
                )
    # One error per row, the first overlap found.
    seen, unique = set(), []
    for error in sorted(errors, key=lambda error: error.row):
        if error.row not in seen:
            seen.add(error.row)
            unique.append(error)
    return unique


def _conflicting_duplicates(cursor, file_label: str) -> list[RowError]:
    keys = ", ".join(KEY)
    values = ", ".join(COUNT_FIELD_NAMES)
    stage_keys = ", ".join(f"s.{name}" for name in KEY)
    cursor.execute(
        f"SELECT s.row_number, {stage_keys} FROM {STAGE} s JOIN ("
        f"  SELECT {keys} FROM (SELECT DISTINCT {keys}, {values} FROM {STAGE}) d"
        f"  GROUP BY {keys} HAVING COUNT(*) > 1"
        f") k ON s.unit_id = k.unit_id AND s.period_start = k.period_start AND s.period_end = k.period_end "
        f"AND s.source = k.source ORDER BY {stage_keys}, s.row_number"
    )
    rows = cursor.fetchall()
    errors = []
    for _key, group in itertools.groupby(rows, key=lambda item: item[1:]):
        numbers = [str(item[0]) for item in group]
        for number in numbers:
            errors.append(
                RowError(
                    file_label,
                    int(number),
                    None,
                    None,
                    _("the same unit and period appear on rows %(rows)s with different figures")
                    % {"rows": ", ".join(numbers)},
                )
            )
    return errors


def _keys_unique(cursor) -> bool:
    """Index the staged keys; True when no key repeats (the usual file: no duplicate checks needed)."""
    keys = ", ".join(KEY)
    try:
        with transaction.atomic():
            cursor.execute(f"CREATE UNIQUE INDEX {STAGE}_key ON {STAGE} ({keys})")
        return True
    except IntegrityError:
        cursor.execute(f"CREATE INDEX {STAGE}_key ON {STAGE} ({keys})")
        return False


def _drop_duplicate_keys(cursor, conflicting_rows: list[int]):
    keys = ", ".join(KEY)
    for start in range(0, len(conflicting_rows), 500):
        chunk = conflicting_rows[start : start + 500]
        cursor.execute(
            f"DELETE FROM {STAGE} WHERE ({keys}) IN (SELECT {keys} FROM {STAGE} WHERE row_number IN "
            f"({', '.join(['%s'] * len(chunk))}))",
            chunk,
        )
    # Identical repeats: keep the first. Checked first because files almost never repeat a key, and
    # the delete is written with an indexed EXISTS (a NOT IN over a million row numbers turns
    # quadratic on PostgreSQL once the subquery no longer fits in work_mem).
    cursor.execute(f"SELECT COUNT(*) - (SELECT COUNT(*) FROM (SELECT DISTINCT {keys} FROM {STAGE}) k) FROM {STAGE}")
    if cursor.fetchone()[0]:
        same_key = " AND ".join(f"t.{name} = {STAGE}.{name}" for name in KEY)
        cursor.execute(
            f"DELETE FROM {STAGE} WHERE EXISTS (SELECT 1 FROM {STAGE} t WHERE {same_key} "
            f"AND t.row_number < {STAGE}.row_number)"
        )


def _join(alias_stage="s", alias_main="m") -> str:
    return " AND ".join(f"{alias_main}.{name} = {alias_stage}.{name}" for name in KEY)


def _any_difference(left="m", right="s") -> str:
    return " OR ".join(_distinct(f"{left}.{name}", f"{right}.{name}") for name in COUNT_FIELD_NAMES)


def _count_changes(cursor) -> tuple[int, int, int]:
    cursor.execute(
        f"SELECT COUNT(*), COUNT(m.id), SUM(CASE WHEN m.id IS NOT NULL AND ({_any_difference()}) THEN 1 ELSE 0 END) "
        f"FROM {STAGE} s LEFT JOIN {_table()} m ON {_join()}"
    )
    total, existing, changed = cursor.fetchone()
    changed = changed or 0
    return total - existing, changed, existing - changed


def _write(cursor, *, actor_id, origin: str):
    now = timezone.now()
    cursor.execute(
        f"INSERT INTO {_revision_table()} (statistic_id, changed_at, changed_by_id, origin, old_values, new_values) "
        f"SELECT m.id, %s, %s, %s, {_json_object('m')}, {_json_object('s')} "
        f"FROM {STAGE} s JOIN {_table()} m ON {_join()} WHERE {_any_difference()}",
        [now, actor_id, origin[:255]],
    )
    columns = (*KEY, *COUNT_FIELD_NAMES, "period_kind", "report_month")
    selected = [f"s.{name}" for name in (*KEY, *COUNT_FIELD_NAMES)] + ["k.period_kind", "k.report_month"]
    updates = ", ".join(f"{name} = excluded.{name}" for name in (*COUNT_FIELD_NAMES, "updated_at"))
    changed = " OR ".join(_distinct(f"{_table()}.{name}", f"excluded.{name}") for name in COUNT_FIELD_NAMES)
    cursor.execute(
        f"INSERT INTO {_table()} ({', '.join(columns)}, is_counted, created_at, updated_at) "
        f"SELECT {', '.join(selected)}, %s, %s, %s FROM {STAGE} s JOIN {KINDS} k "
        f"ON k.period_start = s.period_start AND k.period_end = s.period_end WHERE true "
        f"ORDER BY {', '.join(f's.{name}' for name in KEY)} "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {updates} WHERE {changed}",
        [True, now, now],
    )


def _stage_csv_on_postgresql(cursor, reader: StatisticsReader, path: Path, progress) -> bool:
    """The fast path (statistics_copy); False when the file is for the row-by-row path instead."""
    layout = statistics_copy.csv_layout(reader, path)
    if layout is None or not reader.is_plain:
        return False
    copied = statistics_copy.copy_raw(cursor, path, layout, progress)
    if copied is None:
        return False
    staged = statistics_copy.stage_plain_rows(cursor, reader, layout, STAGE, reader.allowed_unit_ids)
    reader.rows_read += staged
    if staged < copied:
        rows = reader.validate(statistics_copy.flagged_rows(cursor, layout, STAGE))
        while batch := list(itertools.islice(rows, BATCH)):
            _stage_rows(cursor, batch)
    return True


def statistics_import(
    *,
    path: Path,
    default_source: str = "",
    skip_invalid: bool = False,
    dry_run: bool = False,
    actor=None,
    origin: str | None = None,
    progress: Callable[[int], None] | None = None,
    allowed_unit_ids: frozenset[int] | None = None,
    preview_rows: int = 0,
    unit_code: str | None = None,
    scope=None,
    period: tuple[datetime.date, datetime.date] | None = None,
) -> ImportReport:
    """Import one statistics file. All or nothing unless ``skip_invalid``.

    Raises ``StatisticsImportError`` when nothing was written (unreadable file, or invalid rows
    in all-or-nothing mode); its ``report`` lists every bad row.
    """
    path = Path(path)

    def new_reader(units=None):
        return StatisticsReader(
            path,
            default_source=default_source,
            file_label=origin or path.name,
            allowed_unit_ids=allowed_unit_ids,
            units=units,
            unit=unit_code or None,
            scope=scope,
            period=period,
        )

    reader = new_reader()
    report = ImportReport(dry_run=dry_run)
    try:
        with import_transaction(IMPORT_LOCK_ID, _SQLITE_IMPORT_LOCK), connection.cursor() as cursor:
            _create_stage(cursor)
            try:
                if connection.vendor != "postgresql" or not _stage_csv_on_postgresql(cursor, reader, path, progress):
                    reader = new_reader(reader.units)  # the fast path may have mapped the header already
                    rows = iter(reader)
                    while batch := list(itertools.islice(rows, BATCH)):
                        _stage_rows(cursor, batch)
                        if progress:
                            progress(reader.rows_read + reader.rows_skipped)
            except HeaderError as exc:
                raise StatisticsImportError("unreadable_file", report.fail(exc.errors)) from exc
            report.rows_read, report.rows_skipped = reader.rows_read, reader.rows_skipped
            if reader.rows_read == 0 and not reader.error_count:
                report.fail([RowError(reader.file_label, None, None, None, _("the file has no data rows"))])
                raise StatisticsImportError("invalid_rows", report)
            unique = _keys_unique(cursor)
            duplicates = [] if unique else _conflicting_duplicates(cursor, reader.file_label)
            _classify_stage(cursor)
            duplicates += _overlapping_periods(cursor, reader.file_label)
            report.errors = sorted(reader.errors + duplicates, key=lambda error: error.row or 0)
            report.error_count = reader.error_count + len(duplicates)
            report.rejected_rows = reader.rejected_rows + len({error.row for error in duplicates})
            if report.error_count and not skip_invalid:
                raise StatisticsImportError("invalid_rows", report)
            if duplicates or not unique:
                _drop_duplicate_keys(cursor, [error.row for error in duplicates])
            report.created, report.updated, report.unchanged = _count_changes(cursor)
            if preview_rows:
                report.preview = _preview(cursor, preview_rows)
            if not dry_run:
                _write(cursor, actor_id=getattr(actor, "pk", None), origin=reader.file_label)
                if report.created or report.updated:  # nothing written: which source counts and the sums stand
                    cursor.execute(f"SELECT DISTINCT unit_id FROM {STAGE}")
                    statistics_recount(unit_ids=[row[0] for row in cursor.fetchall()])
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(f"DROP TABLE IF EXISTS {KINDS}")
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    finally:
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
                cursor.execute(f"DROP TABLE IF EXISTS {KINDS}")
    if not dry_run and (report.created or report.updated):
        figures_changed.send(sender=__name__)
    return report
