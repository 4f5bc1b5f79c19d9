"""Retention of private texts per programme: blanked by `peerly tick` once older than the
programme's period, idempotent, audited; the setting on the edit form and the programme page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from peerly.circles.models import Block
from peerly.circles.models import Circle
from peerly.circles.models import CircleSession
from peerly.circles.models import Season
from peerly.core.management.commands.tick import run_ticks
from peerly.core.models import AuditEvent
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MonthlyReport
from peerly.mentorship.models import Recognition
from peerly.mentorship.models import ReportComment
from peerly.mentorship.models import Review
from peerly.mentorship.models import ReviewRound
from peerly.mentorship.models import SupportRequest
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import Role
from peerly.programs.retention import purge_private_texts
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

T0 = dt.datetime(2030, 1, 6, 12, tzinfo=dt.UTC)


@dataclass
class Texts:
    circles: Program
    mentoring: Program
    block: Block
    report: MonthlyReport
    review: Review


def _make(days: int | None) -> Texts:
    ann, ben, cleo = UserFactory(), UserFactory(), UserFactory()
    circles = ProgramFactory(
        kind=ProgramKind.CIRCLE, group_size=3, private_text_retention_days=days
    )
    season = Season.objects.create(
        program=circles, number=1, starts_on=T0.date(), ends_on=T0.date() + dt.timedelta(90)
    )
    circle = Circle.objects.create(season=season, program=circles, number=1)
    session = CircleSession.objects.create(
        circle=circle, number=1, original_starts_at=T0, starts_at=T0
    )
    block = Block.objects.create(
        session=session, position=0, coachee=ann, coach=ben, note_taker=cleo, issue="my issue"
    )
    mentoring = ProgramFactory(kind=ProgramKind.MENTORSHIP, private_text_retention_days=days)
    enrollment = EnrollmentFactory(program=mentoring, user=ann, role=Role.MENTEE)
    mentor = MentorProfile.objects.create(
        program=mentoring,
        user=ben,
        enrollment=EnrollmentFactory(program=mentoring, user=ben, role=Role.MENTOR),
        load=1,
    )
    ms = Mentorship.objects.create(
        program=mentoring,
        mentee=ann,
        enrollment=enrollment,
        mentor=mentor,
        status="active",
        submitted_at=T0,
    )
    report = MonthlyReport.objects.create(
        mentorship=ms, month=dt.date(2030, 1, 1), did="did things", submitted_at=T0
    )
    ReportComment.objects.create(report=report, author=ben, body="well done", created_at=T0)
    SupportRequest.objects.create(mentorship=ms, kind="budget", justification="a book")
    Recognition.objects.create(
        mentorship=ms, kind="leader", note="a leader", created_by=ben, created_at=T0
    )
    review = Review.objects.create(
        round=ReviewRound.objects.create(
            program=mentoring, year=2030, opened_at=T0, closes_on=T0.date()
        ),
        mentorship=ms,
        direction="of_mentee",
        reviewer=ben,
        reviewee=ann,
        strengths="kind",
        rating=4,
        submitted_at=T0,
    )
    return Texts(circles, mentoring, block, report, review)


@pytest.fixture
def texts(db) -> Texts:  # type: ignore[no-untyped-def]
    with time_machine.travel(T0, tick=False):
        return _make(30)


def _all_texts(t: Texts) -> dict[str, object]:
    t.block.refresh_from_db()
    t.report.refresh_from_db()
    t.review.refresh_from_db()
    return {
        "issue": t.block.issue,
        "did": t.report.did,
        "comments": ReportComment.objects.count(),
        "justification": SupportRequest.objects.get().justification,
        "note": Recognition.objects.get().note,
        "strengths": t.review.strengths,
    }


KEPT = {
    "issue": "my issue",
    "did": "did things",
    "comments": 1,
    "justification": "a book",
    "note": "a leader",
    "strengths": "kind",
}
GONE = dict.fromkeys(("issue", "did", "justification", "note", "strengths"), "") | {"comments": 0}


@pytest.mark.parametrize(
    ("days_later", "expected"),
    [
        (29, KEPT),  # younger than 30 days: kept
        (31, GONE),  # older: gone
    ],
)
def test_texts_older_than_the_period_are_deleted(
    texts: Texts, days_later: int, expected: dict[str, object]
) -> None:
    with time_machine.travel(T0 + dt.timedelta(days=days_later), tick=False):
        run_ticks()
    assert _all_texts(texts) == expected


def test_rows_and_figures_stay(texts: Texts) -> None:
    with time_machine.travel(T0 + dt.timedelta(days=31), tick=False):
        purge_private_texts(now=T0 + dt.timedelta(days=31))
    assert MonthlyReport.objects.filter(pk=texts.report.pk).exists()  # not overdue again
    assert Review.objects.get(pk=texts.review.pk).rating == 4
    assert Block.objects.filter(pk=texts.block.pk).exists()


def test_programmes_without_a_period_keep_everything(db) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(T0, tick=False):
        texts = _make(None)
    with time_machine.travel(T0 + dt.timedelta(days=3000), tick=False):
        assert purge_private_texts(now=T0 + dt.timedelta(days=3000)) == {}
    assert _all_texts(texts) == KEPT


def test_idempotent_and_audited_with_counts(texts: Texts) -> None:
    later = T0 + dt.timedelta(days=31)
    with time_machine.travel(later, tick=False):
        first = purge_private_texts(now=later)
        second = purge_private_texts(now=later)
        summary = run_ticks()
    assert first == {
        "session_notes": 1,
        "reports": 1,
        "report_comments": 1,
        "request_justifications": 1,
        "recognition_notes": 1,
        "reviews": 1,
    }
    assert second == {}
    assert not any(k.startswith("retention.") for k in summary)
    rows = AuditEvent.objects.filter(action="program.retention_purge")
    assert sorted(r.program_id for r in rows) == sorted([texts.circles.pk, texts.mentoring.pk])
    assert rows.get(program_id=texts.mentoring.pk).data["reports"] == 1
    assert rows.get(program_id=texts.circles.pk).data["session_notes"] == 1


def test_tick_reports_the_purge(texts: Texts) -> None:
    with time_machine.travel(T0 + dt.timedelta(days=31), tick=False):
        summary = run_ticks()
    assert summary["retention.session_notes"] == 1
    assert summary["retention.reports"] == 1


def test_programme_page_says_so(texts: Texts) -> None:
    member = UserFactory()
    EnrollmentFactory(program=texts.circles, user=member)
    client = Client()
    client.force_login(member)
    html = client.get(texts.circles.get_absolute_url()).content.decode()
    assert "Private notes older than 30 days are deleted automatically." in html


def _edit(program: Program, value: str) -> tuple[int, str]:
    organiser = UserFactory()
    program.organisers.add(organiser)
    client = Client()
    client.force_login(organiser)
    url = reverse("programs:edit", kwargs={"slug": program.slug})
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "organisers"}
    data["private_text_retention_days"] = value
    response = client.post(url, data)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize(
    ("value", "status", "stored"),
    [
        ("90", 302, 90),
        ("", 302, None),
        ("3", 200, 30),  # too short: the form says so, nothing saved
        ("-5", 200, 30),
        ("abc", 200, 30),
    ],
)
def test_edit_form_sets_the_period(texts: Texts, value: str, status: int, stored: int) -> None:
    code, html = _edit(texts.circles, value)
    assert code == status
    texts.circles.refresh_from_db()
    assert texts.circles.private_text_retention_days == stored
    if status == 200:
        assert "errorlist" in html
