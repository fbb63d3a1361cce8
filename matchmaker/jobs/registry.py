"""Every job by name: the one list the queue, the CLI's choices and the staff page's titles come from.

Services enqueue a job by its name (``jobs.enqueue("refresh-organisation", ...)``), so no service imports
the module of the jobs themselves (``matchmaker.jobs.tasks``), which imports the services it runs. RQ is
given the function's dotted path, as microblog and redash do, and imports it in the worker.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matchmaker.i18n import N_

TASKS_MODULE = "matchmaker.jobs.tasks"


@dataclass(frozen=True)
class JobKind:
    """One kind of job: its name, the function in ``matchmaker.jobs.tasks`` and how people see it."""

    name: str
    function: str
    title: str  # marked for the catalog; translated where it is shown
    description: str  # for logs and ``flask jobs enqueue`` (English, as the rest of the log)
    scheduled: bool = False  # cron (or a person) may put it on the queue by name

    @property
    def path(self) -> str:
        """The dotted path RQ stores and imports in the worker."""
        return f"{TASKS_MODULE}.{self.function}"


JOBS: dict[str, JobKind] = {
    kind.name: kind
    for kind in (
        JobKind(
            "refresh-organisation",
            "refresh_organisation",
            N_("Refresh the matches of an organisation"),
            "refresh the matches of one organisation",
        ),
        JobKind("rematch", "rematch_everything", N_("Recompute every match"), "recompute every match", True),
        JobKind(
            "embed", "embed_everything", N_("Embed every profile"), "embed every text not stored yet", True
        ),
        JobKind(
            "send-digest", "send_digest", N_("Send the digest of new matches"), "send the weekly digest", True
        ),
        JobKind(
            "expire-introductions",
            "expire_introductions",
            N_("Expire unanswered introductions"),
            "expire introductions",
            True,
        ),
        JobKind(
            "send-outbox", "send_outbox", N_("Send mail from the outbox"), "send unsent outbox messages", True
        ),
        JobKind(
            "suggest-sectors",
            "suggest_sectors",
            N_("Suggest sectors for profiles"),
            "suggest sectors for every organisation whose text changed",
            True,
        ),
        JobKind(
            "compute-advice",
            "compute_advice",
            N_("Work out what would raise a match"),
            "work out what would raise a match",
        ),
        JobKind(
            "import-organisations",
            "import_organisations",
            N_("Import organisations from a file"),
            "import organisations from a file",
        ),
        JobKind(
            "learn-space",
            "learn_space",
            N_("Learn the similarity space"),
            "learn the similarity space, rematch",
            True,
        ),
        JobKind(
            "generate-partnering",
            "generate_partnering",
            N_("Generate a partnering-day schedule"),
            "generate the meeting schedule of a partnering day",
        ),
        JobKind(
            "partnering-reminders",
            "partnering_reminders",
            N_("Send partnering-day reminders"),
            "send the evening-before and 15-minutes-before meeting reminders",
            True,
        ),
    )
}

_BY_FUNCTION = {kind.function: kind for kind in JOBS.values()}


def scheduled_names() -> list[str]:
    """The jobs ``flask jobs enqueue NAME`` accepts, sorted."""
    return sorted(name for name, kind in JOBS.items() if kind.scheduled)


def kind_of(function_name: str) -> JobKind | None:
    """The kind of a job from the function name RQ stored (dotted or bare), if it is one of ours."""
    return _BY_FUNCTION.get(function_name.rsplit(".", 1)[-1])


def resolve(name: str) -> Callable[..., Any]:
    """The job function of ``name`` (imported here, on first use, so services never import it)."""
    kind = JOBS[name]
    return getattr(importlib.import_module(TASKS_MODULE), kind.function)
