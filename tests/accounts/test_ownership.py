"""Members own their data: the export (ZIP and API), account deletion, and coverage of every
model that points at a user."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from peerly.accounts import ownership
from peerly.accounts.models import AvailabilityWindow
from peerly.accounts.models import DoNotPair
from peerly.accounts.models import User
from peerly.circles.models import Block
from peerly.circles.models import Circle
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import KnownPerson
from peerly.circles.models import Season
from peerly.core.models import AuditEvent
from peerly.growth.models import ActionItem
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MonthlyReport
from peerly.mentorship.models import Recognition
from peerly.mentorship.models import ReportComment
from peerly.mentorship.models import Review
from peerly.mentorship.models import ReviewRound
from peerly.mentorship.models import SupportRequest
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import ProgramKind
from peerly.programs.models import Role
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundChoice
from peerly.rounds.models import RoundGroup
from tests.factories import PASSWORD
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.factories import WindowFactory

NOW = dt.datetime(2030, 3, 4, 10, tzinfo=dt.UTC)

# Texts only Ann wrote about herself: deletion must remove every one of them from the database.
ANN_PRIVATE = (
    "ANN-PRIV-BIO",
    "ANN-PRIV-ANSWER",
    "ANN-PRIV-ACTION",
    "ANN-PRIV-REPORT",
    "ANN-PRIV-GOALS",
    "ANN-PRIV-JUSTIFY",
    "ANN-PRIV-DRAFT",
    "ANN-PRIV-COMMENT",
)
# Other people's private texts about Ann: never in Ann's export.
BEN_PRIVATE = ("BEN-PRIV-RECOGNITION", "BEN-PRIV-DRAFT-REVIEW", "BEN-PRIV-BIO", "BEN-PRIV-ACTION")


@dataclass
class World:
    ann: User
    ben: User
    cleo: User
    session: CircleSession
    circle: Circle
    block_of_ann: Block
    mentorship: Mentorship
    report: MonthlyReport


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    ann = UserFactory(display_name="Ann Example", email="ann@example.org")
    ben = UserFactory(display_name="Ben Example")
    cleo = UserFactory(display_name="Cleo Example")
    ann.profile.bio = "ANN-PRIV-BIO"
    ann.profile.save()
    ben.profile.bio = "BEN-PRIV-BIO"
    ben.profile.field_visibility = {"bio": "private"}
    ben.profile.save()
    WindowFactory(profile=ann.profile)
    DoNotPair.objects.create(owner=ann, other=cleo)
    DoNotPair.objects.create(owner=ben, other=ann)  # Ben's private list names Ann

    # Circles: Ann, Ben and Cleo in one circle; Ben took notes on Ann's block.
    circles = ProgramFactory(kind=ProgramKind.CIRCLE, group_size=3, slug="circles")
    EnrollmentFactory(program=circles, user=ann, answers={"1": "ANN-PRIV-ANSWER"})
    for user in (ben, cleo):
        EnrollmentFactory(program=circles, user=user, answers={"1": "theirs"})
    season = Season.objects.create(
        program=circles, number=1, starts_on=NOW.date(), ends_on=NOW.date() + dt.timedelta(90)
    )
    circle = Circle.objects.create(season=season, program=circles, number=1, slot_minute=600)
    for pos, user in enumerate((ann, ben, cleo)):
        CircleMember.objects.create(circle=circle, season=season, user=user, position=pos)
    session = CircleSession.objects.create(
        circle=circle, number=1, original_starts_at=NOW, starts_at=NOW
    )
    block_of_ann = Block.objects.create(
        session=session, position=0, coachee=ann, coach=cleo, note_taker=ben, issue="SHARED-ISSUE"
    )
    Block.objects.create(
        session=session, position=1, coachee=ben, coach=ann, note_taker=cleo, issue="SHARED-BEN"
    )
    ActionItem.objects.create(circle=circle, block=block_of_ann, owner=ann, text="ANN-PRIV-ACTION")
    ActionItem.objects.create(circle=circle, owner=ben, text="BEN-PRIV-ACTION")
    KnownPerson.objects.create(owner=ben, program=circles, other=ann)

    # Coffee: Ann and Ben met; Ann skips the next round.
    coffee = ProgramFactory(kind=ProgramKind.COFFEE, slug="coffee")
    EnrollmentFactory(program=coffee, user=ann)
    EnrollmentFactory(program=coffee, user=ben)
    round_ = Round.objects.create(
        program=coffee, number=1, published_at=NOW, meets_from=NOW.date(), meet_by=NOW.date()
    )
    group = RoundGroup.objects.create(round=round_, number=1)
    GroupMember.objects.create(group=group, round=round_, user=ann, answer="all", rating=5)
    GroupMember.objects.create(group=group, round=round_, user=ben, answer="all", rating=4)
    RoundChoice.objects.create(program=coffee, user=ann, number=2, choice="skip")

    # Mentorship: Ben mentors Ann.
    mentoring = ProgramFactory(kind=ProgramKind.MENTORSHIP, slug="mentoring")
    ann_enrollment = EnrollmentFactory(program=mentoring, user=ann, role=Role.MENTEE)
    ben_enrollment = EnrollmentFactory(program=mentoring, user=ben, role=Role.MENTOR)
    mentor = MentorProfile.objects.create(
        program=mentoring, user=ben, enrollment=ben_enrollment, load=1, approved_at=NOW
    )
    ms = Mentorship.objects.create(
        program=mentoring,
        mentee=ann,
        enrollment=ann_enrollment,
        mentor=mentor,
        status="active",
        goals="ANN-PRIV-GOALS",
        submitted_at=NOW,
        accepted_at=NOW,
    )
    report = MonthlyReport.objects.create(
        mentorship=ms, month=dt.date(2030, 3, 1), did="ANN-PRIV-REPORT", submitted_at=NOW
    )
    ReportComment.objects.create(
        report=report, author=ben, body="SHARED-MENTOR-COMMENT", created_at=NOW
    )
    ReportComment.objects.create(report=report, author=ann, body="ANN-PRIV-COMMENT", created_at=NOW)
    SupportRequest.objects.create(mentorship=ms, kind="budget", justification="ANN-PRIV-JUSTIFY")
    Recognition.objects.create(
        mentorship=ms, kind="leader", note="BEN-PRIV-RECOGNITION", created_by=ben, created_at=NOW
    )
    review_round = ReviewRound.objects.create(
        program=mentoring, year=2030, opened_at=NOW, closes_on=NOW.date()
    )
    Review.objects.create(
        round=review_round,
        mentorship=ms,
        direction="of_mentee",
        reviewer=ben,
        reviewee=ann,
        strengths="BEN-PRIV-DRAFT-REVIEW",
    )
    Review.objects.create(
        round=review_round,
        mentorship=ms,
        direction="of_mentor",
        reviewer=ann,
        reviewee=ben,
        strengths="SHARED-REVIEW-OF-BEN",
        rating=5,
        submitted_at=NOW,
    )
    other_round = ReviewRound.objects.create(
        program=mentoring, year=2031, opened_at=NOW, closes_on=NOW.date()
    )
    Review.objects.create(
        round=other_round,
        mentorship=ms,
        direction="of_mentor",
        reviewer=ann,
        reviewee=ben,
        strengths="ANN-PRIV-DRAFT",
    )
    return World(ann, ben, cleo, session, circle, block_of_ann, ms, report)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text_rows_containing(needle: str) -> list[str]:
    """Every (model, field) of any Peerly model whose text or JSON holds `needle`."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("peerly."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                lookup = f"{field.name}__icontains"
                if isinstance(field, models.JSONField):
                    # JSON: compare the stored text (works on SQLite and PostgreSQL).
                    values = model.objects.values_list(field.name, flat=True)
                    if any(needle.lower() in json.dumps(v).lower() for v in values):
                        found.append(f"{model._meta.label}.{field.name}")
                elif model.objects.filter(**{lookup: needle}).exists():
                    found.append(f"{model._meta.label}.{field.name}")
    return found


# ----------------------------------------------------------------------------- coverage
def _user_links() -> set[str]:
    links = set()
    for model in apps.get_models():
        if not model.__module__.startswith("peerly."):
            continue
        for field in model._meta.get_fields():
            if field.auto_created or not field.is_relation:
                continue
            if field.related_model is User:
                links.add(f"{model._meta.app_label}.{model._meta.model_name}.{field.name}")
    return links


def test_every_link_to_a_user_is_exported_or_excluded_with_a_reason() -> None:
    declared = set(ownership.EXPORTED_LINKS) | set(ownership.EXCLUDED_LINKS)
    missing = _user_links() - declared
    assert not missing, f"New links to User: add them to the export or EXCLUDED_LINKS: {missing}"
    assert not set(ownership.EXPORTED_LINKS) & set(ownership.EXCLUDED_LINKS)
    assert all(reason.strip() for reason in ownership.EXCLUDED_LINKS.values())


def test_no_stale_coverage_entries() -> None:
    assert set(ownership.EXPORTED_LINKS) | set(ownership.EXCLUDED_LINKS) <= _user_links()


def test_every_exported_link_names_a_section_of_the_export(world: World) -> None:
    data = ownership.export_user_data(user=world.ann)
    assert set(ownership.EXPORTED_LINKS.values()) <= set(data)


# ----------------------------------------------------------------------------- export
def test_export_holds_what_ann_wrote_and_can_read(world: World) -> None:
    data = ownership.export_user_data(user=world.ann)
    text = json.dumps(data)
    assert data["account"]["email"] == "ann@example.org"
    assert data["profile"][0]["bio"] == "ANN-PRIV-BIO"
    assert data["profile"][0]["visibility"]["location"] == "organisers"
    assert len(data["availability"]) == 1
    assert [d["other_name"] for d in data["do_not_pair"]] == ["Cleo Example"]
    for marker in (*ANN_PRIVATE, "SHARED-ISSUE", "SHARED-MENTOR-COMMENT", "SHARED-REVIEW-OF-BEN"):
        assert marker in text, marker
    assert {m["rating"] for m in data["coffee_matches"]} == {5}
    assert data["coffee_matches"][0]["group_members"] == ["Ben Example"]
    assert data["circle_blocks"][0]["my_roles"] == ["coachee"]
    assert data["mentorships"][0]["mentor"] == "Ben Example"


@pytest.mark.parametrize("marker", BEN_PRIVATE)
def test_export_never_holds_other_peoples_private_texts(world: World, marker: str) -> None:
    assert marker not in json.dumps(ownership.export_user_data(user=world.ann))


def test_export_omits_other_peoples_lists_naming_the_member(world: World) -> None:
    data = ownership.export_user_data(user=world.ann)
    assert [d["other_name"] for d in data["do_not_pair"]] == ["Cleo Example"]  # not Ben's
    assert data["known_people"] == []  # Ben's known-people entry about Ann is Ben's


def test_zip_download_is_one_json_plus_csvs_and_audited(world: World) -> None:
    response = _client(world.ann).post(reverse("accounts:data-export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"peerly-data.json", "account.csv", "profile.csv", "circle_blocks.csv"} <= names
    data = json.loads(archive.read("peerly-data.json"))
    assert data["account"]["email"] == "ann@example.org"
    assert "ANN-PRIV-REPORT" in archive.read("monthly_reports.csv").decode()
    assert AuditEvent.objects.filter(action="user.export", actor=world.ann).count() == 1


@pytest.mark.parametrize(
    ("persona", "method", "url", "expected"),
    [
        ("anonymous", "get", "accounts:data", 302),
        ("anonymous", "post", "accounts:data-export", 302),
        ("anonymous", "post", "accounts:delete", 302),
        ("anonymous", "get", "api:export_me", 401),
        ("ann", "get", "accounts:data", 200),
        ("ann", "get", "accounts:data-export", 405),  # a download with an audit row: POST only
        ("ann", "get", "accounts:delete", 405),
        ("ann", "post", "accounts:data-export", 200),
        ("ann", "get", "api:export_me", 200),
    ],
)
def test_permissions(world: World, persona: str, method: str, url: str, expected: int) -> None:
    client = Client() if persona == "anonymous" else _client(world.ann)
    response = getattr(client, method)(reverse(url))
    assert response.status_code == expected


def test_api_export_is_only_ever_the_callers_own(world: World) -> None:
    response = _client(world.ben).get(reverse("api:export_me"))
    assert response.status_code == 200
    data = response.json()
    assert data["account"]["email"] == world.ben.email
    text = json.dumps(data)
    # Ben reads Ann's report and comments as her mentor, but they are Ann's texts.
    for marker in ("ANN-PRIV-BIO", "ANN-PRIV-REPORT", "ANN-PRIV-COMMENT", "ANN-PRIV-DRAFT"):
        assert marker not in text
    assert "BEN-PRIV-RECOGNITION" in text  # he wrote it
    assert not AuditEvent.objects.filter(action="user.export").exists()  # GET: no side effects


def test_api_export_takes_no_user_id(world: World) -> None:
    response = _client(world.ben).get(reverse("api:export_me") + f"?user_id={world.ann.pk}")
    assert response.json()["account"]["id"] == world.ben.pk


# ----------------------------------------------------------------------------- deletion
def test_delete_needs_the_password_and_changes_nothing_without_it(world: World) -> None:
    response = _client(world.ann).post(reverse("accounts:delete"), {"password": "wrong"})
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    world.ann.refresh_from_db()
    assert world.ann.email == "ann@example.org"
    assert world.ann.is_active


def test_delete_account_from_the_profile_page(world: World) -> None:
    client = _client(world.ann)
    page = client.get(reverse("accounts:profile"))
    assert reverse("accounts:data") in page.content.decode()
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:data")).status_code == 302  # logged out
    login = Client().post(
        reverse("accounts:login"), {"username": "ann@example.org", "password": PASSWORD}
    )
    assert login.status_code == 200  # the form again, not a redirect into the site
    assert not login.wsgi_request.user.is_authenticated
    world.ann.refresh_from_db()
    assert not world.ann.is_active
    assert not world.ann.has_usable_password()
    assert world.ann.name == "Former member"


def test_after_deletion_none_of_her_private_texts_remain(world: World) -> None:
    ownership.delete_account(user=world.ann)
    for marker in (*ANN_PRIVATE, "ann@example.org", "Ann Example"):
        assert _text_rows_containing(marker) == [], marker
    assert not AvailabilityWindow.objects.filter(profile__user=world.ann).exists()
    assert not DoNotPair.objects.filter(owner=world.ann).exists()
    assert not RoundChoice.objects.filter(user=world.ann).exists()
    assert set(Enrollment.objects.filter(user=world.ann).values_list("status", flat=True)) == {
        EnrollmentStatus.LEFT
    }


def test_after_deletion_shared_records_keep_the_others_part(world: World) -> None:
    ownership.delete_account(user=world.ann)
    assert Block.objects.get(pk=world.block_of_ann.pk).issue == "SHARED-ISSUE"
    assert ReportComment.objects.filter(body="SHARED-MENTOR-COMMENT").exists()
    assert Review.objects.filter(strengths="SHARED-REVIEW-OF-BEN").exists()
    assert GroupMember.objects.filter(user=world.ann, rating=5).exists()
    assert DoNotPair.objects.filter(owner=world.ben, other=world.ann).exists()  # Ben's list
    assert ActionItem.objects.filter(owner=world.ben).exists()
    assert CircleMember.objects.filter(user=world.ann).exists()
    ms = Mentorship.objects.get(pk=world.mentorship.pk)
    assert ms.status == "ended"
    assert MentorProfile.objects.get(user=world.ben).load == 0


def test_co_members_see_former_member(world: World) -> None:
    ownership.delete_account(user=world.ann)
    url = reverse("circles:session", kwargs={"slug": "circles", "session_id": world.session.pk})
    html = _client(world.ben).get(url).content.decode()
    assert "Former member" in html
    assert "Ann Example" not in html
    assert "SHARED-ISSUE" in html


def test_the_email_can_sign_up_again(world: World) -> None:
    from peerly.accounts import services

    ownership.delete_account(user=world.ann)
    again = services.sign_up(email="ann@example.org", password="another-long-passphrase")
    assert again is not None
    assert again.pk != world.ann.pk


def test_delete_is_idempotent_and_audited_without_personal_data(world: World) -> None:
    first = ownership.delete_account(user=world.ann)
    assert first["action_items"] == 1
    assert ownership.delete_account(user=world.ann) == {}
    rows = AuditEvent.objects.filter(action="user.delete_account")
    assert rows.count() == 1
    assert "ann" not in json.dumps(rows.get().data).lower()
    assert rows.get().actor is None


def test_deleting_a_mentor_resigns_and_frees_the_mentee(world: World) -> None:
    ownership.delete_account(user=world.ben)
    profile = MentorProfile.objects.get(user=world.ben)
    assert profile.status == "resigned"
    assert profile.resignation_reason == ""
    ms = Mentorship.objects.get(pk=world.mentorship.pk)
    assert ms.reassignment_requested_at is not None  # organisers find Ann a new mentor
    assert ms.goals == "ANN-PRIV-GOALS"  # Ann's text stays Ann's
    assert Recognition.objects.get().note == "BEN-PRIV-RECOGNITION"  # sent to the organisers


def test_deleted_member_profile_is_gone_for_others(world: World) -> None:
    ownership.delete_account(user=world.ann)
    response = _client(world.ben).get(reverse("accounts:member", args=[world.ann.pk]))
    assert response.status_code == 404


def test_export_queries_do_not_grow_with_history(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            ownership.export_user_data(user=world.ann)
        return len(ctx.captured_queries)

    small = count()
    coffee = Round.objects.get().program
    circle = world.circle
    for n in range(2, 7):
        round_ = Round.objects.create(
            program=coffee, number=n, published_at=NOW, meets_from=NOW.date(), meet_by=NOW.date()
        )
        group = RoundGroup.objects.create(round=round_, number=1)
        GroupMember.objects.create(group=group, round=round_, user=world.ann, rating=3)
        GroupMember.objects.create(group=group, round=round_, user=UserFactory())
        season = Season.objects.create(
            program=circle.program,
            number=n,
            starts_on=NOW.date(),
            ends_on=NOW.date() + dt.timedelta(9),
        )
        other = Circle.objects.create(season=season, program=circle.program, number=1)
        for pos, user in enumerate((world.ann, UserFactory(), UserFactory())):
            CircleMember.objects.create(circle=other, season=season, user=user, position=pos)
    assert count() <= small + 1
