"""The Kind base class's defaults that the built-in kinds rely on instead of declaring them:
the urls module next to kind.py, the `program`/`manage` main pages, probes from the nav and
the default group size from `group_sizes`."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peerly.programs import kinds
from peerly.programs.kinds import Kind
from peerly.programs.kinds import NavLink
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "urls_module", "default_group_size"),
    [
        ("coffee", "peerly.rounds.urls", 2),
        ("circle", "peerly.circles.urls", 3),
        ("mentorship", "peerly.mentorship.urls", 2),
    ],
)
def test_the_built_in_kinds_get_their_defaults(
    code: str, urls_module: str, default_group_size: int
) -> None:
    kind = kinds.get(code)
    assert kind is not None
    assert kind.urls_module == urls_module
    assert kind.default_group_size == default_group_size
    program = ProgramFactory(kind=code, group_size=default_group_size)
    slug = {"slug": program.slug}
    assert kind.member_url(program) == reverse(f"{kind.app_label}:program", kwargs=slug)
    assert kind.organiser_url(program) == reverse(f"{kind.app_label}:manage", kwargs=slug)


@pytest.mark.parametrize(
    ("code", "member", "organiser"),
    [
        ("coffee", ["program"], ["manage", "manage-settings", "manage-report"]),
        ("circle", ["program"], ["manage", "manage-settings", "manage-form"]),
        (
            "mentorship",
            ["mentor-list"],
            ["manage", "manage-assign", "manage-reviews", "manage-requests", "manage-settings"],
        ),
    ],
)
def test_probe_pages_default_to_the_member_page_and_the_organiser_nav(
    code: str, member: list[str], organiser: list[str]
) -> None:
    kind = kinds.get(code)
    assert kind is not None
    program = ProgramFactory(kind=code, group_size=kind.default_group_size)
    probes = kind.access_probe_urls(program)
    assert probes["member"] == [kind.url(name, program) for name in member]
    assert probes["organiser"] == [kind.url(name, program) for name in organiser]


def test_a_kind_without_pages_has_no_urls_module_main_pages_or_probes() -> None:
    class Pageless(Kind):
        code = "pageless"
        organiser_nav = (NavLink("Manage", "manage", "manage"),)

    kind = Pageless()
    program = ProgramFactory()
    assert kind.urls_module == ""
    assert kind.member_url(program) is None
    assert kind.organiser_url(program) is None
    assert kind.access_probe_urls(program) == {}
    assert kind.default_group_size == 2


def test_a_kind_may_name_its_own_urls_module() -> None:
    class Elsewhere(Kind):
        code = "elsewhere"
        url_prefix = "elsewhere"
        urls_module = "somewhere.else.urls"

    class Nextdoor(Kind):
        code = "nextdoor"
        url_prefix = "nextdoor"

    assert Elsewhere.urls_module == "somewhere.else.urls"
    assert Nextdoor.urls_module == "tests.programs.urls"
