"""Checks and compiles the project's message catalogues without GNU gettext (pure Python, polib)."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class CatalogueProblem:
    path: Path
    msgid: str
    problem: str

    def __str__(self):
        return f"{self.path}: {self.problem}: {self.msgid[:80]!r}"


def catalogue_paths(language: str = "vi") -> list[Path]:
    """The project's catalogues: Django's domain in every locale folder, then the admin's JavaScript domain."""
    paths = []
    for domain in ("django", "djangojs"):
        for root in settings.LOCALE_PATHS:
            candidate = Path(root) / language / "LC_MESSAGES" / f"{domain}.po"
            if candidate.exists():
                paths.append(candidate)
    return paths


def _entries(po):
    return [entry for entry in po if not entry.obsolete]


def catalogue_problems(path: Path) -> list[CatalogueProblem]:
    import polib

    po = polib.pofile(str(path))
    problems = []
    for entry in _entries(po):
        if "fuzzy" in entry.flags:
            problems.append(CatalogueProblem(path, entry.msgid, "fuzzy"))
        if entry.msgid_plural:
            if not entry.msgstr_plural or any(not text for text in entry.msgstr_plural.values()):
                problems.append(CatalogueProblem(path, entry.msgid, "empty plural translation"))
        elif not entry.msgstr:
            problems.append(CatalogueProblem(path, entry.msgid, "empty translation"))
    return problems


def compiled_is_current(path: Path) -> bool:
    """Does the .mo beside the .po hold exactly the .po's translations?"""
    import polib

    mo_path = path.with_suffix(".mo")
    if not mo_path.exists():
        return False

    def table(catalogue):
        result = {}
        for entry in _entries(catalogue):
            if "fuzzy" in entry.flags:
                continue
            key = (entry.msgctxt or "", entry.msgid)
            result[key] = tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
        return result

    po_table = {key: value for key, value in table(polib.pofile(str(path))).items() if value}
    mo_table = {key: value for key, value in table(polib.mofile(str(mo_path))).items() if key[1]}
    return po_table == mo_table


def compile_catalogue(path: Path) -> None:
    import polib

    po = polib.pofile(str(path))
    po.save_as_mofile(str(path.with_suffix(".mo")))
