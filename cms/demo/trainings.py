"""Demo classes from the seed campaigns (idempotent).

Tánh Linh 2022 ran 6 classes for about 400 attendances (officials, teachers, community digital
technology teams): here six classes in its old communes, April–September 2022, with rosters and
check-ins. The Hà Nội district's conference of 25/08/2022 had 120 delegates and no roster: it is a
class with a reported count. Two public classes in Xã Tánh Linh next month take registrations.
People and phone numbers are invented (0900 000 xxx).
"""

import datetime
import random
import zoneinfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigns.core.text import fold
from campaigns.models import AdministrativeUnit, Campaign
from cms.demo.campaigns import REFORM, SEED_CAMPAIGNS
from trainings.choices import Audience, ConsentPurpose, Format, RegistrationSource, Status, Topic
from trainings.models import Attendee, Consent, Feedback, Registration, TrainingSession
from trainings.services import CONSENT_TEXT_VERSION, certificate_issue, consent_text

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Thu", "Quốc", "Kim"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan", "Linh", "Long", "Mai",
         "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]  # fmt: skip
# (old commune code, month 2022, audience, organisation, attendances, title)
TANH_LINH_CLASSES = (
    ("23149", 4, Audience.OFFICIALS, "UBND thị trấn Lạc Tánh", 72, "Cán bộ, công chức thị trấn Lạc Tánh"),
    ("23152", 5, Audience.TEACHERS, "Trường THCS Bắc Ruộng", 64, "Giáo viên các trường xã Bắc Ruộng"),
    ("23158", 6, Audience.COMMUNITY_TEAMS, "Tổ công nghệ số cộng đồng xã Nghị Đức", 58, "Tổ công nghệ số cộng đồng Nghị Đức"),
    ("23161", 7, Audience.OFFICIALS, "UBND xã La Ngâu", 66, "Cán bộ, công chức xã La Ngâu"),
    ("23164", 8, Audience.TEACHERS, "Trường Tiểu học Huy Khiêm", 70, "Giáo viên các trường xã Huy Khiêm"),
    ("23176", 9, Audience.COMMUNITY_TEAMS, "Tổ công nghệ số cộng đồng xã Gia An", 68, "Tổ công nghệ số cộng đồng Gia An"),
)  # fmt: skip
TOPICS = [Topic.PORTAL_ACCOUNT, Topic.SUBMIT_ONLINE, Topic.BCCI]


def _old_unit(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code=code, valid_to=REFORM)


def _campaigns() -> dict[str, Campaign]:
    result = {}
    for seed in SEED_CAMPAIGNS:
        units = AdministrativeUnit.objects.filter(code=seed.unit_code)
        unit = units.get(valid_to=seed.unit_valid_to) if seed.unit_valid_to else units.get(valid_to__isnull=True)
        campaign, _created = Campaign.objects.update_or_create(
            slug=seed.slug,
            defaults={"name": seed.title, "unit": unit, "starts_on": seed.start_date, "ends_on": seed.end_date},
        )
        result[seed.slug] = campaign
    return result


def _session(title: str, starts: datetime.datetime, **fields) -> TrainingSession:
    session = TrainingSession.objects.filter(title=title, starts_at=starts).first()
    if session is None:
        session = TrainingSession.objects.create(title=title, starts_at=starts, **fields)
    return session


def _people(rng: random.Random, count: int, first_number: int, organisation: str, unit) -> list[Attendee]:
    phones = [f"+84900{number:06d}" for number in range(first_number, first_number + count)]
    existing = {attendee.phone: attendee for attendee in Attendee.objects.filter(phone__in=phones)}
    new = []
    for phone in phones:
        if phone not in existing:
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            new.append(
                Attendee(full_name=name, name_key=fold(name), phone=phone, organisation=organisation, unit=unit)
            )
    Attendee.objects.bulk_create(new)
    return list(Attendee.objects.filter(phone__in=phones).order_by("phone"))


DEMO_COMMENTS = (
    "",
    "Giảng viên hướng dẫn dễ hiểu, tôi đã tự nộp được hồ sơ trên điện thoại.",
    "Mong có thêm buổi hướng dẫn thanh toán phí trực tuyến.",
    "Phòng học hơi nóng, máy chiếu khó nhìn ở cuối phòng.",
    "Cần hướng dẫn kỹ hơn phần đăng nhập VNeID mức 2.",
)


def _roster(session: TrainingSession, people: list[Attendee], attended: int, rng: random.Random) -> None:
    if session.registrations.exists():
        return
    registrations, consents = [], []
    for seat, person in enumerate(people, start=1):
        present = seat <= attended
        start = session.starts_at
        registrations.append(
            Registration(
                session=session,
                attendee=person,
                seat=seat,
                status=Status.ATTENDED if present else Status.NO_SHOW,
                source=RegistrationSource.IMPORT,
                registered_at=start - datetime.timedelta(days=7),
                checked_in_at=start + datetime.timedelta(minutes=rng.randint(-20, 15)) if present else None,
            )
        )
        consents.append(
            Consent(
                attendee=person,
                purpose=ConsentPurpose.TRAINING,
                text_version=CONSENT_TEXT_VERSION,
                text=consent_text(ConsentPurpose.TRAINING),
                given_at=start - datetime.timedelta(days=7),
                source=RegistrationSource.IMPORT,
            )
        )
    Registration.objects.bulk_create(registrations)
    Consent.objects.bulk_create(consents)
    attended_rows = list(session.registrations.filter(status=Status.ATTENDED).order_by("seat"))
    Feedback.objects.bulk_create(
        Feedback(
            session=session,
            registration=registration,
            rating=rng.choice([3, 4, 4, 5, 5]),
            pre_score=rng.randint(30, 60),
            post_score=rng.randint(65, 95),
            comment=rng.choice(DEMO_COMMENTS),
        )
        for registration in attended_rows[::3]
    )
    for registration in attended_rows[:5]:
        Consent.objects.create(
            attendee=registration.attendee,
            purpose=ConsentPurpose.CERTIFICATE,
            text_version=CONSENT_TEXT_VERSION,
            text=consent_text(ConsentPurpose.CERTIFICATE),
            given_at=registration.registered_at,
            source=RegistrationSource.IMPORT,
        )
        certificate_issue(actor=None, registration=registration)


@transaction.atomic
def demo_trainings_load() -> dict:
    rng = random.Random(2022)  # noqa: S311 - demo data, not security
    campaigns = _campaigns()
    trainer = get_user_model().objects.filter(username="giangvien").first()
    sessions = 0
    first_number = 1
    for code, month, audience, organisation, attended, title in TANH_LINH_CLASSES:
        unit = _old_unit(code)
        starts = datetime.datetime(2022, month, 12, 8, 0, tzinfo=HCM)
        session = _session(
            f"Tập huấn dịch vụ công trực tuyến: {title}",
            starts,
            campaign=campaigns["tanh-linh-2022"],
            topics=TOPICS,
            audience=audience,
            format=Format.IN_PERSON,
            unit=unit,
            venue=f"Hội trường {organisation}",
            ends_at=starts + datetime.timedelta(hours=4),
            capacity=attended + 6,
            is_public=False,
        )
        if trainer:
            session.trainers.add(trainer)
        people = _people(rng, attended + 4, first_number, organisation, unit)
        first_number += attended + 4
        _roster(session, people, attended, rng)
        sessions += 1

    ha_noi = AdministrativeUnit.objects.get(code="01", valid_to=REFORM)
    conference = datetime.datetime(2022, 8, 25, 8, 0, tzinfo=HCM)
    _session(
        "Hội nghị đẩy mạnh dịch vụ công trực tuyến và bưu chính công ích",
        conference,
        campaign=campaigns["ha-noi-2022"],
        topics=[Topic.SUBMIT_ONLINE, Topic.BCCI],
        audience=Audience.OFFICIALS,
        unit=ha_noi,
        venue="Hội trường UBND huyện",
        ends_at=conference + datetime.timedelta(hours=3),
        capacity=150,
        reported_attendees=120,
    )
    sessions += 1

    tanh_linh = AdministrativeUnit.objects.get(code="23149", valid_to__isnull=True)
    today = timezone.localdate()
    for offset, (title, capacity, taken) in enumerate(
        (
            ("Hướng dẫn người dân đăng ký tài khoản và nộp hồ sơ trực tuyến", 40, 12),
            ("Thanh toán phí, lệ phí trực tuyến và nhận kết quả qua bưu điện", 20, 18),
        )
    ):
        day = today + datetime.timedelta(days=14 + 7 * offset)
        starts = datetime.datetime(day.year, day.month, day.day, 8, 0, tzinfo=HCM)
        session = _session(
            title,
            starts,
            topics=[Topic.PORTAL_ACCOUNT, Topic.SUBMIT_ONLINE, Topic.PAY_ONLINE],
            audience=Audience.CITIZENS,
            unit=tanh_linh,
            venue="Nhà văn hoá thôn 1, xã Tánh Linh",
            ends_at=starts + datetime.timedelta(hours=3),
            capacity=capacity,
            is_public=True,
            registration_closes_at=starts - datetime.timedelta(hours=12),
        )
        if trainer:
            session.trainers.add(trainer)
        if not session.registrations.exists():
            people = _people(rng, taken, 900 + 100 * offset, "Người dân xã Tánh Linh", tanh_linh)
            Registration.objects.bulk_create(
                Registration(
                    session=session,
                    attendee=person,
                    seat=seat,
                    status=Status.REGISTERED,
                    source=RegistrationSource.PUBLIC,
                    registered_at=timezone.now() - datetime.timedelta(days=seat % 5),
                )
                for seat, person in enumerate(people, start=1)
            )
        sessions += 1
    return {"sessions": sessions, "registrations": Registration.objects.count()}
