"""The national dashboard, the largest province over 60 months and the national indicators export, on national data.

Builds the national data of ``bench/national.py`` (10.035 pre-reform communes × 60 months and 3.321 current
communes × 17 months, about 660.000 statistics) in a PostgreSQL database of its own (``dvc_bench_natdash``; ``--reuse``
keeps it between runs), migrates it (which builds the monthly aggregates), then measures in this process, warm,
median of ``--runs``, with the number of SQL queries:

  reference     the Wagtail admin home page (/admin/), signed in as a superuser
  province      the dashboard page of the province in force with the most units, 12/2021–11/2026 (60 report months)
  nation        the dashboard page of the whole country over the same months, its chart and its XLSX ranking
  before        the same dashboards built by the code before the aggregates (from git, ``--base``), which
                reads the statistics themselves; the whole country given to it as ``nation_area()``
  export        ``export_indicators --scope toan-quoc`` over 60 months (CSV), against one aggregate query over the
                same statistics (the least any export must read), and the code before the aggregates

Budget (PRODUCT.md): the leaders' dashboard for a whole province or the country <= 300 ms warm, with a fixed number
of SQL queries whatever the number of units.

    .venv/bin/python bench/national_dashboard.py [--reuse] [--keep] [--runs 5] [--base COMMIT]
"""

import argparse
import io
import logging
import os
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "dvc_bench_natdash"
FIRST, LAST = "2021-12", "2026-11"


def old_modules(base: str):
    """The indicators, dashboard and indicators export of commit ``base``, as modules of their own."""
    names = {
        "indicators": "campaigns/statistics/indicators.py",
        "dashboard": "campaigns/statistics/dashboard.py",
        "indicator_export": "campaigns/statistics/indicator_export.py",
    }
    modules = {}
    sys.modules.setdefault("bench_old", types.ModuleType("bench_old")).__path__ = []
    for name, path in names.items():
        source = subprocess.run(
            ["git", "show", f"{base}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
        source = source.replace("from campaigns.statistics.indicators import", "from bench_old.indicators import")
        module = types.ModuleType(f"bench_old.{name}")
        module.__file__ = path
        sys.modules[module.__name__] = module
        exec(compile(source, f"{base}:{path}", "exec"), module.__dict__)  # noqa: S102 - our own code at a commit
        modules[name] = module
    return modules


def timed(function, runs: int, *, warm: bool = True) -> tuple[float, int]:
    """(median milliseconds, queries of the last run) of ``function()``, after one warming run (``warm``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if warm:
        function()
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            function()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    parser.add_argument("--keep", action="store_true", help="leave the database for another run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--base", help="the commit whose code is measured as 'before' (default: the one before the aggregates)"
    )
    parser.add_argument("--database", default=DATABASE)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT))
    import national

    added = subprocess.run(
        ["git", "log", "--format=%H", "--diff-filter=A", "--", "campaigns/statistics/aggregates.py"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    base = options.base or f"{added[-1]}^"
    print(f"before: the code of {base}")
    url, env, _province_code, _communes = national.prepare(options.database, reuse=options.reuse)
    started = time.perf_counter()
    national.manage("migrate", "--noinput", "-v0", env=env)
    print(f"migrate (builds the aggregates when new): {time.perf_counter() - started:.0f} s")
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="cms.settings.dev", TASKS_BACKEND="immediate")
    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from campaigns.core.months import last_day, parse_month
    from campaigns.statistics.aggregates import aggregates_refresh
    from campaigns.statistics.dashboard import build_dashboard
    from campaigns.units import areas
    from campaigns.units.models import AdministrativeUnit

    started = time.perf_counter()
    aggregates_refresh()
    print(f"rebuild_aggregates: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    first, last = parse_month(FIRST), parse_month(LAST)
    provinces = AdministrativeUnit.objects.current().filter(level="province")
    province = max(provinces, key=lambda unit: len(areas.area_for(unit).included))
    nation = areas.nation_unit()
    old = old_modules(base)
    # The code before had no country: given the national area, it reads what a national dashboard would.
    old["dashboard"].area_for = old["indicator_export"].area_for = lambda unit: (
        areas.nation_area() if areas.is_nation(unit) else areas.area_for(unit)
    )

    user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "bench-natdash", "bench@example.invalid", "bench-natdash-password"
    )
    client = Client()
    client.force_login(user)

    def page(url, **params):
        def get():
            response = client.get(url, params)
            assert response.status_code == 200, (url, response.status_code)

        return get

    runs = options.runs
    dashboard = reverse("statistics_dashboard")
    window = {"start": FIRST, "end": LAST}
    results = {
        "reference: admin home page": timed(page(reverse("wagtailadmin_home")), runs),
        f"province {province.code} ({province.name}), 60 months, page": timed(
            page(dashboard, unit=province.pk, **window), runs
        ),
        "nation, 60 months, page": timed(page(dashboard, unit=areas.NATION_CODE, **window), runs),
        "nation, 60 months, chart": timed(
            page(reverse("statistics_dashboard_chart"), unit=areas.NATION_CODE, **window), runs
        ),
        "nation, 60 months, XLSX ranking": timed(
            page(reverse("statistics_dashboard_export"), unit=areas.NATION_CODE, **window), runs
        ),
        f"province {province.code}, 60 months, build_dashboard": timed(
            lambda: build_dashboard(unit=province, first_month=first, last_month=last), runs
        ),
        f"province {province.code}, 60 months, build_dashboard before": timed(
            lambda: old["dashboard"].build_dashboard(unit=province, first_month=first, last_month=last), runs
        ),
        "nation, 60 months, build_dashboard": timed(
            lambda: build_dashboard(unit=nation, first_month=first, last_month=last), runs
        ),
        "nation, 60 months, build_dashboard before": timed(
            lambda: old["dashboard"].build_dashboard(unit=nation, first_month=first, last_month=last),
            max(1, runs // 2),
        ),
    }

    def export():
        call_command(
            "export_indicators", "--scope", areas.NATION_CODE, "--start", FIRST, "--end", LAST,
            "--output", os.devnull, stderr=io.StringIO(),
        )  # fmt: skip

    def export_before():
        rows = old["indicator_export"].indicator_rows(scope=nation, first=first, last=last)
        old["indicator_export"].render_csv(rows)

    def one_query():
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT unit_id, report_month, source, SUM(received_online),
                          SUM(received_online + COALESCE(received_direct, 0) + COALESCE(received_postal, 0)
                              + COALESCE(received_direct_or_postal, 0))
                   FROM campaigns_dossierstatistic WHERE is_counted AND period_kind = 'month'
                     AND report_month BETWEEN %s AND %s GROUP BY unit_id, report_month, source""",
                [first, last_day(last)],
            )
            cursor.fetchall()

    slow = max(1, runs // 2)
    results["reference: one aggregate query of the statistics"] = timed(one_query, slow)
    # Minutes each on a busy machine: one run, after the reference has warmed the same statistics.
    results["nation, 60 months, export_indicators (CSV)"] = timed(export, 1, warm=False)
    results["nation, 60 months, export_indicators before (CSV)"] = timed(export_before, 1, warm=False)

    load = os.getloadavg()
    print(f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; median of {runs} warm runs (slow ones fewer)")
    home = results["reference: admin home page"][0]
    query = results["reference: one aggregate query of the statistics"][0]
    for name, (ms, count) in results.items():
        reference = query if "export" in name else home
        print(f"  {name:<62} {ms:9.0f} ms {count:5d} queries  {ms / reference:6.2f} × reference")
    if not options.keep:
        national.drop(options.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
