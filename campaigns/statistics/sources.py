"""Names of the statistics sources the product knows, and their default precedence."""

from django.utils.translation import gettext_lazy as _

from campaigns.statistics.models import StatisticSource

PROVINCIAL_SYSTEM = "Hệ thống thông tin giải quyết TTHC"
FORM_06 = "Biểu 06/VPCP/KSTT"
HAND_ENTRY = "Nhập tay"

# (name, rank, description): the provincial system's export counts first, then Biểu 06, then hand entry.
DEFAULT_PRECEDENCE = (
    (PROVINCIAL_SYSTEM, 1, _("export of the provincial administrative procedures system")),
    (FORM_06, 2, _("periodic report form 06/VPCP/KSTT")),
    (HAND_ENTRY, 3, _("figures typed in the back office")),
)


def translate_default_descriptions(sender=None, using="default", **kwargs):
    """After ``migrate``: the default sources' descriptions in Vietnamese. Migrations run without a language, so the
    sources they create get the English text; a description an administrator has changed is left alone."""
    from django.utils import translation

    with translation.override("vi"):
        for name, _rank, description in DEFAULT_PRECEDENCE:
            with translation.override(None):
                english = str(description)
            StatisticSource.objects.using(using).filter(name=name, description=english).update(
                description=str(description)
            )
