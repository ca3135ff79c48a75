"""Keep the one counting source per unit and report month after a hand entry or a precedence edit."""

from django.db import transaction


def statistic_saved_or_deleted(sender, instance, **kwargs):
    from campaigns.statistics.precedence import statistics_recount

    statistics_recount(unit_ids=[instance.unit_id])


def precedence_changed(sender, instance, **kwargs):
    from campaigns.statistics.precedence import statistics_recount

    transaction.on_commit(statistics_recount)
