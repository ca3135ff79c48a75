"""Shared data for the impact tests: Tánh Linh's old communes, three trained in 2022, imported by the commands."""

import csv
import datetime
import io
import random
from pathlib import Path

import pytest
from django.core.management import call_command

from campaigns.models import ReachRule, Target
from tests.factories.campaigns import past_campaign

# Tánh Linh's old communes: six are trained, two each in April, June and September 2022; seven are never reached.
TRAINED = {"23149": 4, "23152": 4, "23158": 6, "23161": 6, "23164": 9, "23176": 9}
CONTROLS = ["23167", "23170", "23173", "23179", "23182", "23185", "23188"]
EFFECT = 0.10


def _months():
    for year in (2021, 2022, 2023):
        for month in range(1, 13):
            yield datetime.date(year, month, 1)


def write_statistics(path: Path, *, effect: float = EFFECT, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Mã ĐVHC", "Kỳ", "Tiếp nhận trực tuyến", "Tiếp nhận trực tiếp", "Tiếp nhận qua dịch vụ BCCI"])
        for code in [*TRAINED, *CONTROLS]:
            level = rng.uniform(0.10, 0.20)
            for index, month in enumerate(_months()):
                # A national trend of 0,8 points a month, common to every commune.
                rate = level + 0.008 * index + rng.gauss(0, 0.004)
                if code in TRAINED and month >= datetime.date(2022, TRAINED[code], 1):
                    rate += effect
                total = 1000
                online = round(total * rate)
                writer.writerow([code, f"{month:%m/%Y}", online, total - online - 20, 20])


def write_activities(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Mã ĐVHC", "Ngày", "Hình thức", "Số lượng", "Số người", "Chiến dịch", "Nội dung"])
        for code, month in TRAINED.items():
            writer.writerow([code, f"15/{month:02d}/2022", "tập huấn", 1, 60, "tl-test", "Tập huấn dịch vụ công"])
            writer.writerow([code, f"20/{month:02d}/2022", "tờ rơi", 200, 200, "tl-test", "Tờ rơi hướng dẫn"])


@pytest.fixture
def imported(tmp_path, catalogue):
    campaign = past_campaign(
        "599",
        "tl-test",
        datetime.date(2022, 4, 1),
        datetime.date(2022, 12, 31),
        name="Tánh Linh (kiểm thử)",
        plan_number="12/KH-UBND",
    )
    ReachRule.objects.create(campaign=campaign, channel="training", minimum=1)
    Target.objects.create(
        campaign=campaign, indicator="online_rate", preset="new_rural", deadline=datetime.date(2023, 12, 31)
    )
    statistics, activities = tmp_path / "thong-ke.csv", tmp_path / "hoat-dong.csv"
    write_statistics(statistics)
    write_activities(activities)
    call_command("import_statistics", str(statistics), stdout=io.StringIO(), stderr=io.StringIO())
    call_command("import_activities", str(activities), stdout=io.StringIO(), stderr=io.StringIO())
    return campaign
