"""Workbooks shaped like the ones one-stop offices export: the layouts the statistics import accepts.

Plain openpyxl, no database: the import tests build their files here, and
docs/data/make_sheet_pictures.py draws the same workbooks for docs/data/statistics-import.md.
Styles (fonts, borders, widths) are set as an office's spreadsheet has them; the import reads
only the values and the merged cells.
"""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

TITLE_PERIOD = "(Từ ngày 15/10/2025 đến ngày 14/11/2025)"
NUMBERS = [f"({number})" for number in range(1, 14)]
# Received: total, online, in person or by post, carried over; resolved: total, early, on time, late;
# pending: total, in time, overdue.
FIELDS = [
    ("1", "Hộ tịch", [130, 80, 40, 10, 120, 60, 55, 5, 10, 9, 1]),
    ("2", "Chứng thực", [210, 150, 50, 10, 200, 120, 78, 2, 10, 10, 0]),
    ("3", "Đất đai", [65, 20, 35, 10, 50, 20, 25, 5, 15, 12, 3]),
]

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "Times New Roman"


def total_of(fields):
    return [sum(values[index] for _number, _name, values in fields) for index in range(11)]


def _style(sheet, *, counts_from, bold_rows=(), italic_rows=(), boxed=None, center_rows=(), wrap_rows=(), widths=()):
    """Fonts for the whole sheet, bold/italic/centred/wrapped rows, a thin grid over ``boxed`` (min_row, max_row),
    counts from column ``counts_from`` on shown as 1.234."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.column >= counts_from and isinstance(cell.value, int):
                cell.number_format = "#,##0"
            cell.font = Font(
                name=FONT,
                size=12,
                bold=cell.row in bold_rows,
                italic=cell.row in italic_rows,
            )
            if cell.row in center_rows or cell.row in wrap_rows:
                cell.alignment = Alignment(
                    horizontal="center" if cell.row in center_rows else None,
                    vertical="center",
                    wrap_text=cell.row in wrap_rows,
                )
    if boxed:
        first, last = boxed
        for row in sheet.iter_rows(min_row=first, max_row=last, max_col=sheet.max_column):
            for cell in row:
                cell.border = BOX
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def form06_workbook(
    *,
    period_text=TITLE_PERIOD,
    fields=FIELDS,
    total="sum",
    extra_total=None,
    header_row_e="Trực tiếp, dịch vụ bưu chính",
):
    """A single unit's Biểu 06 as a one-stop office exports it: title lines, three merged header rows,
    a numbering row, a group row, one row per field of procedures, "Tổng cộng" and signature lines.

    Returns (workbook, number of the total row or None)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Biểu 06"
    rows = [
        ["UBND XÃ TÁNH LINH", None, None, None, None, None, None, None, None, "Biểu số 06/VPCP/KSTT"],
        ["BỘ PHẬN MỘT CỬA"],
        ["TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"],
        [period_text],
        [None, None, None, None, None, None, None, None, None, None, "Đơn vị tính: Số hồ sơ TTHC"],
        [],
        [
            "STT",
            "Lĩnh vực giải quyết",
            "Số hồ sơ nhận giải quyết",
            None,
            None,
            None,
            "Số hồ sơ đã giải quyết",
            None,
            None,
            None,
            "Số hồ sơ đang giải quyết",
        ],
        [
            None,
            None,
            "Tổng số",
            "Trong đó",
            None,
            None,
            "Tổng số",
            "Trước hạn",
            "Đúng hạn",
            "Quá hạn",
            "Tổng số",
            "Trong hạn",
            "Quá hạn",
        ],
        [None, None, None, "Trực tuyến", header_row_e, "Từ kỳ trước"],
        NUMBERS,
        ["III", "Xã, phường, đặc khu"],
    ]
    for number, label, values in fields:
        rows.append([number, label, *values])
    total_row = None
    if total is not None:
        values = total_of(fields) if total == "sum" else total
        rows.append(["Tổng cộng", None, *values])
        total_row = len(rows)
    if extra_total is not None:
        rows.append(["Tổng cộng", None, *extra_total])
    last_table_row = len(rows)
    rows += [
        [],
        ["Người lập biểu", None, None, None, None, None, None, None, "Tánh Linh, ngày 15 tháng 11 năm 2025"],
        [None, None, None, None, None, None, None, None, "THỦ TRƯỞNG ĐƠN VỊ"],
        ["(Ký, ghi rõ họ tên)", None, None, None, None, None, None, None, "(Ký tên, đóng dấu)"],
    ]
    for row in rows:
        sheet.append(row)
    for cells in ("A7:A9", "B7:B9", "C7:F7", "G7:J7", "K7:M7", "C8:C9", "D8:F8", "G8:G9", "H8:H9", "I8:I9"):
        sheet.merge_cells(cells)
    for cells in ("J8:J9", "K8:K9", "L8:L9", "M8:M9", "A1:E1", "A3:M3", "A4:M4"):
        sheet.merge_cells(cells)
    if total_row:
        sheet.merge_cells(f"A{total_row}:B{total_row}")
    for cells in ("J1:M1", "K5:M5", "A2:E2"):
        sheet.merge_cells(cells)
    signature = last_table_row + 2
    for offset in range(3):
        sheet.merge_cells(f"I{signature + offset}:M{signature + offset}")
        sheet.merge_cells(f"A{signature + offset}:E{signature + offset}")
    _style(
        sheet,
        counts_from=3,
        bold_rows={1, 2, 3, 7, 8, 9, 11, total_row, signature, signature + 1},
        italic_rows={4, 5, 10, signature + 2},
        boxed=(7, last_table_row),
        center_rows={1, 2, 3, 4, 7, 8, 9, 10, signature, signature + 1, signature + 2},
        wrap_rows={7, 8, 9},
        widths=(6, 22, 9, 10, 13, 9, 9, 9, 9, 8, 9, 9, 8),
    )
    sheet["K5"].alignment = Alignment(horizontal="right")
    sheet.row_dimensions[9].height = 48
    for row in range(12, last_table_row + 1):
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center")
    return workbook, total_row


def names_report_workbook(rows, *, bcci=True, total=True, title="UBND HUYỆN TÁNH LINH"):
    """A district's per-unit report from the provincial system: units by name, with or without the BCCI column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Theo đơn vị"
    sheet.append([title])
    sheet.append(["BÁO CÁO SỐ LIỆU TIẾP NHẬN HỒ SƠ THEO ĐƠN VỊ"])
    sheet.append(["(Từ ngày 15/12/2023 đến ngày 14/01/2024)"])
    header = ["STT", "Tên đơn vị", "Số mới tiếp nhận trực tuyến", "Trực tiếp, dịch vụ bưu chính"]
    if bcci:
        header.append("Số mới tiếp nhận qua BCCI")
    sheet.append(header)
    for number, (name, *values) in enumerate(rows, start=1):
        sheet.append([number, name, *values])
    if total:
        sheet.append([None, "Tổng cộng", *[sum(row[index] for row in rows) for index in range(1, len(rows[0]))]])
    width = len(header)
    last = get_column_letter(width)
    for row in (1, 2, 3):
        sheet.merge_cells(f"A{row}:{last}{row}")
    _style(
        sheet,
        counts_from=3,
        bold_rows={1, 2, 4, sheet.max_row if total else 0},
        italic_rows={3},
        boxed=(4, sheet.max_row),
        center_rows={1, 2, 3, 4},
        wrap_rows={4},
        widths=(6, 22, 16, 16, 16)[:width],
    )
    sheet.row_dimensions[4].height = 48
    for row in range(5, sheet.max_row + 1):
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center")
    return workbook


TANH_LINH_UNITS = [
    ("TT. Lạc Tánh", 1_215, 684, 96),
    ("Xã Bắc Ruộng", 322, 281, 17),
    ("Xã Nghị Đức", 298, 240, 12),
    ("Xã La Ngâu", 102, 118, 4),
    ("Xã Huy Khiêm", 241, 236, 9),
    ("Xã Măng Tố", 187, 205, 11),
    ("Xã Đức Phú", 276, 199, 14),
    ("Xã Đồng Kho", 203, 188, 8),
    ("Xã Gia An", 344, 257, 21),
    ("Xã Đức Bình", 265, 230, 10),
    ("Xã Gia Huynh", 198, 176, 7),
    ("Xã Đức Thuận", 233, 214, 12),
    ("Xã Suối Kiết", 141, 163, 5),
]


def coded_report_workbook():
    """The provincial system's per-unit export with unit codes, the period per row and form 06's two-row header."""
    rows = [
        ["ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"],
        ["TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THÁNG 7/2025"],
        [],
        [
            "Mã ĐVHC",
            "Tên đơn vị",
            "Kỳ",
            "Số hồ sơ nhận giải quyết",
            None,
            None,
            None,
            "Đã giải quyết",
            None,
            None,
            "Đang giải quyết",
            None,
        ],
        [
            None,
            None,
            None,
            "Từ kỳ trước",
            "Trực tuyến",
            "Trong đó: trực tuyến toàn trình",
            "Trực tiếp, dịch vụ bưu chính",
            "Trước hạn",
            "Đúng hạn",
            "Trễ hạn",
            "Trong hạn",
            "Quá hạn",
        ],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)"],
        [None, "Khu vực Tánh Linh", None, 17, 241, 80, 601, 400, 300, 10, 120, 6],
        ["23149", "Xã Tánh Linh", "07/2025", 7, 120, 40, 300, 200, 150, 5, 60, 3],
        [23152, "Xã Bắc Ruộng", "07/2025", 10, 121, 40, 301, 200, 150, 5, 60, 3],
        [None, "Cộng", None, 17, 241, 80, 601, 400, 300, 10, 120, 6],
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tháng 7"
    for row in rows:
        sheet.append(row)
    for cells in ("A4:A5", "B4:B5", "C4:C5", "D4:G4", "H4:J4", "K4:L4", "A1:L1", "A2:L2"):
        sheet.merge_cells(cells)
    _style(
        sheet,
        counts_from=4,
        bold_rows={1, 2, 4, 5, 7, 10},
        italic_rows={6},
        boxed=(4, 10),
        center_rows={1, 2, 4, 5, 6},
        wrap_rows={4, 5},
        widths=(9, 20, 9, 9, 10, 12, 13, 9, 9, 8, 9, 8),
    )
    sheet.row_dimensions[5].height = 48
    return workbook


# The product's own format, as export_statistics writes it (campaigns.statistics.exports.header()).
EXPORT_HEADER = [
    "Mã ĐVHC",
    "Tên đơn vị",
    "Kỳ",
    "Từ ngày",
    "Đến ngày",
    "Nguồn số liệu",
    "Tiếp nhận trực tuyến",
    "Trong đó: trực tuyến toàn trình",
    "Tiếp nhận trực tiếp",
    "Tiếp nhận qua dịch vụ BCCI",
    "Số hồ sơ kỳ trước chuyển qua",
    "Đã giải quyết trước hạn",
    "Đã giải quyết đúng hạn",
    "Đã giải quyết quá hạn",
    "Đang giải quyết trong hạn",
    "Đang giải quyết quá hạn",
    "Trả kết quả qua dịch vụ BCCI",
    "Hồ sơ thanh toán trực tuyến",
    "Hồ sơ được số hóa",
    "Trực tiếp, dịch vụ bưu chính",
]
EXPORT_ROWS = [
    ["23149", "Thị trấn Lạc Tánh", "11/2023", "01/11/2023", "30/11/2023", "Hệ thống TTHC tỉnh",
     1_180, 402, 655, 88, 41, 1_090, 702, 12, 60, 2, 130, 355, 1_240, None],
    ["23152", "Xã Bắc Ruộng", "", "15/11/2023", "14/12/2023", "Biểu 06/VPCP/KSTT",
     318, None, None, None, 12, 420, 160, 3, 21, 0, None, None, None, 290],
    ["23158", "Xã Nghị Đức", "", "01/10/2023", "31/12/2023", "Nhập tay",
     905, 120, 700, 45, 30, 1_500, 90, 10, 70, 5, 40, 200, 1_400, None],
]  # fmt: skip


def export_format_workbook():
    """The product's own import/export format: one row per unit × period × source, headers in Vietnamese."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Thống kê hồ sơ"
    sheet.append(EXPORT_HEADER)
    for row in EXPORT_ROWS:
        sheet.append(row)
    _style(
        sheet,
        counts_from=7,
        bold_rows={1},
        boxed=(1, sheet.max_row),
        center_rows={1},
        wrap_rows={1},
        widths=(8, 17, 8, 11, 11, 18, *([10] * 13), 11),
    )
    sheet.row_dimensions[1].height = 64
    return workbook
