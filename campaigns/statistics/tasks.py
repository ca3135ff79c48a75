"""Whole-country recounts, off the request: after a source precedence edit every statistic's counting mark and
every aggregate is recomputed, and after a change of units or succession links every aggregate (on national data
each takes 35–45 s, beyond an admin request). One pending run per kind, whatever the number of edits; while one
waits or runs the dashboard says its figures are being brought up to date."""

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from campaigns.core.task_models import TaskLock
from campaigns.core.tasks import PENDING_PREFIX, enqueue_once, locked, started
from campaigns.statistics.aggregates import aggregates_replace
from campaigns.statistics.precedence import statistics_recount

RECOUNT_KEY = "statistics:recount-all"
PLACE_KEY = "statistics:aggregates-all"
_RUNNING = "running:"
_RUN_SECONDS = 60 * 60


def _run(key: str, work) -> str:
    """Run one whole-country recount: its pending mark is dropped, and its running mark is held while it works, so
    that the dashboard says the figures are being brought up to date until it ends."""
    started(key)
    with locked(_RUNNING + key, "worker", seconds=_RUN_SECONDS):
        work()
    return "done"


@task()
def recount_all_statistics() -> str:
    return _run(RECOUNT_KEY, statistics_recount)


@task()
def place_all_aggregates() -> str:
    return _run(PLACE_KEY, aggregates_replace)


def recount_all_queue():
    return enqueue_once(recount_all_statistics, key=RECOUNT_KEY)


def place_all_queue():
    return enqueue_once(place_all_aggregates, key=PLACE_KEY)


def recount_in_progress() -> bool:
    """A whole-country recount waits or runs: the figures shown may not yet follow the last edit (one query)."""
    keys = [prefix + key for key in (RECOUNT_KEY, PLACE_KEY) for prefix in (PENDING_PREFIX, _RUNNING)]
    return TaskLock.objects.filter(Q(key__in=keys), expires_at__gt=timezone.now()).exists()
