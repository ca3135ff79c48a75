"""Signals a lower layer sends for a layer above it to act on, so that the lower one never imports the upper one.

``figures_changed`` is sent after an import wrote figures the impact reports read (dossier statistics, outreach
activities); campaigns.impact.tasks listens (connected in CampaignsConfig.ready) and recomputes the stale reports
in the background once the transaction commits.

``role_groups_synced`` is sent after ``migrate`` has brought the role groups up to date; cms.workflow then
refreshes the moderation workflow that hands approval to two of them.
"""

from django.dispatch import Signal

figures_changed = Signal()

role_groups_synced = Signal()
