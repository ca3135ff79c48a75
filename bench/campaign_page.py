"""Cold and warm views of a public campaign page, against a guide page measured the same way in the same run.

A temporary SQLite database (or the PostgreSQL database of ``--database-url``) gets the migrations, the administrative
units and the demo content (``bench/site_pages.py``'s preparation). Then, in one process under the production
settings, each page is requested through Django's test client:

  cold  every cache emptied before each request (page cache, default cache, per-process memos): routing, the
        campaign's figures (statistics queries), the SVG chart and the template are all computed
  expired  only the page cache emptied (as when its 60 s are over): the campaign's figures and units come from the
        default cache, the page is rendered again
  warm  the same URL again: answered by the page cache

The guide is the reference (its cold and warm costs are documented in docs/site.md): the ratios campaign/guide say
how much dearer the campaign page is. For comparison, the former PNG chart (matplotlib) of the same figures is timed
too: its first drawing in a process (the import of matplotlib included) and a later one.

    .venv/bin/python bench/campaign_page.py [--rounds 15] [--database-url postgres://postgres@127.0.0.1:5432/cbench]
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_pages import GUIDE_SLUG, ROOT, manage, prepare  # noqa: E402

CAMPAIGN_SLUG = "chien-dich-tanh-linh-2022"

MEASURE = r"""
import json, statistics, time
from django.core.cache import caches
from django.test import Client
from cms import page_cache
from cms.models import CampaignPage, GuidePage

client = Client()
campaign = CampaignPage.objects.live().filter(slug=CAMPAIGN).first() or CampaignPage.objects.live().first()
guide = GuidePage.objects.live().filter(slug=GUIDE).first() or GuidePage.objects.live().first()

def empty():
    for alias in caches:
        caches[alias].clear()
    page_cache._memos.clear()

def timed(path):
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code)
    return elapsed, response

result = {}
for name, page in (("campaign", campaign), ("guide", guide)):
    path = page.url
    timed(path)  # templates and URL patterns loaded once, as in a running server
    cold, expired, warm = [], [], []
    for _ in range(ROUNDS):
        empty()
        elapsed, response = timed(path)
        cold.append(elapsed)
        caches["pages"].clear()
        elapsed, response = timed(path)
        expired.append(elapsed)
        elapsed, response = timed(path)
        assert response.get("X-Page-Cache") == "hit", (path, response.get("X-Page-Cache"))
        warm.append(elapsed)
    result[name] = {
        "url": path,
        "cold": statistics.median(cold),
        "expired": statistics.median(expired),
        "warm": statistics.median(warm),
    }

progress = campaign.progress
start = time.perf_counter()
from campaigns.statistics.charts import rate_chart_png
points = progress.points
kwargs = dict(
    months=[p.month for p in points], rates=[p.rate.value for p in points],
    low=[p.rate.interval.low for p in points], high=[p.rate.interval.high for p in points],
    target=progress.target, title="x", y_label="y", target_label="t", compact=True,
)
rate_chart_png(**kwargs)
first_png = time.perf_counter() - start
start = time.perf_counter()
rate_chart_png(**kwargs)
result["png_chart"] = {"first": first_png, "later": time.perf_counter() - start}
print("RESULT " + json.dumps(result))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="campaign-bench-") as directory:
        env = prepare(Path(directory), options.database_url, None)
        env["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
        script = f"CAMPAIGN = {CAMPAIGN_SLUG!r}\nGUIDE = {GUIDE_SLUG!r}\nROUNDS = {options.rounds}\n" + MEASURE
        output = manage("shell", "-c", script, env=env)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    campaign, guide, png = result["campaign"], result["guide"], result["png_chart"]
    print(f"database: {'PostgreSQL' if options.database_url else 'SQLite'}; median of {options.rounds} rounds")
    print(f"{'page':<10} {'url':<34} {'cold ms':>9} {'expired ms':>11} {'warm ms':>9}")
    for name, row in (("guide", guide), ("campaign", campaign)):
        print(
            f"{name:<10} {row['url']:<34} {row['cold'] * 1000:9.1f} {row['expired'] * 1000:11.1f}"
            f" {row['warm'] * 1000:9.2f}"
        )
    ratios = ", ".join(f"{mode} {campaign[mode] / guide[mode]:.2f}" for mode in ("cold", "expired", "warm"))
    print(f"ratio campaign/guide: {ratios}")
    print(f"former PNG chart alone: first {png['first'] * 1000:.0f} ms, later {png['later'] * 1000:.0f} ms")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
