from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from peerly.core.attention import collect
from peerly.core.http import AuthedHttpRequest
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
    organised = request.user.organized_programs.order_by("name")
    return render(
        request,
        "core/home.html",
        {
            "enrollments": enrollments,
            "organised": organised,
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
