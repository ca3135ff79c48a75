"""Statistics as offices keep them: one unit's form 06 sheet, per-unit reports by name, report months,
several sources, overlapping periods. Every rejected file leaves the stored statistics unchanged.
"""

import datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from campaigns.core.months import PeriodKind, classify_period
from campaigns.models import DossierStatistic, StatisticSource
from campaigns.statistics.services import StatisticsImportError, statistics_import
from tests.factories.office_sheets import FIELDS, form06_workbook, names_report_workbook, total_of
from tests.factories.users import unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def form06(tmp_path, *, name="bieu-06.xlsx", **options) -> tuple:
    """A single unit's Biểu 06 as a one-stop office exports it (tests/factories/office_sheets.py)."""
    workbook, total_row = form06_workbook(**options)
    path = tmp_path / name
    workbook.save(path)
    return path, total_row


def snapshot():
    return sorted(
        DossierStatistic.objects.values_list("unit_id", "period_start", "period_end", "source", "received_online")
    )


def rejected(**kwargs):
    before = snapshot()
    with pytest.raises(StatisticsImportError) as caught:
        statistics_import(**kwargs)
    assert snapshot() == before
    return caught.value.report


# -- report months ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "kind", "month"),
    [
        ((2025, 10, 15), (2025, 11, 14), PeriodKind.MONTH, (2025, 11, 1)),
        ((2025, 12, 15), (2026, 1, 14), PeriodKind.MONTH, (2026, 1, 1)),
        ((2025, 11, 1), (2025, 11, 30), PeriodKind.MONTH, (2025, 11, 1)),
        ((2024, 2, 1), (2024, 2, 29), PeriodKind.MONTH, (2024, 2, 1)),
        ((2023, 4, 1), (2023, 6, 30), PeriodKind.QUARTER, None),
        ((2023, 3, 15), (2023, 6, 14), PeriodKind.QUARTER, None),
        ((2022, 12, 15), (2023, 6, 14), PeriodKind.HALF_YEAR, None),
        ((2022, 1, 1), (2022, 12, 31), PeriodKind.YEAR, None),
        ((2021, 12, 15), (2022, 12, 14), PeriodKind.YEAR, None),
        ((2021, 7, 25), (2021, 8, 25), PeriodKind.OTHER, None),
        ((2025, 10, 1), (2025, 11, 30), PeriodKind.OTHER, None),
        ((2025, 10, 15), (2025, 11, 15), PeriodKind.OTHER, None),
    ],
)
def test_periods_have_one_calendar_of_report_months(start, end, kind, month):
    expected = (kind, datetime.date(*month) if month else None)
    assert classify_period(datetime.date(*start), datetime.date(*end)) == expected


# -- form 06, one unit --------------------------------------------------------------------------------
def test_form_06_sheet_of_one_unit_is_read_from_its_total_row(tmp_path):
    path, total_row = form06(tmp_path)
    report = statistics_import(path=path, unit_code="23149", default_source="Biểu 06/VPCP/KSTT")
    assert (report.created, report.error_count) == (1, 0)
    stored = DossierStatistic.objects.get(unit=unit("23149"))
    assert (stored.period_start, stored.period_end) == (datetime.date(2025, 10, 15), datetime.date(2025, 11, 14))
    assert (stored.period_kind, stored.report_month) == (PeriodKind.MONTH, datetime.date(2025, 11, 1))
    assert stored.received_online == 250
    # "Trực tiếp, dịch vụ bưu chính" is one count: in person and by post stay unknown, never guessed.
    assert (stored.received_direct_or_postal, stored.received_direct, stored.received_postal) == (125, None, None)
    assert stored.carried_over == 30
    assert (stored.resolved_early, stored.resolved_on_time, stored.resolved_late) == (200, 158, 12)
    assert (stored.pending_in_time, stored.pending_overdue) == (31, 4)
    assert stored.source == "Biểu 06/VPCP/KSTT"


def test_form_06_given_period_overrides_the_title(tmp_path):
    path, _row = form06(tmp_path, period_text="Kỳ báo cáo tháng 11")
    period = (datetime.date(2025, 11, 1), datetime.date(2025, 11, 30))
    assert statistics_import(path=path, unit_code="23149", period=period).created == 1
    assert DossierStatistic.objects.get(unit=unit("23149")).report_month == datetime.date(2025, 11, 1)


def test_form_06_total_row_that_disagrees_with_its_field_rows_is_refused(tmp_path):
    wrong = total_of(FIELDS)
    wrong[1] += 1  # online: 251 written, the field rows add up to 250
    wrong[0] += 1
    path, total_row = form06(tmp_path, total=wrong)
    report = rejected(path=path, unit_code="23149")
    error = next(error for error in report.errors if error.column == "Trực tuyến")
    assert (error.row, error.value) == (total_row, "251")
    assert "250" in error.message


def test_form_06_two_total_rows_are_refused(tmp_path):
    path, total_row = form06(tmp_path, extra_total=total_of(FIELDS))
    report = rejected(path=path, unit_code="23149")
    assert [(error.row, error.value) for error in report.errors] == [(total_row + 1, "Tổng cộng")]


@pytest.mark.parametrize(
    "period_text",
    ["(Từ ngày 15/10/2025 đến ngày 14/13/2025)", "(Từ ngày 15/11/2025 đến ngày 14/10/2025)", "(Từ ngày … đến ngày …)"],
)
def test_form_06_title_period_that_cannot_be_read_is_refused(tmp_path, period_text):
    path, _row = form06(tmp_path, period_text=period_text)
    report = rejected(path=path, unit_code="23149")
    [error] = report.errors
    assert (error.row, error.value) == (4, period_text)


def test_form_06_without_a_period_anywhere_is_refused(tmp_path):
    path, _row = form06(tmp_path, period_text="Kỳ báo cáo")
    report = rejected(path=path, unit_code="23149")
    assert len(report.errors) == 1 and report.errors[0].row is None


def test_form_06_unit_outside_the_users_scope_is_refused(tmp_path):
    path, total_row = form06(tmp_path)
    allowed = frozenset({unit("23152").pk})
    report = rejected(path=path, unit_code="23149", allowed_unit_ids=allowed)
    [error] = report.errors
    assert (error.row, error.value) == (total_row, "23149")


def test_form_06_without_the_unit_says_how_to_give_it(tmp_path):
    path, _row = form06(tmp_path)
    report = rejected(path=path)
    assert "--unit" in report.errors[0].message


def test_combined_column_and_separate_columns_that_disagree_are_refused(tmp_path):
    rows = [
        [
            "Mã ĐVHC",
            "Kỳ",
            "Trực tuyến",
            "Trực tiếp, dịch vụ bưu chính",
            "Tiếp nhận trực tiếp",
            "Tiếp nhận qua dịch vụ BCCI",
        ],
        ["23149", "11/2025", 100, 60, 50, 5],
    ]
    path = tmp_path / "f.xlsx"
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    report = rejected(path=path)
    [error] = report.errors
    assert (error.row, error.column, error.value) == (2, "Trực tiếp, dịch vụ bưu chính", "60")


def test_combined_column_with_the_postal_part_gives_in_person_exactly(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "Mã ĐVHC;Kỳ;Trực tuyến;Trực tiếp, dịch vụ bưu chính;Số mới tiếp nhận qua BCCI\n23149;11/2025;100;60;15\n",
        encoding="utf-8",
    )
    statistics_import(path=path)
    stored = DossierStatistic.objects.get(unit=unit("23149"))
    assert (stored.received_direct, stored.received_postal, stored.received_direct_or_postal) == (45, 15, None)


# -- per-unit reports by name -----------------------------------------------------------------------
def names_report(tmp_path, rows, *, bcci=True, total=True):
    path = tmp_path / "theo-don-vi.xlsx"
    names_report_workbook(rows, bcci=bcci, total=total).save(path)
    return path


def test_report_by_unit_name_resolves_names_under_the_scope(tmp_path):
    scope = unit("599", current=False)
    rows = [("TT. Lạc Tánh", 300, 200, 20), ("xã bắc ruộng", 50, 30, 5), ("Nghị Đức", 40, 60, 0)]
    report = statistics_import(path=names_report(tmp_path, rows), scope=scope, default_source="Hệ thống")
    assert (report.created, report.error_count) == (3, 0)
    stored = {
        item.unit.name: (item.received_online, item.received_direct, item.received_postal, item.report_month)
        for item in DossierStatistic.objects.select_related("unit")
    }
    january = datetime.date(2024, 1, 1)
    assert stored == {
        "Thị trấn Lạc Tánh": (300, 180, 20, january),
        "Xã Bắc Ruộng": (50, 25, 5, january),
        "Xã Nghị Đức": (40, 60, 0, january),
    }


def test_report_by_unit_name_without_bcci_keeps_the_combined_count(tmp_path):
    scope = unit("599", current=False)
    path = names_report(tmp_path, [("Bắc Ruộng", 50, 30)], bcci=False)
    statistics_import(path=path, scope=scope)
    stored = DossierStatistic.objects.get()
    assert (stored.received_direct, stored.received_postal, stored.received_direct_or_postal) == (None, None, 30)


def test_name_matching_no_unit_of_the_scope_is_refused(tmp_path):
    scope = unit("599", current=False)
    report = rejected(
        path=names_report(tmp_path, [("Bắc Ruộng", 50, 30, 5), ("Phường Ba Đình", 1, 1, 0)]), scope=scope
    )
    [error] = report.errors
    assert (error.row, error.column, error.value) == (6, "Tên đơn vị", "Phường Ba Đình")


def test_name_matching_two_units_of_the_scope_is_refused(tmp_path):
    # Old Bình Thuận had a Xã Tân Hà in two districts.
    scope = unit("60", current=False)
    report = rejected(path=names_report(tmp_path, [("Tân Hà", 50, 30, 5)]), scope=scope)
    [error] = report.errors
    assert (error.row, error.column, error.value) == (5, "Tên đơn vị", "Tân Hà")


def test_report_by_name_total_row_is_checked(tmp_path):
    scope = unit("599", current=False)
    path = names_report(tmp_path, [("Bắc Ruộng", 50, 30, 5), ("Nghị Đức", 40, 60, 0)], total=False)
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook.active.append([None, "Tổng cộng", 91, 90, 5])
    workbook.save(path)
    report = rejected(path=path, scope=scope)
    [error] = report.errors
    assert (error.row, error.value) == (7, "91")


# -- overlapping periods, several sources ----------------------------------------------------------
def csv_file(tmp_path, text, name="f.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_overlapping_periods_of_the_same_unit_and_source_are_refused(tmp_path):
    statistics_import(path=csv_file(tmp_path, "Mã ĐVHC;Kỳ;Trực tuyến;Tiếp nhận trực tiếp\n23149;11/2025;10;90\n"))
    overlapping = "Mã ĐVHC;Từ ngày;Đến ngày;Trực tuyến;Tiếp nhận trực tiếp\n23149;15/10/2025;14/11/2025;20;80\n"
    report = rejected(path=csv_file(tmp_path, overlapping, "g.csv"))
    [error] = report.errors
    assert (error.row, error.value) == (2, "15/10/2025–14/11/2025")
    # Within one file too; another source may cover the same days.
    both = "Mã ĐVHC;Từ ngày;Đến ngày;Trực tuyến;Tiếp nhận trực tiếp\n23152;01/04/2025;30/06/2025;1;2\n23152;01/05/2025;31/05/2025;1;2\n"
    report = rejected(path=csv_file(tmp_path, both, "h.csv"))
    assert sorted(error.row for error in report.errors) == [2, 3]
    assert statistics_import(path=csv_file(tmp_path, overlapping, "i.csv"), default_source="Nhập tay").created == 1


def test_one_source_counts_per_unit_and_report_month_never_a_sum(tmp_path):
    monthly = "Mã ĐVHC;Kỳ;Trực tuyến;Tiếp nhận trực tiếp\n23149;11/2025;965;35\n"
    statistics_import(path=csv_file(tmp_path, monthly), default_source="Nhập tay")
    official = "Mã ĐVHC;Từ ngày;Đến ngày;Trực tuyến;Tiếp nhận trực tiếp\n23149;15/10/2025;14/11/2025;900;100\n"
    report = statistics_import(
        path=csv_file(tmp_path, official, "g.csv"), default_source="Biểu 06/VPCP/KSTT", dry_run=True, preview_rows=10
    )
    [row] = report.preview
    assert (row.other_sources, row.counting_source) == (("Nhập tay",), "Biểu 06/VPCP/KSTT")
    statistics_import(path=csv_file(tmp_path, official, "g.csv"), default_source="Biểu 06/VPCP/KSTT")
    counted = DossierStatistic.objects.filter(is_counted=True)
    assert list(counted.values_list("source", "received_online")) == [("Biểu 06/VPCP/KSTT", 900)]
    assert DossierStatistic.objects.count() == 2
    # The administrator puts hand entry first: it counts now, still never added.
    StatisticSource.objects.filter(name="Nhập tay").update(rank=99)
    StatisticSource.objects.filter(rank=1).update(rank=98)
    StatisticSource.objects.filter(name="Nhập tay").update(rank=1)
    from campaigns.statistics.precedence import statistics_recount

    statistics_recount()
    assert list(DossierStatistic.objects.filter(is_counted=True).values_list("source", "received_online")) == [
        ("Nhập tay", 965)
    ]


# -- the command -----------------------------------------------------------------------------------
def test_command_takes_unit_and_period(tmp_path):
    path, _row = form06(tmp_path, period_text="Báo cáo tháng")
    call_command("import_statistics", str(path), "--unit", "23149", "--start", "01/11/2025", "--end", "30/11/2025")
    assert DossierStatistic.objects.get().report_month == datetime.date(2025, 11, 1)


@pytest.mark.parametrize(
    "arguments",
    [
        ["--unit", "99999"],
        ["--scope", "99999"],
        ["--start", "01/11/2025"],
        ["--start", "31/11/2025", "--end", "30/12/2025"],
        ["--start", "30/11/2025", "--end", "01/11/2025"],
    ],
)
def test_command_refuses_bad_options(tmp_path, arguments):
    path, _row = form06(tmp_path)
    with pytest.raises(CommandError):
        call_command("import_statistics", str(path), *arguments)
    assert not DossierStatistic.objects.exists()


# -- the upload form ---------------------------------------------------------------------------------
@pytest.fixture
def commune_officer(client, settings, tmp_path):
    from campaigns.access.roles import Role
    from tests.factories.users import UserFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    user = UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("23149")])
    client.force_login(user)
    return user


def upload_form06(client, path, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    data = {"file": SimpleUploadedFile("bieu-06.xlsx", path.read_bytes()), "source": "Biểu 06/VPCP/KSTT", **fields}
    return client.post(reverse("statistics_import"), data)


def test_upload_form_presets_the_officers_unit_and_imports_a_form_06_sheet(client, commune_officer, tmp_path):
    from django.urls import reverse

    form = client.get(reverse("statistics_import")).context["form"]
    assert form["unit"].value() == "23149"
    path, total_row = form06(tmp_path)
    response = upload_form06(client, path, unit="23149")
    report = response.context["report"]
    assert (report.created, report.error_count) == (1, 0)
    [row] = report.preview
    assert (row.row, row.direct, row.combined, row.period_label) == (total_row, None, 125, "11/2025")
    assert not DossierStatistic.objects.exists()  # a preview writes nothing
    client.post(reverse("statistics_import"), {"confirm": "1", "token": response.context["token"]})
    assert DossierStatistic.objects.get().received_direct_or_postal == 125


def test_upload_form_refuses_a_unit_outside_the_officers_scope(client, commune_officer, tmp_path):
    path, total_row = form06(tmp_path)
    response = upload_form06(client, path, unit="23152")
    report = response.context["report"]
    [error] = report.errors
    assert (error.row, error.value) == (total_row, "23152")
    assert "phạm vi" in error.message
    assert not DossierStatistic.objects.exists()


def test_upload_form_refuses_half_a_period_and_unknown_codes(client, commune_officer, tmp_path):
    path, _row = form06(tmp_path)
    for fields in ({"unit": "23149", "start": "01/11/2025"}, {"unit": "99999"}, {"unit": "23149", "scope": "599"}):
        response = upload_form06(client, path, **fields)
        assert response.context["form"].errors
    assert not DossierStatistic.objects.exists()
