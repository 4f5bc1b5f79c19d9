"""The REST API at /api/v1/ (OpenAPI at /api/v1/docs). Session or Bearer token (api/auth.py).

The API is built from the programme-kind registry (programs/kinds.py): each registered kind's
`api_router()` is mounted at /api/v1/<kind.app_label>/. `build_api()` builds a fresh API from
the registry as it is now (tests build one after registering a toy kind); `api` is the one
the site serves, built once at URL-loading time.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse
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


def build_api(*, urls_namespace: str = "api") -> NinjaAPI:
    """A NinjaAPI with the shared routers and every registered kind's router."""
    from peerly.accounts.api import router as accounts_router
    from peerly.api.auth import ApiTokenRateThrottle
    from peerly.api.auth import api_token_auth
    from peerly.evaluation.api import router as evaluation_router
    from peerly.feedback.api import router as feedback_router
    from peerly.growth.api import router as growth_router
    from peerly.programs import kinds
    from peerly.programs.api import router as programs_router
    from peerly.recognition.api import router as recognition_router

    api = NinjaAPI(
        title="Peerly API",
        version="1",
        urls_namespace=urls_namespace,
        auth=[api_token_auth, django_auth],  # a Bearer token first (api/auth.py), else session
        throttle=[ApiTokenRateThrottle()],
        docs_decorator=docs_need_sign_in,
        description="Coffee rounds, peer-coaching circles and mentorship. Session or personal "
        "access token authentication (docs/api.md).",
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

    api.add_router("/", programs_router)
    api.add_router("/", accounts_router)
    api.add_router("/", growth_router)
    api.add_router("/", evaluation_router)
    api.add_router("/", feedback_router)
    api.add_router("/", recognition_router)
    for kind in kinds.registry():
        router = kind.api_router()
        if router is not None:
            api.add_router(f"/{kind.app_label or kind.code}/", router)
    return api


api = build_api()
