"""The journal (issue 13): dated private entries with prompts, tags and a link to a goal or a
session; searchable; one entry at a time shared with the mentor or a circle.

Services assert on database state and audit rows; the persona table covers every journal URL
(GET and POST) for the owner, another member, the mentor it is shared with, the organiser of
the programme, a site admin, an outsider and an anonymous visitor; bad input changes nothing;
query counts do not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerly.accounts import ownership
from peerly.circles.models import Attendance
from peerly.circles.models import AttendanceStatus
from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.growth import journal
from peerly.growth import services
from peerly.growth.models import JournalEntry
from peerly.growth.models import Share
from peerly.programs.models import Program
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.circles.conftest import first_session
from tests.circles.conftest import member_users
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.mentorship.conftest import World

SECRET = "ZZJOURNAL-5521 the hard conversation"
pytestmark = pytest.mark.django_db


def _meeting(program: Program, *users) -> RoundGroup:  # type: ignore[no-untyped-def]
    """A coffee meeting (a round's group) of `users` in `program`."""
    number = program.rounds.count() + 1
    today = timezone.localdate()
    rnd = Round.objects.create(
        program=program,
        number=number,
        published_at=timezone.now(),
        meets_from=today,
        meet_by=today + dt.timedelta(days=7),
    )
    group = RoundGroup.objects.create(round=rnd, number=1)
    for user in users:
        GroupMember.objects.create(group=group, round=rnd, user=user)
    return group


@pytest.fixture
def entry(personas) -> JournalEntry:  # type: ignore[no-untyped-def]
    return journal.create_entry(
        owner=personas.member,
        title=SECRET,
        happened="ZZHAPPENED we talked",
        learned="ZZLEARNED listen first",
        tags="Feedback;  feedback, meetings ",
    )


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


# ----------------------------------------------------------------------------- services
def test_create_normalises_tags_dates_today_and_audits_without_texts(personas, entry) -> None:
    assert entry.tags == "Feedback, meetings"
    assert entry.written_on == timezone.localdate()
    entry = journal.update_entry(
        entry=entry, actor=personas.member, differently="ZZDIFF ask more", tags="x"
    )
    entry.refresh_from_db()
    assert (entry.differently, entry.tags, entry.title) == ("ZZDIFF ask more", "x", SECRET)
    journal.delete_entry(entry=entry, actor=personas.member)
    journal.delete_entry(entry=entry, actor=personas.member)  # twice: nothing more happens
    assert not JournalEntry.objects.exists()
    rows = AuditEvent.objects.filter(action__startswith="growth.entry_")
    assert sorted(rows.values_list("action", flat=True)) == [
        "growth.entry_created",
        "growth.entry_deleted",
        "growth.entry_updated",
    ]
    assert not rows.filter(program_id__isnull=False).exists()
    dumped = " ".join(f"{r.reason} {r.data} {r}" for r in rows)
    for marker in ("ZZJOURNAL", "ZZHAPPENED", "ZZLEARNED", "ZZDIFF", "Feedback"):
        assert marker not in dumped


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({}, "text"),
        ({"title": "  ", "text": "\n"}, "text"),
        ({"text": "x", "written_on": dt.date(1999, 12, 31)}, "written_on"),
        ({"text": "x", "written_on": dt.date(2201, 1, 1)}, "written_on"),
        ({"text": "x", "written_on": "in two days"}, "written_on"),
        ({"title": "x" * 201}, "title"),
        ({"text": "x" * (journal.MAX_TEXT + 1)}, "text"),
        ({"text": "x", "tags": ", ".join(f"tag{i}" for i in range(60))}, "tags"),
    ],
)
def test_bad_entries_are_refused_naming_the_field(personas, values, field) -> None:
    if values.get("written_on") == "in two days":
        values["written_on"] = timezone.localdate() + dt.timedelta(days=2)
    with pytest.raises(ServiceError) as refused:
        journal.create_entry(owner=personas.member, **values)
    assert refused.value.field == field
    assert not JournalEntry.objects.exists()


def test_tomorrow_is_allowed_and_an_update_cannot_empty_an_entry(personas, entry) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert journal.create_entry(owner=personas.member, text="x", written_on=tomorrow)
    with pytest.raises(ServiceError):
        journal.update_entry(entry=entry, actor=personas.member, title="", happened="", learned="")
    with pytest.raises(ServiceError):
        journal.update_entry(entry=entry, actor=personas.member, owner_id=personas.other_member.pk)
    entry.refresh_from_db()
    assert entry.title == SECRET


def test_only_the_owner_changes_an_entry(personas, entry) -> None:
    for other in (personas.other_member, personas.organiser, personas.admin):
        with pytest.raises(PermissionDenied):
            journal.update_entry(entry=entry, actor=other, title="hijacked")
        with pytest.raises(PermissionDenied):
            journal.delete_entry(entry=entry, actor=other)
    entry.refresh_from_db()
    assert entry.title == SECRET


def test_links_only_to_the_owners_goal_session_or_meeting(personas, scheduled_circle) -> None:
    owner, mate, _third = member_users(scheduled_circle)
    session = first_session(scheduled_circle)
    goal = services.create_goal(owner=owner, title="g")
    others_goal = services.create_goal(owner=personas.member, title="not yours")
    program = ProgramFactory()
    mine = _meeting(program, owner, mate)
    others = _meeting(program, personas.member, personas.other_member)

    entry = journal.create_entry(owner=owner, text="x", goal_id=goal.pk)
    assert entry.goal == goal
    entry = journal.create_entry(owner=owner, text="x", circle_session_id=session.pk)
    assert entry.circle_session == session
    entry = journal.create_entry(owner=owner, text="x", coffee_group_id=mine.pk)
    assert entry.coffee_group == mine
    outsider_session = journal.create_entry  # a session of somebody else's circle
    for values, field in (
        ({"goal_id": others_goal.pk}, "goal_id"),
        ({"goal_id": 999999}, "goal_id"),
        ({"coffee_group_id": others.pk}, "coffee_group_id"),
        ({"circle_session_id": 999999}, "circle_session_id"),
        ({"circle_session_id": session.pk, "coffee_group_id": mine.pk}, "circle_session_id"),
    ):
        with pytest.raises(ServiceError) as refused:
            outsider_session(owner=owner, text="refused", **values)
        assert refused.value.field == field
    with pytest.raises(ServiceError):  # not in the circle
        journal.create_entry(owner=personas.member, text="x", circle_session_id=session.pk)
    # marked absent: not a session they took part in
    Attendance.objects.create(session=session, user=mate, status=AttendanceStatus.ABSENT)
    with pytest.raises(ServiceError):
        journal.create_entry(owner=mate, text="x", circle_session_id=session.pk)
    assert not JournalEntry.objects.filter(text="refused").exists()
    # an update re-checks a new link and may remove one
    with pytest.raises(ServiceError):
        journal.update_entry(entry=entry, actor=owner, goal_id=others_goal.pk)
    with pytest.raises(ServiceError):  # a session on top of the meeting
        journal.update_entry(entry=entry, actor=owner, circle_session_id=session.pk)
    entry = journal.update_entry(entry=entry, actor=owner, coffee_group_id=None)
    assert JournalEntry.objects.get(pk=entry.pk).coffee_group_id is None


# ----------------------------------------------------------------------------- reads
def test_search_tags_and_goal_filter_keep_to_the_owners_rows(personas) -> None:
    member, other = personas.member, personas.other_member
    goal = services.create_goal(owner=member, title="g")
    journal.create_entry(owner=member, title="Retro", text="We spoke about budgets", tags="work")
    journal.create_entry(owner=member, learned="Budgets need a buffer", tags="money, work")
    journal.create_entry(owner=member, happened="Quiet day", tags="workshop", goal_id=goal.pk)
    journal.create_entry(owner=other, text="budgets of someone else", tags="work")

    def titles(**kw: object) -> list[str]:
        found = journal.list_entries_for_user(user=member, **kw)  # type: ignore[arg-type]
        return sorted(e.title or e.text or e.learned or e.happened for e in found)

    assert titles(q="budget") == ["Budgets need a buffer", "Retro"]
    assert titles(q="BUDGETS buffer") == ["Budgets need a buffer"]  # every word
    assert titles(q="money") == ["Budgets need a buffer"]  # tags are searched too
    assert titles(tag="work") == ["Budgets need a buffer", "Retro"]  # whole tags only
    assert titles(tag="Workshop") == ["Quiet day"]
    assert titles(goal_id=goal.pk) == ["Quiet day"]
    assert titles(q="someone") == []
    assert journal.tags_of(member) == ["money", "work", "workshop"]


def test_the_list_pages_20_and_its_queries_do_not_grow(personas) -> None:
    client = personas.client("member")
    url = reverse("growth:journal")
    goal = services.create_goal(owner=personas.member, title="g")
    for i in range(3):
        journal.create_entry(owner=personas.member, text=f"entry {i}", tags="a", goal_id=goal.pk)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url + "?q=entry").status_code == 200
    for i in range(40):
        journal.create_entry(
            owner=personas.member, text=f"entry {i}", tags=f"t{i}", goal_id=goal.pk
        )
    with CaptureQueriesContext(connection) as big:
        page = client.get(url + "?q=entry")
    assert len(big) <= len(small) + 1  # the count of a long list
    assert page.content.decode().count('<li class="card">') == journal.PER_PAGE
    assert client.get(url + "?q=entry&page=3").content.decode().count('<li class="card">') == 3


# ----------------------------------------------------------------------------- pages
def _urls(entry: JournalEntry, share: Share) -> list[tuple[str, str, dict[str, str]]]:
    e = {"entry_id": str(entry.pk)}
    return [
        ("get", reverse("growth:journal-detail", kwargs=e), {}),
        ("get", reverse("growth:journal-edit", kwargs=e), {}),
        (
            "post",
            reverse("growth:journal-edit", kwargs=e),
            {"written_on": "2026-01-02", "text": "hijacked"},
        ),
        ("get", reverse("growth:journal-delete", kwargs=e), {}),
        ("post", reverse("growth:journal-delete", kwargs=e), {}),
        ("post", reverse("growth:journal-share", kwargs=e), {"audience": "circle:1"}),
        (
            "post",
            reverse("growth:journal-share-withdraw", kwargs={**e, "share_id": str(share.pk)}),
            {},
        ),
    ]


def _state(entry: JournalEntry) -> tuple[object, ...]:
    entry.refresh_from_db()
    return (entry.title, entry.text, entry.written_on, Share.objects.filter(entry=entry).count())


@pytest.fixture
def shared(world: World, reach) -> tuple[JournalEntry, Share]:  # type: ignore[no-untyped-def]
    ms = reach("active")
    entry = journal.create_entry(owner=world.mentee, title=SECRET, text="ZZTEXT private")
    [audience] = [a for a in services.audiences_for(world.mentee) if a.mentorship == ms]
    return entry, services.share(subject=entry, actor=world.mentee, audience=audience)


@pytest.mark.parametrize(
    ("persona", "expected", "reads_shared"),
    [
        ("anonymous", 302, 302),
        ("outsider", 404, 404),
        ("other_member", 404, 404),
        ("mentor", 404, 200),  # the entry is shared with them: the read-only page only
        ("organiser", 404, 404),  # organises the programme: still never the entry
        ("admin", 404, 404),
    ],
)
def test_nobody_but_the_owner_reaches_an_entry(
    world: World, shared, persona, expected, reads_shared
) -> None:
    entry, share = shared
    users = {
        "mentor": world.mentor.user,
        **{p: world.personas.get(p) for p in ("outsider", "other_member", "organiser", "admin")},
    }
    client = Client()
    if persona != "anonymous":
        client.force_login(users[persona])
    before = _state(entry)
    for method, url, data in _urls(entry, share):
        response = getattr(client, method)(url, data)
        assert response.status_code == expected, (persona, method, url)
        if expected == 302:
            assert response["Location"].startswith(reverse("accounts:login"))
        assert SECRET not in response.content.decode()
    assert _state(entry) == before
    for url in (reverse("growth:journal"), reverse("growth:home")):
        response = client.get(url)
        assert SECRET not in response.content.decode()
    shared_page = client.get(reverse("growth:journal-shared", kwargs={"entry_id": entry.pk}))
    assert shared_page.status_code == reads_shared
    assert (SECRET in shared_page.content.decode()) == (reads_shared == 200)


def test_the_mentor_sees_one_shared_entry_never_the_journal(world: World, shared, reach) -> None:
    entry, share = shared
    other = journal.create_entry(owner=world.mentee, title="ZZNOT-SHARED", text="x")
    ms = share.mentorship
    page_url = reverse(
        "mentorship:mentorship-detail", kwargs={"slug": world.program.slug, "mentorship_id": ms.pk}
    )
    mentor = _client(world.mentor.user)
    page = mentor.get(page_url).content.decode()
    assert "Shared journal entries" in page
    assert SECRET in page
    assert "ZZNOT-SHARED" not in page
    assert (
        mentor.get(reverse("growth:journal-shared", kwargs={"entry_id": other.pk})).status_code
        == 404
    )
    shown = mentor.get(
        reverse("growth:journal-shared", kwargs={"entry_id": entry.pk})
    ).content.decode()
    assert "ZZTEXT private" in shown
    for who in (world.organiser, world.personas.admin):
        assert SECRET not in _client(who).get(page_url).content.decode()
    # withdrawn: gone at once
    owner = _client(world.mentee)
    response = owner.post(
        reverse(
            "growth:journal-share-withdraw", kwargs={"entry_id": entry.pk, "share_id": share.pk}
        )
    )
    assert response.status_code == 302
    assert not Share.objects.exists()
    assert (
        mentor.get(reverse("growth:journal-shared", kwargs={"entry_id": entry.pk})).status_code
        == 404
    )
    assert SECRET not in mentor.get(page_url).content.decode()


def test_sharing_from_the_entry_page_offers_only_the_owners_audiences(world: World, reach) -> None:
    ms = reach("active")
    other = reach("active", user=world.other_mentee, mentor=world.other_mentor)
    entry = journal.create_entry(owner=world.mentee, text="x")
    owner = _client(world.mentee)
    detail = reverse("growth:journal-detail", kwargs={"entry_id": entry.pk})
    page = owner.get(detail).content.decode()
    assert f'value="mentorship:{ms.pk}"' in page
    assert f"mentorship:{other.pk}" not in page
    url = reverse("growth:journal-share", kwargs={"entry_id": entry.pk})
    refused = owner.post(url, {"audience": f"mentorship:{other.pk}"})
    assert refused.status_code == 200
    assert 'class="errorlist' in refused.content.decode()
    assert not Share.objects.exists()
    assert owner.post(url, {"audience": f"mentorship:{ms.pk}"}).status_code == 302
    assert Share.objects.get().entry == entry
    assert "Stop sharing" in owner.get(detail).content.decode()
    assert AuditEvent.objects.filter(action="growth.entry_shared").count() == 1


def test_a_circle_sees_an_entry_shared_with_it(scheduled_circle, program) -> None:
    owner, mate, _third = member_users(scheduled_circle)
    stranger = UserFactory()
    entry = journal.create_entry(owner=owner, title=SECRET, text="x")
    audience = next(a for a in services.audiences_for(owner) if a.circle == scheduled_circle)
    services.share(subject=entry, actor=owner, audience=audience)
    circle_url = reverse(
        "circles:circle", kwargs={"slug": program.slug, "circle_id": scheduled_circle.pk}
    )
    shared_url = reverse("growth:journal-shared", kwargs={"entry_id": entry.pk})
    assert SECRET in _client(mate).get(circle_url).content.decode()
    assert _client(mate).get(shared_url).status_code == 200
    assert _client(stranger).get(shared_url).status_code == 404
    organiser = program.organisers.get()
    assert _client(organiser).get(shared_url).status_code == 404
    assert SECRET not in _client(organiser).get(circle_url).content.decode()


def test_the_owner_writes_finds_edits_and_deletes_an_entry(personas) -> None:
    client = personas.client("member")
    goal = services.create_goal(owner=personas.member, title="Speak up")
    form = client.get(reverse("growth:journal-create")).content.decode()
    for label in ("What happened", "What I learned", "What I&#x27;ll do differently"):
        assert label in form
    response = client.post(
        reverse("growth:journal-create"),
        {
            "written_on": "2026-03-04",
            "title": "All-hands",
            "happened": "I asked a question",
            "tags": "meetings, Meetings, courage",
            "goal_id": str(goal.pk),
        },
    )
    entry = JournalEntry.objects.get(owner=personas.member)
    assert response.status_code == 302
    assert response["Location"] == reverse("growth:journal-detail", kwargs={"entry_id": entry.pk})
    assert (entry.tags, entry.goal, entry.written_on) == (
        "meetings, courage",
        goal,
        dt.date(2026, 3, 4),
    )
    listing = client.get(reverse("growth:journal") + "?q=question").content.decode()
    assert "All-hands" in listing
    assert "All-hands" not in client.get(reverse("growth:journal") + "?q=nothing").content.decode()
    assert "All-hands" in client.get(reverse("growth:journal") + "?tag=courage").content.decode()
    assert "All-hands" in client.get(reverse("growth:home")).content.decode()  # the last 3
    edit = reverse("growth:journal-edit", kwargs={"entry_id": entry.pk})
    assert (
        client.post(
            edit, {"written_on": "2026-03-04", "title": "All-hands, again", "goal_id": ""}
        ).status_code
        == 302
    )
    entry.refresh_from_db()
    assert (entry.title, entry.goal_id, entry.happened) == ("All-hands, again", None, "")
    delete = reverse("growth:journal-delete", kwargs={"entry_id": entry.pk})
    assert "Delete this journal entry?" in client.get(delete).content.decode()
    assert JournalEntry.objects.exists()  # GET only asks
    assert client.post(delete)["Location"] == reverse("growth:journal")
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"written_on": "2026-01-01"},  # nothing written
        {"written_on": "2026-02-30", "text": "x"},
        {"written_on": "1999-01-01", "text": "x"},
        {"written_on": "", "text": "x"},
        {"written_on": "2026-01-01", "title": "x" * 201},
        {"written_on": "2026-01-01", "text": "x", "goal_id": "999999"},
        {"written_on": "2026-01-01", "text": "x", "goal_id": "abc"},
        {"written_on": "2026-01-01", "text": "x", "about": "coffee_group:999999"},
        {"written_on": "2026-01-01", "text": "x", "about": "'; DROP TABLE"},
    ],
)
def test_a_bad_entry_form_says_what_is_wrong_and_saves_nothing(personas, data) -> None:
    response = personas.client("member").post(reverse("growth:journal-create"), data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_write_about_this_links_prefill_only_the_members_own(
    personas, scheduled_circle, program
) -> None:
    owner, _mate, _third = member_users(scheduled_circle)
    session = first_session(scheduled_circle)
    coffee = ProgramFactory()
    EnrollmentFactory(program=coffee, user=owner)
    meeting = _meeting(coffee, owner, personas.member)
    others = _meeting(coffee, personas.other_member, personas.outsider)
    client = _client(owner)
    # the session and meeting pages link to a pre-filled new entry
    session_page = client.get(
        reverse("circles:session", kwargs={"slug": program.slug, "session_id": session.pk})
    ).content.decode()
    link = reverse("growth:journal-create") + f"?circle_session={session.pk}"
    assert link in session_page
    meeting_page = client.get(
        reverse("rounds:group-detail", kwargs={"slug": coffee.slug, "group_id": meeting.pk})
    ).content.decode()
    assert reverse("growth:journal-create") + f"?coffee_group={meeting.pk}" in meeting_page
    form = client.get(link).content.decode()
    assert f'value="circle_session:{session.pk}" selected' in form
    form = client.get(
        reverse("growth:journal-create") + f"?coffee_group={meeting.pk}"
    ).content.decode()
    assert f'value="coffee_group:{meeting.pk}" selected' in form
    # somebody else's meeting, a junk id: not offered, no crash
    for query in (f"?coffee_group={others.pk}", "?circle_session=abc", "?goal=99999999999999999"):
        response = client.get(reverse("growth:journal-create") + query)
        assert response.status_code == 200
        assert f"coffee_group:{others.pk}" not in response.content.decode()
    response = client.post(
        reverse("growth:journal-create"),
        {"written_on": "2026-01-01", "text": "ok", "about": f"circle_session:{session.pk}"},
    )
    assert response.status_code == 302
    assert JournalEntry.objects.get().circle_session == session


def test_entries_are_exported_and_deleted_with_the_account(personas, entry) -> None:
    data = ownership.export_user_data(user=personas.member)
    assert SECRET in str(data["journal"])
    ownership.delete_account(user=personas.member)
    assert not JournalEntry.objects.exists()


# ----------------------------------------------------------------------------- API
BASE = "/api/v1/me/journal"


def test_the_api_creates_lists_searches_patches_and_deletes(personas) -> None:
    client = personas.client("member")
    goal = services.create_goal(owner=personas.member, title="g")
    created = client.post(
        BASE,
        {"title": "Retro", "learned": "Keep it short", "tags": "work; Work, team", "goal": goal.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["tags"], body["goal"], body["written_on"]) == (
        ["work", "team"],
        goal.pk,
        timezone.localdate().isoformat(),
    )
    journal.create_entry(owner=personas.member, text="other")
    journal.create_entry(owner=personas.other_member, text="Retro of someone else")
    assert client.get(BASE).json()["count"] == 2
    assert [e["title"] for e in client.get(f"{BASE}?q=short").json()["items"]] == ["Retro"]
    assert client.get(f"{BASE}?tag=team").json()["count"] == 1
    url = f"{BASE}/{body['id']}"
    patched = client.patch(url, {"title": "Retro 2", "goal": None}, content_type="application/json")
    assert patched.status_code == 200, patched.content
    assert (patched.json()["title"], patched.json()["goal"], patched.json()["learned"]) == (
        "Retro 2",
        None,
        "Keep it short",
    )
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "other_member", "organiser", "admin"])
def test_nobody_else_reads_or_changes_an_entry_over_the_api(personas, entry, persona) -> None:
    client = personas.client(persona)
    url = f"{BASE}/{entry.pk}"
    assert client.get(url).status_code == 404
    assert SECRET not in client.get(BASE).content.decode()
    assert client.patch(url, {"title": "x"}, content_type="application/json").status_code == 404
    assert client.delete(url).status_code == 404
    entry.refresh_from_db()
    assert entry.title == SECRET


def test_anonymous_gets_401(personas) -> None:
    assert personas.client("anonymous").get(BASE).status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 400, "text"),
        ({"title": "x" * 201}, 422, None),
        ({"text": "x", "written_on": "2026-02-30"}, 422, None),
        ({"text": "x", "written_on": "1999-01-01"}, 400, "written_on"),
        ({"text": "x", "goal": 999999}, 400, "goal_id"),
        ({"text": "x", "goal": "abc"}, 422, None),
        ({"text": "x", "coffee_group": 999999}, 400, "coffee_group_id"),
        ({"text": "x", "circle_session": 10**20}, 400, "circle_session_id"),
    ],
)
def test_bad_api_entries_are_refused_and_nothing_saved(personas, body, status, field) -> None:
    response = personas.client("member").post(BASE, body, content_type="application/json")
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    if field:
        assert response.json()["field"] == field
    assert not JournalEntry.objects.exists()


def test_a_patch_that_empties_the_entry_changes_nothing(personas, entry) -> None:
    client = personas.client("member")
    response = client.patch(
        f"{BASE}/{entry.pk}",
        {"title": "", "happened": "", "learned": ""},
        content_type="application/json",
    )
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.title == SECRET


def test_the_api_list_has_the_same_queries_for_2_and_30_entries(personas) -> None:
    client = personas.client("member")
    for i in range(2):
        journal.create_entry(owner=personas.member, text=f"e{i}")
    with CaptureQueriesContext(connection) as small:
        assert client.get(BASE).status_code == 200
    for i in range(28):
        journal.create_entry(owner=personas.member, text=f"f{i}")
    with CaptureQueriesContext(connection) as big:
        assert client.get(BASE).json()["count"] == 30
    assert len(big) <= len(small)
