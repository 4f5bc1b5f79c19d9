"""Coffee settings: created with the programme, never on read; cadence and group size have one
source of truth (the programme), so editing the programme changes the next draw."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.rounds import selectors
from peerly.rounds import services
from peerly.rounds.models import CoffeeSettings
from peerly.rounds.models import Round

NOW = dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC)  # the first Monday of February
SECOND_MONDAY = dt.datetime(2026, 2, 9, 9, 5, tzinfo=dt.UTC)  # a weekly slot, not a monthly one


def test_reading_settings_never_creates_a_row(coffee):  # type: ignore[no-untyped-def]
    CoffeeSettings.objects.all().delete()
    program = Program.objects.get(pk=coffee.program.pk)
    with pytest.raises(ServiceError, match="no coffee settings"):
        selectors.get_coffee_settings(program=program)
    with pytest.raises(ServiceError, match="no coffee settings"):
        services.preview_round(program=program, now=NOW)
    assert not CoffeeSettings.objects.exists()


def test_settings_of_another_kind_are_refused(db):  # type: ignore[no-untyped-def]
    program = Program.objects.create(kind=ProgramKind.CIRCLE, name="Circles", slug="circles")
    with pytest.raises(ServiceError, match="Only coffee programmes"):
        selectors.get_coffee_settings(program=program)
    with pytest.raises(ServiceError, match="Only coffee programmes"):
        services.create_settings(program=program)
    assert not CoffeeSettings.objects.exists()


def test_create_settings_is_idempotent_with_defaults(coffee):  # type: ignore[no-untyped-def]
    CoffeeSettings.objects.all().delete()
    first = services.create_settings(program=coffee.program)
    again = services.create_settings(program=coffee.program)
    assert first.pk == again.pk and CoffeeSettings.objects.count() == 1
    row = selectors.get_coffee_settings(program=coffee.program)
    assert (row.team_rule, row.meet_window_days, row.opt_in_mode, row.auto_publish) == (
        "cross",
        7,
        "standing",
        True,
    )


def test_group_size_edited_on_the_programme_changes_the_next_draw(coffee):  # type: ignore[no-untyped-def]
    coffee.settings  # noqa: B018 - the row exists before the programme is edited
    pairs = services.preview_round(program=coffee.program, seed=1, now=NOW)
    assert max(len(g.user_ids) for g in pairs.draw.groups) <= 3
    Program.objects.filter(pk=coffee.program.pk).update(group_size=4)
    program = Program.objects.get(pk=coffee.program.pk)
    fours = services.preview_round(program=program, seed=1, now=NOW)
    assert sorted(len(g.user_ids) for g in fours.draw.groups) == [3, 4]


def test_cadence_edited_on_the_programme_changes_the_next_draw(coffee):  # type: ignore[no-untyped-def]
    coffee.settings  # noqa: B018
    with time_machine.travel(SECOND_MONDAY, tick=False):
        assert services.publish_due_rounds(now=SECOND_MONDAY) == 0  # monthly: not a slot
        Program.objects.filter(pk=coffee.program.pk).update(cadence="weekly")
        assert services.publish_due_rounds(now=SECOND_MONDAY) == 1
    assert Round.objects.get().is_automatic


@pytest.mark.parametrize(
    ("cadence", "group_size", "errors"),
    [
        ("monthly", 2, set()),
        ("weekly", 4, set()),
        ("fortnightly", 3, set()),
        ("continuous", 2, {"cadence"}),
        ("monthly", 5, {"group_size"}),
        ("continuous", 8, {"cadence", "group_size"}),
    ],
)
def test_programme_fields_a_coffee_programme_accepts(cadence, group_size, errors):  # type: ignore[no-untyped-def]
    program = Program(kind=ProgramKind.COFFEE, cadence=cadence, group_size=group_size)
    assert set(services.program_field_errors(program=program)) == errors


def test_a_draw_refuses_a_group_size_coffee_cannot_do(coffee):  # type: ignore[no-untyped-def]
    coffee.settings  # noqa: B018
    Program.objects.filter(pk=coffee.program.pk).update(group_size=6)
    program = Program.objects.get(pk=coffee.program.pk)
    with pytest.raises(ServiceError, match="2 to 4 people"):
        services.preview_round(program=program, now=NOW)


def test_continuous_cadence_draws_nothing_automatically(coffee):  # type: ignore[no-untyped-def]
    coffee.settings  # noqa: B018
    Program.objects.filter(pk=coffee.program.pk).update(cadence="continuous")
    with time_machine.travel(NOW, tick=False):
        assert services.publish_due_rounds(now=NOW) == 0
    assert not Round.objects.exists()


def test_settings_page_writes_cadence_and_group_size_to_the_programme(coffee):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(coffee.organiser)
    url = reverse("rounds:manage-settings", args=[coffee.program.slug])
    row = coffee.settings
    data = {
        "cadence": "fortnightly",
        "draw_weekday": "0",
        "draw_week_of_month": "1",
        "draw_time": "09:00",
        "meet_window_days": "7",
        "group_size": "4",
        "team_rule": "cross",
        "min_overlap_hours": "1.0",
        "meeting_minutes": "30",
        "opt_in_mode": "standing",
        "auto_publish": "on",
        "prompts": row.prompts,
    }
    assert client.post(url, data).status_code == 302
    program = Program.objects.get(pk=coffee.program.pk)
    assert (program.cadence, program.group_size) == ("fortnightly", 4)
    event = AuditEvent.objects.get(action="rounds.settings")
    assert event.data == {"cadence": "fortnightly", "group_size": "4"}
    body = client.get(url).content.decode()
    assert 'value="fortnightly" selected' in body
    continuous = {**data, "cadence": "continuous"}
    response = client.post(url, continuous)
    assert response.status_code == 200  # the form shows the error, nothing saved
    assert Program.objects.get(pk=coffee.program.pk).cadence == "fortnightly"


# ------------------------------------------------------------------ the round state machine
@pytest.mark.parametrize(
    ("state", "action", "allowed"),
    [
        (state, action, state == "published")
        for state in ("published", "closed")
        for action in ("close",)
    ],
)
def test_every_round_transition_from_every_state(coffee, state, action, allowed):  # type: ignore[no-untyped-def]
    from peerly.core.errors import TransitionError

    with time_machine.travel(NOW, tick=False):
        round_, _ = services.publish_round(program=coffee.program, actor=None, now=NOW)
    Round.objects.filter(pk=round_.pk).update(status=state)
    later = NOW + dt.timedelta(days=30)
    if allowed:
        closed = services.close_round(round_=round_, actor=coffee.organiser, now=later)
        assert (closed.status, closed.closed_at) == ("closed", later)
        event = AuditEvent.objects.get(action="round.close")
        assert event.data == {"from": "published", "to": "closed"}
    else:
        with pytest.raises(TransitionError, match="Cannot close this round: it is closed"):
            services.close_round(round_=round_, actor=coffee.organiser, now=later)
        assert Round.objects.get(pk=round_.pk).closed_at is None
        assert not AuditEvent.objects.filter(action="round.close").exists()


def test_a_programme_that_cannot_draw_does_not_stop_the_tick(coffee):  # type: ignore[no-untyped-def]
    Program.objects.filter(pk=coffee.program.pk).update(group_size=6)  # edited elsewhere
    with time_machine.travel(NOW, tick=False):
        assert services.publish_due_rounds(now=NOW) == 0
    assert not Round.objects.exists()


def test_pages_use_the_shared_programme_nav(coffee):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(coffee.organiser)
    slug = coffee.program.slug
    body = client.get(reverse("rounds:manage-settings", args=[slug])).content.decode()
    settings_link = f'href="{reverse("rounds:manage-settings", args=[slug])}" aria-current="page"'
    assert settings_link in body
    for name in ("manage", "manage-report", "program"):
        assert f'href="{reverse(f"rounds:{name}", args=[slug])}"' in body
    assert f'href="{reverse("programs:manage", args=[slug])}"' in body  # Members
    client.force_login(coffee.members["Ada"])
    body = client.get(reverse("rounds:program", args=[slug])).content.decode()
    assert reverse("rounds:manage", args=[slug]) not in body  # members: no organiser links
