"""The demo community (issues 19 and 20): every persona logs in and has something to do today,
names are distinct by construction, members beyond the core are bulk rows that stay valid, and
the README's demo table says what the loader makes."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from itertools import islice
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from peerly.accounts.models import User
from peerly.circles.models import CircleSession
from peerly.core.models import AuditEvent
from peerly.mentorship.models import Mentorship
from peerly.programs import demo
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round

ROOT = Path(__file__).resolve().parents[2]


def _readme_table() -> dict[str, tuple[str, str]]:
    """README's demo table: account email → (who, what to try)."""
    rows = re.findall(
        r"^\| `([^`]+@demo\.peerly\.test)` \| ([^|]+) \| ([^|]+) \|$",
        (ROOT / "README.md").read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    return {email: (who.strip(), to_try.strip()) for email, who, to_try in rows}


def test_readme_demo_table_is_the_personas():
    assert _readme_table() == {p.email: (p.who, p.to_try) for p in demo.PERSONAS}
    assert f"`{demo.DEMO_PASSWORD}`" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_make_run_prints_the_personas_and_serves_on_port():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = makefile[makefile.index("\nrun:") : makefile.index("\ntest:")]
    assert "peerly demo --logins" in run
    assert "PORT=$(PORT)" in run and "runserver 127.0.0.1:$(PORT)" in run


def test_demo_logins_lists_every_persona(capsys):
    call_command("demo", "--logins")
    out = capsys.readouterr().out
    assert demo.DEMO_PASSWORD in out
    assert all(p.email in out and p.who in out for p in demo.PERSONAS)


@pytest.mark.django_db
def test_every_persona_and_every_member_logs_in(client):
    demo.build_demo(members=12, seed=1)
    assert not User.objects.filter(password__startswith="!").exists()  # no unusable passwords
    someone = User.objects.exclude(email__in=[p.email for p in demo.PERSONAS]).order_by("pk").last()
    assert someone is not None
    for email in [*_readme_table(), someone.email]:
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": email, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302 and response.url == "/home/", email
        assert client.get("/home/").status_code == 200


@pytest.mark.django_db
def test_every_persona_has_something_to_do_today():
    demo.build_demo(members=40, seed=2)
    today = timezone.localdate()
    # The coffee member is in the current round, whose meet-by week includes today.
    current = Round.objects.get(program__slug="coffee-roulette", status="published")
    assert current.meets_from <= today <= current.meet_by
    assert GroupMember.objects.filter(round=current, user__email=demo.MEMBER.email).exists()
    # The circle member is mid-season: sessions held, one still to come.
    sessions = CircleSession.objects.filter(circle__memberships__user__email=demo.MEMBER.email)
    assert sessions.filter(status="held").exists()
    assert sessions.filter(starts_at__gt=timezone.now()).exists()
    # The mentee is in orientation with the mentor persona, who also has an active mentee.
    orientation = Mentorship.objects.get(mentee__email=demo.MENTEE.email)
    assert orientation.status == "orientation"
    assert orientation.mentor.user.email == demo.MENTOR.email
    assert Mentorship.objects.filter(mentor=orientation.mentor, status="active").exists()
    # The applicant waits for a mentor and for approval to join the circles.
    assert Mentorship.objects.get(mentee__email=demo.APPLICANT.email).status == "submitted"
    assert Enrollment.objects.get(
        user__email=demo.APPLICANT.email, program__slug="coaching-circles"
    ).status == (EnrollmentStatus.APPLIED)
    assert not Enrollment.objects.filter(user__email=demo.NEWCOMER.email).exists()
    organiser = User.objects.get(email=demo.ORGANISER.email)
    assert set(organiser.organised_programs.values_list("slug", flat=True)) == {
        "coffee-roulette",
        "coaching-circles",
        "mentorship",
    }
    assert User.objects.get(email=demo.ADMIN.email).is_superuser


def test_names_are_distinct_by_construction():
    """More names than first × last pairs (1,500): the generator never repeats one."""
    names = list(islice(demo.demo_names(random.Random(0)), 5000))
    assert len(set(names)) == 5000
    assert len({demo.email_for(n) for n in names}) == 5000
    assert "A. " in names[1500]  # the second pass adds a middle initial


@pytest.mark.django_db(transaction=True)
def test_members_beyond_the_core_are_valid_bulk_rows(monkeypatch, capsys):
    monkeypatch.setattr(demo, "CORE_MEMBERS", 20)
    monkeypatch.setattr(demo, "BATCH_SIZE", 7)  # several batches
    call_command("demo", "--members", "90", "--seed", "4")
    assert "97 people" in capsys.readouterr().out  # 90 members + the 7 personas
    assert User.objects.count() == 97
    assert User.objects.values("password").distinct().count() == 1  # hashed once
    assert not User.objects.filter(email_confirmed_at=None).exists()
    assert not User.objects.filter(profile=None).exists()
    coffee = Program.objects.get(slug="coffee-roulette")
    last_draw = Round.objects.filter(program=coffee).order_by("-number")[0].published_at
    late = Enrollment.objects.filter(program=coffee, joined_at__gt=last_draw)
    assert late.count() == int(70 * 0.75)  # the bulk members joined after the current round
    # Every enrolment has the audit row joining writes; approved ones the approval too.
    for enrollment in Enrollment.objects.all():
        actions = set(
            AuditEvent.objects.filter(
                object_type="programs.enrollment", object_id=str(enrollment.pk)
            ).values_list("action", flat=True)
        )
        # Founding mentors joined by invitation, then add_mentor made them mentors.
        mentor = enrollment.role == "mentor"
        approval = enrollment.program.enrollment_mode == "approval" and not mentor
        expected = {"enrollment.apply" if approval else "enrollment.join"}
        if mentor:
            expected.add("enrollment.mentor")
        if approval and enrollment.status == EnrollmentStatus.ACTIVE:
            expected.add("enrollment.approve")
            assert enrollment.decided_by is not None
        assert actions == expected, enrollment
    # Required sign-up questions are answered, as join_program insists.
    circles = Program.objects.get(slug="coaching-circles")
    question = circles.questions.get(required=True)
    assert not circles.enrollments.exclude(answers__has_key=str(question.pk)).exists()


def test_site_url_follows_the_port():
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DJANGO_SETTINGS_MODULE")}
    code = "import peerly.settings as s; print(s.SITE_URL)"
    out = subprocess.run(
        [sys.executable, "-c", code], env={**env, "PORT": "8123"}, capture_output=True, text=True
    )
    assert out.stdout.strip() == "http://127.0.0.1:8123", out.stderr
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "PORT": "8123", "SITE_URL": "https://peerly.example.org/"},
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == "https://peerly.example.org"
