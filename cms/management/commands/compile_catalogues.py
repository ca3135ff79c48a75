from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cms.i18n_catalogues import catalogue_paths, catalogue_problems, compile_catalogue, compiled_is_current


class Command(BaseCommand):
    help = _("Compile the project's message catalogues, or check that they are complete and compiled.")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help=_("only check, write nothing"))
        parser.add_argument("--language", default="vi")

    def handle(self, *args, check=False, language="vi", **options):
        paths = catalogue_paths(language)
        if not paths:
            raise CommandError(_("No catalogue found for language %(language)s.") % {"language": language})
        problems = [problem for path in paths for problem in catalogue_problems(path)]
        if problems:
            lines = [str(problem) for problem in problems[:50]]
            raise CommandError(
                _("%(count)s catalogue entries are empty or fuzzy:") % {"count": len(problems)}
                + "\n"
                + "\n".join(lines)
            )
        for path in paths:
            if check:
                if not compiled_is_current(path):
                    raise CommandError(
                        _("%(path)s is not compiled or out of date: run make messages.") % {"path": path}
                    )
            else:
                compile_catalogue(path)
        self.stdout.write(_("%(count)s catalogue(s) complete.") % {"count": len(paths)})
