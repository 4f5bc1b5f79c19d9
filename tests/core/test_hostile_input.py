"""Bad input never gives a server error: walk every URL pattern and API operation.

One test, on purpose: it builds a small demo community once, then requests every route the
URL resolver knows (recursively, admin included) and every django-ninja operation, as an
anonymous visitor, a member, a mentee and an organiser, with

- hostile values in each path parameter (NUL, unicode, a huge string, a huge integer, 0),
- hostile query strings (`?seed=-5`, `?page=abc`, `?q=%00`, `?seed=NaN`, …),
- hostile form bodies (NUL, huge, non-numeric, unicode, repeated keys) for the fields the page's
  own forms name plus common ones, and hostile JSON bodies (NUL, wrong types, nesting),

and asserts that nothing answers 5xx. Real objects fill the other parameters so that the code
behind the permission check runs too. It runs on SQLite and on PostgreSQL (the suite runs
on both); PostgreSQL is the stricter one: it refuses NUL characters in text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern
from django.urls import URLResolver
from django.urls import get_resolver
from django.urls.resolvers import RoutePattern

from peerly.accounts.models import DoNotPair
from peerly.accounts.models import User
from peerly.api.api import api
from peerly.programs import demo
from peerly.programs.models import Enrollment
from peerly.programs.models import Program
from peerly.programs.models import Role
from peerly.programs.models import SignupQuestion

NUL = "a\x00b"
HUGE_INT = "99999999999999999999"
UNICODE = "ünïcødé-😀-\u202e"
HUGE_STR = "x" * 5000

HOSTILE_PATH = {
    "int": [HUGE_INT, "0"],
    "slug": ["a" * 3000, "no-such-thing"],
    "str": [NUL, UNICODE, HUGE_STR, "%00", "..", "abc"],
    "path": [NUL, UNICODE, HUGE_STR, "abc", HUGE_INT],
}
QUERY_NAMES = "q status program format kind team role sort next token email number id"
HOSTILE_QUERY = [
    "seed=-5&page=-1",
    "seed=NaN&page=abc",
    f"seed={HUGE_INT}&page={HUGE_INT}",
    "&".join(f"{name}=%00" for name in QUERY_NAMES.split()),
    "&".join(f"{name}={'x' * 1000}" for name in QUERY_NAMES.split()),
]
COMMON_FIELDS = [
    "mentorship",
    "mentor",
    "mentee",
    "seed",
    "number",
    "action",
    "status",
    "email",
    "name",
    "q",
    "user",
    "token",
    "reason",
    "answer",
    "id",
    "page",
]
FORM_VALUES = [NUL, "abc", "-5", HUGE_INT, "NaN", UNICODE * 500]
JSON_VALUES: list[Any] = [NUL, int(HUGE_INT), -5, "abc", {"a": [NUL]}, [1, NUL], None, 1.5e308]
JSON_BODIES: list[Any] = [
    {"x": NUL},
    [NUL],
    {"a": {"b": [{"c": [NUL, 1, None, True]}]}},
    NUL,
    int(HUGE_INT),
    None,
]

FIELD_NAME = re.compile(r"""<(?:input|select|textarea)\b[^>]*\bname=["']([^"']+)["']""", re.I)
CONVERTER = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if not isinstance(pattern, RoutePattern):
            continue  # admin's two regex catch-alls; their routes are covered below
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(pattern)


class Community:
    """The demo community with one real value for every path parameter name."""

    def __init__(self) -> None:
        from peerly.circles.models import Block
        from peerly.circles.models import Circle
        from peerly.circles.models import CircleSession
        from peerly.growth.models import ActionItem
        from peerly.mentorship.models import MentorNomination
        from peerly.mentorship.models import Mentorship
        from peerly.mentorship.models import MonthlyReport
        from peerly.mentorship.models import Review
        from peerly.mentorship.models import SupportRequest
        from peerly.rounds.models import Round
        from peerly.rounds.models import RoundGroup

        demo.build_demo(members=24, seed=1)
        self.member = User.objects.get(email=demo.MEMBER_EMAIL)
        self.organiser = User.objects.get(email=demo.ORGANISER_EMAIL)
        mentee = Enrollment.objects.filter(role=Role.MENTEE).select_related("user").first()
        self.mentee = mentee.user if mentee else self.member

        def pk(model: Any, **filters: Any) -> str:
            row = model.objects.filter(**filters).order_by("pk").first()
            if row is None:
                row = model.objects.order_by("pk").first()
            return str(row.pk) if row else "1"

        last_round = Round.objects.order_by("-number").first()
        self.ints = {
            "other_id": str(DoNotPair.objects.values_list("other_id", flat=True).first() or 1),
            "user_id": str(self.mentee.pk),
            "group_id": pk(RoundGroup, members__user=self.member),
            "index": "0",
            "number": str(last_round.number if last_round else 1),
            "circle_id": pk(Circle, memberships__user=self.member),
            "session_id": pk(CircleSession, circle__memberships__user=self.member),
            "block_id": pk(Block, session__circle__memberships__user=self.member),
            "action_id": pk(ActionItem, owner=self.member),
            "nomination_id": pk(MentorNomination),
            "mentorship_id": pk(Mentorship, mentee=self.mentee),
            "report_id": pk(MonthlyReport, mentorship__mentee=self.mentee),
            "request_id": pk(SupportRequest),
            "review_id": pk(Review),
            "question_id": pk(SignupQuestion),
            "enrollment_id": pk(Enrollment, program__slug="coaching-circles"),
            "object_id": pk(Program),
            "content_type_id": "1",
            "id": str(self.member.pk),
        }
        self.strs = {
            "action": "join",
            "token": "not-a-real-token",
            "name": "contracting",
            "uidb64": "MQ",
            "token_": "abc",
        }

    def slug_for(self, route: str) -> str:
        for part, slug in (
            ("/coffee/", "coffee-roulette"),
            ("/circles/", "coaching-circles"),
            ("/mentorship/", "mentorship"),
            ("rounds/", "coffee-roulette"),
        ):
            if part in route:
                return slug
        return "mentorship" if "mentorship" in route else "coffee-roulette"

    def real(self, route: str, name: str) -> str:
        if name == "slug":
            return self.slug_for(route)
        return self.ints.get(name) or self.strs.get(name, "1")


def _fill(route: str, values: dict[str, str]) -> str:
    return "/" + CONVERTER.sub(lambda m: values[m.group("name")], route)


def _variants(community: Community, route: str) -> Iterator[str]:
    """The route with real values, then with each parameter in turn made hostile."""
    params = [(m.group("conv") or "str", m.group("name")) for m in CONVERTER.finditer(route)]
    real = {name: community.real(route, name) for _, name in params}
    yield _fill(route, real)
    for conv, name in params:
        for value in HOSTILE_PATH.get(conv, HOSTILE_PATH["str"]):
            yield _fill(route, {**real, name: value})


def _api_routes() -> list[tuple[str, str, list[str] | None]]:
    """(django route, method, JSON body field names or None) for every django-ninja operation."""
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    components = schema.get("components", {}).get("schemas", {})
    routes = []
    for path, operations in schema["paths"].items():
        route = re.sub(r"\{(\w+)\}", r"<\1>", path.lstrip("/"))
        for method, operation in operations.items():
            fields = None
            if "requestBody" in operation:
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                ref = body.get("$ref", "").rsplit("/", 1)[-1]
                fields = sorted(components.get(ref, body).get("properties", {}))
            routes.append((route, method.upper(), fields))
    return routes


@pytest.mark.django_db
def test_no_route_answers_5xx_to_hostile_input():
    community = Community()
    personas: dict[str, User | None] = {
        "anonymous": None,
        "member": community.member,
        "mentee": community.mentee,
        "organiser": community.organiser,
    }
    failures: list[str] = []
    requests = 0
    reached: set[tuple[str, str]] = set()

    def check(client: Client, method: str, url: str, **kwargs: Any) -> HttpResponse:
        nonlocal requests
        requests += 1
        response = getattr(client, method.lower())(url, **kwargs)
        if response.status_code >= 500:
            exc = response.exc_info[1] if response.exc_info else None
            failures.append(
                f"{response.status_code} {method} {url[:100]!r} {kwargs!r:.100} "
                f"{type(exc).__name__}: {str(exc)[:100]}"
            )
        return response

    def login(client: Client, user: User | None) -> None:
        if user is not None:
            client.force_login(user)
        else:
            client.logout()

    html_routes = [r for r in _routes(get_resolver()) if not r.startswith("api/v1/")]
    for persona, user in personas.items():
        client = Client(raise_request_exception=False)
        login(client, user)
        for route in html_routes:
            is_admin = route.startswith("admin/")
            if is_admin and persona != "organiser" and route != "admin/":
                continue  # every admin page sends them to the same log-in; the staff organiser walks them
            if persona == "mentee" and "mentorship/" not in route:
                continue  # the member covers the rest
            variants = list(_variants(community, route))
            page = check(client, "GET", variants[0])
            if page.status_code == 200:
                reached.add((persona, route))
            for url in variants[1:]:
                check(client, "GET", url)
            if is_admin or user is None or page.status_code in (403, 404):
                check(client, "POST", variants[0], data={"x": NUL, "id": HUGE_INT})
                continue
            if page.status_code == 200:
                for query in HOSTILE_QUERY:
                    check(client, "GET", f"{variants[0]}?{query}")
            body = b"" if page.streaming else page.content  # a streamed CSV has no form fields
            names = set(FIELD_NAME.findall(body.decode(errors="replace")))
            fields = sorted((names | set(COMMON_FIELDS)) - {"csrfmiddlewaretoken"})
            bodies: list[dict[str, Any]] = [dict.fromkeys(fields, value) for value in FORM_VALUES]
            bodies.append({f: [NUL, "1", HUGE_INT] for f in fields})
            for body in bodies:
                check(client, "POST", variants[0], data=body)
            check(
                client,
                "POST",
                variants[0],
                data=json.dumps({f: {"nested": [NUL]} for f in fields}),
                content_type="application/json",
            )
            if "logout" in route:
                login(client, user)  # a POST to log out must not end the walk
            assert client.session.get("_auth_user_id") == str(user.pk), f"{route} ended the session"
        login(client, user)

        for route, method, fields in _api_routes():
            variants = list(_variants(community, route))
            for url in variants:
                check(client, method, url, **({"data": {}} if method != "GET" else {}))
            for query in HOSTILE_QUERY:
                check(client, method, f"{variants[0]}?{query}")
            if fields is None:
                continue
            json_bodies = [*JSON_BODIES, *(dict.fromkeys(fields, v) for v in JSON_VALUES)]
            for body in json_bodies:
                check(
                    client,
                    method,
                    variants[0],
                    data=json.dumps(body),
                    content_type="application/json",
                )
            check(client, method, variants[0], data="{not json", content_type="application/json")
    # The walk reached the pages behind the permission checks (or it would prove nothing).
    assert {
        ("member", "programs/<slug:slug>/coffee/groups/<int:group_id>/"),
        ("member", "programs/<slug:slug>/circles/sessions/<int:session_id>/"),
        ("mentee", "programs/<slug:slug>/mentorship/m/<int:mentorship_id>/"),
        ("organiser", "programs/<slug:slug>/coffee/manage/preview/"),
        ("organiser", "programs/<slug:slug>/mentorship/manage/assign/"),
    } <= reached
    summary = "\n".join(sorted(set(failures)))
    assert not failures, f"{len(failures)} of {requests} requests answered 5xx:\n{summary}"
