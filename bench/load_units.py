"""Time `load_units` on a fresh SQLite database against a reference measured in the same run.

Reference: reading the same two CSV files and inserting their rows with `executemany` into bare
tables (no validation, no parents, no idempotency). Budget: a first load in under 30 s.

    .venv/bin/python bench/load_units.py
"""

import csv
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "campaigns" / "units" / "data" / "units"
sys.path.insert(0, str(ROOT / "bench"))

from import_statistics import manage, sqlite_env  # noqa: E402


def reference(path: Path) -> float:
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE u (code, level, type, name, parent_code, valid_from, valid_to)")
    connection.execute("CREATE TABLE s (old_level, old_code, old_name, new_level, new_code, new_name, kind, d)")
    with (DATA / "units.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    connection.executemany("INSERT INTO u VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    with (DATA / "successions.csv").open(encoding="utf-8") as handle:
        links = list(csv.reader(handle))[1:]
    connection.executemany("INSERT INTO s VALUES (?, ?, ?, ?, ?, ?, ?, ?)", links)
    connection.commit()
    connection.close()
    return time.perf_counter() - started


def main():
    with tempfile.TemporaryDirectory() as tmp:
        env = sqlite_env(Path(tmp))
        manage("migrate", "-v0", env=env)
        started = time.perf_counter()
        manage("load_units", env=env)
        first = time.perf_counter() - started
        started = time.perf_counter()
        manage("load_units", env=env)
        second = time.perf_counter() - started
        started = time.perf_counter()
        manage("check", env=env)
        startup = time.perf_counter() - started
        ref = reference(Path(tmp) / "reference.sqlite3")
    print(f"process start-up (manage.py check): {startup:.2f} s")
    print(f"load_units, first load:  {first:.2f} s  (budget 30 s)")
    print(f"load_units, second run:  {second:.2f} s  (nothing to change)")
    print(f"reference, raw executemany of both files: {ref:.2f} s")
    print(f"ratio first load / reference: {first / ref:.1f}x; minus start-up: {(first - startup) / ref:.1f}x")
    sys.exit(0 if first < 30 else 1)


if __name__ == "__main__":
    main()
