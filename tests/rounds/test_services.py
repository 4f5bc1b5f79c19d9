"""Service rules: who is drawn, hard rules, idempotent publishing, meetings, check-ins."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from peerly.accounts.models import DoNotPair
from peerly.core.errors import ServiceError
from peerly.core.errors import TransitionError
from peerly.core.models import AuditEvent
from peerly.notifications.models import OutboundEmail
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import ProgramStatus
from peerly.programs.services import pause_enrollment
from peerly.rounds import selectors
from peerly.rounds import services
from peerly.rounds.models import CoffeeSettings
from peerly.rounds.models import GroupMember
from peerly.rounds.models import OptInMode
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from peerly.rounds.models import UnmatchedMember
from tests.rounds.conftest import make_member

NOW = dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC)


def drawn_ids(round_: Round) -> set[int]:
    return set(GroupMember.objects.filter(round=round_).values_list("user_id", flat=True))


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield NOW


def test_settings_are_created_with_defaults(coffee):  # type: ignore[no-untyped-def]
    row = selectors.get_coffee_settings(program=coffee.program)
    assert (row.cadence, row.group_size, row.team_rule, row.meet_window_days) == (
        "monthly",
        2,
        "cross",
        7,
    )
    assert [p.split(" ")[0] for p in row.prompt_list] == ["Think", "Do", "Share"]
    assert selectors.get_coffee_settings(program=coffee.program).pk == row.pk
    assert CoffeeSettings.objects.count() == 1


def test_publishing_twice_gives_one_round(coffee, run, frozen):  # type: ignore[no-untyped-def]
    first, created = run(
        services.publish_round, program=coffee.program, actor=coffee.organiser, number=1, seed=7
    )
    sent = len(mail.outbox)
    again, created_again = run(
        services.publish_round, program=coffee.program, actor=coffee.organiser, number=1, seed=8
    )
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk and Round.objects.count() == 1
    assert len(mail.outbox) == sent == 7
    assert AuditEvent.objects.filter(action="round.publish").count() == 1
    with pytest.raises(ServiceError, match="next round is round 2"):
        services.publish_round(program=coffee.program, actor=coffee.organiser, number=5)


def test_only_active_programmes_publish(coffee, frozen):  # type: ignore[no-untyped-def]
    coffee.program.status = ProgramStatus.DRAFT
    coffee.program.save()
    with pytest.raises(ServiceError):
        services.publish_round(program=coffee.program, actor=coffee.organiser)
    assert not Round.objects.exists()


def test_who_is_not_drawn(coffee, frozen):  # type: ignore[no-untyped-def]
    m = coffee.members
    m["Ada"].profile.paused_until = NOW.date()  # paused until the draw date: not drawn
    m["Ada"].profile.save()
    m["Bo"].profile.paused_until = NOW.date() - dt.timedelta(days=1)  # pause over: drawn
    m["Bo"].profile.save()
    pause_enrollment(user=m["Cy"], enrollment=m["Cy"].enrollments.get(), until=None)
    services.set_round_choice(user=m["Di"], program=coffee.program, choice="skip")
    m["Ed"].enrollments.update(status=EnrollmentStatus.LEFT)
    round_, _ = services.publish_round(program=coffee.program, actor=None)
    assert drawn_ids(round_) == {m["Bo"].pk, m["Fay"].pk, m["Gus"].pk}
    reasons = {row["user_id"]: row["reason"] for row in round_.metrics["not_drawn"]}
    assert reasons == {m["Ada"].pk: "profile_paused", m["Cy"].pk: "paused", m["Di"].pk: "skipped"}


def test_skip_applies_to_the_next_round_only(coffee, frozen):  # type: ignore[no-untyped-def]
    di = coffee.members["Di"]
    assert services.set_round_choice(user=di, program=coffee.program, choice="skip") == 1
    r1, _ = services.publish_round(program=coffee.program, actor=None)
    assert di.pk not in drawn_ids(r1)
    after_round_1 = NOW + dt.timedelta(days=8)  # round 1's meeting window is over
    r2, _ = services.publish_round(program=coffee.program, actor=None, now=after_round_1)
    assert di.pk in drawn_ids(r2)


def test_per_round_opt_in(coffee, frozen):  # type: ignore[no-untyped-def]
    CoffeeSettings.objects.filter(
        pk=selectors.get_coffee_settings(program=coffee.program).pk
    ).update(opt_in_mode=OptInMode.PER_ROUND)
    for name in ("Ada", "Bo", "Cy"):
        services.set_round_choice(
            user=coffee.members[name], program=coffee.program, choice="opt_in"
        )
    services.set_round_choice(user=coffee.members["Cy"], program=coffee.program, choice=None)
    round_, _ = services.publish_round(program=coffee.program, actor=None)
    assert drawn_ids(round_) == {coffee.members["Ada"].pk, coffee.members["Bo"].pk}


@pytest.mark.parametrize("seed", range(6))
def test_do_not_pair_is_never_broken(coffee, seed):  # type: ignore[no-untyped-def]
    m = list(coffee.members.values())
    banned = {
        frozenset((m[0].pk, m[1].pk)),
        frozenset((m[0].pk, m[2].pk)),
        frozenset((m[3].pk, m[4].pk)),
        frozenset((m[5].pk, m[6].pk)),
    }
    for pair in banned:
        a, b = sorted(pair)
        DoNotPair.objects.create(owner_id=a, other_id=b)
    for n in range(3):
        with time_machine.travel(NOW + dt.timedelta(days=30 * n), tick=False):
            round_, _ = services.publish_round(program=coffee.program, actor=None, seed=seed)
        for group in RoundGroup.objects.filter(round=round_):
            ids = [x.user_id for x in group.members.all()]
            assert not any(frozenset(p) in banned for p in itertools.combinations(ids, 2))


def test_history_counts_pairs_inside_trios(coffee, frozen):  # type: ignore[no-untyped-def]
    round_, _ = services.publish_round(program=coffee.program, actor=None)
    trio = next(g for g in round_.groups.all() if g.members.count() == 3)
    history = services._history(coffee.program)
    assert (1, sorted(m.user_id for m in trio.members.all()), str(trio.pk)) in history


def test_unmatched_member_is_told_why_and_gets_priority(coffee, run, frozen):  # type: ignore[no-untyped-def]
    loner = make_member(coffee.program, "Lou", windows=False)
    loner.profile.languages = "Klingon"
    loner.profile.save()
    round_, _ = run(services.publish_round, program=coffee.program, actor=None)
    (row,) = UnmatchedMember.objects.filter(round=round_)
    assert (row.user_id, row.reason) == (loner.pk, "no_shared_language")
    (message,) = [x for x in mail.outbox if x.to == [loner.email]]
    assert "could not match you" in message.body
    assert "shares a language" in message.body and "priority" in message.body
    candidates, _, _ = services.collect_candidates(
        program=coffee.program, number=2, draw_day=NOW.date()
    )
    priorities = {c.user_id: c.priority for c in candidates}
    assert priorities[loner.pk] == 1 and set(priorities.values()) == {0, 1}


def test_meeting_rules(coffee, run, frozen):  # type: ignore[no-untyped-def]
    round_, _ = services.publish_round(program=coffee.program, actor=None)
    group = round_.groups.filter(members__user=coffee.members["Ada"]).get()
    ada = coffee.members["Ada"]
    outsider = next(u for u in coffee.members.values() if not group.members.filter(user=u).exists())
    with pytest.raises(TransitionError):
        services.accept_time(user=ada, group=group)
    with pytest.raises(ServiceError, match="future"):
        services.propose_time(user=ada, group=group, start=NOW - dt.timedelta(hours=1))
    with pytest.raises(ServiceError, match="not in this group"):
        services.propose_time(user=outsider, group=group, start=NOW + dt.timedelta(days=1))
    with pytest.raises(TransitionError):
        services.cancel_meeting(user=ada, group=group)
    members = [x.user for x in group.members.all()]
    start = NOW + dt.timedelta(days=2)
    run(services.propose_time, user=members[0], group=group, start=start)
    for other in members[1:-1]:
        group = run(services.accept_time, user=other, group=group)
        assert group.confirmed_start is None  # a trio waits for everybody
    group = run(services.accept_time, user=members[-1], group=group)
    assert group.confirmed_start == start and group.meeting_sequence == 0


def test_checkin_rules(coffee, frozen):  # type: ignore[no-untyped-def]
    round_, _ = services.publish_round(program=coffee.program, actor=None)
    ada = coffee.members["Ada"]
    group = round_.groups.filter(members__user=ada).get()
    with pytest.raises(ServiceError, match="not started"):
        services.submit_checkin(user=ada, group=group, answer="all", now=NOW)
    later = NOW + dt.timedelta(days=8)
    with pytest.raises(ServiceError):
        services.submit_checkin(user=ada, group=group, answer="maybe", now=later)
    with pytest.raises(ServiceError):
        services.submit_checkin(user=ada, group=group, answer="all", rating=6, now=later)
    row = services.submit_checkin(user=ada, group=group, answer="no", knew_before=True, now=later)
    assert (row.answer, row.rating, row.knew_before) == ("no", None, True)


def test_tick_publishes_nothing_long_after_a_missed_slot(coffee, run):  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 2, 20, 9, tzinfo=dt.UTC), tick=False):
        assert services.publish_due_rounds(now=dt.datetime(2026, 2, 20, 9, tzinfo=dt.UTC)) == 0
    CoffeeSettings.objects.update(auto_publish=False)
    when = dt.datetime(2026, 3, 2, 9, 5, tzinfo=dt.UTC)
    assert services.publish_due_rounds(now=when) == 0


def test_settings_page_saves_and_audits(coffee):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(coffee.organiser)
    url = reverse("rounds:manage-settings", args=[coffee.program.slug])
    assert client.get(url).status_code == 200
    data = {
        "cadence": "weekly",
        "draw_weekday": "2",
        "draw_week_of_month": "1",
        "draw_time": "07:30",
        "meet_window_days": "5",
        "group_size": "3",
        "team_rule": "same",
        "min_overlap_hours": "2.0",
        "meeting_minutes": "45",
        "opt_in_mode": "per_round",
        "auto_publish": "on",
        "prompts": "What surprised you?\nWhat are you proud of?",
    }
    assert client.post(url, data).status_code == 302
    coffee.program.refresh_from_db()  # cadence and group size are the programme's own
    row = selectors.get_coffee_settings(program=coffee.program)
    assert (row.cadence, row.draw_weekday, row.group_size, row.team_rule, row.meeting_minutes) == (
        "weekly",
        2,
        3,
        "same",
        45,
    )
    assert row.prompt_list == ["What surprised you?", "What are you proud of?"]
    assert AuditEvent.objects.filter(action="rounds.settings").count() == 1


def test_preview_page_explains_groups_and_redraw_changes_seed(coffee, frozen, run):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(coffee.organiser)
    url = reverse("rounds:preview", args=[coffee.program.slug])
    body = client.get(url).content.decode()
    assert "never met before" in body and "crosses teams" in body
    assert "h/week overlap" in body and f"{url}?seed=2" in body
    assert "Seed 1." in body
    assert "Seed 5." in client.get(url + "?seed=5").content.decode()
    assert not Round.objects.exists() and not OutboundEmail.objects.exists()
    response = run(  # the publish job runs when the request commits
        client.post, reverse("rounds:publish", args=[coffee.program.slug]), {"number": 1, "seed": 5}
    )
    assert response.status_code == 302
    assert Round.objects.get().seed == 5


def test_home_dashboard_shows_match_and_checkin(coffee):  # type: ignore[no-untyped-def]
    from django.test import Client

    ada = coffee.members["Ada"]
    client = Client()
    client.force_login(ada)
    with time_machine.travel(NOW, tick=False):
        services.publish_round(program=coffee.program, actor=None)
        assert "agree a time for your round 1 coffee" in client.get("/home/").content.decode()
    with time_machine.travel(NOW + dt.timedelta(days=9), tick=False):
        assert "did you meet in round 1?" in client.get("/home/").content.decode()
