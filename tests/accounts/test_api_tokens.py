"""Personal access tokens (issue 18): the pages, the service, Bearer authentication over
/api/v1/, scopes, programme limits, the rate limit, and that the secret is never kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db import models
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerly.accounts import api_tokens
from peerly.accounts import ownership
from peerly.accounts.models import ApiToken
from peerly.accounts.models import ApiTokenScope
from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.growth.models import Goal

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:tokens")
SECRET_RE = re.compile(r"peerly_[A-Za-z0-9_-]{40}")
GOALS = "/api/v1/me/goals"
T0 = dt.datetime(2027, 3, 1, 9, 0, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """The rate counters live in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def new_token(user, **kwargs) -> api_tokens.NewToken:  # type: ignore[no-untyped-def]
    kwargs.setdefault("name", "script")
    kwargs.setdefault("scope", ApiTokenScope.READ)
    return api_tokens.create_token(user=user, **kwargs)


def post_goal(client: Client, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(
        GOALS, {"title": "Learn to listen"}, content_type="application/json", **extra
    )


# ----------------------------------------------------------------------------- the pages
@pytest.mark.parametrize("persona", ["outsider", "member", "other_organiser", "organiser", "admin"])
def test_every_signed_in_persona_sees_only_their_own_tokens(personas, persona) -> None:
    new_token(personas.member, name="Mia's laptop")
    new_token(personas.organiser, name="Olive's report")
    page = personas.client(persona).get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert ("Mia&#x27;s laptop" in html) is (persona == "member")
    assert ("Olive&#x27;s report" in html) is (persona == "organiser")
    assert page["Cache-Control"].count("no-store") == 1


def test_anonymous_visitors_are_sent_to_log_in(personas) -> None:
    for response in (Client().get(PAGE), Client().post(PAGE, {"name": "x", "scope": "read"})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    token = new_token(personas.member).token
    revoke = Client().post(reverse("accounts:token-revoke", args=[token.pk]))
    assert revoke.status_code == 302
    assert reverse("accounts:login") in revoke.url
    token.refresh_from_db()
    assert token.revoked_at is None


def test_create_shows_the_secret_once_and_stores_only_its_hash(personas) -> None:
    client = personas.client("member")
    response = client.post(PAGE, {"name": "  weekly   report ", "scope": "read", "expires": "90"})
    assert response.status_code == 200
    secrets_shown = SECRET_RE.findall(response.content.decode())
    assert len(set(secrets_shown)) == 1
    secret = secrets_shown[0]
    token = ApiToken.objects.get(user=personas.member)
    assert token.name == "weekly report"
    assert token.hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[7:15]
    assert token.scope == ApiTokenScope.READ
    assert token.program is None
    assert token.expires_at is not None
    assert dt.timedelta(days=89) < token.expires_at - token.created_at <= dt.timedelta(days=90)
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not any(secret in value or secret[7:] in value for value in stored)
    assert "no-store" in response["Cache-Control"]
    again = client.get(PAGE).content.decode()
    assert secret not in again
    assert f"peerly_{token.prefix}…" in again
    assert "Revoke" in again


def test_a_plain_member_gets_no_programme_choice_and_cannot_send_one(personas) -> None:
    client = personas.client("member")
    assert 'name="program"' not in client.get(PAGE).content.decode()
    response = client.post(
        PAGE, {"name": "x", "scope": "write", "program": personas.program.pk, "expires": "30"}
    )
    # the field does not exist for them: the value is ignored, the token is not limited
    token = ApiToken.objects.get(user=personas.member)
    assert response.status_code == 200
    assert token.program is None


def test_an_organiser_picks_only_among_their_own_programmes(personas) -> None:
    client = personas.client("organiser")
    html = client.get(PAGE).content.decode()
    assert personas.program.name in html
    assert personas.other_program.name not in html
    refused = client.post(
        PAGE,
        {"name": "x", "scope": "read", "program": personas.other_program.pk, "expires": "30"},
    )
    assert refused.status_code == 400
    assert not ApiToken.objects.exists()
    made = client.post(
        PAGE, {"name": "x", "scope": "read", "program": personas.program.pk, "expires": "never"}
    )
    assert made.status_code == 200
    token = ApiToken.objects.get()
    assert token.program == personas.program
    assert token.expires_at is None


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scope": "read", "expires": "30"},
        {"name": "   ", "scope": "read", "expires": "30"},
        {"name": "x" * 101, "scope": "read", "expires": "30"},
        {"name": "a\x00b", "scope": "read", "expires": "30"},
        {"name": "x", "scope": "admin", "expires": "30"},
        {"name": "x", "scope": "read", "expires": "7"},
        {"name": "x", "scope": "read", "expires": "abc"},
        {"name": "x", "scope": "read", "expires": "30", "program": "99999999999999999999"},
        {"name": "x", "scope": "read", "expires": "30", "program": "a\x00b"},
    ],
)
def test_bad_form_input_is_a_400_and_saves_nothing(personas, data) -> None:
    response = personas.client("organiser").post(PAGE, data)
    assert response.status_code == 400
    if "\x00" not in "".join(data.values()):  # NUL: refused by a middleware before the view
        assert 'class="errorlist' in response.content.decode()
    assert not SECRET_RE.search(response.content.decode())
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="api_token.create").exists()


def test_the_owner_revokes_idempotently_and_others_get_404(personas) -> None:
    token = new_token(personas.member).token
    url = reverse("accounts:token-revoke", args=[token.pk])
    for persona in ("outsider", "other_organiser", "organiser", "admin"):
        assert personas.client(persona).post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client = personas.client("member")
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert (
        AuditEvent.objects.filter(action="api_token.revoke", object_id=str(token.pk)).count() == 1
    )
    html = client.get(PAGE).content.decode()
    assert "revoked on" in html
    assert client.post(reverse("accounts:token-revoke", args=[2**62])).status_code == 404


def test_the_list_page_paginates_with_a_constant_number_of_queries(personas) -> None:
    client = personas.client("organiser")
    new_token(personas.organiser, program=personas.program)
    with CaptureQueriesContext(connection) as small:
        assert client.get(PAGE).status_code == 200
    for n in range(15):
        new_token(personas.organiser, name=f"t{n}", program=personas.program)
        if n % 2:
            api_tokens.revoke_token(
                actor=personas.organiser, token=ApiToken.objects.order_by("-pk").first()
            )
    with CaptureQueriesContext(connection) as big:
        assert client.get(PAGE).status_code == 200
    assert len(big) <= len(small)
    many = [ApiToken(user=personas.organiser, name=f"x{i}", prefix=f"{i:08d}") for i in range(60)]
    for i, t in enumerate(many):
        t.hash = f"{i:064d}"
    ApiToken.objects.bulk_create(many)
    first = client.get(PAGE).content.decode()
    assert "Page 1 of 2" in first
    assert first.count("<code>peerly_") == 50


def test_the_profile_page_links_to_the_tokens(personas) -> None:
    html = personas.client("member").get(reverse("accounts:profile")).content.decode()
    assert f'href="{PAGE}"' in html


# ----------------------------------------------------------------------------- the service
def test_the_service_caps_active_tokens_and_checks_the_programme(personas) -> None:
    for n in range(api_tokens.MAX_ACTIVE_TOKENS):
        new_token(personas.member, name=f"t{n}")
    with pytest.raises(ServiceError, match="revoke one"):
        new_token(personas.member)
    api_tokens.revoke_token(actor=personas.member, token=ApiToken.objects.first())  # type: ignore[arg-type]
    new_token(personas.member)  # room again
    with pytest.raises(ServiceError, match="programme you organise"):
        new_token(personas.member, name="p", program=personas.program)
    with pytest.raises(Http404):
        api_tokens.revoke_token(actor=personas.outsider, token=ApiToken.objects.first())  # type: ignore[arg-type]


def test_authenticate_refuses_what_is_not_a_live_token(personas) -> None:
    new = new_token(personas.member, expires_in_days=30)
    assert api_tokens.authenticate(new.secret) == (personas.member, new.token)
    assert (
        api_tokens.authenticate(new.secret[:-1] + ("A" if new.secret[-1] != "A" else "B")) is None
    )
    assert api_tokens.authenticate(new.secret + "x") is None
    assert api_tokens.authenticate("") is None
    with time_machine.travel(new.token.expires_at, tick=False):  # type: ignore[arg-type]
        assert api_tokens.authenticate(new.secret) is None


def test_a_bad_rate_setting_is_a_clear_configuration_error(settings) -> None:
    for rate in ("600", "abc/minute", "10/fortnight", "0/minute"):
        settings.PEERLY_API_TOKEN_RATE = rate
        with pytest.raises(ImproperlyConfigured, match="PEERLY_API_TOKEN_RATE"):
            api_tokens.parse_rate(rate)
    assert api_tokens.parse_rate("5/hour") == (5, 3600)


def test_deleting_the_account_deletes_its_tokens(personas) -> None:
    new = new_token(personas.member)
    ownership.delete_account(user=personas.member)
    assert not ApiToken.objects.filter(user=personas.member).exists()
    assert Client().get("/api/v1/me", **bearer(new.secret)).status_code == 401


# ----------------------------------------------------------------------------- Bearer
def test_a_bearer_token_reads_the_api_and_records_its_use(personas) -> None:
    new = new_token(personas.member)
    with time_machine.travel(T0, tick=False):
        response = Client().get("/api/v1/me", **bearer(new.secret))
    assert response.status_code == 200, response.content
    assert response.json()["email"] == personas.member.email
    assert "no-store" in response["Cache-Control"]
    new.token.refresh_from_db()
    assert new.token.last_used_at == T0
    listed = Client().get("/api/v1/programs", **bearer(new.secret))
    assert personas.program.slug in {p["slug"] for p in listed.json()}


def test_last_used_is_written_at_most_once_a_minute(personas) -> None:
    new = new_token(personas.member)
    client = Client()
    with time_machine.travel(T0, tick=False):
        client.get("/api/v1/me", **bearer(new.secret))
    with (
        time_machine.travel(T0 + dt.timedelta(seconds=59), tick=False),
        CaptureQueriesContext(connection) as ctx,
    ):
        assert client.get("/api/v1/me", **bearer(new.secret)).status_code == 200
    assert not [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    new.token.refresh_from_db()
    assert new.token.last_used_at == T0
    with time_machine.travel(T0 + dt.timedelta(seconds=61), tick=False):
        client.get("/api/v1/me", **bearer(new.secret))
    new.token.refresh_from_db()
    assert new.token.last_used_at == T0 + dt.timedelta(seconds=61)


@pytest.mark.parametrize("case", ["unknown", "malformed", "revoked", "expired", "inactive"])
def test_a_dead_token_is_401_even_with_a_session(personas, case) -> None:
    new = new_token(personas.member, expires_in_days=30)
    secret = new.secret
    if case == "unknown":
        secret = "peerly_" + "A" * 40
    elif case == "malformed":
        secret = "not-a-token"
    elif case == "revoked":
        api_tokens.revoke_token(actor=personas.member, token=new.token)
    elif case == "expired":
        ApiToken.objects.filter(pk=new.token.pk).update(expires_at=timezone.now())
    elif case == "inactive":
        type(personas.member).objects.filter(pk=personas.member.pk).update(is_active=False)
    response = Client().get("/api/v1/me", **bearer(secret))
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid, expired or revoked token."
    # a signed-in browser that also sends a bad token is not let through by its session
    session = personas.client("other_member")
    assert session.get("/api/v1/me", **bearer(secret)).status_code == 401
    assert session.get("/api/v1/me").status_code == 200


def test_a_read_token_may_not_write(personas) -> None:
    new = new_token(personas.member, scope=ApiTokenScope.READ)
    response = post_goal(Client(enforce_csrf_checks=True), **bearer(new.secret))
    assert response.status_code == 403
    assert response.json()["detail"] == "This token is read-only."
    assert not Goal.objects.exists()
    assert Client().get(GOALS, **bearer(new.secret)).status_code == 200


def test_a_write_token_posts_without_csrf(personas) -> None:
    new = new_token(personas.member, scope=ApiTokenScope.WRITE)
    response = post_goal(Client(enforce_csrf_checks=True), **bearer(new.secret))
    assert response.status_code == 201, response.content
    assert Goal.objects.get().owner == personas.member


def test_a_session_post_still_needs_csrf(personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.member)
    refused = post_goal(client)
    assert refused.status_code == 403
    assert "CSRF" in refused.content.decode()
    assert not Goal.objects.exists()
    client.get(PAGE)  # sets the CSRF cookie
    accepted = post_goal(client, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert accepted.status_code == 201
    # an Authorization header of another scheme is no token: the session rules apply
    basic = post_goal(client, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert basic.status_code == 403


def test_a_programme_limited_token_only_reaches_its_programme(personas) -> None:
    new = new_token(personas.organiser, scope=ApiTokenScope.WRITE, program=personas.program)
    client = Client()
    own = personas.program.slug
    assert client.get(f"/api/v1/programs/{own}", **bearer(new.secret)).status_code == 200
    assert client.get(f"/api/v1/programs/{own}/members", **bearer(new.secret)).status_code == 200
    assert client.get("/api/v1/me", **bearer(new.secret)).status_code == 200
    other = client.get(f"/api/v1/programs/{personas.other_program.slug}", **bearer(new.secret))
    assert other.status_code == 403
    assert personas.program.name in other.json()["detail"]
    for path in ("/api/v1/programs", GOALS, "/api/v1/me/export"):
        assert client.get(path, **bearer(new.secret)).status_code == 403, path
    assert post_goal(client, **bearer(new.secret)).status_code == 403
    assert not Goal.objects.exists()
    # the limit narrows the owner's access, it never widens it
    unlimited = new_token(personas.organiser)
    assert client.get("/api/v1/programs", **bearer(unlimited.secret)).status_code == 200


def test_a_token_limited_to_a_deleted_programme_goes_with_it() -> None:
    # SET_NULL would turn a limited token into one with all its owner's access
    field = ApiToken._meta.get_field("program")
    assert field.remote_field.on_delete is models.CASCADE


def test_each_token_is_rate_limited_in_fixed_windows(personas, settings) -> None:
    settings.PEERLY_API_TOKEN_RATE = "3/minute"
    first = new_token(personas.member)
    second = new_token(personas.member, name="other")
    client = Client()
    with time_machine.travel(T0, tick=False):  # 30 s into a minute
        for _n in range(3):
            assert client.get("/api/v1/me", **bearer(first.secret)).status_code == 200
        limited = client.get("/api/v1/me", **bearer(first.secret))
        assert limited.status_code == 429
        assert limited["Retry-After"] == "30"
        assert client.get("/api/v1/me", **bearer(second.secret)).status_code == 200
        session = personas.client("member")
        for _n in range(5):
            assert session.get("/api/v1/me").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        assert client.get("/api/v1/me", **bearer(first.secret)).status_code == 200


def test_the_openapi_document_declares_the_bearer_scheme(personas) -> None:
    schema = personas.client("member").get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    assert any(s.get("in") == "cookie" for s in schemes.values())


# ----------------------------------------------------------------------------- no leaks
def test_the_secret_is_never_in_the_audit_log_or_the_logs(personas, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client = personas.client("organiser")
    page = client.post(
        PAGE, {"name": "ci", "scope": "read", "program": personas.program.pk, "expires": "30"}
    )
    secret = SECRET_RE.findall(page.content.decode())[0]
    token = ApiToken.objects.get()
    api = Client()
    api.get("/api/v1/me", **bearer(secret))
    post_goal(api, **bearer(secret))  # 403: read-only
    api.get("/api/v1/programs", **bearer(secret))  # 403: limited
    api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {secret}")  # another scheme
    client.post(reverse("accounts:token-revoke", args=[token.pk]))
    api.get("/api/v1/me", **bearer(secret))  # 401: revoked
    events = AuditEvent.objects.filter(object_type="accounts.apitoken")
    assert sorted(e.action for e in events) == ["api_token.create", "api_token.revoke"]
    assert all(e.program_id is None for e in events)  # private: no programme's audit view
    dumped = json.dumps([[e.action, e.reason, e.data] for e in events])
    assert secret not in dumped
    assert secret[7:] not in dumped
    assert token.hash not in dumped
    assert caplog.records  # the requests above did log (a 401, 403s)
    assert secret[7:] not in caplog.text
