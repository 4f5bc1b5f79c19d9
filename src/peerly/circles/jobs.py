"""Publishing a season in the background (core/jobs.py): the Publish button starts a job and
returns at once; a worker forms and saves the circles and queues every member's email.

    start_publish(...)  the page: quick checks, then one job per (programme, season number)
    run_publish(...)    the worker: `services.publish_season` (formed and saved under the
                        programme's row lock: at most one season N, however many workers or
                        clicks). Run again after a crash, it finds the season and changes
                        nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.circles import services
from peerly.core import jobs
from peerly.core.errors import ServiceError
from peerly.core.models import Job
from peerly.programs.models import Program

JOB_KIND = "circles.publish"


def already_published(number: int) -> str:
    return _("Season %(number)s was already published; nothing changed.") % {"number": number}


def start_publish(
    *,
    program: Program,
    actor: User,
    number: int,
    seed: int,
    starts_on: dt.date,
    strategy: str | None = None,
    allow_overlap: bool = False,
) -> Job | None:
    """Start publishing season `number` in the background; None when it is published
    already (nothing to do). Refuses at once (ServiceError, nothing started) what the worker
    would refuse before drawing: an out-of-date form, an overlap not chosen. The worker checks
    again under the lock. A second click while the job runs gets the same job."""
    expected = services.next_season_number(program=program)
    if number < expected:
        return None
    if number != expected:
        raise ServiceError(
            _("The next season is number %(expected)s; reload the page.") % {"expected": expected}
        )
    running = services.running_seasons(program=program, starts_on=starts_on)
    if running and not allow_overlap:
        raise ServiceError(services.overlap_warning(running), field="allow_overlap")
    params = {
        "number": number,
        "seed": seed,
        "starts_on": starts_on.isoformat(),
        "strategy": strategy,
        "allow_overlap": allow_overlap,
    }
    title = _("Publishing season %(number)s of %(name)s") % {"number": number, "name": program.name}
    job, _started = jobs.start_program_job(
        JOB_KIND,
        program,
        number,
        actor=actor,
        title=title,
        back="circles:manage-form",
        params=params,
    )
    return job


def run_publish(*, job: Job, progress: jobs.Progress) -> Mapping[str, Any]:
    """The worker's half (registered as the "circles.publish" runner)."""
    program = jobs.program_of(job)
    params = job.params
    progress(_("Forming the circles and saving the season"))
    season, created = services.publish_season(
        actor=job.created_by,
        program=program,
        number=int(params["number"]),
        seed=int(params["seed"]),
        starts_on=dt.date.fromisoformat(params["starts_on"]),
        strategy=params.get("strategy") or None,
        allow_overlap=bool(params.get("allow_overlap")),
    )
    message = (
        _("Season %(number)s published: %(count)s circles.")
        % {"number": season.number, "count": season.circles.count()}
        if created
        else already_published(season.number)
    )
    return {
        "url": reverse("circles:manage", kwargs={"slug": program.slug}),
        "message": message,
        "season_id": season.pk,
    }
