from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cms.processes import manage_py_command, run_together


class Command(BaseCommand):
    help = _(
        "Serve the site and run the background task worker together; Ctrl-C stops both. "
        "Used by make run; production runs gunicorn and run_worker as separate services."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help=_("address and port to serve"))
        parser.add_argument(
            "--no-worker", action="store_true", help=_("serve only, without the background task worker")
        )

    def handle(self, *args, addrport="127.0.0.1:8000", no_worker=False, **options):
        commands = [manage_py_command("runserver", addrport)]
        if not no_worker:
            # The configured backend's worker: search indexing of published pages, e-mails, impact reports, charts.
            commands.append(manage_py_command("run_worker"))
            self.stdout.write(
                _("Web server on http://%(addrport)s and task worker started; Ctrl-C stops both.")
                % {"addrport": addrport}
            )
        code = run_together(commands)
        if code:
            raise SystemExit(code)
