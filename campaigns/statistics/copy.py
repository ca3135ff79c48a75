"""PostgreSQL fast path for CSV statistics files: one raw ``COPY`` of the file, validation set-wise.

The data rows go to the server as they are (text columns, one per file column). SQL stages the
rows it can recognise as plainly valid: a digits-only unit code in force for the period, counts
written as ``1234`` or ``1.234``, the required counts present, full-process ≤ online, the total
adding up, and a period, source and unit name among the file's *distinct* values that the Python
functions of ``StatisticsReader`` accepted. Every other row is read back and goes through the
reader's own row validation, so both paths accept the same values and report the same messages.

Files the two CSV parsers could read differently (a quote inside a field, ``\\.`` lines, rows of
another width) are left to the row-by-row path, which handles every file.
"""

import csv
import io
import mmap
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, transaction

from campaigns.core.imports.cells import parse_text, period_of
from campaigns.core.imports.tabular import is_csv, sniff_delimiter
from campaigns.core.text import fold
from campaigns.statistics.models import COUNT_FIELD_NAMES
from campaigns.statistics.reader import HeaderError, StatisticsReader, without_type
from campaigns.units.models import AdministrativeUnit

RAW = "statistic_import_raw"
FLAGGED = "statistic_import_flagged"
PERIODS = "statistic_import_periods"
SOURCES = "statistic_import_sources"
NAMES = "statistic_import_names"
CHUNK = 1 << 20
# Counts SQL reads by itself: empty, 1234 or 1.234 (at most 999.999.999). Anything else (spaces,
# ten digits or more, signs, commas) goes to Python. Plain digits are checked with ltrim, which is
# several times faster than a regular expression; only cells with a dot meet the pattern.
GROUPED = r"^[0-9]{1,3}(\.[0-9]{3}){1,2}$"
DIGITS = "0123456789"
# Control characters other than tab and line breaks (campaigns.core.text.CONTROL_CHARACTERS, as bytes).
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain_count(column: str) -> str:
    return (
        f"CASE WHEN strpos({column}, '.') = 0 THEN length({column}) <= 9 AND ltrim({column}, '{DIGITS}') = '' "
        f"ELSE {column} ~ '{GROUPED}' END"
    )


@dataclass(frozen=True)
class CsvLayout:
    delimiter: str
    offset: int  # first byte of the data rows
    header_rows: int
    width: int


def csv_layout(reader: StatisticsReader, path: Path) -> CsvLayout | None:
    """Where the data rows start, or None when the file is not for this path. Maps the header on ``reader``."""
    if not is_csv(path):
        return None
    try:
        with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
            delimiter = sniff_delimiter(text.read(8192))
        consumed = 0
        with path.open("rb") as handle:

            def lines():
                nonlocal consumed
                for number, line in enumerate(handle):
                    consumed += len(line)
                    yield line.decode("utf-8-sig" if number == 0 else "utf-8")

            header_rows, head = reader.find_header(csv.reader(lines(), delimiter=delimiter))
    except (UnicodeDecodeError, csv.Error, OSError, HeaderError):
        return None
    layout = CsvLayout(delimiter, consumed, header_rows, len(head[-1]))
    return layout if _same_for_both_parsers(path, layout) else None


def _same_for_both_parsers(path: Path, layout: CsvLayout) -> bool:
    """True when PostgreSQL's CSV parser reads the data rows as Python's csv module does.

    They differ on a quote inside an unquoted field (PostgreSQL starts quoting there) and on a
    ``\\.`` line (PostgreSQL's end of data); quoted fields without inner quotes read the same.
    """
    has_quotes = False
    with path.open("rb") as handle:
        handle.seek(layout.offset)
        previous = b"\n"
        while chunk := handle.read(CHUNK):
            if b"\\." in previous[-1:] + chunk:
                return False
            if CONTROL_BYTES.search(chunk):  # the row-by-row path refuses them, naming the row
                return False
            has_quotes = has_quotes or b'"' in chunk
            previous = chunk
    if not has_quotes:
        return True
    separator = re.escape(layout.delimiter.encode())
    quoted = re.compile(rb"(?<![^" + separator + rb'\n])"[^"]*"(?![^' + separator + rb"\r\n])")
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        quotes = sum(data[start : start + CHUNK].count(b'"') for start in range(layout.offset, len(data), CHUNK))
        matched = sum(1 for _match in quoted.finditer(data, layout.offset))
    return quotes == 2 * matched


def _delimiter_sql(delimiter: str) -> str:
    return "E'\\t'" if delimiter == "\t" else f"'{delimiter}'"


def copy_raw(cursor, path: Path, layout: CsvLayout, progress=None) -> int | None:
    """COPY the data rows into ``RAW``; the number of rows, or None when PostgreSQL refused the file."""
    columns = ", ".join(f"c{position} text" for position in range(layout.width))
    names = ", ".join(f"c{position}" for position in range(layout.width))
    try:
        with transaction.atomic():
            cursor.execute(f"CREATE TEMPORARY TABLE {RAW} (id bigserial, {columns}) ON COMMIT DROP")
            lines = 0
            with path.open("rb") as handle:
                handle.seek(layout.offset)
                with cursor.cursor.copy(
                    f"COPY {RAW} ({names}) FROM STDIN WITH (FORMAT csv, DELIMITER {_delimiter_sql(layout.delimiter)})"
                ) as copy:
                    while chunk := handle.read(CHUNK):
                        copy.write(chunk)
                        if progress:
                            lines += chunk.count(b"\n")
                            progress(lines)
            copied = cursor.cursor.rowcount
    except DatabaseError:
        return None
    except Exception as exc:  # psycopg's own errors (bad UTF-8, a row of another width) raised by the COPY
        if type(exc).__module__.startswith("psycopg"):
            return None
        raise
    return copied


def _count_expression(column: str | None) -> str:
    """The value of a count cell already matched by the row pattern."""
    return "NULL::bigint" if column is None else f"NULLIF(replace({column}, '.', ''), '')::bigint"


def _column(reader: StatisticsReader, field: str) -> str | None:
    position = reader.columns.get(field)
    return None if position is None else f"r.c{position}"


def _lookup_table(cursor, table: str, columns: str, select: str, accept) -> None:
    """A temporary table of what ``accept`` keeps (a list of rows) from each row of the distinct ``select``."""
    cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns}) ON COMMIT DROP")
    cursor.execute(select)
    accepted = [kept for row in cursor.fetchall() for kept in accept(row)]
    if accepted:
        placeholders = ", ".join(["%s"] * len(accepted[0]))
        cursor.executemany(f"INSERT INTO {table} VALUES ({placeholders})", accepted)


def _period_map(cursor, reader) -> list[str]:
    """The distinct period cells accepted by ``period_of``; returns the join conditions."""
    fields = [name for name in ("period", "period_start", "period_end") if name in reader.columns]
    cells = [f"COALESCE({_column(reader, name)}, '')" for name in fields]

    def accept(values):
        given = dict(zip(fields, values, strict=True))
        start, end, problems = period_of(given.get("period"), given.get("period_start"), given.get("period_end"))
        return [(*values, start, end)] if not problems and start and end else []

    _lookup_table(
        cursor,
        PERIODS,
        f"{', '.join(f'k{i} text' for i in range(len(fields)))}, period_start date, period_end date",
        f"SELECT DISTINCT {', '.join(cells)} FROM {RAW} r",
        accept,
    )
    return [f"p.k{i} = {cell}" for i, cell in enumerate(cells)]


def _source_map(cursor, reader) -> str:
    """The join clause giving ``src.value``; without a source column the default is a parameter."""
    column = _column(reader, "source")
    if column is None:
        return ""

    def accept(row):
        (raw,) = row
        value = parse_text(raw) or reader.default_source
        return [(raw, value)] if len(value) <= 100 else []

    _lookup_table(
        cursor, SOURCES, "raw text, value varchar(100)", f"SELECT DISTINCT COALESCE({column}, '') FROM {RAW} r", accept
    )
    return f"JOIN {SOURCES} src ON src.raw = COALESCE({column}, '')"


def _name_condition(cursor, reader, code: str) -> str:
    column = _column(reader, "unit_name")
    if column is None:
        return "true"

    def accept(row):
        unit_code, raw = row
        given = fold(parse_text(raw))
        return [
            (pk, raw)
            for _start, _end, pk, _name, folded in reader.units.by_code.get(unit_code, [])
            if not given or given in (folded, without_type(folded))
        ]

    _lookup_table(
        cursor,
        NAMES,
        "unit_id bigint, raw text",
        f"SELECT DISTINCT {code}, {column} FROM {RAW} r WHERE {code} ~ '^[0-9]+$' AND {column} <> ''",
        accept,
    )
    return f"({column} IS NULL OR {column} = '' OR EXISTS (SELECT 1 FROM {NAMES} n WHERE n.unit_id = u.id AND n.raw = {column}))"


def stage_plain_rows(cursor, reader: StatisticsReader, layout: CsvLayout, stage: str, allowed) -> int:
    """Stage the rows SQL can validate by itself; returns how many."""
    code = _column(reader, "unit_code")
    period_join = " AND ".join(_period_map(cursor, reader))
    source_join = _source_map(cursor, reader)
    if not source_join and len(reader.default_source) > 100:
        return 0
    source_value, params = ("src.value", []) if source_join else ("%s", [reader.default_source])
    name_ok = _name_condition(cursor, reader, code)
    cells = [_column(reader, name) for name in (*COUNT_FIELD_NAMES, "received_total")]
    value = {name: _count_expression(_column(reader, name)) for name in (*COUNT_FIELD_NAMES, "received_total")}
    plain = " AND ".join(
        [f"{code} <> ''", f"ltrim({code}, '{DIGITS}') = ''", *(_plain_count(cell) for cell in cells if cell)]
    )
    checks = [
        f"{value['received_online']} IS NOT NULL",
        f"{value['received_direct']} IS NOT NULL",
        f"({value['received_online_full']} IS NULL OR {value['received_online_full']} <= {value['received_online']})",
        f"({value['received_total']} IS NULL OR {value['received_total']} = COALESCE({value['carried_over']}, 0) "
        f"+ {value['received_online']} + {value['received_direct']} + COALESCE({value['received_postal']}, 0))",
    ]
    # The casts run only on rows the patterns accepted (CASE fixes the order; AND does not).
    conditions = [f"CASE WHEN {plain} THEN {' AND '.join(checks)} ELSE false END", name_ok]
    if allowed is not None:
        conditions.append("u.id = ANY(%s)")
        params.append(sorted(allowed))
    units = AdministrativeUnit._meta.db_table
    # Temporary tables have no statistics until analysed; without them the planner sorts a million rows.
    for table in (RAW, PERIODS, SOURCES if source_join else None, NAMES if reader.columns.get("unit_name") else None):
        if table:
            cursor.execute(f"ANALYZE {table}")
    # The filter's selectivity cannot be estimated; a million index probes of the units would follow.
    cursor.execute("SET LOCAL enable_nestloop = off")
    cursor.execute(
        f"INSERT INTO {stage} (row_number, unit_id, period_start, period_end, source, {', '.join(COUNT_FIELD_NAMES)}) "
        f"SELECT r.id + {layout.header_rows}, u.id, p.period_start, p.period_end, {source_value}, "
        f"{', '.join(value[name] for name in COUNT_FIELD_NAMES)} "
        f"FROM {RAW} r JOIN {PERIODS} p ON {period_join} {source_join} "
        f"JOIN {units} u ON u.code = {code} AND (u.valid_from IS NULL OR u.valid_from <= p.period_start) "
        f"AND (u.valid_to IS NULL OR u.valid_to > p.period_end) "
        f"WHERE {' AND '.join(conditions)}",
        params,
    )
    staged = cursor.rowcount
    cursor.execute("SET LOCAL enable_nestloop = on")
    return staged


def flagged_rows(cursor, layout: CsvLayout, stage: str):
    """(row number, cells) of the rows SQL did not stage, in file order, streamed from the server."""
    names = ", ".join(f"c{position}" for position in range(layout.width))
    cursor.execute(
        f"CREATE TEMPORARY TABLE {FLAGGED} ON COMMIT DROP AS SELECT r.id + {layout.header_rows} AS row_number, "
        f"{names} FROM {RAW} r WHERE NOT EXISTS (SELECT 1 FROM {stage} s WHERE s.row_number = r.id + "
        f"{layout.header_rows})"
    )
    with cursor.cursor.connection.cursor(name="statistic_import_flagged_rows") as rows:
        rows.itersize = 5000
        rows.execute(f"SELECT row_number, {names} FROM {FLAGGED} ORDER BY row_number")
        for number, *cells in rows:
            yield number, ["" if cell is None else cell for cell in cells]
