"""Time of the leaders' impact report page when its result is cached, against the admin home page in the same run.

A temporary SQLite database (or the PostgreSQL database of ``--database-url``) is migrated and gets the units and
the demo data; then, in this process with Django's test client, signed in as the demo administrator:

  compute   the first view of the Tánh Linh 2022 report with the immediate task backend (the worker's work done in
            the request, as in the tests): panel, analysis and storage (once)
  cached    the report page with its stored result (fingerprint of the data checked on every view)
  reference the Wagtail admin home page (/admin/) with its panels

Then the two report charts on the demo report's payload, against a plain matplotlib figure of 3 lines × 60 points
saved as PNG (the reference of PRODUCT.md's "one chart" budget), best of 10 each.

Budgets (issue 7 and PRODUCT.md): the cached report page <= 500 ms; one chart <= 100 ms.

    .venv/bin/python bench/impact_report.py [--repeat 20] [--database-url postgres://postgres@127.0.0.1:5432/impact_bench]
"""

import argparse
import io
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 500
CHART_BUDGET_MS = 100
CAMPAIGN = "tanh-linh-2022"


def _timed(client, url, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="impact-bench-")
    os.environ["DATABASE_URL"] = options.database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    os.environ["TASKS_BACKEND"] = "immediate"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from campaigns.models import Campaign

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_units", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    print(f"set-up (migrate, units, demo data): {time.perf_counter() - started:.1f} s")

    client = Client()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    campaign = Campaign.objects.get(slug=CAMPAIGN)
    url = reverse("campaign_impact", args=[campaign.pk])
    from campaigns.models import ImpactResult

    ImpactResult.objects.filter(campaign=campaign).delete()  # load_demo computed it: make the first view compute
    started = time.perf_counter()
    assert client.get(url).status_code == 200
    compute = (time.perf_counter() - started) * 1000
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    queries = queries.captured_queries
    cached, cached_best = _timed(client, url, options.repeat)
    reference, reference_best = _timed(client, reverse("wagtailadmin_home"), options.repeat)
    database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"\n{database}, {options.repeat} requests each, median (best)")
    print(f"{'page':<34}{'ms':>10}{'best':>10}")
    print(f"{'report, computed (immediate backend)':<34}{compute:>10.0f}{'':>10}")
    print(f"{'report, cached':<34}{cached:>10.0f}{cached_best:>10.0f}   {len(queries)} SQL queries")
    print(f"{'reference: admin home':<34}{reference:>10.0f}{reference_best:>10.0f}")
    print(f"\nratio cached report / admin home: {cached / reference:.2f}")
    verdict = "met" if cached <= BUDGET_MS else "NOT met"
    print(f"budget: cached report <= {BUDGET_MS} ms: {verdict} ({cached:.0f} ms)")

    from campaigns.impact import charts

    payload = ImpactResult.objects.get(campaign=campaign).payload
    reference_chart = _best(_plain_chart)
    print(f"\n{'chart (best of 10)':<34}{'ms':>10}{'× plain':>10}")
    print(f"{'reference: 3 × 60 points, PNG':<34}{reference_chart:>10.0f}{1:>10.2f}")
    worst = 0.0
    for name, builder in (("counterfactual", charts.counterfactual_chart), ("event study", charts.event_study_chart)):
        took = _best(lambda builder=builder: builder(payload))
        worst = max(worst, took)
        print(f"{name:<34}{took:>10.0f}{took / reference_chart:>10.2f}")
    print(f"budget: one chart <= {CHART_BUDGET_MS} ms: {'met' if worst <= CHART_BUDGET_MS else 'NOT met'}")
    return 0 if cached <= BUDGET_MS and worst <= CHART_BUDGET_MS else 1


def _best(function, repeat: int = 10) -> float:
    function()  # fonts and caches warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def _plain_chart():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 4.4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for line in range(3):
        axes.plot(range(60), [0.1 * line + 0.005 * x for x in range(60)])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")


if __name__ == "__main__":
    sys.exit(main())
