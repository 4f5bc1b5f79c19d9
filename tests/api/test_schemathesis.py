"""Schemathesis fuzzes every /api/v1/ operation from its own OpenAPI schema: no 5xx.

Runs in-process against the WSGI app (no server, no network) inside pytest-django's test
transaction, so it runs in the SQLite and the PostgreSQL leg of `make test`. Valid and
invalid ("negative") inputs, as a member and as an organiser of the demo community; the
number of examples per operation is bounded so the whole file stays well under a minute.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings

from peerly.accounts.models import User
from peerly.programs import demo

MAX_EXAMPLES = 15  # per operation, per generation mode, per persona

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Any]


@pytest.fixture
def wsgi_app(db) -> Iterator[WSGIApp]:  # type: ignore[no-untyped-def]
    """The real WSGI app, sharing the test's database connection (and transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _signed_in(app: WSGIApp, user: User) -> WSGIApp:
    """The app as seen by `user`'s browser: session cookie, CSRF cookie and header."""
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts the bare secret

    def signed_in(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        environ["HTTP_COOKIE"] = f"sessionid={session}; csrftoken={csrf}"
        environ["HTTP_X_CSRFTOKEN"] = csrf
        return app(environ, start_response)

    return signed_in


@pytest.mark.parametrize("persona", [demo.MEMBER_EMAIL, demo.ORGANISER_EMAIL])
def test_api_answers_no_server_error_to_generated_requests(wsgi_app, persona):
    demo.build_demo(members=12, seed=1)
    app = _signed_in(wsgi_app, User.objects.get(email=persona))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in schemathesis.GenerationMode:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def call(case: Any) -> None:
                response = case.call()
                assert response.status_code < 500, (
                    f"{response.status_code} {case.method} {case.formatted_path} "
                    f"query={case.query!r} body={case.body!r:.200}"
                )

            try:
                call()
            except AssertionError as exc:
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert operations >= 10  # the schema really was loaded, signed in
    assert not failures, "\n".join(failures)
