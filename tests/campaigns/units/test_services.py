import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from campaigns.core.errors import DataFileError
from campaigns.models import AdministrativeUnit, UnitSuccession
from campaigns.units.services import DEFAULT_SUCCESSIONS_FILE, DEFAULT_UNITS_FILE, units_load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
REFORM = datetime.date(2025, 7, 1)

UNIT_HEADER = "code,level,type,name,parent_code,valid_from,valid_to\n"
LINK_HEADER = "old_level,old_code,old_name,new_level,new_code,new_name,kind,effective_date\n"


def test_shipped_files_give_the_official_counts():
    before = AdministrativeUnit.objects.filter(valid_to=REFORM)
    after = AdministrativeUnit.objects.filter(valid_from=REFORM)
    assert before.filter(level="province").count() == 63
    assert before.filter(level="district").count() == 696
    assert before.filter(level="commune").count() == 10035
    assert after.filter(level="province").count() == 34
    assert after.filter(level="district").count() == 0
    assert after.filter(level="commune").count() == 3321
    # 10,667 source links less the 12 whose old commune had been merged away before the reform.
    assert UnitSuccession.objects.count() == 10655


def test_units_have_parents_types_and_folded_names():
    lac_tanh = AdministrativeUnit.objects.get(code="23149", valid_to=REFORM)
    assert lac_tanh.name == "Thị trấn Lạc Tánh"
    assert lac_tanh.unit_type == "thi_tran"
    assert lac_tanh.parent.name == "Huyện Tánh Linh"
    assert lac_tanh.parent.parent.name == "Tỉnh Bình Thuận"
    assert lac_tanh.name_folded == "thi tran lac tanh"
    tanh_linh = AdministrativeUnit.objects.get(code="23149", valid_from=REFORM)
    assert tanh_linh.parent.name == "Tỉnh Lâm Đồng"
    assert AdministrativeUnit.objects.get(code="01", valid_from=REFORM).unit_type == "thanh_pho_tw"
    # The one source row that spelled its type in lower case is capitalised.
    assert AdministrativeUnit.objects.get(code="06325", valid_from=REFORM).name == "Xã Bắc Sơn"


def test_tanh_linh_communes_map_to_xa_tanh_linh_and_neighbours():
    old_district = AdministrativeUnit.objects.get(code="599", valid_to=REFORM)
    links = UnitSuccession.objects.filter(old_unit__parent=old_district).select_related("old_unit", "new_unit")
    successors = {link.new_unit.name for link in links}
    assert "Xã Tánh Linh" in successors
    assert len(successors) > 1
    into_tanh_linh = {link.old_unit.name for link in links if link.new_unit.code == "23149"}
    assert into_tanh_linh == {"Thị trấn Lạc Tánh", "Xã Gia An", "Xã Đức Thuận"}
    assert all(link.new_unit.parent.code == "68" for link in links)


def test_island_districts_become_special_zones():
    link = UnitSuccession.objects.select_related("old_unit", "new_unit").get(old_unit__code="755")
    assert link.old_unit.level == "district"
    assert link.new_unit.name == "Đặc khu Côn Đảo"


def test_second_load_changes_nothing():
    before = list(AdministrativeUnit.objects.order_by("pk").values_list("pk", "code", "name", "parent_id"))
    report = units_load()
    assert not report.changed
    assert report.units_unchanged == 14149
    assert report.links_unchanged == 10655
    assert list(AdministrativeUnit.objects.order_by("pk").values_list("pk", "code", "name", "parent_id")) == before


def test_command_reports_nothing_changed(capsys):
    call_command("load_units")
    output = capsys.readouterr().out
    assert "14149" in output.replace(".", "")


def _write(tmp_path: Path, name: str, text: str, encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def _units_file(tmp_path, rows: str) -> Path:
    return _write(tmp_path, "units.csv", UNIT_HEADER + rows)


def _links_file(tmp_path, rows: str = "") -> Path:
    return _write(tmp_path, "links.csv", LINK_HEADER + rows)


def _load_expecting_errors(units_path, links_path):
    count_units = AdministrativeUnit.objects.count()
    count_links = UnitSuccession.objects.count()
    with pytest.raises(DataFileError) as caught:
        units_load(units_path=units_path, successions_path=links_path)
    assert caught.value.code == "invalid_unit_data"
    assert AdministrativeUnit.objects.count() == count_units
    assert UnitSuccession.objects.count() == count_links
    assert not AdministrativeUnit.objects.filter(code__in=["98", "981", "98001"]).exists()
    return caught.value.errors


VALID_ROWS = "98,province,tinh,Tỉnh Thử Nghiệm,,2026-01-01,\n98001,commune,xa,Xã Một,98,2026-01-01,\n"


def test_missing_column_is_refused_and_nothing_written(tmp_path):
    path = _write(tmp_path, "units.csv", "code,level,name,parent_code,valid_from,valid_to\n98,province,Tỉnh A,,,\n")
    errors = _load_expecting_errors(path, _links_file(tmp_path))
    assert errors[0].row == 1
    assert "type" in str(errors[0])
    assert "Thiếu cột" in str(errors[0]) or "thiếu cột" in str(errors[0])


def test_unknown_parent_is_refused_and_nothing_written(tmp_path):
    path = _units_file(tmp_path, VALID_ROWS + "98002,commune,xa,Xã Hai,97,2026-01-01,\n")
    errors = _load_expecting_errors(path, _links_file(tmp_path))
    assert [(error.row, error.column, error.value) for error in errors] == [(4, "parent_code", "97")]


def test_parent_from_another_period_is_refused(tmp_path):
    rows = "97,province,tinh,Tỉnh Cũ,,,2026-01-01\n97001,commune,xa,Xã Mới,97,2026-01-01,\n"
    errors = _load_expecting_errors(_units_file(tmp_path, rows), _links_file(tmp_path))
    assert [(error.row, error.column) for error in errors] == [(3, "parent_code")]


def test_duplicate_code_in_one_period_is_refused(tmp_path):
    path = _units_file(tmp_path, VALID_ROWS + "98001,commune,phuong,Phường Một,98,2026-03-01,\n")
    errors = _load_expecting_errors(path, _links_file(tmp_path))
    assert [(error.row, error.column, error.value) for error in errors] == [(4, "code", "98001")]
    assert "dòng 3" in errors[0].message


def test_every_bad_cell_is_reported_with_row_column_and_value(tmp_path):
    rows = (
        "9,province,tinh,Tỉnh Ngắn,,,\n"  # code too short
        "98,county,tinh,Tỉnh Lạ,,,\n"  # unknown level
        "98,province,xa,Tỉnh Sai Loại,,,\n"  # type of another level
        "98,province,tinh,,,,\n"  # empty name
        "98,province,tinh,Tỉnh Ngày,,31/12/2025,\n"  # not ISO
        "98,province,tinh,Tỉnh Ngược,,2026-01-01,2025-01-01\n"  # ends before it starts
        "9८,province,tinh,Tỉnh Chữ số lạ,,,\n"  # non-ASCII digit
    )
    errors = _load_expecting_errors(_units_file(tmp_path, rows), _links_file(tmp_path))
    cells = {(error.row, error.column) for error in errors}
    assert {
        (2, "code"),
        (3, "level"),
        (4, "type"),
        (5, "name"),
        (6, "valid_from"),
        (7, "valid_to"),
        (8, "code"),
    } <= cells
    rendered = str(errors[0])
    assert "units.csv" in rendered and "dòng 2" in rendered and "cột code" in rendered and "“9”" in rendered


def test_bad_succession_rows_are_refused(tmp_path):
    units = _units_file(
        tmp_path,
        "97,province,tinh,Tỉnh Cũ,,,2026-01-01\n98,province,tinh,Tỉnh Mới,,2026-01-01,\n",
    )
    links = _links_file(
        tmp_path,
        "province,97,Tỉnh Cũ,province,98,Tỉnh Mới,full,2026-01-01\n"
        "province,97,Tỉnh Cũ,province,98,Tỉnh Mới,full,2026-01-01\n"  # duplicate
        "province,96,Tỉnh Không Có,province,98,Tỉnh Mới,full,2026-01-01\n"  # unknown old unit
        "province,97,Tỉnh Cũ,province,98,Tỉnh Mới,most,2026-01-01\n"  # unknown kind
        "province,97,Tỉnh Cũ,province,98,Tỉnh Mới,full,2027-01-01\n",  # new unit does not start then
    )
    errors = _load_expecting_errors(units, links)
    assert [(error.row, error.column) for error in errors] == [
        (3, "new_code"),
        (4, "old_code"),
        (5, "kind"),
        (6, "old_code"),
        (6, "new_code"),
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe\x00garbage\x00",
        b"code;level;type\n98;province;tinh\n",
        (UNIT_HEADER + "98,province,tinh,Tỉnh Thừa,,,,extra\n").encode(),
        (UNIT_HEADER + "98,province,tinh,Tỉnh Mã Hoá,,,\n").encode("cp1258", errors="replace"),
    ],
    ids=["empty", "binary", "semicolons", "extra-cells", "not-utf8"],
)
def test_malformed_files_are_refused(tmp_path, content):
    path = _write(tmp_path, "units.csv", content)
    errors = _load_expecting_errors(path, _links_file(tmp_path))
    assert errors and all(error.file == "units.csv" for error in errors)


def test_missing_file_is_refused(tmp_path):
    errors = _load_expecting_errors(tmp_path / "absent.csv", _links_file(tmp_path))
    assert "absent.csv" in str(errors[0])


def test_command_fails_loudly_in_vietnamese(tmp_path):
    path = _units_file(tmp_path, "98002,commune,xa,Xã Hai,97,2026-01-01,\n")
    with pytest.raises(CommandError) as caught:
        call_command("load_units", units=path, successions=_links_file(tmp_path))
    message = str(caught.value)
    assert "Không ghi dữ liệu nào" in message
    assert "dòng 2, cột parent_code" in message


def test_valid_custom_files_load(tmp_path):
    report = units_load(units_path=_units_file(tmp_path, VALID_ROWS), successions_path=_links_file(tmp_path))
    assert report.units_created == 2
    commune = AdministrativeUnit.objects.get(code="98001")
    assert commune.parent.code == "98"
    assert report.units_not_in_file == 14149


def test_shipped_files_exist():
    assert DEFAULT_UNITS_FILE.exists() and DEFAULT_SUCCESSIONS_FILE.exists()
