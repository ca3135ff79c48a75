"""The pictures of docs/data/statistics-import.md show layouts the import accepts, with the options their captions give."""

import importlib.util
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from campaigns.models import DossierStatistic
from campaigns.statistics.exports import header
from tests.factories.office_sheets import EXPORT_HEADER

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs" / "data"


def pictures_module():
    spec = importlib.util.spec_from_file_location("make_sheet_pictures", DOCS / "make_sheet_pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PICTURES = pictures_module()
SHEETS = {picture.stem: picture for picture in PICTURES.SHEETS}


@pytest.mark.django_db
@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("stem", sorted(SHEETS))
def test_every_pictured_workbook_is_imported_with_the_options_of_its_caption(tmp_path, stem):
    picture = SHEETS[stem]
    path = tmp_path / f"{stem}.xlsx"
    picture.build().save(path)
    out = io.StringIO()
    # All or nothing: a single refused row would raise CommandError and write nothing.
    call_command("import_statistics", str(path), *picture.arguments, stdout=out, stderr=out)
    assert DossierStatistic.objects.count() == picture.rows, out.getvalue()


def test_every_picture_is_in_the_docs_with_the_command_that_reads_it():
    text = (DOCS / "statistics-import.md").read_text(encoding="utf-8")
    for stem, picture in SHEETS.items():
        image = DOCS / "img" / f"{stem}.png"
        assert image.is_file(), stem
        assert image.stat().st_size < 150 * 1024, stem
        assert f"](img/{stem}.png)" in text, stem
        command = " ".join(["import_statistics FILE", *(f'"{a}"' if " " in a else a for a in picture.arguments)])
        assert command in text, command


def test_the_export_format_picture_has_the_exports_own_header():
    assert header() == EXPORT_HEADER


def test_the_sheet_drawing_keeps_merged_cells_and_styles():
    workbook, total_row = PICTURES.form06_workbook()
    markup = PICTURES.sheet_html(workbook)
    # "Số hồ sơ nhận giải quyết" spans four columns, "STT" three header rows; the total row is bold.
    assert "colspan='4'" in markup and "rowspan='3'" in markup
    assert f"<th>{total_row}</th><td colspan='2'" in markup
    assert re.search(r"<td colspan='2' style='[^']*font-weight:bold[^']*'>Tổng cộng</td>", markup)
    assert ">1.215<" not in markup and ">405<" in markup
