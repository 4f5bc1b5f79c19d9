from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from peerly.core.attention import collect
from peerly.core.http import AuthedHttpRequest
from peerly.programs.models import EnrollmentStatus


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
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
