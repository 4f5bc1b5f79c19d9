"""The programme-kind contract (programs/kinds.py): the registry, create_program, and a toy
fourth kind that is listed on home, ticked, in the API and drawable — with no change outside
this module."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import path
from ninja import Router

from peerly.api.api import api as site_api
from peerly.api.api import build_api
from peerly.core.attention import AttentionItem
from peerly.core.errors import ServiceError
from peerly.core.management.commands.tick import run_ticks
from peerly.core.models import AuditEvent
from peerly.programs import kinds
from peerly.programs.forms import ProgramForm
from peerly.programs.kinds import DrawResult
from peerly.programs.kinds import Kind
from peerly.programs.kinds import Metric
from peerly.programs.models import Program
from peerly.programs.services import create_program
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

urlpatterns: list[Any] = []  # filled per test: this module is the URLconf of the API test

toy_router = Router(tags=["toys"])


@toy_router.get("/programs/{slug}/ping")
def ping(request: Any, slug: str) -> dict[str, str]:
    return {"toy": slug}


class ToyKind(Kind):
    code = "toy"
    label = "Toy swaps"
    app_label = "toys"
    settings_model = None

    def __init__(self) -> None:
        self.settings_for: list[int] = []
        self.draws: list[dict[str, Any]] = []

    def create_settings(self, program: Program) -> None:
        self.settings_for.append(program.pk)

    def api_router(self) -> Router:
        return toy_router

    def attention_items(self, user: Any) -> list[AttentionItem]:
        return [AttentionItem(text="Swap a toy with Ada", url="/toys/", kind="action")]

    def tick(self, *, now: dt.datetime) -> dict[str, int]:
        return {"swaps_reminded": 2}

    def draw(
        self,
        program: Program,
        *,
        seed: int | None,
        dry_run: bool,
        actor: Any,
        allow_overlap: bool = False,
    ) -> DrawResult:
        self.draws.append({"seed": seed, "dry_run": dry_run, "allow_overlap": allow_overlap})
        if program.status == "closed":
            raise ServiceError("This toy programme is closed.")
        return DrawResult(
            summary=f"toy draw of {program.slug}: 3 swaps" + (" (dry run)" if dry_run else ""),
            seed=seed,
            saved=not dry_run,
            lines=("Ada ↔ Grace",),
            counts={"swaps": 3},
        )

    def metrics(self, program: Program) -> list[Metric]:
        return [Metric("swaps", 3)]


@pytest.fixture
def toy():  # type: ignore[no-untyped-def]
    with kinds.registered(ToyKind()) as kind:
        yield kind
    assert kinds.get("toy") is None


@pytest.fixture
def toy_program(db, toy):  # type: ignore[no-untyped-def]
    program = ProgramFactory(kind="toy", name="Toy Library", slug="toy-library")
    return program


def draw(*args: str) -> str:
    out = io.StringIO()
    call_command("draw", *args, stdout=out)
    return out.getvalue()


# ---------------------------------------------------------------------------- registry
def test_the_three_kinds_are_registered_once_in_app_order() -> None:
    assert kinds.codes() == ["coffee", "circle", "mentorship"]
    assert [k.app_label for k in kinds.registry()] == ["rounds", "circles", "mentorship"]


@pytest.mark.parametrize(
    ("second", "error"),
    [
        ("same class", None),  # ready() running twice is harmless
        ("other class", "already registered"),
    ],
)
def test_register_refuses_a_taken_code(toy, second, error):  # type: ignore[no-untyped-def]
    class Impostor(Kind):
        code = "toy"

    other = ToyKind() if second == "same class" else Impostor()
    if error is None:
        assert kinds.register(other) is toy
    else:
        with pytest.raises(ValueError, match=error):
            kinds.register(other)
    assert kinds.get("toy") is toy


def test_a_kind_needs_a_code() -> None:
    with pytest.raises(ValueError, match="needs a code"):
        kinds.register(Kind())


# ---------------------------------------------------------------------- create_program
@pytest.mark.parametrize("code", ["coffee", "circle", "mentorship"])
def test_create_program_creates_the_kind_settings_row_and_audits(db, code):  # type: ignore[no-untyped-def]
    organiser = UserFactory()
    program = create_program(
        actor=organiser,
        values={"kind": code, "name": "New", "slug": f"new-{code}", "group_size": 3},
    )
    model = kinds.get(code).settings_model  # type: ignore[union-attr]
    assert model._default_manager.filter(program=program).count() == 1
    assert list(program.organisers.all()) == [organiser]
    event = AuditEvent.objects.get(action="programs.create")
    assert (event.actor, event.program_id, event.data["kind"]) == (organiser, program.pk, code)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kind": "chess", "name": "X", "slug": "x"}, "is not a kind of programme"),
        ({"kind": "coffee", "name": "X", "slug": "x", "colour": "red"}, "Unknown programme"),
        (
            {"kind": "coffee", "name": "X", "slug": "x", "group_size": 99},
            "Groups have 2 to 8 people",
        ),
        ({"kind": "coffee", "name": "", "slug": "x"}, "cannot be blank"),
    ],
)
def test_create_program_refuses_bad_values_and_saves_nothing(db, values, message):  # type: ignore[no-untyped-def]
    with pytest.raises(ServiceError, match=message):
        create_program(actor=UserFactory(), values=values)
    assert not Program.objects.exists() and not AuditEvent.objects.exists()


def test_create_program_refuses_a_taken_slug(db):  # type: ignore[no-untyped-def]
    ProgramFactory(slug="taken")
    with pytest.raises(ServiceError, match="already exists") as info:
        create_program(actor=None, values={"kind": "coffee", "name": "X", "slug": "taken"})
    assert info.value.field == "slug"


def test_the_create_page_goes_through_create_program(db, client):  # type: ignore[no-untyped-def]
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    form = {
        "kind": "circle",
        "name": "Circles",
        "slug": "circles-new",
        "cadence": "fortnightly",
        "group_size": "3",
        "enrollment_mode": "open",
        "status": "draft",
    }
    response = client.post("/programs/new/", form)
    assert response.status_code == 302, response.content
    program = Program.objects.get(slug="circles-new")
    assert program.circle_settings.pk  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="programs.create", program_id=program.pk).exists()


# ---------------------------------------------------------------------- the toy kind
def test_toy_kind_can_be_created_and_is_offered_by_the_form(db, toy):  # type: ignore[no-untyped-def]
    assert ("toy", "Toy swaps") in ProgramForm().fields["kind"].choices
    program = create_program(actor=None, values={"kind": "toy", "name": "Toys", "slug": "toys"})
    assert toy.settings_for == [program.pk]
    assert program.get_kind_display() == "Toy swaps"


def test_toy_kind_is_listed_on_home_with_its_attention_items(toy_program, client):  # type: ignore[no-untyped-def]
    member, organiser = UserFactory(), UserFactory()
    EnrollmentFactory(program=toy_program, user=member)
    toy_program.organisers.add(organiser)
    for user in (member, organiser):
        client.force_login(user)
        page = client.get("/home/").content.decode()
        assert "Toy Library" in page and "Toy swaps" in page
        assert "Swap a toy with Ada" in page


def test_toy_kind_is_ticked(toy_program):  # type: ignore[no-untyped-def]
    assert run_ticks()["toys.swaps_reminded"] == 2
    out = io.StringIO()
    call_command("tick", stdout=out)
    assert "toys.swaps_reminded=2" in out.getvalue()


def test_toy_kind_is_in_a_freshly_built_api(toy_program, client, settings):  # type: ignore[no-untyped-def]
    api = build_api(urls_namespace="toy-api")
    urlpatterns[:] = [path("api/v1/", api.urls)]
    settings.ROOT_URLCONF = __name__
    client.force_login(UserFactory())
    response = client.get("/api/v1/toys/programs/toy-library/ping")
    assert (response.status_code, response.json()) == (200, {"toy": "toy-library"})
    assert client.get("/api/v1/me").status_code == 200  # the shared routers are there too
    assert "/api/v1/toys/programs/{slug}/ping" in api.get_openapi_schema()["paths"]


def test_the_site_api_mounts_every_registered_kind() -> None:
    paths = site_api.get_openapi_schema()["paths"]
    for kind in kinds.registry():
        assert any(p.startswith(f"/api/v1/{kind.app_label}/") for p in paths), kind


@pytest.mark.parametrize(
    ("args", "expected", "dry_run"),
    [
        (["--seed", "7"], "toy draw of toy-library: 3 swaps [seed 7]", False),
        (["--seed", "7", "--dry-run"], "toy draw of toy-library: 3 swaps (dry run) [seed 7]", True),
    ],
)
def test_toy_kind_is_drawable(toy, toy_program, args, expected, dry_run):  # type: ignore[no-untyped-def]
    out = draw("--program", "toy-library", *args)
    assert expected in out and "  Ada ↔ Grace" in out
    assert toy.draws == [{"seed": 7, "dry_run": dry_run, "allow_overlap": False}]


def test_draw_without_seed_uses_a_fresh_one_and_prints_it(toy, toy_program):  # type: ignore[no-untyped-def]
    out = draw("--program", "toy-library", "--allow-overlap")
    seed = toy.draws[0]["seed"]
    assert isinstance(seed, int) and f"[seed {seed}]" in out
    assert toy.draws[0]["allow_overlap"] is True


@pytest.mark.parametrize(
    ("slug", "message"),
    [("nope", "unknown programme 'nope'"), ("closed-toys", "This toy programme is closed.")],
)
def test_draw_errors_exit_2(toy, db, slug, message):  # type: ignore[no-untyped-def]
    ProgramFactory(kind="toy", slug="closed-toys", status="closed")
    with pytest.raises(CommandError, match=message) as info:
        draw("--program", slug)
    assert info.value.returncode == 2


def test_draw_of_a_kind_that_is_not_installed_exits_2(db):  # type: ignore[no-untyped-def]
    ProgramFactory(kind="gone", slug="gone")
    with pytest.raises(CommandError, match="not installed") as info:
        draw("--program", "gone")
    assert info.value.returncode == 2


def test_peerly_draw_from_the_command_line_exits_2_with_one_line(db, capsys):  # type: ignore[no-untyped-def]
    from peerly.cli import main

    with pytest.raises(SystemExit) as info:
        main(["draw", "--program", "nope"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "unknown programme 'nope'" in err


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("coffee", "round 1 (dry run, seed 3)"),
        ("circle", "(seed 3); dry run: nothing saved"),
        ("mentorship", "dry run: 0 of 0 applicants would be assigned"),
    ],
)
def test_peerly_draw_previews_every_real_kind(db, code, expected):  # type: ignore[no-untyped-def]
    program = ProgramFactory(
        kind=code, slug=f"real-{code}", group_size=3 if code == "circle" else 2
    )
    kind = kinds.get(code)
    for _ in range(6):
        EnrollmentFactory(program=program, role=kind.roles[0])  # type: ignore[union-attr]
    before = AuditEvent.objects.count()
    out = draw("--program", program.slug, "--dry-run", "--seed", "3")
    assert expected in out and "[seed 3]" in out
    assert AuditEvent.objects.count() == before  # a dry run changes nothing
