"""Resource library pages: parse → selector/service → render/redirect."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.core.aggregates import shown
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import paginate
from peerly.core.viewhelpers import service_errors
from peerly.resources import files
from peerly.resources import selectors
from peerly.resources import services
from peerly.resources.forms import ResourceForm
from peerly.resources.models import ResourceKind
from peerly.resources.models import normalise_tag
from peerly.resources.recommend import recommend

USAGE_DAYS = 90


@login_required
@require_GET
def library(request: AuthedHttpRequest) -> HttpResponse:
    viewer = selectors.viewer_for(request.user)
    text = " ".join(request.GET.get("q", "").split())[:100]
    tag = normalise_tag(request.GET.get("tag", ""))[:60]
    kind = request.GET.get("kind", "")
    kind = kind if kind in ResourceKind.values else ""
    page = paginate(
        request,
        selectors.list_resources_for_user(
            user=request.user, viewer=viewer, text=text, tag=tag, kind=kind
        ),
        per_page=20,
    )
    filtered = bool(text or tag or kind)
    return render(
        request,
        "resources/library.html",
        {
            "page": page,
            "resources": page.object_list,
            "recommendations": []
            if filtered or page.number > 1
            else recommend(request.user, limit=5, viewer=viewer),
            "q": text,
            "tag": tag,
            "kind": kind,
            "kinds": ResourceKind.choices,
            "may_add": viewer.may_add,
            "may_see_usage": viewer.is_admin or bool(viewer.organiser_of),
            "filtered": filtered,
        },
    )


@login_required
@require_GET
def detail(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    viewer = selectors.viewer_for(request.user)
    resource = selectors.get_resource_for_user(user=request.user, slug=slug, viewer=viewer)
    if resource.is_published:
        services.record_view(resource=resource)
    return render(
        request,
        "resources/detail.html",
        {
            "resource": resource,
            "body_html": selectors.body_html(resource),
            "may_edit": viewer.may_edit(resource),
        },
    )


@login_required
@require_GET
def download(request: AuthedHttpRequest, slug: str) -> FileResponse:
    resource = selectors.get_resource_for_user(user=request.user, slug=slug)
    if not resource.file:
        raise Http404(_("This resource has no file."))
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing.")) from exc
    ext = files.extension(resource.file.name or "")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=resource.file_name or f"{resource.slug}.{ext}",
        content_type=files.CONTENT_TYPES.get(ext, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@login_required
@require_POST
def helpful(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    resource = selectors.get_resource_for_user(user=request.user, slug=slug)
    on = request.POST.get("helpful", "1") != "0"
    services.mark_helpful(user=request.user, resource=resource, helpful=on)
    return redirect(resource.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def new(request: AuthedHttpRequest) -> HttpResponse:
    viewer = selectors.viewer_for(request.user)
    if not viewer.may_add:
        raise PermissionDenied(_("Only site admins, organisers and mentors can add resources."))
    programs = selectors.programs_user_may_add_to(user=request.user)
    form = ResourceForm(request.POST or None, request.FILES or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Resource added.")) as outcome:
            resource = services.create_resource(actor=request.user, **form.service_kwargs())
        if outcome.ok:
            return redirect(resource.get_absolute_url())
    return render(request, "resources/resource_form.html", {"form": form, "resource": None})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    resource = selectors.get_editable_resource_for_user(user=request.user, slug=slug)
    programs = selectors.programs_user_may_add_to(user=request.user)
    form = ResourceForm(
        request.POST or None, request.FILES or None, programs=programs, resource=resource
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Resource saved.")) as outcome:
            resource = services.update_resource(
                actor=request.user, resource=resource, **form.service_kwargs()
            )
        if outcome.ok:
            return redirect(resource.get_absolute_url())
    return render(request, "resources/resource_form.html", {"form": form, "resource": resource})


@login_required
@require_POST
def delete(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    resource = selectors.get_editable_resource_for_user(user=request.user, slug=slug)
    with service_errors(request, success=_("Resource deleted.")) as outcome:
        services.delete_resource(actor=request.user, resource=resource)
    return redirect("resources:library" if outcome.ok else resource.get_absolute_url())


@login_required
@require_GET
def usage(request: AuthedHttpRequest) -> HttpResponse:
    since = timezone.localdate() - dt.timedelta(days=USAGE_DAYS)
    page = paginate(request, selectors.list_usage_for_user(user=request.user, since=since))
    rows = [
        selectors.UsageRow(
            resource=r,
            helpful=shown(r.helpful_count, r.helpful_count),  # type: ignore[attr-defined]
            views=shown(r.views_total or 0, r.views_total or 0),  # type: ignore[attr-defined]
        )
        for r in page.object_list
    ]
    return render(request, "resources/usage.html", {"page": page, "rows": rows, "days": USAGE_DAYS})
