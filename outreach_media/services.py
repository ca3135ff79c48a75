"""Writing an activity log: every row lands in the model that owns its channel, in one transaction.

The channel registry (``campaigns.plans.channels``) says which kind of record each channel is stored as:

=====================  ==========================================================================
record kind            becomes
=====================  ==========================================================================
training session       N ``trainings.TrainingSession`` for a row of quantity N (N classes), keyed
                       ``class_key(row key, 1…N)``; the row's people are split as evenly as
                       possible (the first classes get one more); capacity = that share (0 when
                       unknown), 08:00–11:00 Asia/Ho_Chi_Minh on the row's date, not public,
                       audience citizens. The row's cost, which a session has no field for, is a
                       line of the first class's description.
distribution           a ``Distribution`` (copies = quantity, people reached, cost) of the media
                       item of one of the channel's kinds, campaign and title (or the channel's
                       default title), created live (of the first kind) when there is none.
airing                 an ``Airing`` (count = quantity) of such a media item.
post                   a ``Post`` (the channel's platform, count = quantity, reach = people); linked
                       to such a media item when the row names a campaign (a post has no campaign).
outreach event         an ``OutreachEvent`` (channel, quantity, people, cost).
=====================  ==========================================================================

The row's natural key decides where it goes again: importing the same file twice changes nothing,
and a changed quantity, number of people, cost or wording updates the stored row in place. An
existing row keeps its media item; only new rows look one up. Fewer classes than before removes
the surplus imported sessions unless someone registered for them (then the row is an error).
"""

import datetime
import threading
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from campaigns.core.errors import RowError
from campaigns.core.events import figures_changed
from campaigns.core.imports.headers import HeaderError
from campaigns.core.imports.report import ImportFailed
from campaigns.core.imports.report import ImportReport as BaseImportReport
from campaigns.core.imports.transactions import import_transaction
from campaigns.core.text import fold
from campaigns.plans.channels import REGISTRY, Record, channel_spec
from outreach_media.imports import MAX_CLASSES_PER_ROW, ActivityReader, ActivityRow, class_key
from outreach_media.models import Airing, Distribution, LinkScan, MediaItem, OutreachEvent, Post
from trainings.choices import Audience, Format
from trainings.models import Registration, TrainingSession

IMPORT_LOCK_ID = 842_002  # pg_advisory_xact_lock key shared by every activity import
LOCAL_TIME = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
CLASS_START, CLASS_END = datetime.time(8, 0), datetime.time(11, 0)
_SQLITE_IMPORT_LOCK = threading.Lock()
_CHUNK = 500

# The model each kind of record lives in (the kinds are the registry's, campaigns.plans.channels.Record).
RECORD_MODELS = {
    Record.TRAINING_SESSION: TrainingSession,
    Record.DISTRIBUTION: Distribution,
    Record.AIRING: Airing,
    Record.POST: Post,
    Record.OUTREACH_EVENT: OutreachEvent,
    Record.LINK_SCAN: LinkScan,
}


def _default_titles() -> dict[str, str]:
    return {spec.value: str(spec.default_title) for spec in REGISTRY if spec.default_title is not None}


def stored_texts() -> tuple[dict[str, str], str]:
    """Default titles and the cost-line prefix, always in the site's language (they are data, and
    must read the same whichever language the importing user's screen is in)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _default_titles(), _("Cost (activity log):")


def split_evenly(total: int | None, parts: int) -> list[int | None]:
    """``split_evenly(7, 3) == [3, 2, 2]``: the first classes get the remainder."""
    if total is None:
        return [None] * parts
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def class_times(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    return (
        datetime.datetime.combine(day, CLASS_START, tzinfo=LOCAL_TIME),
        datetime.datetime.combine(day, CLASS_END, tzinfo=LOCAL_TIME),
    )


@dataclass
class ImportReport(BaseImportReport):
    media_items_created: int = 0


class ActivityImportError(ImportFailed):
    """Nothing was written. ``code``: ``unreadable_file`` or ``invalid_rows``."""


@dataclass(frozen=True)
class PreviewRow:
    row: int
    unit: str
    date: datetime.date
    channel: str
    quantity: int
    people: int | None
    campaign: str
    title: str
    cost: int | None
    status: str

    @property
    def status_label(self) -> str:
        return {"new": _("new"), "changed": _("changed"), "unchanged": _("unchanged")}[self.status]


@dataclass
class _Plan:
    """What one import will do: objects to create, objects whose fields change, sessions to remove."""

    create: dict = field(default_factory=dict)  # model -> [(row, instance)]
    update: dict = field(default_factory=dict)  # model -> ({instance}, {field names})
    delete_sessions: list = field(default_factory=list)
    status: dict = field(default_factory=dict)  # row number -> new / changed / unchanged
    errors: list = field(default_factory=list)

    def add(self, model, row, instance):
        self.create.setdefault(model, []).append((row, instance))

    def change(self, instance, fields):
        instances, names = self.update.setdefault(type(instance), ({}, set()))
        instances[instance.pk] = instance
        names.update(fields)


def _by_key(model, keys) -> dict:
    keys = list(keys)
    found = {}
    for start in range(0, len(keys), _CHUNK):
        for instance in model.objects.filter(import_key__in=keys[start : start + _CHUNK]):
            found[instance.import_key] = instance
    return found


def _apply(instance, values: dict) -> list[str]:
    """Set the values that differ; returns their names."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _cost_line(prefix: str, cost: int | None) -> str:
    if cost is None:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        amount = number_format(cost, force_grouping=True)
        return f"{prefix} " + _("%(amount)s VND") % {"amount": amount}


def _with_cost_line(description: str, prefix: str, line: str) -> str:
    kept = [text for text in description.splitlines() if not text.startswith(prefix)]
    if line:
        kept.append(line)
    return "\n".join(kept)


class _Planner:
    def __init__(self, rows: list[ActivityRow], file_label: str, actor_id):
        self.rows = rows
        self.file_label = file_label
        self.actor_id = actor_id
        self.plan = _Plan()
        self.titles, self.cost_prefix = stored_texts()

    def run(self) -> _Plan:
        by_record: dict[str, list[ActivityRow]] = {record: [] for record in Record.IMPORTED}
        for row in self.rows:
            by_record[channel_spec(row.channel).record].append(row)
        self._trainings(by_record[Record.TRAINING_SESSION])
        simple = {
            Record.DISTRIBUTION: self._distribution,
            Record.AIRING: self._airing,
            Record.POST: self._post,
            Record.OUTREACH_EVENT: self._event,
        }
        for record, values in simple.items():
            model, model_rows = RECORD_MODELS[record], by_record[record]
            existing = _by_key(model, (row.key for row in model_rows))
            for row in model_rows:
                wanted = values(row)
                instance = existing.get(row.key)
                if instance is None:
                    self.plan.add(model, row, model(import_key=row.key, **wanted))
                    self.plan.status[row.row] = "new"
                    continue
                changed = _apply(instance, wanted)
                if changed:
                    self.plan.change(instance, changed)
                self.plan.status[row.row] = "changed" if changed else "unchanged"
        return self.plan

    # -- values of each model (without the key and, for products, the media item) -----------------
    @staticmethod
    def _distribution(row):
        return {
            "unit_id": row.unit_id,
            "date": row.date,
            "copies": row.quantity,
            "people_reached": row.people,
            "cost": row.cost,
        }

    @staticmethod
    def _airing(row):
        return {
            "unit_id": row.unit_id,
            "date": row.date,
            "count": row.quantity,
            "people_reached": row.people,
            "cost": row.cost,
        }

    @staticmethod
    def _post(row):
        return {
            "platform": channel_spec(row.channel).platform,
            "unit_id": row.unit_id,
            "date": row.date,
            "title": row.title,
            "count": row.quantity,
            "reach": row.people,
            "cost": row.cost,
        }

    @staticmethod
    def _event(row):
        return {
            "channel": row.channel,
            "campaign_id": row.campaign_id,
            "unit_id": row.unit_id,
            "date": row.date,
            "title": row.title,
            "quantity": row.quantity,
            "people": row.people,
            "cost": row.cost,
        }

    # -- training rows: N classes each -----------------------------------------------------------
    def _trainings(self, rows: list[ActivityRow]):
        if not rows:
            return
        keys = {row.row: [class_key(row.key, number) for number in range(1, row.quantity + 1)] for row in rows}
        existing = _by_key(TrainingSession, (key for row_keys in keys.values() for key in row_keys))
        surplus = self._surplus_sessions(rows, existing)
        registered = set()
        surplus_ids = [session.pk for sessions in surplus.values() for session in sessions]
        for start in range(0, len(surplus_ids), _CHUNK):
            registered.update(
                Registration.objects.filter(session_id__in=surplus_ids[start : start + _CHUNK]).values_list(
                    "session_id", flat=True
                )
            )
        for row in rows:
            extra = surplus.get(row.row, [])
            if any(session.pk in registered for session in extra):
                self.plan.errors.append(
                    RowError(
                        self.file_label,
                        row.row,
                        None,
                        str(row.quantity),
                        _(
                            "fewer classes than imported before, but people registered for a class that would be "
                            "removed: change the classes in the admin instead"
                        ),
                    )
                )
                continue
            title = row.title or self.titles[row.channel]
            starts_at, ends_at = class_times(row.date)
            line = _cost_line(self.cost_prefix, row.cost)
            found_any = False
            changed_any = bool(extra)
            for number, (key, share) in enumerate(
                zip(keys[row.row], split_evenly(row.people, row.quantity), strict=True), start=1
            ):
                session = existing.get(key)
                if session is None:
                    session = TrainingSession(
                        import_key=key,
                        campaign_id=row.campaign_id,
                        title=title,
                        audience=Audience.CITIZENS,
                        format=Format.IN_PERSON,
                        unit_id=row.unit_id,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        capacity=share or 0,
                        is_public=False,
                        reported_attendees=share,
                        description=line if number == 1 else "",
                        created_by_id=self.actor_id,
                    )
                    self.plan.add(TrainingSession, row, session)
                    changed_any = True
                    continue
                found_any = True
                wanted = {"title": title, "campaign_id": row.campaign_id, "reported_attendees": share}
                if share is not None and session.capacity < share:
                    # Raised, never lowered: a class with a roster must keep its seats.
                    wanted["capacity"] = share
                if number == 1:
                    wanted["description"] = _with_cost_line(session.description, self.cost_prefix, line)
                changed = _apply(session, wanted)
                if changed:
                    self.plan.change(session, changed)
                    changed_any = True
            self.plan.delete_sessions.extend(extra)
            self.plan.status[row.row] = "new" if not found_any else "changed" if changed_any else "unchanged"

    @staticmethod
    def _surplus_sessions(rows, existing) -> dict[int, list]:
        """Imported sessions of each row beyond its quantity (the row had more classes before)."""
        matched = set(existing)
        starts = [class_times(row.date)[0] for row in rows]
        candidates = {
            session.import_key: session
            for session in TrainingSession.objects.filter(
                import_key__isnull=False,
                unit_id__in={row.unit_id for row in rows},
                starts_at__gte=min(starts),
                starts_at__lte=max(starts),
            )
            if session.import_key not in matched
        }
        surplus: dict[int, list] = {}
        if not candidates:
            return surplus
        for row in rows:
            for number in range(row.quantity + 1, MAX_CLASSES_PER_ROW + 1):
                session = candidates.get(class_key(row.key, number))
                if session is not None:
                    surplus.setdefault(row.row, []).append(session)
        return surplus


class _MediaItems:
    """Media items by (kind group, campaign, folded title): the ones that exist, and the ones to create."""

    def __init__(self):
        self.known: dict[tuple, int] = {}
        self.loaded: set = set()
        self.created = 0
        self.titles, _prefix = stored_texts()

    def _load(self, kinds: tuple, campaign_id):
        if (kinds, campaign_id) in self.loaded:
            return
        self.loaded.add((kinds, campaign_id))
        items = MediaItem.objects.filter(kind__in=kinds, campaign_id=campaign_id).order_by("-live", "pk")
        for pk, title in items.values_list("pk", "title"):
            self.known.setdefault((kinds, campaign_id, fold(title)), pk)

    def item_for(self, row: ActivityRow, kinds: tuple, *, dry_run: bool) -> int | None:
        title = row.title or self.titles[row.channel]
        self._load(kinds, row.campaign_id)
        key = (kinds, row.campaign_id, fold(title))
        if key in self.known:
            return self.known[key]
        self.created += 1
        if dry_run:
            self.known[key] = None
            return None
        now = timezone.now()
        item = MediaItem.objects.create(
            kind=kinds[0],
            title=title,
            campaign_id=row.campaign_id,
            unit_id=row.unit_id,
            live=True,
            first_published_at=now,
            last_published_at=now,
        )
        self.known[key] = item.pk
        return item.pk


def _attach_media_items(plan: _Plan, *, dry_run: bool) -> int:
    items = _MediaItems()
    for model in (Distribution, Airing, Post):
        for row, instance in plan.create.get(model, []):
            if model is Post and not row.campaign_id:
                continue
            instance.media_item_id = items.item_for(row, channel_spec(row.channel).media_kinds, dry_run=dry_run)
    return items.created


def _write(plan: _Plan):
    for model, entries in plan.create.items():
        model.objects.bulk_create([instance for _row, instance in entries], batch_size=_CHUNK)
    for model, (instances, names) in plan.update.items():
        model.objects.bulk_update(list(instances.values()), sorted(names), batch_size=_CHUNK)
    ids = [session.pk for session in plan.delete_sessions]
    for start in range(0, len(ids), _CHUNK):
        TrainingSession.objects.filter(pk__in=ids[start : start + _CHUNK], import_key__isnull=False).delete()


def activity_import(
    *,
    path: Path,
    skip_invalid: bool = False,
    dry_run: bool = False,
    actor=None,
    origin: str | None = None,
    progress: Callable[[int], None] | None = None,
    allowed_unit_ids: frozenset[int] | None = None,
    allowed_channels: frozenset[str] | None = None,
    preview_rows: int = 0,
) -> ImportReport:
    """Import one activity log. All or nothing unless ``skip_invalid``; ``dry_run`` writes nothing.

    Raises ``ActivityImportError`` when nothing was written because of errors (an unreadable file,
    or invalid rows in all-or-nothing mode); its ``report`` lists every bad row.
    """
    path = Path(path)
    report = ImportReport(dry_run=dry_run)
    file_label = origin or path.name
    reader = ActivityReader(path, file_label=file_label, allowed_unit_ids=allowed_unit_ids, progress=progress)
    try:
        rows = reader.read()
    except HeaderError as exc:
        raise ActivityImportError("unreadable_file", report.fail(exc.errors)) from exc
    report.rows_read, report.rows_skipped = reader.rows_read, reader.rows_skipped
    report.errors, report.error_count, report.rejected_rows = reader.errors, reader.error_count, reader.rejected_rows
    if allowed_channels is not None:
        # The user may record some kinds of activity only (a unit officer does not create classes).
        refused = [row for row in rows if row.channel not in allowed_channels]
        for row in refused:
            report.errors.append(
                RowError(file_label, row.row, None, row.channel, _("you may not record this kind of activity"))
            )
        report.errors.sort(key=lambda error: error.row or 0)
        report.error_count += len(refused)
        report.rejected_rows += len(refused)
        rows = [row for row in rows if row.channel in allowed_channels]
    if report.error_count and not skip_invalid:
        raise ActivityImportError("invalid_rows", report)

    actor_id = getattr(actor, "pk", None)
    with import_transaction(IMPORT_LOCK_ID, _SQLITE_IMPORT_LOCK):
        plan = _Planner(rows, file_label, actor_id).run()
        if plan.errors:
            report.errors = sorted([*report.errors, *plan.errors], key=lambda error: error.row or 0)
            report.error_count += len(plan.errors)
            rejected = {error.row for error in plan.errors}
            report.rejected_rows += len(rejected)
            if not skip_invalid:
                raise ActivityImportError("invalid_rows", report)
            rows = [row for row in rows if row.row not in rejected]
        statuses = [plan.status[row.row] for row in rows]
        report.created, report.updated, report.unchanged = (
            statuses.count("new"),
            statuses.count("changed"),
            statuses.count("unchanged"),
        )
        if not rows:
            raise ActivityImportError("invalid_rows", report)
        if preview_rows:
            report.preview = [
                PreviewRow(
                    row.row,
                    row.unit_label,
                    row.date,
                    row.channel_label,
                    row.quantity,
                    row.people,
                    row.campaign_slug,
                    row.title,
                    row.cost,
                    plan.status[row.row],
                )
                for row in rows[:preview_rows]
            ]
        report.media_items_created = _attach_media_items(plan, dry_run=dry_run)
        if not dry_run:
            _write(plan)
    if not dry_run and (report.created or report.updated):
        figures_changed.send(sender=__name__)
    return report
