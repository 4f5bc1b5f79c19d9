"""One access rule for every programme kind: persona × page over every registered kind.

Each kind names its pages by need (`Kind.access_probe_urls(program)`: "member" and
"organiser" pages whose access the gateway alone decides); the shared programme page is the
"viewer" page. The same table of expected statuses applies to all of them, so the rules of
the kinds cannot drift apart again (they did: an organiser who was not enrolled got 403 on the
coffee page but 200 on circles and mentorship). The gateway itself is tested below as a table
too (programs/access.py).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from peerly.programs import kinds
from peerly.programs.access import access_program
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramStatus
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

PERSONAS = (
    "anonymous",
    "outsider",
    "member",
    "applied",
    "paused",
    "left",
    "declined",
    "other_organiser",
    "organiser",
    "admin",
)
ENROLLED = {
    "member": EnrollmentStatus.ACTIVE,
    "applied": EnrollmentStatus.APPLIED,
    "paused": EnrollmentStatus.PAUSED,
    "left": EnrollmentStatus.LEFT,
    "declined": EnrollmentStatus.DECLINED,
}
# need -> persona -> expected HTTP status of a GET
EXPECTED = {
    "viewer": {p: 302 if p == "anonymous" else 200 for p in PERSONAS},
    "member": {
        "anonymous": 302,
        "outsider": 403,
        "member": 200,
        "applied": 200,
        "paused": 200,
        "left": 403,
        "declined": 403,
        "other_organiser": 403,
        "organiser": 200,
        "admin": 200,
    },
    "organiser": {
        p: 302 if p == "anonymous" else 200 if p in ("organiser", "admin") else 403
        for p in PERSONAS
    },
}
# the gateway's answer per persona: the role, or the exception for too little access
ROLE = {
    "outsider": "viewer",
    "member": "member",
    "applied": "member",
    "paused": "member",
    "left": "viewer",
    "declined": "viewer",
    "other_organiser": "viewer",
    "organiser": "organiser",
    "admin": "organiser",
}
NEEDS = ("viewer", "member", "organiser")


class World:
    def __init__(self, code: str) -> None:
        kind = kinds.get(code)
        assert kind is not None
        self.kind = kind
        self.users = {p: UserFactory(display_name=p.title()) for p in PERSONAS if p != "anonymous"}
        self.users["admin"].is_superuser = self.users["admin"].is_staff = True
        self.users["admin"].save()
        self.program = ProgramFactory(kind=code, organisers=[self.users["organiser"]])
        ProgramFactory(kind=code, organisers=[self.users["other_organiser"]])
        for persona, status in ENROLLED.items():
            EnrollmentFactory(
                program=self.program, user=self.users[persona], status=status, role=kind.roles[0]
            )

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client

    def urls(self) -> dict[str, list[str]]:
        probes = self.kind.access_probe_urls(self.program)
        return {
            "viewer": [
                reverse("programs:detail", kwargs={"slug": self.program.slug}),
                *probes.get("viewer", []),
            ],
            "member": probes.get("member", []),
            "organiser": probes.get("organiser", []),
        }


@pytest.fixture(params=kinds.codes())
def world(request, db) -> World:  # type: ignore[no-untyped-def]
    return World(request.param)


def test_every_kind_names_member_and_organiser_pages(world: World) -> None:
    urls = world.urls()
    assert urls["member"], f"{world.kind.code} names no member page"
    assert urls["organiser"], f"{world.kind.code} names no organiser page"


@pytest.mark.parametrize("persona", PERSONAS)
def test_persona_by_page_over_every_kind(world: World, persona: str) -> None:
    client = world.client(persona)
    got = {url: client.get(url).status_code for urls in world.urls().values() for url in urls}
    want = {url: EXPECTED[need][persona] for need, urls in world.urls().items() for url in urls}
    assert got == want, f"{world.kind.code} as {persona}"


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
@pytest.mark.parametrize("need", NEEDS)
def test_the_gateway_table(world: World, persona: str, need: str) -> None:
    user, slug, code = world.users[persona], world.program.slug, world.kind.code
    role = ROLE[persona]
    if NEEDS.index(role) >= NEEDS.index(need):
        result = access_program(user, slug, kind=code, need=need)  # type: ignore[arg-type]
        assert (result.program, result.role) == (world.program, role)
        assert result.is_organiser == (role == "organiser")
        assert (result.enrollment is not None) == (persona in ENROLLED)
    else:
        with pytest.raises(PermissionDenied):
            access_program(user, slug, kind=code, need=need)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("case", "persona", "expected"),
    [
        ("missing", "admin", Http404),
        ("wrong kind", "organiser", Http404),
        ("draft", "member", Http404),
        ("draft", "outsider", Http404),
        ("draft", "organiser", None),
        ("draft", "admin", None),
    ],
)
def test_the_gateway_hides_what_does_not_exist_for_you(world, case, persona, expected):  # type: ignore[no-untyped-def]
    user, slug, code = world.users[persona], world.program.slug, world.kind.code
    if case == "missing":
        slug = "no-such-programme"
    elif case == "wrong kind":
        code = next(c for c in [*kinds.codes(), "other"] if c != code)
    else:
        Program.objects.filter(pk=world.program.pk).update(status=ProgramStatus.DRAFT)
    if expected is None:
        assert access_program(user, slug, kind=code).program == world.program
    else:
        with pytest.raises(expected):
            access_program(user, slug, kind=code)
