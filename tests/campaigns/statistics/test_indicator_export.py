"""export_indicators (command and dashboard download), the data-quality screen, unknown rates, and the
hand-entry form saying which source counts."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.access.roles import Role
from campaigns.models import DossierStatistic
from campaigns.statistics.indicator_export import INDICATOR_COLUMNS
from tests.factories.campaigns import hanoi_2022, past_campaign
from tests.factories.statistics import statistic_for
from tests.factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
NOVEMBER = (datetime.date(2025, 10, 15), datetime.date(2025, 11, 14))


def add(code, period, online, direct=None, postal=None, *, combined=None, source="", current=True):
    return statistic_for(
        unit(code, current=current), period, online, direct, postal, received_direct_or_postal=combined, source=source
    )


def month(year, number):
    following = datetime.date(year + (number == 12), number % 12 + 1, 1)
    return datetime.date(year, number, 1), following - datetime.timedelta(days=1)


def export(*arguments) -> str:
    out = io.StringIO()
    call_command("export_indicators", *arguments, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_indicators_has_exactly_the_columns_and_one_row_per_commune_and_month():
    add("23149", NOVEMBER, 30, 60, 10, source="Biểu 06/VPCP/KSTT")
    add("23149", month(2025, 11), 99, 1, source="Nhập tay")  # another source, same report month: not added
    add("23152", month(2025, 11), 20, combined=80)  # in person and postal joined: BCCI unknown
    text = export("--scope", "23149", "--start", "2025-11", "--end", "2025-11")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert tuple(rows[0]) == INDICATOR_COLUMNS
    assert rows[1] == ["23149", "Xã Tánh Linh", "2025-11", "Biểu 06/VPCP/KSTT", "30", "100", "0.3", "0.1", "1"]
    province = json.loads(export("--scope", "68", "--start", "2025-11", "--end", "2025-12", "--format", "json"))
    by_key = {(row["unit_code"], row["month"]): row for row in province}
    assert by_key[("23152", "2025-11")]["bcci_rate"] is None
    assert by_key[("23152", "2025-11")]["online_rate"] == pytest.approx(0.2)
    # Missing months are missing, not zero.
    assert by_key[("23152", "2025-12")] | {} == {
        "unit_code": "23152",
        "unit_name": "Xã Bắc Ruộng",
        "month": "2025-12",
        "source": "",
        "received_online": None,
        "received_total": None,
        "online_rate": None,
        "bcci_rate": None,
        "completeness": 0.0,
    }
    assert len({key[0] for key in by_key}) == len(province) // 2  # every commune of today's Lâm Đồng, both months


def test_export_indicators_uses_the_unit_in_force_for_a_reused_code_and_maps_with_current_units(tmp_path):
    # 23149 was Thị trấn Lạc Tánh before 07/2025 and is Xã Tánh Linh after.
    add("23149", month(2024, 5), 40, 60, current=False)
    add("23152", month(2024, 5), 10, 90, current=False)
    old = json.loads(export("--scope", "23149", "--start", "2024-05", "--end", "2024-05", "--format", "json"))
    assert [(row["unit_name"], row["received_online"]) for row in old] == [("Thị trấn Lạc Tánh", 40)]
    district = json.loads(export("--scope", "599", "--start", "2024-05", "--end", "2024-05", "--format", "json"))
    assert {row["unit_code"] for row in district} >= {"23149", "23152"}
    current = json.loads(
        export("--scope", "68", "--start", "2024-05", "--end", "2024-05", "--format", "json", "--current-units")
    )
    names = {row["unit_name"]: row for row in current if row["received_online"] is not None}
    # Old communes' figures appear under today's communes they went into, never under abolished ones.
    assert "Thị trấn Lạc Tánh" not in names
    assert sum(row["received_online"] for row in names.values()) == 50
    path = tmp_path / "chi-so.xlsx"
    export("--scope", "599", "--start", "2024-05", "--end", "2024-05", "--format", "xlsx", "--output", str(path))
    sheet = load_workbook(path).active
    assert tuple(cell.value for cell in sheet[1]) == INDICATOR_COLUMNS


@pytest.mark.parametrize(
    "arguments",
    [
        ["--scope", "99999", "--start", "2025-01", "--end", "2025-02"],
        ["--scope", "68", "--start", "2025-13", "--end", "2025-02"],
        ["--scope", "68", "--start", "2025-05", "--end", "2025-02"],
        ["--scope", "599", "--start", "2026-01", "--end", "2026-02"],
    ],
)
def test_export_indicators_refuses_bad_arguments(arguments):
    with pytest.raises(CommandError):
        export(*arguments)


def test_dashboard_downloads_indicators_and_shows_unknown_bcci_and_data_quality(client):
    add("23149", NOVEMBER, 30, combined=70, source="Biểu 06/VPCP/KSTT")
    add("23149", month(2025, 11), 50, 50, 0, source="Nhập tay")
    client.force_login(UserFactory(role=Role.LEADER, scopes=[unit("68")]))
    query = {"start": "2025-11", "end": "2025-11"}
    page = client.get(reverse("statistics_dashboard"), query).content.decode()
    assert "Trực tiếp, dịch vụ bưu chính" in page  # the reason the BCCI rate is "—"
    download = client.get(reverse("statistics_indicators_export"), query)
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    tanh_linh = next(row for row in rows if row[0] == "23149")
    assert tanh_linh[3:6] == ["Biểu 06/VPCP/KSTT", "30", "100"]
    quality = client.get(reverse("statistics_quality"), query)
    assert quality.status_code == 200
    text = quality.content.decode()
    assert "Nhập tay" in text and "Xã Bắc Ruộng" in text  # the conflict, and a commune that did not report
    client.force_login(UserFactory(role=Role.TRAINER, scopes=[unit("23149")]))
    # Wagtail answers a refused admin view with a redirect to the admin home.
    assert client.get(reverse("statistics_quality"), query).status_code in (302, 403)
    refused = client.get(reverse("statistics_indicators_export"), query)
    assert refused.status_code in (302, 403) and not refused.get("Content-Disposition")


def test_hand_entry_form_says_which_source_counts(client):
    add("23149", NOVEMBER, 30, 70, source="Biểu 06/VPCP/KSTT")
    client.force_login(UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("23149")]))
    response = client.post(
        reverse("statistics:add"),
        {
            "unit": unit("23149").pk,
            "period_start": "01/11/2025",
            "period_end": "30/11/2025",
            "source": "Nhập tay",
            "received_online": "45",
            "received_direct": "55",
        },
        follow=True,
    )
    assert response.status_code == 200
    notes = [str(message) for message in response.context["messages"]]
    assert any("Biểu 06/VPCP/KSTT" in note for note in notes)
    counted = DossierStatistic.objects.get(is_counted=True)
    assert counted.source == "Biểu 06/VPCP/KSTT"
    assert DossierStatistic.objects.count() == 2


def test_report_without_monthly_statistics_shows_what_the_data_can(client):
    from campaigns.models import ReportedFigure, Target

    # Điện Biên's second quarter of 2023 as one quarterly report, never split into months.
    add("11", (datetime.date(2023, 4, 1), datetime.date(2023, 6, 30)), 33892, 15227, current=False)
    campaign = past_campaign(
        "11", "db-test", datetime.date(2023, 1, 1), datetime.date(2023, 12, 31), name="Điện Biên 2023 (kiểm thử)"
    )
    Target.objects.create(
        campaign=campaign, indicator="procedures_online", value=53, deadline=datetime.date(2023, 11, 15)
    )
    ReportedFigure.objects.create(
        campaign=campaign,
        label="Hồ sơ trả kết quả qua bưu chính công ích",
        value=80852,
        period_start=datetime.date(2023, 6, 1),
        period_end=datetime.date(2023, 6, 30),
    )
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    text = client.get(reverse("campaign_impact", args=[campaign.pk])).content.decode()
    assert "Quý 2/2023 (01/04/2023–30/06/2023)" in text and "69,0 %" in text
    assert "80.852" in text and "15/11/2023" in text


def test_pdf_and_xlsx_without_monthly_statistics_show_the_periodic_reports_of_the_page(client):
    from pypdf import PdfReader

    add("11", (datetime.date(2023, 4, 1), datetime.date(2023, 6, 30)), 33892, 15227, current=False, source="Sở")
    # An irregular period of a district below it, and a quarter a year before the window: not shown.
    add("095", (datetime.date(2023, 7, 25), datetime.date(2023, 8, 25)), 120, 80, 5, current=False)
    add("11", (datetime.date(2021, 4, 1), datetime.date(2021, 6, 30)), 1, 1, current=False)
    campaign = past_campaign(
        "11", "db-test", datetime.date(2023, 1, 1), datetime.date(2023, 12, 31), name="Điện Biên 2023 (kiểm thử)"
    )
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("campaign_impact", args=[campaign.pk]))
    district = unit("095", current=False).name
    expected = [
        ["Tỉnh Điện Biên", "Quý 2/2023 (01/04/2023–30/06/2023)", "49.119", "33.892", "69,0 %", "Sở"],
        [district, "25/07/2023–25/08/2023", "205", "120", "58,5 %", "—"],
    ]
    assert page.context["periodic"] == expected
    assert page.context["periodic_headers"][2:5] == [
        "Tổng hồ sơ tiếp nhận",
        "Tiếp nhận trực tuyến",
        "Tỷ lệ trực tuyến",
    ]

    xlsx = client.get(reverse("campaign_impact_download", args=[campaign.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content))["Báo cáo theo kỳ"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == page.context["periodic_headers"]
    assert [list(row) for row in rows[1:]] == [
        ["Tỉnh Điện Biên", "Quý 2/2023 (01/04/2023–30/06/2023)", 49119, 33892, pytest.approx(33892 / 49119), "Sở"],
        [district, "25/07/2023–25/08/2023", 205, 120, pytest.approx(120 / 205), "—"],
    ]
    assert sheet["E2"].number_format.endswith("%") and sheet["C2"].number_format == "#,##0"

    pdf = client.get(reverse("campaign_impact_download", args=[campaign.pk, "pdf"]))
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Báo cáo quý, 6 tháng, năm và kỳ khác" in text
    for row in expected:
        assert " ".join(row) in text, row
    assert "01/04/2021" not in text
    # No month to name without monthly statistics: no empty "()" after a label.
    assert "Tỷ lệ trực tuyến đầu kỳ —" in text and "()" not in text


def test_targets_without_monthly_statistics_read_the_same_on_the_page_pdf_and_xlsx(client):
    from pypdf import PdfReader

    from campaigns.models import Target

    campaign = hanoi_2022()
    communes = Target.objects.create(
        campaign=campaign, indicator="procedures_online", value=25, deadline=datetime.date(2022, 12, 15)
    )
    communes.units.set([unit("00004", current=False), unit("00001", current=False)])
    communes.save()  # a parental many-to-many is written on save
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("campaign_impact", args=[campaign.pk])).context
    names = sorted([unit("00004", current=False).name, unit("00001", current=False).name])
    assert page["targets"] == [
        ["tỷ lệ hồ sơ trực tuyến", "50,0 %", "31/12/2022", "13,0 % (Hội nghị, 25/08/2022)", "Chưa đạt"],
        [f"số thủ tục cung cấp trực tuyến mức độ 4 ({', '.join(names)})", "25", "15/12/2022", "—", "Chưa có số liệu"],
    ]
    pdf = client.get(reverse("campaign_impact_download", args=[campaign.pk, "pdf"]))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "50,0 % 31/12/2022 13,0 % (Hội nghị, 25/08/2022)" in text and "Chưa đạt" in text
    xlsx = client.get(reverse("campaign_impact_download", args=[campaign.pk, "xlsx"]))
    rows = [row for sheet in load_workbook(io.BytesIO(xlsx.content)) for row in sheet.iter_rows(values_only=True)]
    assert next(r for r in rows if 0.13 in r)[:4] == ("tỷ lệ hồ sơ trực tuyến", 0.5, "31/12/2022", 0.13)
    assert any(row[0] == page["targets"][1][0] for row in rows)
