"""Signals a lower layer sends for a layer above it to act on, so that the lower one never imports the upper one.

``figures_changed`` is sent after an import wrote figures the impact reports read (dossier statistics, outreach
activities); campaigns.impact.tasks listens (connected in CampaignsConfig.ready) and recomputes the stale reports
in the background once the transaction commits.

``units_changed`` is sent after ``load_units`` wrote units or succession links (the admin's edits send Django's own
model signals); campaigns.statistics places every unit's monthly figures in the country again once it commits.

``aggregates_stale`` is sent when an import touched most of the country's units: campaigns.statistics rebuilds
every monthly aggregate once, in the background, after the import commits (one statement, faster than unit by
unit, and outside the import's time).

``role_groups_synced`` is sent after ``migrate`` has brought the role groups up to date; cms.workflow then
refreshes the moderation workflow that hands approval to two of them.
"""

from django.dispatch import Signal

figures_changed = Signal()

units_changed = Signal()

aggregates_stale = Signal()

role_groups_synced = Signal()
