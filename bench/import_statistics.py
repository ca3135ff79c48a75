"""Import 1,000,000 statistics rows and compare with a reference measured in the same run.

PostgreSQL (DATABASE_URL must point at a server; a database ``dvc_bench`` is created afresh):
  reference = plain COPY of the same file into a staging table + one INSERT … ON CONFLICT
  budget    = import_statistics rows/s >= 0.5 x reference rows/s, peak memory < 300 MB
SQLite (a temporary file): budget >= 30,000 rows/s.

    .venv/bin/python bench/import_statistics.py [--rows 1000000] [--only sqlite|postgresql]
"""

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["Mã ĐVHC", "Kỳ", "Nguồn số liệu", "Tiếp nhận trực tuyến", "Tiếp nhận trực tiếp", "Tiếp nhận qua dịch vụ BCCI",
          "Đã giải quyết trước hạn", "Đã giải quyết đúng hạn", "Đã giải quyết quá hạn"]  # fmt: skip


def old_commune_codes() -> list[str]:
    with (ROOT / "campaigns" / "units" / "data" / "units" / "units.csv").open(encoding="utf-8") as handle:
        return [row["code"] for row in csv.DictReader(handle) if row["level"] == "commune" and row["valid_to"]]


def write_file(path: Path, rows: int) -> None:
    codes = old_commune_codes()
    months_needed = -(-rows // len(codes))
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for back in range(months_needed):
            index = 2025 * 12 + 5 - back  # 06/2025 and earlier
            period = f"{index % 12 + 1:02d}/{index // 12}"
            for number, code in enumerate(codes):
                if written == rows:
                    return
                base = 50 + (number * 7 + back * 13) % 900
                online = base * (20 + (number + back) % 60) // 100
                writer.writerow([code, period, "bench", f"{online:,}".replace(",", "."), base - online,
                                 number % 5, online // 3, base // 2, base // 20])  # fmt: skip
                written += 1


def sqlite_env(folder: Path) -> dict:
    """The environment of a ``manage.py`` run on a fresh SQLite database in ``folder`` (dev settings)."""
    env = {**os.environ, "SQLITE_PATH": str(folder / "bench.sqlite3"), "DJANGO_SETTINGS_MODULE": "cms.settings.dev"}
    env.pop("DATABASE_URL", None)
    return env


def manage(*args, env, measure=False):
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    elapsed = time.perf_counter() - started
    return elapsed


def _copy_reference_stage(cur, path: Path) -> None:
    cur.execute(
        "CREATE TEMP TABLE ref_stage (code text, period text, source text, online text, direct text, "
        "postal text, early text, on_time text, late text) ON COMMIT DROP"
    )
    with path.open("rb") as handle, cur.copy("COPY ref_stage FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
        while chunk := handle.read(1 << 20):
            copy.write(chunk)


def _time_reference(url: str, path: Path, statements, *, cleanup: str) -> float:
    """Seconds to COPY the file into the staging table and run ``statements`` in one transaction; ``cleanup`` after."""
    import psycopg

    with psycopg.connect(url, autocommit=False) as conn, conn.cursor() as cur:
        started = time.perf_counter()
        _copy_reference_stage(cur, path)
        for statement in statements:
            cur.execute(statement)
        conn.commit()
        elapsed = time.perf_counter() - started
        cur.execute(cleanup)
        conn.commit()
    return elapsed


def reference_bare(url: str, path: Path) -> float:
    """COPY + INSERT … ON CONFLICT into a bare table keyed on the file's text (no foreign key, one index)."""
    return _time_reference(
        url,
        path,
        (
            "CREATE TABLE IF NOT EXISTS ref_target (code text, period text, source text, online bigint, "
            "direct bigint, postal bigint, early bigint, on_time bigint, late bigint, "
            "PRIMARY KEY (code, period, source))",
            "INSERT INTO ref_target SELECT code, period, source, replace(online, '.', '')::bigint, direct::bigint, "
            "postal::bigint, early::bigint, on_time::bigint, late::bigint FROM ref_stage "
            "ON CONFLICT (code, period, source) DO UPDATE SET online = excluded.online, direct = excluded.direct",
        ),
        cleanup="DROP TABLE ref_target",
    )


def reference_statistics_table(url: str, path: Path) -> float:
    """COPY + one INSERT … ON CONFLICT of the same file into the statistics table, without validation.

    The unit codes are mapped to units in force for the month (a join, not a check), so the rows land
    where the import puts them, with the same indexes, constraints and foreign key.
    """
    return _time_reference(
        url,
        path,
        (
            "INSERT INTO campaigns_dossierstatistic (unit_id, period_start, period_end, source, received_online, "
            "received_direct, received_postal, resolved_early, resolved_on_time, resolved_late, created_at, updated_at, "
            "period_kind, report_month, is_counted) "
            "SELECT u.id, m.start, (m.start + interval '1 month - 1 day')::date, s.source, "
            "replace(s.online, '.', '')::int, s.direct::int, s.postal::int, s.early::int, s.on_time::int, "
            "s.late::int, now(), now(), 'month', m.start, true "
            "FROM ref_stage s CROSS JOIN LATERAL (SELECT to_date(s.period, 'MM/YYYY') AS start) m "
            "JOIN campaigns_administrativeunit u ON u.code = s.code "
            "AND (u.valid_from IS NULL OR u.valid_from <= m.start) AND (u.valid_to IS NULL OR u.valid_to > m.start) "
            "ON CONFLICT (unit_id, period_start, period_end, source) DO UPDATE SET "
            "received_online = excluded.received_online, received_direct = excluded.received_direct",
        ),
        cleanup="TRUNCATE campaigns_dossierstatistic CASCADE",
    )


def peak_child_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def bench_postgresql(path: Path, rows: int, base_url: str):
    import psycopg

    admin_url = base_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS dvc_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE dvc_bench")
    url = base_url.rsplit("/", 1)[0] + "/dvc_bench"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cms.settings.dev"}
    manage("migrate", "-v0", env=env)
    manage("load_units", env=env)
    bare = reference_bare(url, path)
    reference = reference_statistics_table(url, path)
    startup = manage("check", env=env)
    ours = manage("import_statistics", str(path), env=env)
    again = manage("import_statistics", str(path), env=env)
    peak = peak_child_mb()
    ref_rate, our_rate = rows / reference, rows / ours
    print(f"PostgreSQL reference COPY + INSERT … ON CONFLICT into the statistics table: {reference:.1f} s "
          f"= {ref_rate:,.0f} rows/s")  # fmt: skip
    print(
        f"  (into a bare table without foreign key or indexes beyond its key: {bare:.1f} s = {rows / bare:,.0f} rows/s)"
    )
    print(f"PostgreSQL import_statistics (validated, first load): {ours:.1f} s = {our_rate:,.0f} rows/s "
          f"(process start-up {startup:.1f} s included)")  # fmt: skip
    print(f"PostgreSQL import_statistics again (nothing changes): {again:.1f} s = {rows / again:,.0f} rows/s")
    print(
        f"ratio ours / reference: {our_rate / ref_rate:.2f} (budget >= 0.5); "
        f"without start-up {rows / (ours - startup) / ref_rate:.2f}; against the bare table {our_rate * bare / rows:.2f}"
    )
    print(f"peak memory of a child process: {peak:.0f} MB (budget < 300 MB)")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS dvc_bench WITH (FORCE)")
    return our_rate / ref_rate >= 0.5 and peak < 300


def bench_sqlite(path: Path, rows: int):
    with tempfile.TemporaryDirectory() as folder:
        env = sqlite_env(Path(folder))
        manage("migrate", "-v0", env=env)
        manage("load_units", env=env)
        ours = manage("import_statistics", str(path), env=env)
        again = manage("import_statistics", str(path), env=env)
    print(
        f"SQLite import_statistics (validated, first load): {ours:.1f} s = {rows / ours:,.0f} rows/s (budget >= 30,000)"
    )
    print(f"SQLite import_statistics again (nothing changes): {again:.1f} s = {rows / again:,.0f} rows/s")
    return rows / ours >= 30_000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "statistics.csv"
        write_file(path, args.rows)
        print(f"file: {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB")
        ok = True
        if args.only != "sqlite":
            url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
            ok &= bench_postgresql(path, args.rows, url)
        if args.only != "postgresql":
            ok &= bench_sqlite(path, args.rows)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
