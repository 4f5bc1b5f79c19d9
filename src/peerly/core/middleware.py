"""Request guards: NUL characters are refused with a 400; a database outage is a 503.

RejectNulMiddleware refuses NUL characters before any view or database sees them.

PostgreSQL cannot store U+0000 in text ("A string literal cannot contain NUL (0x00)
characters") and SQLite silently truncates or keeps it, so a `%00` in a slug, a query
string, a form field, a JSON value, a cookie or a header would reach a query and answer 500.
No legitimate input needs it, so it is refused at the door with a 400 and a clear message
(JSON under /api/). Uploaded file *contents* are left to the importers, which validate them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from django.db import InterfaceError
from django.db import OperationalError
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import HttpResponseBadRequest
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError

logger = logging.getLogger(__name__)

NUL = "\x00"


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


def _any_nul(strings: Iterable[str]) -> bool:
    return any(NUL in s for s in strings)


def _json_has_nul(body: bytes) -> bool:
    if b"\x00" in body:
        return True
    if b"\\u0000" not in body.lower():
        return False  # fast path: JSON can only spell NUL as \u0000
    try:
        return _contains_nul(json.loads(body))
    except ValueError:
        return False  # not JSON after all: the view answers 400 for that


def _where_nul(request: HttpRequest) -> str | None:
    """Which part of the request carries a NUL character, or None."""
    if NUL in request.path or NUL in request.path_info:
        return "the address"
    if "%00" in request.META.get("QUERY_STRING", "") or _any_nul(
        [*request.GET.keys(), *(v for _key, values in request.GET.lists() for v in values)]
    ):
        return "the query string"
    if _any_nul(v for k, v in request.META.items() if k.startswith("HTTP_") and isinstance(v, str)):
        return "a header"
    if _any_nul([*request.COOKIES.keys(), *request.COOKIES.values()]):
        return "a cookie"
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    content_type = request.content_type or ""
    is_form = content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
    # The API reads raw JSON bodies only; parsing a form there would consume the stream.
    if is_form and not request.path.startswith("/api/"):
        post = request.POST
        if _any_nul([*post.keys(), *(v for _key, values in post.lists() for v in values)]):
            return "the form"
        if _any_nul(f.name or "" for _key, files in request.FILES.lists() for f in files):
            return "a file name"
    elif content_type.endswith(("/json", "+json")) and _json_has_nul(request.body):
        return "the JSON body"
    return None


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class RejectNulMiddleware:
    """400 for any request with a NUL character in path, query, headers, cookies or body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            where = _where_nul(request)
        except MultiPartParserError:
            return _bad_request(request, "Bad request: the form data is malformed.")
        if where is not None:
            return _bad_request(
                request,
                f"Bad request: {where} contains a NUL character (%00), which is not allowed.",
            )
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 (try again), not an HTML 500.

    Load balancers and clients retry a 503; the error is still logged with its traceback.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s %s", request.method, request.path, exc_info=True)
        message = "The database is unavailable right now; please try again in a minute."
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "30"
        return response
