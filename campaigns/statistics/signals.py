"""Keep the one counting source per unit and report month after a hand entry or a precedence edit, and the
monthly aggregates in step with units and succession links."""

import threading

from django.db import transaction

from campaigns.statistics.aggregates import aggregates_replace
from campaigns.statistics.precedence import statistics_recount

_pending = threading.local()


def statistic_saved_or_deleted(sender, instance, **kwargs):

    statistics_recount(unit_ids=[instance.unit_id])


def precedence_changed(sender, instance, **kwargs):

    transaction.on_commit(statistics_recount)


def units_changed(sender, **kwargs):
    """Units or succession links changed (``load_units``, an admin edit): once the transaction commits, place
    every unit's figures in the country again. Many changes in one transaction re-place once (the last)."""
    token = object()
    _pending.token = token

    def replace():
        if getattr(_pending, "token", None) is token:
            aggregates_replace()

    transaction.on_commit(replace)
