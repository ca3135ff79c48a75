"""Draw the spreadsheet layouts that the statistics import accepts, for docs/data/statistics-import.md.

Each workbook is built by tests/factories/office_sheets.py (the builders the import tests use), turned into
an HTML table that keeps its merged cells, bold and italic text, borders, column widths, column letters
and row numbers, and photographed with the system Chromium. tests/campaigns/statistics/test_sheet_pictures.py imports
every workbook listed here with the options its caption gives, so a picture cannot show a layout the
import refuses.

    python docs/data/make_sheet_pictures.py [--output docs/data/img] [--html]
"""

import argparse
import html
import io
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openpyxl.utils import get_column_letter  # noqa: E402

from tests.factories.office_sheets import (  # noqa: E402
    TANH_LINH_UNITS,
    coded_report_workbook,
    export_format_workbook,
    form06_workbook,
    names_report_workbook,
)


@dataclass(frozen=True)
class SheetPicture:
    stem: str  # docs/data/img/<stem>.png
    build: object  # () -> Workbook
    arguments: list[str] = field(default_factory=list)  # the import_statistics options that read it
    rows: int = 0  # statistics rows it gives


SHEETS = [
    SheetPicture("export-format", export_format_workbook, [], 3),
    SheetPicture(
        "bieu-06-one-unit",
        lambda: form06_workbook()[0],
        ["--unit", "23149", "--source", "Biểu 06/VPCP/KSTT"],
        1,
    ),
    SheetPicture(
        "per-unit-by-name-bcci",
        lambda: names_report_workbook(TANH_LINH_UNITS),
        ["--scope", "599", "--source", "Hệ thống TTHC tỉnh"],
        len(TANH_LINH_UNITS),
    ),
    SheetPicture(
        "per-unit-by-name",
        lambda: names_report_workbook([row[:3] for row in TANH_LINH_UNITS[:6]], bcci=False, total=False),
        ["--scope", "599", "--source", "Hệ thống TTHC tỉnh"],
        6,
    ),
    SheetPicture("per-unit-with-codes", coded_report_workbook, ["--source", "Hệ thống TTHC tỉnh"], 2),
]

PIXELS_PER_CHARACTER = 7.5  # a column width of 10 characters is about 75 pixels, as a spreadsheet shows it
DEFAULT_WIDTH = 8.43
CSS = """
body { margin: 0; background: #fff; }
table { border-collapse: collapse; table-layout: fixed; font-family: "Times New Roman", "Liberation Serif",
        "DejaVu Serif", serif; font-size: 15px; color: #000; }
td { border: 1px solid #e1e1e1; padding: 2px 4px; overflow: hidden; white-space: nowrap; vertical-align: bottom;
     height: 21px; }
td.wrap { white-space: normal; }
td.number { text-align: right; }
th { background: #f3f3f3; color: #444; font: 13px "Liberation Sans", "DejaVu Sans", sans-serif;
     border: 1px solid #c8c8c8; padding: 2px 4px; font-weight: normal; }
th.corner { width: 32px; }
"""


def _border(side) -> str:
    if side is None or side.style is None:
        return ""
    width = "2px" if side.style in ("medium", "thick", "double") else "1px"
    return f"{width} solid #000"


def sheet_html(workbook) -> str:
    """The active sheet as an HTML table laid out like a spreadsheet window."""
    sheet = workbook.active
    columns = sheet.max_column
    spans, covered = {}, set()
    for merged in sheet.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = (
            merged.max_row - merged.min_row + 1,
            merged.max_col - merged.min_col + 1,
        )
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                if (row, column) != (merged.min_row, merged.min_col):
                    covered.add((row, column))
    widths = []
    for column in range(1, columns + 1):
        dimension = sheet.column_dimensions.get(get_column_letter(column))
        width = dimension.width if dimension is not None and dimension.width else DEFAULT_WIDTH
        widths.append(round(width * PIXELS_PER_CHARACTER))
    parts = [f"<!doctype html><meta charset='utf-8'><style>{CSS}</style><table id='sheet'>", "<colgroup>"]
    parts.append("<col style='width:34px'>")
    parts += [f"<col style='width:{width}px'>" for width in widths]
    parts.append("</colgroup><tr><th class='corner'></th>")
    parts += [f"<th>{get_column_letter(column)}</th>" for column in range(1, columns + 1)]
    parts.append("</tr>")
    for row in range(1, sheet.max_row + 1):
        height = sheet.row_dimensions[row].height
        style = f" style='height:{round(height * 1.33)}px'" if height else ""
        parts.append(f"<tr{style}><th>{row}</th>")
        for column in range(1, columns + 1):
            if (row, column) in covered:
                continue
            cell = sheet.cell(row=row, column=column)
            rowspan, colspan = spans.get((row, column), (1, 1))
            # A merged range shows the borders of its last row and column too.
            bottom = sheet.cell(row=row + rowspan - 1, column=column).border.bottom
            right = sheet.cell(row=row, column=column + colspan - 1).border.right
            styles, classes = [], []
            for name, side in (
                ("top", cell.border.top),
                ("left", cell.border.left),
                ("bottom", bottom),
                ("right", right),
            ):
                if value := _border(side):
                    styles.append(f"border-{name}:{value}")
            if cell.font is not None:
                if cell.font.bold:
                    styles.append("font-weight:bold")
                if cell.font.italic:
                    styles.append("font-style:italic")
            alignment = cell.alignment
            if alignment is not None and alignment.horizontal in ("center", "centerContinuous", "right", "left"):
                styles.append(
                    f"text-align:{'center' if alignment.horizontal.startswith('center') else alignment.horizontal}"
                )
            if alignment is not None and alignment.vertical == "center":
                styles.append("vertical-align:middle")
            if alignment is not None and alignment.wrap_text:
                classes.append("wrap")
            value = cell.value
            if isinstance(value, int | float) and not isinstance(value, bool):
                classes.append("number")
                text = f"{value:,}".replace(",", ".") if "#,##0" in cell.number_format else str(value)
            else:
                text = "" if value is None else str(value)
            attributes = ""
            if rowspan > 1:
                attributes += f" rowspan='{rowspan}'"
            if colspan > 1:
                attributes += f" colspan='{colspan}'"
            if classes:
                attributes += f" class='{' '.join(classes)}'"
            if styles:
                attributes += f" style='{';'.join(styles)}'"
            parts.append(f"<td{attributes}>{html.escape(text)}</td>")
        parts.append("</tr>")
    parts.append("</table>")
    return "".join(parts)


def small_png(png: bytes) -> bytes:
    """The screenshot with a 64-colour palette: black text on white stays sharp, the file stays small."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent / "img")
    parser.add_argument("--html", action="store_true", help="also write the HTML of each picture")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        parser.error("the system Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    args.output.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1800, "height": 900}, device_scale_factor=1)
        for picture in SHEETS:
            markup = sheet_html(picture.build())
            if args.html:
                (args.output / f"{picture.stem}.html").write_text(markup, encoding="utf-8")
            page.set_content(markup)
            png = small_png(page.locator("#sheet").screenshot())
            target = args.output / f"{picture.stem}.png"
            target.write_bytes(png)
            print(f"{target.name}: {len(png) // 1024} KB")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
