"""Keep the one counting source per unit and report month after a hand entry or a precedence edit."""

from django.db import transaction

from campaigns.statistics.precedence import statistics_recount


def statistic_saved_or_deleted(sender, instance, **kwargs):

    statistics_recount(unit_ids=[instance.unit_id])


def precedence_changed(sender, instance, **kwargs):

    transaction.on_commit(statistics_recount)
