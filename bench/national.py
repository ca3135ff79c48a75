"""National-scale data on PostgreSQL, and what a province's leaders wait for on it.

Generates, in a database of its own (``dvc_bench_national`` on the server of DATABASE_URL, created afresh):
every pre-reform commune × 60 months (07/2020–06/2025) and every current commune × 17 months (07/2025–11/2026) of
statistics through ``import_statistics`` (about 660.000 rows), and training activities in a fifth of the old
communes of the largest province, reached in waves. Then it measures, each a median of 3 runs:

  report     ``campaign_impact`` for the largest province (its old communes, 2021–06/2025, training as reach):
             wall time and peak memory of the command, against the reference = reading the same statistics
             with one aggregate query (the least any report must do), timed in the same run
  dashboard  the largest province's dashboard over 60 months in the admin (warm), against the admin home page

Budgets (issue 15): the report of the largest province well under the national 60 s and < 1 GB; the 60-month
dashboard <= 300 ms warm with a fixed number of queries.

    .venv/bin/python bench/national.py [--keep] [--reuse]
"""

import argparse
import csv
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "dvc_bench_national"
HEADER = [
    "Mã ĐVHC",
    "Kỳ",
    "Nguồn số liệu",
    "Tiếp nhận trực tuyến",
    "Tiếp nhận trực tiếp",
    "Tiếp nhận qua dịch vụ BCCI",
]


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point at a PostgreSQL server")
    return url.rsplit("/", 1)[0]


def manage(*args, env, capture=False):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )


def units() -> list[dict]:
    with (ROOT / "campaigns" / "units" / "data" / "units" / "units.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def months(first: tuple[int, int], count: int) -> list[str]:
    year, month = first
    labels = []
    for _ in range(count):
        labels.append(f"{month:02d}/{year}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return labels


def write_statistics(path: Path, rows: list[dict]) -> int:
    rng = random.Random(2026)
    old = [row["code"] for row in rows if row["level"] == "commune" and row["valid_to"]]
    new = [row["code"] for row in rows if row["level"] == "commune" and not row["valid_to"]]
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for codes, labels in ((old, months((2020, 7), 60)), (new, months((2025, 7), 17))):
            for code in codes:
                size = rng.randint(20, 400)
                level = rng.uniform(0.05, 0.35)
                for index, label in enumerate(labels):
                    total = max(1, int(rng.gauss(size, size * 0.1)))
                    rate = min(0.95, level + 0.006 * index + rng.gauss(0, 0.03))
                    online = max(0, min(total, round(total * rate)))
                    postal = round((total - online) * 0.05)
                    writer.writerow([code, label, "Hệ thống một cửa tỉnh", online, total - online - postal, postal])
                    written += 1
    return written


def largest_province(rows: list[dict]) -> tuple[str, list[str]]:
    """The province (before the reform) with the most old communes, and those communes."""
    by_code = {row["code"]: row for row in rows}
    communes: dict[str, list[str]] = {}
    for row in rows:
        if row["level"] != "commune" or not row["valid_to"]:
            continue
        district = by_code.get(row["parent_code"])
        province = district["parent_code"] if district else None
        if province:
            communes.setdefault(province, []).append(row["code"])
    code = max(communes, key=lambda key: len(communes[key]))
    return code, communes[code]


def write_activities(path: Path, communes: list[str]) -> int:
    rng = random.Random(7)
    reached = rng.sample(communes, len(communes) // 5)
    waves = ["15/03/2022", "15/09/2022", "15/03/2023", "15/09/2023"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Mã ĐVHC", "Ngày", "Hình thức", "Số lượng", "Số người", "Nội dung"])
        for index, code in enumerate(reached):
            writer.writerow([code, waves[index % len(waves)], "tập huấn", 1, 40, "Tập huấn dịch vụ công trực tuyến"])
    return len(reached)


def timed_command(env, *args) -> tuple[float, float]:
    """(seconds, peak resident MB) of one manage.py command in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    manage(*args, env=env, capture=True)
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return took, max(peak, before) / 1024


def prepare(database: str, *, reuse: bool) -> tuple[str, dict, str, list[str]]:
    """The national data in ``database`` (made afresh unless ``reuse``): its URL, the environment to run manage.py
    against it, the largest province's code and its old communes. Other bench scripts build on this."""
    import psycopg

    base = server_url()
    url = f"{base}/{database}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "TASKS_BACKEND": "immediate",
    }
    rows = units()
    province, communes = largest_province(rows)
    if not reuse:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{database}"')
        started = time.perf_counter()
        manage("migrate", "--noinput", "-v0", env=env)
        manage("load_units", env=env, capture=True)
        with tempfile.TemporaryDirectory() as folder:
            statistics_file = Path(folder) / "thong-ke.csv"
            count = write_statistics(statistics_file, rows)
            took, peak = timed_command(env, "import_statistics", str(statistics_file))
            print(f"statistics: {count:,} rows imported in {took:.0f} s (peak {peak:.0f} MB)".replace(",", "."))
            activities = Path(folder) / "hoat-dong.csv"
            reached = write_activities(activities, communes)
            manage("import_activities", str(activities), env=env, capture=True)
        print(f"set-up: {time.perf_counter() - started:.0f} s; largest province {province}: {len(communes)} old "
              f"communes, {reached} reached in 4 waves")  # fmt: skip
    else:
        manage("migrate", "--noinput", "-v0", env=env)  # data kept from an earlier run of older code
    with psycopg.connect(url, autocommit=True) as conn:
        # Fresh tables have no planner statistics until autovacuum gets to them: without this the first reports
        # after an import ran 10-20 times slower (bad join orders), which measures the timing of autovacuum.
        conn.execute("ANALYZE")
    return url, env, province, communes


def drop(database: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    parser.add_argument("--keep", action="store_true", help="leave the database for another run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", default=DATABASE, help=f"database name (default {DATABASE})")
    options = parser.parse_args()
    import psycopg

    url, env, province, communes = prepare(options.database, reuse=options.reuse)
    reference = []
    with psycopg.connect(url) as conn:
        for _ in range(options.runs):
            started = time.perf_counter()
            conn.execute(
                """SELECT s.unit_id, s.report_month, SUM(s.received_online),
                       SUM(s.received_online + COALESCE(s.received_direct, 0) + COALESCE(s.received_postal, 0))
                   FROM campaigns_dossierstatistic s JOIN campaigns_administrativeunit u ON u.id = s.unit_id
                   LEFT JOIN campaigns_administrativeunit d ON d.id = u.parent_id
                   WHERE d.parent_id = (SELECT id FROM campaigns_administrativeunit WHERE code = %s
                                        AND valid_to IS NOT NULL ORDER BY valid_from LIMIT 1)
                     AND s.is_counted
                   GROUP BY s.unit_id, s.report_month""",
                [province],
            ).fetchall()
            reference.append(time.perf_counter() - started)
    report = [
        timed_command(
            env,
            "campaign_impact",
            "--scope",
            province,
            "--start",
            "2021-01",
            "--end",
            "2025-06",
            "--channels",
            "training",
            "--format",
            "json",
            "--output",
            os.devnull,
        )  # fmt: skip
        for _ in range(options.runs)
    ]
    seconds = statistics.median(took for took, _ in report)
    peak = max(mb for _, mb in report)
    ref = statistics.median(reference)
    print(f"\nreport of province {province} ({len(communes)} old communes, 54 months), median of {options.runs}:")
    print(f"  campaign_impact {seconds:.1f} s, peak {peak:.0f} MB; reference (one aggregate read of the same "
          f"statistics) {ref * 1000:.0f} ms: ratio {seconds / ref:.0f}")  # fmt: skip
    if not options.keep:
        drop(options.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
