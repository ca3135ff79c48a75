"""Rendering a campaign impact payload: narrative, charts, plain text, XLSX and PDF (no database needed).

Assertions on Vietnamese wording need the vi catalogue entries of campaigns/impact (narrative.py, render.py,
charts.py); until they are merged, those tests are skipped (see ``needs_catalogue``). Everything else asserts
on numbers (formatted the Vietnamese way whatever the catalogue), on data strings, on structure, or on English
wording under ``override("en")``.
"""

import copy
import io
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from campaigns.impact.charts import counterfactual_chart, event_study_chart
from campaigns.impact.narrative import (
    format_months,
    format_number,
    format_percent,
    format_points,
    format_range,
    narrative,
)
from campaigns.impact.render import render_pdf, render_text, render_xlsx

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_FORMULA = "=cmd|' /C calc'!A0"
HOSTILE_MARKUP = "Xã <script>alert(1)</script> & <b>Đông"

# Wording that would present the activity mix (or anything) as a cause.
CAUSAL_EN = ("caused", "causes the", "led to", "leads to", "because of", "thanks to", "drove", "resulted in", "due to")
CAUSAL_VI = ("gây ra", "dẫn đến", "nhờ", "khiến", "làm tăng", "do hoạt động", "là nguyên nhân")


def _catalogue_merged() -> bool:
    with translation.override("vi"):
        return gettext("Activities associated with a higher online rate: %(items)s.") != (
            "Activities associated with a higher online rate: %(items)s."
        )


needs_catalogue = pytest.mark.skipif(
    not _catalogue_merged(), reason="the vi translations of campaigns/impact are not in the catalogue yet"
)


@pytest.fixture
def payload():
    return json.loads((HERE / "sample_payload.json").read_text(encoding="utf-8"))


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@pytest.fixture
def payload60(payload):
    """Sixty months of counterfactual and sixty event times, as a long campaign would give."""
    start = 2019 * 12 + 3
    payload["counterfactual"] = []
    for i in range(60):
        base = 0.20 + 0.003 * i
        payload["counterfactual"].append(
            {
                "period": _month(start + i),
                "observed": base + 0.07 * (1 - math.exp(-i / 4)),
                "without_campaign": base,
                "ci95": [base - 0.012, base + 0.012],
            }
        )
    payload["did"]["event_study"] = []
    for e in range(-24, 36):
        att = 0.003 * math.sin(e) + (0 if e < 0 else 0.07 * (1 - math.exp(-(e + 1) / 4)))
        payload["did"]["event_study"].append({"e": e, "att": att, "se": 0.005, "ci95": [att - 0.01, att + 0.01]})
    return payload


@pytest.fixture
def no_did(payload):
    payload["did"] = None
    payload["extra_online_dossiers"] = None
    payload["counterfactual"] = []
    payload["warnings"] = [
        {"code": "no_controls", "message": "Không có xã nào chưa triển khai để so sánh."},
        {"code": "short_series", "message": "Chuỗi số liệu trước chiến dịch quá ngắn."},
    ]
    return payload


@pytest.fixture
def empty(payload):
    for key in ("counterfactual", "channels", "targets", "units", "warnings"):
        payload[key] = []
    payload["did"]["event_study"] = []
    payload["did"]["by_group"] = []
    payload["recommendations"] = {"next_units": [], "projections": []}
    return payload


@pytest.fixture
def hostile(payload):
    payload["campaign"]["title"] = "+Chiến dịch <i>thử</i>"
    payload["units"][0]["name"] = HOSTILE_FORMULA
    payload["units"][1]["name"] = HOSTILE_MARKUP
    payload["units"].append(
        {
            "code": "@99",
            "name": "-Xã \x07chuông",
            "reached": None,
            "baseline_rate": None,
            "latest_rate": None,
            "change_pp": None,
            "dossiers": 0,
        }
    )
    payload["channels"][0]["label"] = "@Tờ rơi <tr>"
    payload["targets"][0]["label"] = "=1+1"
    payload["warnings"].append({"code": "-x", "message": "+Cảnh báo <br/> & </para>"})
    payload["recommendations"]["next_units"][0]["name"] = '=HYPERLINK("http://x")'
    return payload


def _with_overall(payload, att, low, high):
    payload["did"]["overall"] = {"att": att, "se": abs(high - low) / 3.92, "ci95": [low, high]}
    return payload


# --- Number formatting ---------------------------------------------------------------------------------------


def test_numbers_follow_the_language():
    with translation.override("vi"):
        assert format_number(1234.5) == "1.235"  # half up, grouped
        assert format_points(0.07) == "7,0"
        assert format_points(0.0725) == "7,3"
        assert format_points(-0.003) == "−0,3"
        assert format_points(-0.0001) == "0,0"
        assert format_percent(0.395) == "39,5 %"
        assert format_range(0.068, 0.072) == "6,8–7,2"
        assert format_months(["2021-01", "2021-12"]) == "01/2021–12/2021"
        assert format_months(["2022-04", "2022-04"]) == "04/2022"
        assert format_number(None) == format_points(float("nan")) == format_percent(None) == "—"
    with translation.override("en"):
        assert format_number(1234.5) == "1,235"
        assert format_points(0.07) == "7.0"
        assert format_percent(0.395) == "39.5%"
        assert format_range(-0.003, 0.013) == "−0.3 to 1.3"


# --- Narrative -----------------------------------------------------------------------------------------------


def test_narrative_has_both_languages_and_the_headline_figures(payload):
    texts = narrative(payload)
    assert set(texts) == {"vi", "en"}
    vi, en = texts["vi"], texts["en"]
    for figure in ("21,4 %", "39,5 %", "7,0", "6,8–7,2", "1.235", "1.100–1.369", "0,60", "01/2021–12/2021"):
        assert figure in vi
    for figure in ("21.4%", "39.5%", "7.0 percentage points", "6.8–7.2", "1,235", "1,100–1,369", "p = 0.60"):
        assert figure in en
    assert "Huyện Tánh Linh" in vi and "Huyện Tánh Linh" in en
    assert "raised their online rate by 7.0 percentage points more than units that never ran" in en
    assert "does not include zero" in en
    assert "pre-trend check passed" in en
    assert translation.get_language() == "vi"  # the override does not leak


def test_narrative_words_the_activity_mix_as_an_association(payload):
    en = narrative(payload)["en"]
    assert "Activities associated with a higher online rate: Tập huấn (1.0 percentage points per 10" in en
    assert "No clear association with the online rate for: Tờ rơi." in en
    assert "not proof of cause" in en


@pytest.mark.parametrize(
    "variant",
    ["sample", "null_did", "interval_includes_zero", "lower", "pretest_failed", "no_clear_channel"],
)
def test_narrative_never_uses_causal_wording(payload, variant):
    if variant == "null_did":
        payload["did"] = None
    elif variant == "interval_includes_zero":
        _with_overall(payload, 0.004, -0.002, 0.01)
    elif variant == "lower":
        _with_overall(payload, -0.03, -0.05, -0.01)
    elif variant == "pretest_failed":
        payload["did"]["pretest"]["p_value"] = 0.001
    elif variant == "no_clear_channel":
        payload["channels"][1]["ci95"] = [-0.002, 0.02]
    for text in narrative(payload).values():
        lowered = text.lower()
        for word in CAUSAL_EN + CAUSAL_VI:
            assert word not in lowered, (word, text)


def test_interval_including_zero_claims_no_effect(payload):
    _with_overall(payload, 0.004, -0.002, 0.01)
    payload["extra_online_dossiers"] = {"estimate": 70.0, "ci95": [-35.0, 176.0]}
    texts = narrative(payload)
    en = texts["en"]
    assert "The data do not show an effect distinguishable from zero" in en
    assert "0.4 percentage points" in en and "(−0.2 to 1.0) includes zero" in en
    assert "raised their online rate" not in en
    assert "statistically clear" not in en
    assert "That is about" not in en and "The matching estimate of additional online dossiers is 70" in en
    assert "−0,2" in texts["vi"] and "0,4" in texts["vi"]


def test_clear_negative_effect_is_a_lower_rate(payload):
    _with_overall(payload, -0.03, -0.05, -0.01)
    en = narrative(payload)["en"]
    assert "an online rate 3.0 percentage points lower than units that never ran the campaign" in en
    assert "(95 % interval: −5.0 to −1.0)" in en
    assert "That is about" not in en


def test_missing_interval_is_not_an_effect(payload):
    payload["did"]["overall"]["ci95"] = None
    en = narrative(payload)["en"]
    assert "do not show an effect distinguishable from zero" in en
    assert "uncertainty could not be computed" in en


def test_failed_pretest_asks_for_caution(payload):
    payload["did"]["pretest"]["p_value"] = 0.008
    en = narrative(payload)["en"]
    assert "pre-trend check failed, p = 0.008): the result needs caution." in en
    payload["did"]["pretest"] = None
    assert "could not be run" in narrative(payload)["en"]


def test_not_yet_treated_comparison(payload):
    payload["did"]["control"] = "notyet"
    assert "more than units that had not yet run the campaign" in narrative(payload)["en"]


def test_null_did_says_why_and_shows_observed_figures_only(no_did):
    texts = narrative(no_did)
    en, vi = texts["en"], texts["vi"]
    assert "cannot be estimated" in en
    assert "Không có xã nào chưa triển khai để so sánh; Chuỗi số liệu trước chiến dịch quá ngắn." in en
    assert "Không có xã nào chưa triển khai để so sánh" in vi
    assert "21,4 %" in vi and "39,5 %" in vi
    assert "percentage points" not in en
    assert "associated" not in en


def test_narrative_survives_nan_and_missing_parts(payload):
    payload["did"]["overall"]["att"] = float("nan")
    payload["observed"]["baseline_rate"] = None
    payload.pop("units")
    payload.pop("recommendations")
    en = narrative(payload)["en"]
    assert "cannot be estimated" in en and "not available" in en


@needs_catalogue
def test_vietnamese_wording(payload):
    vi = narrative(payload)["vi"]
    assert (
        "Các xã đã triển khai tăng thêm 7,0 điểm % so với các xã chưa triển khai (khoảng tin cậy 95 %: 6,8–7,2)." in vi
    )
    assert "khoảng 1.235 hồ sơ trực tuyến tăng thêm (khoảng tin cậy 95 %: 1.100–1.369)" in vi
    assert "gắn với" in vi
    payload["did"]["pretest"]["p_value"] = 0.01
    assert "kết quả cần thận trọng" in narrative(payload)["vi"]
    _with_overall(payload, 0.004, -0.002, 0.01)
    assert "Dữ liệu chưa cho thấy tác động khác biệt so với 0" in narrative(payload)["vi"]


# --- Charts --------------------------------------------------------------------------------------------------


def _png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@pytest.mark.parametrize("chart", [counterfactual_chart, event_study_chart])
def test_charts_are_pngs_and_svgs(payload60, chart):
    png = chart(payload60)
    assert png.startswith(PNG_SIGNATURE)
    assert _png_size(png) == (640, 440)
    assert _png_size(chart(payload60, dpi=200)) == (1280, 880)
    svg = chart(payload60, svg=True)
    assert b"<svg" in svg[:500]


@pytest.mark.parametrize("chart", [counterfactual_chart, event_study_chart])
@pytest.mark.parametrize("variant", ["no_did", "empty"])
def test_charts_without_data(request, variant, chart):
    assert chart(request.getfixturevalue(variant)).startswith(PNG_SIGNATURE)


def test_charts_with_only_post_periods_and_missing_intervals(payload):
    payload["did"]["event_study"] = [{"e": 0, "att": 0.05, "se": 0.0, "ci95": None}]
    payload["counterfactual"] = [{"period": "2022-04", "observed": 0.3, "without_campaign": 0.25, "ci95": None}]
    assert event_study_chart(payload).startswith(PNG_SIGNATURE)
    assert counterfactual_chart(payload).startswith(PNG_SIGNATURE)


def test_charts_module_does_not_import_pyplot():
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'cms.settings.test'); django.setup(); "
        "import sys, campaigns.impact.charts, campaigns.impact.render; "
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --- Plain text ----------------------------------------------------------------------------------------------


def test_text_report(payload):
    text = render_text(payload)
    for figure in ("39,5 %", "7,0", "6,8–7,2", "1.235", "Thị trấn Lạc Tánh", "Tập huấn", "04/2022", "31/12/2022"):
        assert figure in text
    assert "Nhóm triển khai tháng 04/2022 chỉ có 1 xã" in text
    assert narrative(payload)["vi"][:40] in text.replace("\n", " ")
    with translation.override("en"):
        text = render_text(payload)
    for heading in ("KEY FIGURES", "EVENT STUDY", "BY COHORT", "ACTIVITY MIX", "TARGETS", "WARNINGS", "METHOD"):
        assert heading in text
    assert "Callaway & Sant'Anna, 2021" in " ".join(text.split())
    # units ranked by change, largest first
    assert text.index("Thị trấn Lạc Tánh (23149)") < text.index("Xã Đức Phú (23155)")


def test_text_report_without_estimate(no_did):
    with translation.override("en"):
        text = render_text(no_did)
    assert "cannot be estimated" in text.lower()
    assert "Chuỗi số liệu trước chiến dịch quá ngắn." in text
    assert "EVENT STUDY" not in text and "ACTIVITY MIX" not in text
    assert "21.4%" in text


def test_text_report_with_empty_lists(empty):
    with translation.override("en"):
        text = render_text(empty)
    assert "No data." in text and "None." in text and "RECOMMENDATIONS" not in text


# --- XLSX ----------------------------------------------------------------------------------------------------

SHEETS_EN = ["Summary", "Event study", "By cohort", "Counterfactual", "Units", "Activity mix", "Targets", "Warnings"]
SHEETS_VI = ["Tóm tắt", "Nghiên cứu sự kiện", "Theo nhóm", "Đường phản thực", "Đơn vị", "Kênh", "Mục tiêu", "Cảnh báo"]


def _workbook(content: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content))


def _row(sheet, label):
    return next(row for row in sheet.iter_rows() if row[0].value == label)


def test_xlsx_sheets_numbers_and_formats(payload):
    with translation.override("en"):
        workbook = _workbook(render_xlsx(payload))
    assert workbook.sheetnames == SHEETS_EN
    summary = workbook["Summary"]
    start = _row(summary, "Online rate at the start (01/2021–12/2021)")
    assert (start[1].value, start[2].value, start[3].value) == (0.214, 0.19, 0.238)
    assert start[1].number_format == "0.0%"
    effect = _row(summary, "Effect of the campaign (percentage points)")
    assert effect[1].value == pytest.approx(7.0) and effect[2].value == pytest.approx(6.8)
    assert effect[1].number_format == "0.0" and effect[1].data_type == "n"
    extra = _row(summary, "Additional online dossiers")
    assert extra[1].value == 1234.5 and extra[1].number_format == "#,##0"
    assert _row(summary, "Pre-trend check (p-value)")[1].value == 0.6

    events = workbook["Event study"]
    assert [cell.value for cell in events["A"][1:]] == [-2, -1, 0, 1]
    assert events["C4"].value == pytest.approx(5.0) and events["C4"].number_format == "0.0"
    assert workbook["By cohort"]["A2"].value == "04/2022" and workbook["By cohort"]["B2"].value == 1
    counterfactual = workbook["Counterfactual"]
    assert counterfactual["B2"].value == 0.31 and counterfactual["B2"].number_format == "0.0%"
    assert counterfactual["F2"].value == pytest.approx(5.0)
    units = workbook["Units"]
    assert [units["C2"].value, units["C3"].value] == ["Thị trấn Lạc Tánh", "Xã Đức Phú"]
    assert units["E2"].value == 0.2 and units["E2"].number_format == "0.0%"
    assert units["H2"].value == 5400 and units["H2"].number_format == "#,##0"
    channels = workbook["Activity mix"]
    assert channels["A3"].value == "Tập huấn" and channels["C3"].value == pytest.approx(1.0)
    assert channels["G3"].value == "Associated with a higher rate"
    targets = workbook["Targets"]
    assert targets["B2"].value == 0.3 and targets["B2"].number_format == "0.0%" and targets["G2"].value == "Reached"
    assert workbook["Warnings"]["A2"].value == "small_cohort"


@needs_catalogue
def test_xlsx_sheet_names_in_vietnamese(payload):
    assert _workbook(render_xlsx(payload)).sheetnames == SHEETS_VI


def test_xlsx_text_is_formula_safe(hostile):
    workbook = _workbook(render_xlsx(hostile))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert not cell.value.startswith(FORMULA_STARTS), (sheet.title, cell.coordinate, cell.value)
    assert "'" + HOSTILE_FORMULA in texts
    assert "'-Xã chuông" in texts  # control character dropped, formula start escaped
    assert "'=1+1" in texts and "'@Tờ rơi <tr>" in texts and "'+Cảnh báo <br/> & </para>" in texts


def test_xlsx_without_estimate_keeps_its_sheets(no_did):
    with translation.override("en"):
        workbook = _workbook(render_xlsx(no_did))
    assert workbook.sheetnames == SHEETS_EN
    note = "The effect of the campaign cannot be estimated from these data."
    for name in ("Event study", "By cohort", "Counterfactual", "Activity mix"):
        assert workbook[name]["A2"].value == note
    assert _row(workbook["Summary"], "Effect of the campaign")[1].value == "Cannot be estimated"
    assert workbook["Warnings"].max_row == 3
    assert workbook["Units"]["E2"].value == 0.2


def test_xlsx_with_empty_lists(empty):
    with translation.override("en"):
        workbook = _workbook(render_xlsx(empty))
    for name in ("Event study", "By cohort", "Counterfactual", "Units", "Activity mix", "Targets"):
        assert workbook[name]["A2"].value == "No data.", name
    assert workbook["Warnings"]["A2"].value == "None."


# --- PDF -----------------------------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> tuple[str, int, int]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    images = sum(len(page.images) for page in reader.pages)
    return text, len(reader.pages), images


def test_pdf_contains_the_headline_figures_and_both_charts(payload):
    content = render_pdf(payload)
    assert content.startswith(b"%PDF")
    text, pages, images = _pdf_text(content)
    flat = " ".join(text.split())
    for figure in ("39,5 %", "21,4 %", "7,0", "6,8–7,2", "1.235", "1.100–1.369", "Thị trấn Lạc Tánh", "Tập huấn"):
        assert figure in flat, figure
    assert "Callaway & Sant'Anna" in flat
    assert "Nhóm triển khai tháng 04/2022 chỉ có 1 xã" in flat
    assert images == 2
    assert pages >= 2


def test_pdf_english_labels_and_verdicts(payload):
    with translation.override("en"):
        flat = " ".join(_pdf_text(render_pdf(payload))[0].split())
    assert "Campaign impact report" in flat and "7.0" in flat and "1,235" in flat
    assert "Reached" in flat and "not proof of cause" in flat


@needs_catalogue
def test_pdf_vietnamese_verdicts(payload):
    payload["targets"] += [
        dict(payload["targets"][0], verdict="not_reached"),
        dict(payload["targets"][0], verdict="too_close"),
    ]
    flat = " ".join(_pdf_text(render_pdf(payload))[0].split())
    assert "Đạt" in flat and "Chưa đạt" in flat and "Chưa đủ căn cứ để kết luận" in flat
    assert "Báo cáo tác động chiến dịch" in flat


def test_pdf_escapes_markup(hostile):
    text, _pages, _images = _pdf_text(render_pdf(hostile))
    flat = " ".join(text.split())
    assert "<script>alert(1)</script> & <b>Đông" in flat
    assert HOSTILE_FORMULA in flat
    assert "+Chiến dịch <i>thử</i>" in flat


def test_pdf_without_estimate(no_did):
    with translation.override("en"):
        text, _pages, images = _pdf_text(render_pdf(no_did))
    flat = " ".join(text.split())
    assert images == 0
    assert "cannot be estimated" in flat and "Chuỗi số liệu trước chiến dịch quá ngắn." in flat
    assert "21.4%" in flat and "Activity mix" not in flat


def test_pdf_with_empty_lists(empty):
    assert _pdf_text(render_pdf(empty))[0]


def test_pdf_shows_the_top_20_units(payload):
    payload["units"] = [
        {
            "code": f"9{i:04d}",
            "name": f"Xã Thử {i:02d}",
            "reached": None,
            "baseline_rate": 0.2,
            "latest_rate": 0.2 + i / 1000,
            "change_pp": i / 1000,
            "dossiers": 100,
        }
        for i in range(1, 31)
    ]
    flat = " ".join(_pdf_text(render_pdf(payload))[0].split())
    assert "Xã Thử 30" in flat and "Xã Thử 11" in flat
    assert "Xã Thử 10" not in flat and "Xã Thử 01" not in flat


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_pdf_first_page_renders_to_png(payload60, tmp_path):
    from PIL import Image

    pdf = tmp_path / "impact.pdf"
    pdf.write_bytes(render_pdf(payload60))
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    for path in pages:
        with Image.open(path) as image:
            assert image.size[0] < image.size[1]  # A4 portrait
            low, high = image.convert("L").getextrema()
            assert low < 100 and high == 255  # ink on white paper


def test_payload_is_not_modified(payload):
    before = copy.deepcopy(payload)
    narrative(payload)
    render_text(payload)
    render_xlsx(payload)
    render_pdf(payload)
    assert payload == before
