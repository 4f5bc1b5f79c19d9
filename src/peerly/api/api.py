"""The REST API at /api/v1/ (OpenAPI at /api/v1/docs). Session authentication.

Each programme kind adds its own router in `<app>/api.py` exposing `router`; it is mounted at
/api/v1/<namespace>/ when the app is installed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from peerly.core.errors import ServiceError


def docs_need_sign_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI document and the docs UI only for signed-in users, unless the operator
    sets PEERLY_API_DOCS_PUBLIC=1: the schema maps every endpoint an attacker could try. The
    UI sends anonymous visitors to the log-in page; the JSON answers 401."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.PEERLY_API_DOCS_PUBLIC or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        match = request.resolver_match
        if match is not None and match.url_name == "openapi-view":
            return redirect_to_login(request.get_full_path())
        return JsonResponse({"detail": "Sign in to read the API documentation."}, status=401)

    return wrapper


api = NinjaAPI(
    title="Peerly API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_decorator=docs_need_sign_in,
    description="Coffee rounds, peer-coaching circles and mentorship. Session authentication.",
)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=400)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


def _mount() -> None:
    from peerly.programs.api import router as programs_router

    api.add_router("/", programs_router)
    from peerly.accounts.api import router as accounts_router

    api.add_router("/", accounts_router)
    for config in apps.get_app_configs():
        if config.name in ("peerly.rounds", "peerly.circles", "peerly.mentorship"):
            try:
                module = import_module(f"{config.name}.api")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.api":
                    raise
                continue
            api.add_router(f"/{config.label}/", module.router)


_mount()
