"""Names of the statistics sources the product knows, and their default precedence."""

from django.utils.translation import gettext_lazy as _

PROVINCIAL_SYSTEM = "Hệ thống thông tin giải quyết TTHC"
FORM_06 = "Biểu 06/VPCP/KSTT"
HAND_ENTRY = "Nhập tay"

# (name, rank, description): the provincial system's export counts first, then Biểu 06, then hand entry.
DEFAULT_PRECEDENCE = (
    (PROVINCIAL_SYSTEM, 1, _("export of the provincial administrative procedures system")),
    (FORM_06, 2, _("periodic report form 06/VPCP/KSTT")),
    (HAND_ENTRY, 3, _("figures typed in the back office")),
)
