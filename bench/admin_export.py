"""Admin exports, the statistics listing's deep page and the two-server publish delay, against same-run references.

PostgreSQL (DATABASE_URL must point at a server; a database ``dvc_bench_export`` is created afresh and filled with
``--months`` months of statistics for the 10.035 pre-reform communes through ``import_statistics``):

- export of one year (every commune × 12 months) from the admin, each in its own process (time, peak RSS):
  before = the in-memory django-import-export path (``DossierStatisticResource`` + tablib), after = the streamed
  path (``campaigns.statistics.exports.spreadsheet_response``), reference = the same process that only loads Django and counts;
- the listing's page at OFFSET n×50: the last page before the cap vs page 100 (the cap) vs page 1 (reference);
- the code search: a prefix as LIKE 'x%' vs a range of the code's index (the listing's);
- the two-server test (tests/cms/test_two_servers.py) and its publish-to-visible delay.

    .venv/bin/python bench/admin_export.py [--months 24] [--skip-load]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from import_statistics import old_commune_codes, write_file  # noqa: E402

MEASURE = r"""
import resource, sys, time, django
django.setup()
from campaigns.models import DossierStatistic
queryset = DossierStatistic.objects.filter(period_start__gte="2024-01-01", period_start__lt="2025-01-01")
mode, file_format = sys.argv[1], sys.argv[2]
started = time.perf_counter()
if mode == "reference":
    size = queryset.count()
elif mode == "before":
    from import_export.formats.base_formats import CSV, XLSX
    from campaigns.statistics.resources import DossierStatisticResource
    dataset = DossierStatisticResource().export(queryset=queryset)
    data = {"csv": CSV, "xlsx": XLSX}[file_format]().export_data(dataset)
    size = len(data.encode("utf-8-sig") if isinstance(data, str) else data)
else:
    from campaigns.statistics.exports import spreadsheet_response
    response = spreadsheet_response(queryset, file_format, "x." + file_format)
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
elapsed = time.perf_counter() - started
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, size)
"""


def run(env, *args, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, text=True, **kwargs)  # noqa: S603


def measure(env, mode, file_format):
    out = run(env, sys.executable, "-c", MEASURE, mode, file_format).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = base.rsplit("/", 1)[0] + "/dvc_bench_export"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cms.settings.dev", "REDIS_URL": ""}
    if not args.skip_load:
        import psycopg

        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS dvc_bench_export")
            connection.execute("CREATE DATABASE dvc_bench_export")
        run(env, sys.executable, "manage.py", "migrate", "-v0")
        run(env, sys.executable, "manage.py", "load_units")
        rows = len(old_commune_codes()) * args.months
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "statistics.csv"
            write_file(path, rows)
            started = time.perf_counter()
            run(env, sys.executable, "manage.py", "import_statistics", str(path))
            print(f"loaded {rows:,} rows in {time.perf_counter() - started:.0f} s".replace(",", "."))

    print("\nExport of one year from the admin (each in a fresh process; peak RSS of the process):")
    reference = measure(env, "reference", "csv")
    print(f"  reference (Django loaded, count): {reference[0]:7.2f} s {reference[1]:5d} MB  ({reference[2]} rows)")
    for file_format in ("csv", "xlsx"):
        for mode in ("before", "after"):
            elapsed, peak, size = measure(env, mode, file_format)
            print(
                f"  {file_format} {mode:6}: {elapsed:7.2f} s {peak:5d} MB  (+{peak - reference[1]} MB; {size:,} bytes)"
            )

    print("\nStatistics listing (50 rows a page, the listing's ordering and join):")
    listing = r"""
import sys, time, django
django.setup()
from campaigns.models import DossierStatistic
from campaigns.statistics.viewsets import MAX_LISTING_PAGES
queryset = DossierStatistic.objects.select_related("unit").order_by("-period_start", "unit__code")
count = queryset.count()
def timed(offset):
    best = None
    for _ in range(3):
        started = time.perf_counter(); list(queryset[offset:offset + 50]); elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best * 1000
last = (count - 1) // 50 * 50
print(count, timed(0), timed((MAX_LISTING_PAGES - 1) * 50), timed(last))
like = DossierStatistic.objects.filter(unit__code__startswith="231").select_related("unit")
ranged = DossierStatistic.objects.filter(unit__code__gte="231", unit__code__lte="23199").select_related("unit")
for name, q in (("like", like), ("range", ranged)):
    started = time.perf_counter(); list(q.order_by("-period_start", "unit__code")[:50]); print(name, (time.perf_counter() - started) * 1000)
"""
    out = run(env, sys.executable, "-c", listing).stdout.split("\n")
    count, first, capped, last = out[0].split()
    print(f"  rows {int(count):,}; page 1 (reference) {float(first):.1f} ms; page 100 (the cap) {float(capped):.1f} ms;"
          f" last page without the cap {float(last):.1f} ms")  # fmt: skip
    for line in out[1:]:
        if line:
            name, value = line.split()
            print(f"  code search '231' as {name}: {float(value):.1f} ms")

    print("\nTwo app servers (tests/cms/test_two_servers.py, PostgreSQL test database and Redis):")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pytest", "tests/cms/test_two_servers.py", "-q", "-s", "-p", "no:cacheprovider"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": base}, capture_output=True, text=True,
    )  # fmt: skip
    delay = re.search(r"delay on the other server: (\d+) ms", result.stdout)
    status = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
    print(f"  publish-to-visible delay: {delay.group(1) if delay else '?'} ms ({status})")


if __name__ == "__main__":
    main()
