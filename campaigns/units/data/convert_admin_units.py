"""Convert the published unit lists into the data files that ``manage.py load_units`` reads.

Run once when the source lists change (not needed at run time):

    python campaigns/units/data/convert_admin_units.py SOURCE_DIR campaigns/units/data/units

SOURCE_DIR holds units-before-2025-07-01.csv, units-from-2025-07-01.csv and
succession-2025-07-01.csv (see docs/data/administrative-units.md for where they come from).
The output carries the unit type and validity period explicitly, so the loader infers nothing.
"""

import csv
import sys
import unicodedata
from pathlib import Path

REFORM = "2025-07-01"
LEVEL_BY_CODE_LENGTH = {2: "province", 3: "district", 5: "commune"}

# The succession source and the newer unit list disagree on two new commune codes; the unit
# list (2026) follows the official code list, so links are pointed at its codes.
NEW_CODE_CORRECTIONS = {
    ("06970", "Xã Ba Chẽ"): "06978",
    ("23737", "Xã Ia Mơ"): "23938",
}

PREFIXES = {
    "province": [("Thành phố ", "thanh_pho_tw"), ("Tỉnh ", "tinh")],
    "district": [
        ("Thành phố ", "thanh_pho_tinh"),
        ("Thị xã ", "thi_xa"),
        ("Quận ", "quan"),
        ("Huyện ", "huyen"),
    ],
    "commune": [("Thị trấn ", "thi_tran"), ("Phường ", "phuong"), ("Xã ", "xa"), ("Đặc khu ", "dac_khu")],
}


def clean_name(name: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", name).split())
    # One source row spells the type in lower case ("xã Bắc Sơn"); every other row capitalises it.
    return name[:1].upper() + name[1:]


def unit_type(level: str, name: str) -> str:
    for prefix, code in PREFIXES[level]:
        if name.startswith(prefix):
            return code
    raise ValueError(f"cannot tell the type of {level} {name!r}")


def convert(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with (target / "units.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "level", "type", "name", "parent_code", "valid_from", "valid_to"])
        for filename, valid_from, valid_to in [
            ("units-before-2025-07-01.csv", "", REFORM),
            ("units-from-2025-07-01.csv", REFORM, ""),
        ]:
            with (source / filename).open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    name = clean_name(row["name"])
                    writer.writerow(
                        [
                            row["code"],
                            row["level"],
                            unit_type(row["level"], name),
                            name,
                            row["parent_code"],
                            valid_from,
                            valid_to,
                        ]
                    )
    with (
        (source / "succession-2025-07-01.csv").open(encoding="utf-8-sig", newline="") as handle,
        (target / "successions.csv").open("w", newline="", encoding="utf-8") as out,
    ):
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["old_level", "old_code", "old_name", "new_level", "new_code", "new_name", "kind", "effective_date"]
        )
        with (source / "units-before-2025-07-01.csv").open(encoding="utf-8-sig", newline="") as units:
            before = {row["code"] for row in csv.DictReader(units)}
        dropped = []
        for row in csv.DictReader(handle):
            new_name = clean_name(row["new_name"])
            new_code = NEW_CODE_CORRECTIONS.get((row["new_code"], new_name), row["new_code"])
            if row["old_code"] not in before:
                # The old unit had already been merged away before the 2025 reform.
                dropped.append(row)
                continue
            writer.writerow(
                [
                    LEVEL_BY_CODE_LENGTH[len(row["old_code"])],
                    row["old_code"],
                    clean_name(row["old_name"]),
                    row["level"],
                    new_code,
                    new_name,
                    row["kind"],
                    REFORM,
                ]
            )
        for row in dropped:
            print(f"dropped: {row['old_code']} {row['old_name']} -> {row['new_code']} {row['new_name']}")


if __name__ == "__main__":
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
