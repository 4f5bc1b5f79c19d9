"""API (with permissions), CLI, attention items and the demo hook."""

from __future__ import annotations

import datetime as dt
import json
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from peerly.core.attention import collect
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MonthlyReport
from peerly.programs.models import Enrollment
from peerly.programs.models import Role

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def pair(world):
    return world.reach("active")


def api(slug: str, path: str) -> str:
    return f"/api/v1/mentorship/programs/{slug}/{path}"


PEOPLE = ["anonymous", "outsider", "mentee", "other_mentee", "mentor", "other_mentor", "organiser"]


def person(world, name):
    return {
        "anonymous": None,
        "outsider": world.personas.outsider,
        "mentee": world.mentee,
        "other_mentee": world.other_mentee,
        "mentor": world.mentor.user,
        "other_mentor": world.other_mentor.user,
        "organiser": world.organiser,
    }[name]


@pytest.mark.parametrize(
    ("who", "expected"), list(zip(PEOPLE, [401, 404, 200, 404, 404, 404, 404], strict=True))
)
def test_my_mentorship_permissions(world, pair, who, expected):
    response = _client(person(world, who)).get(api(world.program.slug, "my-mentorship"))
    assert response.status_code == expected
    if expected == 200:
        data = response.json()
        assert data["status"] == "active" and data["mentor"] == "Mara Mentor"
        assert all(data["orientation"].values())


@pytest.mark.parametrize(
    ("who", "expected"), list(zip(PEOPLE, [401, 403, 403, 403, 200, 200, 403], strict=True))
)
def test_my_mentees_permissions(world, pair, who, expected):
    response = _client(person(world, who)).get(api(world.program.slug, "my-mentees"))
    assert response.status_code == expected
    if who == "mentor":
        assert [m["mentee"] for m in response.json()] == ["Mia Member"]
    if who == "other_mentor":
        assert response.json() == []  # never someone else's mentees


@pytest.mark.parametrize(
    ("who", "expected"), list(zip(PEOPLE, [401, 404, 201, 404, 403, 404, 404], strict=True))
)
def test_file_report_permissions(world, pair, who, expected):
    response = _client(person(world, who)).post(
        api(world.program.slug, f"mentorships/{pair.pk}/reports"),
        data=json.dumps({"month": timezone.localdate().isoformat(), "did": "Talk"}),
        content_type="application/json",
    )
    assert response.status_code == expected
    assert MonthlyReport.objects.count() == (1 if expected == 201 else 0)


def test_file_report_twice_is_a_400(world, pair):
    client = _client(world.mentee)
    url = api(world.program.slug, f"mentorships/{pair.pk}/reports")
    body = json.dumps({"month": timezone.localdate().isoformat(), "did": "Talk"})
    assert client.post(url, data=body, content_type="application/json").status_code == 201
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400 and "already filed" in response.json()["detail"]


def test_my_mentees_query_count(world, django_assert_max_num_queries):
    for _ in range(2):
        from tests.factories import UserFactory

        world.reach("active", user=UserFactory())
    client = _client(world.mentor.user)
    with django_assert_max_num_queries(8):
        assert len(client.get(api(world.program.slug, "my-mentees")).json()) == 2


# ----------------------------------------------------------------------------- CLI
def test_cli_assign_dry_run_then_for_real(world):
    world.apply()
    world.apply(world.other_mentee)
    out = StringIO()
    call_command("mentorship", "assign", "--program", world.program.slug, "--dry-run", stdout=out)
    assert "2 of 2 applicants would be assigned" in out.getvalue()
    assert Mentorship.objects.filter(status="submitted").count() == 2
    out = StringIO()
    call_command(
        "mentorship", "assign", "--program", world.program.slug, "--method", "stable", stdout=out
    )
    assert "assigned 2 of 2" in out.getvalue()
    assert Mentorship.objects.filter(status="assigned").count() == 2
    assert sum(MentorProfile.objects.values_list("load", flat=True)) == 2


@pytest.mark.parametrize(
    "args", [["--program", "nope"], ["--program", "__slug__", "--method", "greedy"], []]
)
def test_cli_input_errors_exit_2(world, args):
    args = [a.replace("__slug__", world.program.slug) for a in args]
    with pytest.raises(CommandError) as caught:
        call_command("mentorship", "assign", *args)
    assert caught.value.returncode == 2
    assert "\n" not in str(caught.value)


# ----------------------------------------------------------------------------- attention
def test_attention_items(world):
    ms = world.reach("assigned")
    texts = [i.text for i in collect(world.mentor.user)]
    assert any("Screen Mia Member" in t for t in texts)
    world.apply(world.other_mentee)
    assert any("waiting for a mentor" in i.text for i in collect(world.organiser))
    assert not [i for i in collect(world.personas.outsider) if "mentor" in i.text.lower()]
    assert ms.pk


# ----------------------------------------------------------------------------- demo
def test_demo_populate_is_deterministic_and_consistent(world):
    from peerly.mentorship.demo import populate
    from tests.factories import EnrollmentFactory
    from tests.factories import UserFactory

    for _ in range(8):
        EnrollmentFactory(program=world.program, user=UserFactory(), role=Role.MENTOR)
    for _ in range(30):
        EnrollmentFactory(program=world.program, user=UserFactory(), role=Role.MENTEE)
    enrollments = list(
        Enrollment.objects.filter(program=world.program)
        .exclude(user__mentor_profiles__isnull=False)
        .select_related("user", "user__profile")
        .order_by("pk")
    )
    now = timezone.now()
    populate(program=world.program, enrollments=enrollments, rng=random.Random(1), now=now)
    statuses = set(Mentorship.objects.values_list("status", flat=True))
    assert {"submitted", "assigned", "screening", "orientation", "active"} <= statuses
    for profile in MentorProfile.objects.all():
        live = Mentorship.objects.filter(
            mentor=profile, status__in=("assigned", "screening", "orientation", "active")
        ).count()
        assert profile.load == live <= profile.capacity
    assert MonthlyReport.objects.exists()
    assert not MonthlyReport.objects.filter(month__gt=now.date()).exists()
    assert dt.date.today()  # the demo sends no email
    from peerly.notifications.models import OutboundEmail

    assert not OutboundEmail.objects.filter(key__contains="report").exists()


def test_demo_goes_through_the_services(world):
    """Every demo mentorship, mentor and report has the audit row its service writes."""
    from peerly.core.models import AuditEvent
    from peerly.mentorship.demo import populate
    from tests.factories import EnrollmentFactory
    from tests.factories import UserFactory

    for _ in range(4):
        EnrollmentFactory(program=world.program, user=UserFactory(), role=Role.MENTOR)
    for _ in range(12):
        EnrollmentFactory(program=world.program, user=UserFactory(), role=Role.MENTEE)
    enrollments = list(
        Enrollment.objects.filter(program=world.program)
        .exclude(user__mentor_profiles__isnull=False)
        .select_related("user", "user__profile")
        .order_by("pk")
    )
    populate(
        program=world.program, enrollments=enrollments, rng=random.Random(2), now=timezone.now()
    )
    audited = set(
        AuditEvent.objects.filter(action="mentorship.submit").values_list("object_id", flat=True)
    )
    assert audited == {str(pk) for pk in Mentorship.objects.values_list("pk", flat=True)}
    assert AuditEvent.objects.filter(action="mentor.add").count() == 4
    assert AuditEvent.objects.filter(action="mentorship.report").count() == (
        MonthlyReport.objects.count()
    )
