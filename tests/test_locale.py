"""The vi catalogues must be complete: no empty and no fuzzy entries, and compiled files current."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from cms.i18n_catalogues import catalogue_paths, catalogue_problems, compiled_is_current


def test_there_are_three_vietnamese_catalogues():
    names = [(path.parts[-4], path.stem) for path in catalogue_paths("vi")]
    assert names == [("locale", "django"), ("wagtail", "django"), ("wagtail", "djangojs")]


@pytest.mark.parametrize("path", catalogue_paths("vi"), ids=lambda path: f"{path.parts[-4]}-{path.stem}")
def test_catalogue_has_no_empty_or_fuzzy_entry(path):
    assert [str(problem) for problem in catalogue_problems(path)] == []


@pytest.mark.parametrize("path", catalogue_paths("vi"), ids=lambda path: f"{path.parts[-4]}-{path.stem}")
def test_compiled_catalogue_matches_its_source(path):
    assert compiled_is_current(path), f"run `make messages` to recompile {path}"


def test_checker_notices_empty_and_fuzzy_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Unit"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Level"\nmsgstr "Cấp"\n',
        encoding="utf-8",
    )
    problems = {(problem.msgid, problem.problem) for problem in catalogue_problems(po)}
    assert problems == {("Unit", "empty translation"), ("Level", "fuzzy")}
    assert not compiled_is_current(po)


def test_project_strings_and_wagtail_gaps_are_translated():
    with translation.override("vi"):
        assert gettext("Administrative units") == "Đơn vị hành chính"
        assert gettext("Sign in") == "Đăng nhập"
        assert gettext("Documents") == "Tài liệu"


@pytest.mark.parametrize("path", catalogue_paths("vi"), ids=lambda path: f"{path.parts[-4]}-{path.stem}")
def test_one_spelling_of_huy(path):
    """ "hủy" everywhere (Hủy, Đã hủy, hủy đăng ký), never the other placement of the accent "huỷ"."""
    import polib

    texts = []
    for entry in polib.pofile(str(path)):
        texts.extend([entry.msgstr, *entry.msgstr_plural.values()])
    assert [text for text in texts if "uỷ" in text.lower()] == []
    with translation.override("vi"):
        assert "uỷ" not in gettext("Cancel").lower()


@pytest.mark.django_db
def test_the_admin_javascript_strings_are_vietnamese(client):
    """Wagtail's JavaScript catalogue left "Collapse all", "Insert a block", "Main menu"… in English."""
    import json

    from tests.factories.users import UserFactory

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    text = client.get("/admin/jsi18n/").content.decode()
    expected = {
        "Collapse all": "Thu gọn tất cả",
        "Insert a block": "Chèn một khối",
        "Search options…": "Tùy chọn tìm kiếm…",
        "Main menu": "Trình đơn chính",
        "Toggle sidebar": "Ẩn/hiện thanh bên",
        "Actions": "Thao tác",
    }
    for english, vietnamese in expected.items():
        assert f"{json.dumps(english)}: {json.dumps(vietnamese)}" in text, english
