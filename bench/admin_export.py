"""Admin exports, the statistics listing's deep page and the two-server publish delay, against same-run references.

PostgreSQL (DATABASE_URL must point at a server; a database ``dvc_bench_export`` is created afresh and filled with
``--months`` months of statistics for the 10.035 pre-reform communes through ``import_statistics``):

- export of one year (every commune × 12 months) from the admin, each in its own process (time, peak RSS):
  before = the in-memory django-import-export path (``DossierStatisticResource`` + tablib), after = the streamed
  path (``campaigns.statistics.exports.spreadsheet_response``), reference = the same process that only loads Django and counts;
- the listing's page at OFFSET n×50: the last page before the cap vs page 100 (the cap) vs page 1 (reference);
- the code search: a prefix as LIKE 'x%' vs a range of the code's index (the listing's);
- the two-server test (tests/cms/test_two_servers.py) and its publish-to-visible delay;
- with ``--activities N`` (alone: ``--activities-only``), the distributions listing's export of N rows from the admin,
  each in its own process: before = the in-memory django-import-export path the listing used, after = the streamed
  path (``outreach_media.exports.export_response``), reference = the same process that only loads Django and counts
  (database ``dvc_bench_activities``, filled with N distributions by ``bulk_create``).

    .venv/bin/python bench/admin_export.py [--months 24] [--skip-load] [--activities 200000] [--activities-only]
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
    return measure_with(env, MEASURE, mode, file_format)


FILL_ACTIVITIES = r"""
import datetime, sys, django
django.setup()
from campaigns.units.models import AdministrativeUnit
from outreach_media.models import Distribution, MediaItem
count = int(sys.argv[1])
units = list(AdministrativeUnit.objects.filter(level="commune", valid_to__isnull=True).values_list("pk", flat=True))
item = MediaItem.objects.create(kind="leaflet", title="Tờ rơi hướng dẫn nộp hồ sơ trực tuyến", unit_id=units[0])
start = datetime.date(2025, 7, 1)
batch = []
for number in range(count):
    batch.append(Distribution(media_item=item, unit_id=units[number % len(units)],
                              date=start + datetime.timedelta(days=number % 365), copies=100 + number % 50,
                              place="Bộ phận một cửa", people_reached=90, cost=150000))
    if len(batch) == 5000:
        Distribution.objects.bulk_create(batch); batch.clear()
Distribution.objects.bulk_create(batch)
print(Distribution.objects.count())
"""

MEASURE_ACTIVITIES = r"""
import resource, sys, time, django
django.setup()
from outreach_media.models import Distribution
from outreach_media.viewsets import DistributionViewSet
fields = DistributionViewSet.list_export  # the columns the admin's export writes
queryset = Distribution.objects.select_related("unit", "media_item").order_by("-date", "pk")
mode, file_format = sys.argv[1], sys.argv[2]
started = time.perf_counter()
if mode == "reference":
    size = queryset.count()
elif mode == "before":
    from import_export import resources
    from import_export.formats.base_formats import CSV, XLSX
    exporter = resources.modelresource_factory(Distribution, meta_options={"fields": fields})()
    dataset = exporter.export(queryset=queryset)
    data = {"csv": CSV, "xlsx": XLSX}[file_format]().export_data(dataset)
    size = len(data.encode("utf-8-sig") if isinstance(data, str) else data)
else:
    from outreach_media.exports import export_response
    response = export_response(Distribution, queryset, fields, file_format, "x")
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
elapsed = time.perf_counter() - started
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, size)
"""


def activities(base: str, count: int, skip_load: bool, database: str) -> None:
    url = base.rsplit("/", 1)[0] + "/" + database
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cms.settings.dev", "REDIS_URL": ""}
    if not skip_load:
        import psycopg

        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
            connection.execute(f'CREATE DATABASE "{database}"')
        run(env, sys.executable, "manage.py", "migrate", "-v0")
        run(env, sys.executable, "manage.py", "load_units")
        started = time.perf_counter()
        stored = run(env, sys.executable, "-c", FILL_ACTIVITIES, str(count)).stdout.strip()
        print(f"stored {int(stored):,} distributions in {time.perf_counter() - started:.0f} s".replace(",", "."))
    print("\nExport of the distributions listing from the admin (each in a fresh process; peak RSS of the process):")
    reference = measure_with(env, MEASURE_ACTIVITIES, "reference", "csv")
    print(f"  reference (Django loaded, count): {reference[0]:7.2f} s {reference[1]:5d} MB  ({reference[2]} rows)")
    for file_format in ("csv", "xlsx"):
        for mode in ("before", "after"):
            elapsed, peak, size = measure_with(env, MEASURE_ACTIVITIES, mode, file_format)
            print(
                f"  {file_format} {mode:6}: {elapsed:7.2f} s {peak:5d} MB  (+{peak - reference[1]} MB; {size:,} bytes)"
            )


def measure_with(env, script, *args):
    out = run(env, sys.executable, "-c", script, *args).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--activities", type=int, default=0, help="also measure the export of this many distributions")
    parser.add_argument("--activities-only", action="store_true")
    parser.add_argument("--activities-database", default="dvc_bench_activities")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    if args.activities or args.activities_only:
        activities(base, args.activities or 200_000, args.skip_load, args.activities_database)
        if args.activities_only:
            return
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
