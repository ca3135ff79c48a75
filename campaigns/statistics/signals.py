"""Keep the one counting source per unit and report month after a hand entry or a precedence edit, and the
monthly aggregates in step with units and succession links. A hand entry recounts its unit at once; the edits that
touch the whole country queue one background recount (campaigns.statistics.tasks) once their transaction commits."""

import threading

from django.db import transaction

from campaigns.statistics.precedence import statistics_recount
from campaigns.statistics.tasks import place_all_queue, recount_all_queue

_pending = threading.local()


def statistic_saved_or_deleted(sender, instance, **kwargs):
    statistics_recount(unit_ids=[instance.unit_id])


def _once_after_commit(name: str, queue) -> None:
    """Many edits in one transaction queue once (the last), after it commits."""
    token = object()
    setattr(_pending, name, token)

    def run():
        if getattr(_pending, name, None) is token:
            queue()

    transaction.on_commit(run)


def precedence_changed(sender, instance, **kwargs):
    _once_after_commit("recount", recount_all_queue)


def units_changed(sender, **kwargs):
    """Units or succession links changed (``load_units``, an admin edit), or an import touched most of the country:
    every unit's aggregates are written and placed in the country again."""
    _once_after_commit("place", place_all_queue)
