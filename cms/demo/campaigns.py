"""Demo data: the seed campaigns' places and people in the roles that will use them.

The five seed campaigns are real (news reports, see docs/demo-data.md). Their figures live in
``SEED_CAMPAIGNS`` so that every capability adds its part of the demo from the same facts.
"""

import datetime
import os
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from campaigns.access.roles import Role, role_group_name
from campaigns.impact.cache import impact_result_refresh
from campaigns.models import AdministrativeUnit, Campaign, ReachRule, ReportedFigure, Target, UserScope
from campaigns.plans.choices import CampaignStatus

REFORM = datetime.date(2025, 7, 1)
DEMO_PASSWORD_ENV = "DEMO_PASSWORD"  # noqa: S105 - the name of a variable
DEFAULT_DEMO_PASSWORD = "demo-dvc-2026"  # noqa: S105 - printed on purpose: local demo only


@dataclass(frozen=True)
class SeedCampaign:
    slug: str
    title: str
    unit_code: str
    unit_valid_to: datetime.date | None  # REFORM for units that existed before 01/07/2025
    start_date: datetime.date
    end_date: datetime.date
    plan_number: str = ""
    partners: tuple[str, ...] = ()
    facts: dict = field(default_factory=dict)


SEED_CAMPAIGNS = (
    SeedCampaign(
        slug="tanh-linh-2022",
        title="Tánh Linh 2022: dịch vụ công trực tuyến và bưu chính công ích",
        unit_code="599",
        unit_valid_to=REFORM,
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2022, 12, 31),
        partners=("Bưu điện huyện Tánh Linh",),
        facts={"reportages": 2, "handbooks": 750},
    ),
    SeedCampaign(
        slug="ben-tre-2020",
        title="TP Bến Tre 2020: 100% dịch vụ công trực tuyến mức độ 4",
        unit_code="829",
        unit_valid_to=REFORM,
        start_date=datetime.date(2020, 9, 16),
        end_date=datetime.date(2020, 12, 31),
        plan_number="3510/KH-UBND",
        facts={"plan_date": datetime.date(2020, 9, 16), "level3_procedures": 39},
    ),
    SeedCampaign(
        # The report does not name the district; the demo places the campaign at city level.
        slug="ha-noi-2022",
        title="Một huyện của Hà Nội 2022: đẩy mạnh dịch vụ công trực tuyến và BCCI",
        unit_code="01",
        unit_valid_to=REFORM,
        start_date=datetime.date(2022, 8, 25),
        end_date=datetime.date(2022, 12, 31),
        partners=("Bưu điện Hà Nội",),
        facts={"conference_delegates": 120, "online_rate_8_months": 0.13, "target_online": 0.50},
    ),
    SeedCampaign(
        slug="ha-tinh-2021",
        title="Hà Tĩnh 2021: nộp hồ sơ trực tuyến để phòng dịch",
        unit_code="42",
        unit_valid_to=REFORM,
        start_date=datetime.date(2021, 7, 25),
        end_date=datetime.date(2021, 8, 25),
        facts={"centre_online_rate": 0.3312, "city_online_dossiers": 338, "city_online_rate": 0.395},
    ),
    SeedCampaign(
        slug="dien-bien-2023",
        title="Điện Biên 2023: hiện đại hoá phục vụ người dân và doanh nghiệp",
        unit_code="11",
        unit_valid_to=REFORM,
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2023, 12, 31),
        facts={"q2_online_dossiers": 33892, "q2_online_rate": 0.69},
    ),
)

# (username, full name, role, [(unit code, valid_to)])
DEMO_USERS = (
    ("bientap", "Nguyễn Thu Hà", Role.COMMUNICATIONS, [("68", None)]),
    ("giangvien", "Trần Văn Minh", Role.TRAINER, [("599", REFORM), ("23149", None)]),
    ("motcua", "Lê Thị Lan", Role.UNIT_OFFICER, [("23149", None)]),
    ("lanhdao", "Phạm Quốc Hùng", Role.LEADER, [("42", None)]),
)


def demo_password() -> str:
    return os.environ.get(DEMO_PASSWORD_ENV) or DEFAULT_DEMO_PASSWORD


def _unit(code: str, valid_to: datetime.date | None) -> AdministrativeUnit:
    units = AdministrativeUnit.objects.filter(code=code)
    return units.get(valid_to=valid_to) if valid_to else units.get(valid_to__isnull=True)


@transaction.atomic
def demo_load() -> dict:
    """Create (or refresh) the demo administrator and one user per role with their scopes."""
    User = get_user_model()
    password = demo_password()
    admin, _created = User.objects.get_or_create(
        username="admin", defaults={"email": "admin@example.invalid", "first_name": "Quản trị", "last_name": "Demo"}
    )
    admin.is_staff = admin.is_superuser = True
    admin.set_password(password)
    admin.save()
    admin.groups.set([Group.objects.get(name=role_group_name(Role.ADMINISTRATOR))])

    users = {"admin": admin}
    for username, full_name, role, scopes in DEMO_USERS:
        family, _sep, given = full_name.rpartition(" ")
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": given, "last_name": family, "email": f"{username}@example.invalid"},
        )
        user.set_password(password)
        user.is_staff = False
        user.save()
        user.groups.set([Group.objects.get(name=role_group_name(role))])
        wanted = [_unit(code, valid_to) for code, valid_to in scopes]
        UserScope.objects.filter(user=user).exclude(unit__in=wanted).delete()
        for unit in wanted:
            UserScope.objects.get_or_create(user=user, unit=unit)
        users[username] = user
    return {"users": users, "password": password}


# Plan details written for the demo from the seed articles' facts (issuing bodies and objectives paraphrased).
def _figures(label: str, *, code: str, source: str, values, percent: bool = False) -> list[tuple]:
    """Reported figures of one label, unit and source: one per (value, first day, last day)."""
    return [(label, value, percent, code, start, end, source) for value, start, end in values]


CAMPAIGN_DETAILS = {
    "tanh-linh-2022": {
        "issuing_body": "UBND huyện Tánh Linh",
        "objectives": "Tập huấn cán bộ, giáo viên và tổ công nghệ số cộng đồng ở sáu xã, thị trấn; phát sổ tay và "
        "tờ rơi hướng dẫn nộp hồ sơ trực tuyến và qua bưu chính công ích.",
        "budget": 45_000_000,
        "rules": [("training", 1, False)],
        "targets": [
            ("online_rate", "new_rural", None, datetime.date(2022, 12, 31)),
            ("classes", "custom", 6, datetime.date(2022, 12, 31)),
            ("handbooks", "custom", 750, datetime.date(2022, 12, 31)),
        ],  # fmt: skip
        "figures": [
            *_figures(
                "Hồ sơ tiếp nhận, giải quyết qua dịch vụ công trực tuyến mức độ 3, 4",
                code="599",
                source="UBND huyện Tánh Linh",
                values=[(657, (2022, 1, 1), (2022, 12, 31))],
            ),
            *_figures(
                "Hồ sơ tiếp nhận và trả kết quả qua dịch vụ bưu chính công ích",
                code="599",
                source="UBND huyện Tánh Linh",
                values=[(661, (2022, 1, 1), (2022, 12, 31))],
            ),
        ],  # fmt: skip
    },
    "ben-tre-2020": {
        "issuing_body": "UBND thành phố Bến Tre",
        "objectives": "Đưa toàn bộ thủ tục mức độ 3 lên mức độ 4 và hướng dẫn người dân nộp hồ sơ trực tuyến.",
        "rules": [("training", 1, False), ("leaflet", 50, True)],
        # The plan sets procedures, not dossiers: 53 level-4 procedures for the city's offices by
        # 15/11/2020 and 25 for the communes and wards by 15/12/2020.
        "targets": [
            ("procedures_online", "custom", 53, datetime.date(2020, 11, 15)),
            ("procedures_online", "custom", 25, datetime.date(2020, 12, 15)),
        ],
        "target_units": {1: "communes"},
    },
    "ha-noi-2022": {
        "issuing_body": "UBND thành phố Hà Nội",
        "objectives": "Hội nghị tập huấn và tuyên truyền để tăng hồ sơ trực tuyến và qua bưu chính công ích.",
        "rules": [("conference", 1, False), ("training", 1, False)],
        "targets": [
            ("online_rate", "custom", 50, datetime.date(2022, 12, 31)),
            ("bcci_rate", "custom", 25, datetime.date(2022, 12, 31)),
        ],
        # "13 % after eight months", said at the conference of 25/08/2022 (a district the article does not name).
        "reported": {0: (13, datetime.date(2022, 8, 25), "Hội nghị ngày 25/08/2022")},
    },
    "ha-tinh-2021": {
        "issuing_body": "UBND tỉnh Hà Tĩnh",
        "objectives": "Khuyến khích nộp hồ sơ trực tuyến trong thời gian giãn cách để phòng dịch.",
        "rules": [("zalo", 1, False), ("radio", 1, False)],
        "targets": [("online_rate", "custom", 30, datetime.date(2021, 8, 31))],
        "figures": [
            *_figures(
                "Tỷ lệ hồ sơ trực tuyến của Trung tâm Phục vụ hành chính công tỉnh",
                percent=True,
                code="42",
                source="Trung tâm Phục vụ hành chính công tỉnh",
                values=[
                    (11.70, (2020, 7, 25), (2020, 8, 25)),
                    (24.0, (2021, 6, 1), (2021, 6, 30)),
                    (33.12, (2021, 7, 25), (2021, 8, 25)),
                ],
            ),
            *_figures(
                "Hồ sơ trả kết quả qua dịch vụ bưu chính công ích",
                code="42",
                source="Bưu điện tỉnh Hà Tĩnh",
                values=[(80852, (2021, 6, 1), (2021, 6, 30)), (86969, (2021, 7, 1), (2021, 7, 31))],
            ),
        ],  # fmt: skip
    },
    "dien-bien-2023": {
        "issuing_body": "UBND tỉnh Điện Biên",
        "objectives": "Hiện đại hoá phục vụ người dân, doanh nghiệp và nâng tỷ lệ hồ sơ trực tuyến.",
        "rules": [("training", 1, False)],
        "targets": [("online_rate", "new_rural_advanced", None, datetime.date(2023, 12, 31))],
    },
}


@transaction.atomic
def demo_campaigns_load() -> int:
    """The seed campaigns with plan document, partners, reach rules and targets (safe to run again)."""

    count = 0
    for seed in SEED_CAMPAIGNS:
        details = CAMPAIGN_DETAILS[seed.slug]
        campaign, _created = Campaign.objects.update_or_create(
            slug=seed.slug,
            defaults={
                "name": seed.title,
                "unit": _unit(seed.unit_code, seed.unit_valid_to),
                "starts_on": seed.start_date,
                "ends_on": seed.end_date,
                "plan_number": seed.plan_number,
                "plan_date": seed.facts.get("plan_date"),
                "issuing_body": details["issuing_body"],
                "objectives": details["objectives"],
                "partners": "\n".join(seed.partners),
                "budget": details.get("budget"),
                "status": CampaignStatus.FINISHED,
            },
        )
        for order, (channel, minimum, per_thousand) in enumerate(details["rules"]):
            ReachRule.objects.update_or_create(
                campaign=campaign,
                channel=channel,
                defaults={"minimum": minimum, "per_thousand_dossiers": per_thousand, "sort_order": order},
            )
        campaign.reach_rules.exclude(channel__in=[rule[0] for rule in details["rules"]]).delete()
        for order, (indicator, preset, value, deadline) in enumerate(details["targets"]):
            Target.objects.update_or_create(
                campaign=campaign,
                sort_order=order,
                defaults={"indicator": indicator, "preset": preset, "value": value, "deadline": deadline},
            )
        campaign.targets.filter(sort_order__gte=len(details["targets"])).delete()
        for order, (value, day, source) in details.get("reported", {}).items():
            campaign.targets.filter(sort_order=order).update(
                reported_value=value, reported_on=day, reported_source=source
            )
        for order, which in details.get("target_units", {}).items():
            target = campaign.targets.get(sort_order=order)
            if which == "communes":
                target.units.set(AdministrativeUnit.objects.filter(parent=campaign.unit, level="commune"))
                target.save()
        campaign.reported_figures.all().delete()
        for order, (label, value, percent, code, start, end, source) in enumerate(details.get("figures", [])):
            ReportedFigure.objects.create(
                campaign=campaign,
                sort_order=order,
                label=label,
                value=value,
                is_percent=percent,
                unit=_unit(code, REFORM),
                period_start=datetime.date(*start),
                period_end=datetime.date(*end),
                source=source,
            )
        count += 1
    return count


def demo_impact_load() -> int:
    """Compute and store the impact report of every seed campaign, so the demo's pages open at once; those whose
    data allow no effect store what can be said instead. Returns how many allow an effect."""

    count = 0
    for campaign in Campaign.objects.filter(slug__in=[seed.slug for seed in SEED_CAMPAIGNS]):
        result = impact_result_refresh(campaign=campaign)
        count += "unavailable" not in result.payload
    return count
