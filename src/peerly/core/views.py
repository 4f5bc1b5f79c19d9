from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from peerly.core.attention import collect
from peerly.core.http import AuthedHttpRequest
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
