"""Demo dossier statistics: the seed articles' figures plus a labelled synthetic series.

The articles give rates, not the counts behind them; the counts below are chosen so that the
rates come out exactly as reported (338 dossiers = 39,5 %; 33.892 dossiers = 69,0 %; 23.175 ≈ 35 %).
Figures about a body that is no administrative unit (Hà Tĩnh's provincial service centre) or
without a denominator (Tánh Linh's 657 online and 661 BCCI dossiers of 2022) are the campaigns'
reported figures (cms.demo.campaigns), not statistics.
The synthetic series (source "Dữ liệu minh hoạ") gives the dashboard something to rank: every
commune of Lâm Đồng and of the three provinces merged into it, from 01/2021 to 10/2026, with a
slow upward trend. The six Tánh Linh communes trained in 2022 (cms.demo.trainings) gain a planted
effect from their class's month (4 points, growing by 0,3 points a month up to 10 points) so that
the impact report has an effect to find; every other commune follows the common trend only.
Everything is written through the real import, so loading twice changes nothing.
"""

import csv
import datetime
import random
import tempfile
from pathlib import Path

from campaigns.core.months import month_bounds, month_index, months_between
from campaigns.models import AdministrativeUnit, DossierStatistic
from campaigns.statistics.services import statistics_import

ARTICLE = "Số liệu theo bài báo"
SYNTHETIC = "Dữ liệu minh hoạ"
HEADER = ["Mã ĐVHC", "Kỳ", "Từ ngày", "Đến ngày", "Nguồn số liệu", "Tiếp nhận trực tuyến", "Tiếp nhận trực tiếp",
          "Tiếp nhận qua dịch vụ BCCI", "Trực tiếp, dịch vụ bưu chính"]  # fmt: skip

# (code, period "MM/YYYY" or (start, end), source, online, direct, postal). Periods are kept as the
# articles give them (a quarter, two months, seven months), never split into invented months.
ARTICLE_ROWS = [
    # TP Hà Tĩnh, July and August 2021 together: 338 online dossiers, 39,5 %.
    ("436", ("01/07/2021", "31/08/2021"), ARTICLE, 338, 518, None),
    # Điện Biên, the second quarter of 2023 as one quarterly report: 33.892 online dossiers, 69,0 %.
    ("11", ("01/04/2023", "30/06/2023"), ARTICLE, 33892, 15227, None),
]
# Hà Tĩnh province, the first seven months of 2021: 23.175 online dossiers, about 35 %. The article
# does not say how the rest split between in person and by post: one combined count, BCCI unknown.
COMBINED_ROWS = [("42", ("01/01/2021", "31/07/2021"), "Sở Thông tin và Truyền thông Hà Tĩnh", 23175, 43040)]
SYNTHETIC_PROVINCES_BEFORE = ("60", "67", "68")  # Bình Thuận, Đắk Nông, Lâm Đồng (old)
REFORM = datetime.date(2025, 7, 1)
FIRST_MONTH = datetime.date(2021, 1, 1)
# Demo impact: old commune code -> month (2022) of its first class, as in cms.demo.trainings.TANH_LINH_CLASSES.
TRAINED_2022 = {"23149": 4, "23152": 5, "23158": 6, "23161": 7, "23164": 8, "23176": 9}


def planted_effect(code: str, month: datetime.date) -> float:
    """The demo's built-in campaign effect (a fraction) for an old commune in a month; 0 when untrained."""
    if code not in TRAINED_2022:
        return 0.0
    elapsed = month_index(month) - month_index(datetime.date(2022, TRAINED_2022[code], 1))
    return 0.0 if elapsed < 0 else min(0.10, 0.04 + 0.003 * elapsed)


LAST_MONTH = datetime.date(2026, 10, 1)


def _months(first: datetime.date, last: datetime.date):
    yield from months_between(first, last)


def _synthetic_rows(rng: random.Random):
    old = AdministrativeUnit.objects.filter(
        level="commune", valid_to=REFORM, parent__parent__code__in=SYNTHETIC_PROVINCES_BEFORE
    ).values_list("code", flat=True)
    new = AdministrativeUnit.objects.filter(level="commune", valid_from=REFORM, parent__code="68").values_list(
        "code", flat=True
    )
    total_months = month_index(LAST_MONTH) - month_index(FIRST_MONTH)
    for codes, first, last in ((old, FIRST_MONTH, datetime.date(2025, 6, 1)), (new, REFORM, LAST_MONTH)):
        for code in sorted(codes):
            size = rng.randint(60, 300) * (3 if first == REFORM else 1)
            skill = rng.uniform(-0.12, 0.12)
            for month in _months(first, last):
                elapsed = month_index(month) - month_index(FIRST_MONTH)
                trend = 0.12 + 0.45 * elapsed / total_months + skill + rng.gauss(0, 0.03)
                rate = min(0.95, max(0.02, trend + planted_effect(code, month)))
                received = max(5, int(rng.gauss(size, size * 0.15)))
                postal = int(received * rng.uniform(0.0, 0.06))
                online = int(round((received - postal) * rate))
                yield (code, f"{month:%m/%Y}", SYNTHETIC, online, received - postal - online, postal)


def _drop_outdated_article_rows(kept: set) -> None:
    """Demo figures of an earlier version of the seed data that the current ones replace (a month where the
    article now gives a two-month period or a quarter): left in place they would overlap the new periods."""
    outdated = [
        row.pk
        for row in DossierStatistic.objects.filter(source=ARTICLE).select_related("unit")
        if (row.unit.code, f"{row.period_start:%d/%m/%Y}", f"{row.period_end:%d/%m/%Y}") not in kept
    ]
    DossierStatistic.objects.filter(pk__in=outdated).delete()


def demo_statistics_load() -> dict:
    rng = random.Random(20251)  # noqa: S311 - reproducible demo figures
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "thong-ke-minh-hoa.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            combined = [
                (code, period, source, online, None, None, rest)
                for code, period, source, online, rest in COMBINED_ROWS
            ]
            separate = [(*row, None) for row in [*ARTICLE_ROWS, *_synthetic_rows(rng)]]
            kept = set()
            for code, period, source, online, direct, postal, joined in [*separate, *combined]:
                if isinstance(period, tuple):
                    start, end = period
                    period_text = ""
                else:
                    month, year = (int(part) for part in period.split("/"))
                    first, last = month_bounds(year, month)
                    start, end, period_text = first.strftime("%d/%m/%Y"), last.strftime("%d/%m/%Y"), period
                if source == ARTICLE:
                    kept.add((code, start, end))
                writer.writerow(
                    [
                        code,
                        period_text,
                        start,
                        end,
                        source,
                        online,
                        "" if direct is None else direct,
                        "" if postal is None else postal,
                        "" if joined is None else joined,
                    ]
                )
        _drop_outdated_article_rows(kept)
        report = statistics_import(path=path, origin="load_demo")
    return {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
