"""Coffee's "what I'd like to learn from people" note (issue 13): the member sets it on the
programme page; the people they are matched with see it on the meeting page next to the
conversation prompts; nobody else does (organisers and site admins neither); it is in the
member's data export and goes with the account."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from peerly.accounts import ownership
from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.rounds import learn_notes
from peerly.rounds import services
from peerly.rounds.models import LearnNote
from peerly.rounds.models import RoundGroup
from tests.factories import ProgramFactory
from tests.rounds.conftest import make_member

NOW = dt.datetime(2026, 3, 2, 9, 5, tzinfo=dt.UTC)
NOTE = "ZZLEARN-3307 how to run a good retro"
pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(personas, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """A published round: member + other_member in one pair, two strangers in another; the
    member's note set before the draw."""
    program = personas.program
    learn_notes.set_learn_note(user=personas.member, program=program, text=NOTE)
    a = make_member(program, "Xanthe Quillfeather", windows=False)
    b = make_member(program, "Yusuf Brightwater", windows=False)
    from peerly.accounts.models import DoNotPair

    for x in (a, b):
        DoNotPair.objects.create(owner=personas.member, other=x)
        DoNotPair.objects.create(owner=personas.other_member, other=x)
    with (
        time_machine.travel(NOW, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        round_, _ = services.publish_round(program=program, actor=personas.organiser)
    mine = RoundGroup.objects.get(round=round_, members__user=personas.member)
    theirs = RoundGroup.objects.get(round=round_, members__user=a)
    return {"round": round_, "mine": mine, "theirs": theirs, "stranger": a}


# ----------------------------------------------------------------------------- service
def test_set_change_and_clear_the_note_audited_without_its_text(personas) -> None:
    program, member = personas.program, personas.member
    note = learn_notes.set_learn_note(user=member, program=program, text=f"  {NOTE}\n ")
    assert note is not None
    assert note.text == NOTE
    learn_notes.set_learn_note(user=member, program=program, text=NOTE)  # the same: no change
    assert AuditEvent.objects.filter(action="rounds.learn_note_set").count() == 1
    learn_notes.set_learn_note(user=member, program=program, text="public speaking")
    assert learn_notes.get_learn_note(user=member, program=program) == "public speaking"
    assert learn_notes.set_learn_note(user=member, program=program, text="  ") is None
    assert not LearnNote.objects.exists()
    learn_notes.set_learn_note(user=member, program=program, text="")  # again: nothing to do
    rows = AuditEvent.objects.filter(action__startswith="rounds.learn_note")
    assert rows.count() == 3
    assert not rows.filter(program_id__isnull=False).exists()
    assert NOTE not in " ".join(f"{r.reason} {r.data}" for r in rows)


def test_only_members_of_a_coffee_programme_leave_a_note(personas) -> None:
    circles = ProgramFactory(kind="circle")
    for user, program in (
        (personas.outsider, personas.program),
        (personas.organiser, personas.program),  # organises it, is not a member
        (personas.admin, personas.program),
        (personas.member, circles),
    ):
        with pytest.raises(ServiceError):
            learn_notes.set_learn_note(user=user, program=program, text="x")
    with pytest.raises(ServiceError) as refused:
        learn_notes.set_learn_note(user=personas.member, program=personas.program, text="x" * 301)
    assert refused.value.field == "text"
    assert not LearnNote.objects.exists()


# ----------------------------------------------------------------------------- pages
def test_the_member_sets_the_note_on_the_programme_page(personas) -> None:
    client = personas.client("member")
    page_url = reverse("rounds:program", args=[personas.program.slug])
    url = reverse("rounds:learn-note", args=[personas.program.slug])
    assert "What I&#x27;d like to learn from people" in client.get(page_url).content.decode()
    response = client.post(url, {"text": NOTE})
    assert response.status_code == 302
    assert response["Location"] == page_url
    assert NOTE in client.get(page_url).content.decode()  # shown back in the form
    too_long = client.post(url, {"text": "x" * 301}, follow=True)
    assert "300 characters" in too_long.content.decode()
    assert learn_notes.get_learn_note(user=personas.member, program=personas.program) == NOTE


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),  # to the log-in page
        ("outsider", 403),
        ("other_organiser", 403),
        ("organiser", 302),  # may open the page; not a member: refused with a message
        ("admin", 302),
    ],
)
def test_nobody_else_sets_a_note(personas, persona, status) -> None:
    url = reverse("rounds:learn-note", args=[personas.program.slug])
    response = personas.client(persona).post(url, {"text": "hijacked"})
    assert response.status_code == status
    assert not LearnNote.objects.exists()
    assert personas.client(persona).get(url).status_code in (302, 405)  # POST only


def test_the_partner_sees_the_note_next_to_the_prompts_and_nobody_else(personas, matched) -> None:
    slug = personas.program.slug
    mine, theirs = matched["mine"], matched["theirs"]
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        partner = personas.client("other_member").get(
            reverse("rounds:group-detail", args=[slug, mine.pk])
        )
        assert partner.status_code == 200
        page = partner.content.decode()
        assert "would like to learn about:" in page
        assert NOTE in page
        assert page.index("Something to talk about") < page.index(NOTE)
        own = personas.client("member").get(reverse("rounds:group-detail", args=[slug, mine.pk]))
        assert NOTE not in own.content.decode().split("Something to talk about")[1]
        stranger = personas.client("outsider")
        stranger.force_login(matched["stranger"])
        assert (
            NOTE
            not in stranger.get(
                reverse("rounds:group-detail", args=[slug, theirs.pk])
            ).content.decode()
        )
        assert stranger.get(reverse("rounds:group-detail", args=[slug, mine.pk])).status_code == 404
        for persona in ("organiser", "admin"):
            client = personas.client(persona)
            for url in (
                reverse("rounds:group-detail", args=[slug, mine.pk]),
                reverse("rounds:manage", args=[slug]),
                reverse("rounds:round-detail", args=[slug, matched["round"].number]),
                reverse("rounds:manage-report", args=[slug]),
                reverse("rounds:program", args=[slug]),
                f"/api/v1/rounds/programs/{slug}/rounds",
            ):
                assert NOTE not in client.get(url).content.decode(), (persona, url)


def test_the_round_email_is_unchanged_by_the_note(personas, matched) -> None:
    assert mail.outbox
    for message in mail.outbox:
        bodies = [message.body] + [alt[0] for alt in getattr(message, "alternatives", [])]
        assert NOTE not in " ".join(bodies)


def test_the_meeting_page_costs_one_query_more_with_notes(
    personas, matched, django_assert_max_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("rounds:group-detail", args=[personas.program.slug, matched["mine"].pk])
    client = personas.client("other_member")
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        with CaptureQueriesContext(connection) as with_note:
            client.get(url)
        learn_notes.set_learn_note(user=personas.member, program=personas.program, text="")
        with CaptureQueriesContext(connection) as without:
            client.get(url)
    assert len(with_note) == len(without)  # one query for the notes, whether there are any


def test_the_note_is_exported_and_goes_with_the_account(personas) -> None:
    learn_notes.set_learn_note(user=personas.member, program=personas.program, text=NOTE)
    data = ownership.export_user_data(user=personas.member)
    assert [n["text"] for n in data["coffee_learn_notes"]] == [NOTE]
    assert ownership.export_user_data(user=personas.other_member)["coffee_learn_notes"] == []
    ownership.delete_account(user=personas.member)
    assert not LearnNote.objects.exists()
