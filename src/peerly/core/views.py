from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.db import connection
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from peerly.core.attention import collect
from peerly.core.http import AuthedHttpRequest
from peerly.core.models import Job
from peerly.core.models import JobStatus
from peerly.programs import kinds
from peerly.programs.models import EnrollmentStatus

logger = logging.getLogger(__name__)


def index(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    return render(request, "core/landing.html")


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    enrollments = (
        request.user.enrollments.exclude(
            status__in=[EnrollmentStatus.LEFT, EnrollmentStatus.DECLINED]
        )
        .select_related("program")
        .order_by("program__name")
    )
    organised = request.user.organised_programs.order_by("name")
    mine = [(e, kinds.get(e.program.kind)) for e in enrollments]
    theirs = [(p, kinds.get(p.kind)) for p in organised]
    return render(
        request,
        "core/home.html",
        {
            "enrollments": [
                {
                    "enrollment": e,
                    "program": e.program,
                    "kind_label": kind.label if kind else e.program.kind,
                    "url": kind.member_url(e.program) if kind else None,
                }
                for e, kind in mine
            ],
            "organised": [
                {
                    "program": p,
                    "kind_label": kind.label if kind else p.kind,
                    "url": kind.organiser_url(p) if kind else None,
                }
                for p, kind in theirs
            ],
            "attention": collect(request.user),
        },
    )


def healthz(request: HttpRequest) -> HttpResponse:
    """200 `{"status": "ok"}` when the database answers, 503 with a JSON reason when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("healthz: the database does not answer", exc_info=True)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


JOB_POLL_SECONDS = 2  # the page without JavaScript reloads this often while a job runs


def _job_for_user(request: AuthedHttpRequest, job_id: int) -> Job:
    """A job its starter may watch, and the organisers of its programme (404 for others)."""
    from peerly.programs.access import access_for
    from peerly.programs.models import Program

    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        raise Http404("No such job.")
    if job.created_by_id == request.user.pk or request.user.is_superuser:
        return job
    program = Program.objects.filter(pk=job.program_id).first() if job.program_id else None
    if program is None:
        raise Http404("No such job.")
    access_for(request.user, program, need="organiser")  # 403/404 for everybody else
    return job


def job_state(job: Job) -> dict[str, object]:
    """What the progress page and its JSON show."""
    percent = round(100 * job.done / job.total) if job.total else None
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": job.stage,
        "done": job.done,
        "total": job.total,
        "percent": percent,
        "finished": job.is_finished,
        "url": str(job.result.get("url", "")) if job.status == JobStatus.DONE else "",
        "message": str(job.result.get("message", "")),
        "error": job.error,
        "back_url": str(job.params.get("back_url", "")),
        "title": str(job.params.get("title", "")) or _("Working"),
    }


@login_required
def job_detail(request: AuthedHttpRequest, job_id: int) -> HttpResponse:
    """A background job's progress. JSON with `?format=json` (static/peerly/job-progress.js
    polls it); otherwise a page that reloads itself (<meta refresh>) until the job is done,
    then sends the organiser to the result with the job's message."""
    job = _job_for_user(request, job_id)
    state = job_state(job)
    if request.GET.get("format") == "json":
        response = JsonResponse(state)
        response["Cache-Control"] = "no-store"
        return response
    if job.status == JobStatus.DONE and state["url"]:
        if state["message"]:
            messages.success(request, str(state["message"]))
        return redirect(str(state["url"]))
    return render(
        request,
        "core/job_detail.html",
        {"job": job, "state": state, "poll_seconds": JOB_POLL_SECONDS},
    )
