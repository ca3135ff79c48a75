"""Tasks the worker tests run in a separate worker process (importable as tests.cms.worker_tasks)."""

import time
from pathlib import Path

from django_tasks import task


@task()
def stalls_on_first_attempt(folder: str) -> str:
    """The first attempt says it started, then hangs until its worker is killed; a later attempt records its end."""
    folder = Path(folder)
    started = folder / "started"
    if not started.exists():
        started.write_text("1")
        time.sleep(600)
    with (folder / "finished").open("a") as out:
        out.write("done\n")
    return "done"


@task()
def writes(folder: str, text: str) -> str:
    with (Path(folder) / "written").open("a") as out:
        out.write(text + "\n")
    return text
