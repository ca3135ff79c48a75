import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from campaigns.statistics.charts import percent_vi, rate_chart_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PROJECT_ROOT = Path(__file__).resolve().parents[3]


def _months(count, start=datetime.date(2020, 1, 1)):
    return [
        datetime.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
        for i in range(count)
    ]


def test_percent_vi():
    assert percent_vi(0.395) == "39,5 %"
    assert percent_vi(0.3312, 2) == "33,12 %"
    assert percent_vi(0.3, 0) == "30 %"
    assert percent_vi(1) == "100,0 %"
    assert percent_vi(0) == "0,0 %"
    assert percent_vi(-0.00001) == "0,0 %"


def test_percent_vi_without_value():
    assert percent_vi(None) == "—"
    assert percent_vi(float("nan")) == "—"


def test_chart_is_a_png():
    png = rate_chart_png(months=_months(3), rates=[0.1, 0.2, 0.3])
    assert isinstance(png, bytes)
    assert png.startswith(PNG_SIGNATURE)


def test_chart_with_sixty_months_band_and_target():
    months = _months(60)
    rates = [0.10 + 0.35 * i / 59 for i in range(60)]
    png = rate_chart_png(
        months=months,
        rates=rates,
        low=[rate - 0.03 for rate in rates],
        high=[rate + 0.03 for rate in rates],
        target=0.30,
        title="Tỷ lệ hồ sơ trực tuyến",
        y_label="Tỷ lệ",
        target_label="Mục tiêu 30 %",
    )
    assert png.startswith(PNG_SIGNATURE)


def test_chart_with_gaps():
    rates = [0.2, None, 0.3, 0.35, None, None, 0.5]
    bounds = [None if rate is None else rate - 0.05 for rate in rates]
    png = rate_chart_png(months=_months(7), rates=rates, low=bounds, high=[None, None, 0.4, 0.4, None, None, 0.6])
    assert png.startswith(PNG_SIGNATURE)


def test_chart_with_no_data_at_all():
    png = rate_chart_png(
        months=_months(12), rates=[None] * 12, low=[None] * 12, high=[None] * 12, target=0.3, target_label="Mục tiêu"
    )
    assert png.startswith(PNG_SIGNATURE)


def test_chart_without_months():
    assert rate_chart_png(months=[], rates=[], target=0.3, target_label="Mục tiêu").startswith(PNG_SIGNATURE)


def test_chart_with_a_single_month_and_tiny_rates():
    assert rate_chart_png(months=_months(1), rates=[0.004]).startswith(PNG_SIGNATURE)


def test_chart_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        rate_chart_png(months=_months(3), rates=[0.1, 0.2])
    with pytest.raises(ValueError):
        rate_chart_png(months=_months(3), rates=[0.1, 0.2, 0.3], low=[0.1])


def test_chart_rejects_repeated_months():
    with pytest.raises(ValueError):
        rate_chart_png(months=[datetime.date(2021, 7, 1), datetime.date(2021, 7, 15)], rates=[0.1, 0.2])


def test_charts_module_does_not_import_pyplot():
    code = "import sys, campaigns.statistics.charts; assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
