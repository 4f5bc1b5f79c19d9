"""core/statemachine.py, core/timezones.py, core/viewhelpers.py and programs/engine_input.py:
the helpers every programme kind shares (issue 12)."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import models
from django.test import RequestFactory

from peerly.core.errors import ServiceError
from peerly.core.errors import TransitionError
from peerly.core.models import AuditEvent
from peerly.core.statemachine import Transitions
from peerly.core.statemachine import apply_transition
from peerly.core.timezones import user_zone_name
from peerly.core.timezones import when_label
from peerly.core.timezones import zone
from peerly.core.timezones import zone_name
from peerly.core.viewhelpers import attempt
from peerly.core.viewhelpers import service_errors
from peerly.programs import engine_input
from peerly.programs.models import EnrollmentStatus
from tests.factories import EnrollmentFactory
from tests.factories import UserFactory
from tests.factories import WindowFactory


class S(models.TextChoices):
    APPLIED = "applied", "Waiting for approval"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    LEFT = "left", "Left"


MACHINE = Transitions(
    {"approve": (S.APPLIED,), "pause": (S.ACTIVE,), "leave": (S.ACTIVE, S.PAUSED)},
    labels=S,
    words={"approve": "approve"},
    noun="enrolment",
)
TARGET = {"approve": S.ACTIVE, "pause": S.PAUSED, "leave": S.LEFT}


# ------------------------------------------------------------------------ state machine
@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("action", ["approve", "pause", "leave"])
def test_every_transition_from_every_state(state, action):  # type: ignore[no-untyped-def]
    if state in MACHINE.allowed_from(action):
        MACHINE.check(state, action)
        assert MACHINE.can(state, action) and action in MACHINE.actions_from(state)
    else:
        with pytest.raises(TransitionError, match=f"it is {S(state).label.lower()}"):
            MACHINE.check(state, action)
        assert not MACHINE.can(state, action)


def test_refusal_names_the_allowed_states_and_unknown_actions_are_refused() -> None:
    with pytest.raises(TransitionError) as info:
        MACHINE.check(S.LEFT, "leave")
    assert info.value.message == (
        "Cannot leave this enrolment: it is left (allowed when active or paused)."
    )
    with pytest.raises(TransitionError, match="Unknown action"):
        MACHINE.check(S.ACTIVE, "explode")


@pytest.mark.parametrize(
    ("start", "action", "ok"),
    [("active", "pause", True), ("applied", "pause", False), ("paused", "leave", True)],
)
def test_apply_transition_locks_checks_saves_audits(db, start, action, ok):  # type: ignore[no-untyped-def]
    enrollment = EnrollmentFactory(status=start)
    actor = UserFactory()
    if ok:
        saved = apply_transition(
            enrollment,
            machine=MACHINE,
            action=action,
            to=TARGET[action],
            actor=actor,
            audit_action=f"test.{action}",
            program_id=enrollment.program_id,
        )
        assert saved.status == TARGET[action]
        event = AuditEvent.objects.get(action=f"test.{action}")
        assert event.data == {"from": start, "to": TARGET[action]} and event.actor == actor
    else:
        with pytest.raises(TransitionError):
            apply_transition(
                enrollment,
                machine=MACHINE,
                action=action,
                to=TARGET[action],
                actor=actor,
                audit_action=f"test.{action}",
            )
        assert not AuditEvent.objects.filter(action__startswith="test.").exists()
    enrollment.refresh_from_db()
    assert enrollment.status == (TARGET[action] if ok else start)


def test_apply_transition_before_save_can_refuse_and_nothing_changes(db):  # type: ignore[no-untyped-def]
    enrollment = EnrollmentFactory(status=EnrollmentStatus.ACTIVE)

    def refuse(locked):  # type: ignore[no-untyped-def]
        raise ServiceError("Not today.")

    with pytest.raises(ServiceError, match="Not today"):
        apply_transition(
            enrollment,
            machine=MACHINE,
            action="pause",
            to=S.PAUSED,
            actor=None,
            audit_action="test.pause",
            before_save=refuse,
        )
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert not AuditEvent.objects.filter(action="test.pause").exists()


# ---------------------------------------------------------------------------- time zones
@pytest.mark.parametrize(
    ("name", "expected"),
    [("Europe/Berlin", "Europe/Berlin"), ("", "UTC"), ("Mars/Olympus", "UTC"), (None, "UTC")],
)
def test_zone_names_fall_back_to_utc(name, expected):  # type: ignore[no-untyped-def]
    assert zone_name(name) == expected and zone(name).key == expected


@pytest.mark.parametrize(
    ("moment", "tz", "kwargs", "label"),
    [
        (
            dt.datetime(2025, 1, 14, 9, tzinfo=dt.UTC),
            "Europe/Berlin",
            {},
            "Tue 14 Jan, 10:00 (Europe/Berlin)",
        ),
        (
            dt.datetime(2025, 7, 14, 9, tzinfo=dt.UTC),
            "Europe/Berlin",
            {"year": True},
            "Mon 14 Jul 2025, 11:00 (Europe/Berlin)",
        ),
        (dt.datetime(2025, 1, 14, 9, tzinfo=dt.UTC), "", {"zone_name": False}, "Tue 14 Jan, 09:00"),
    ],
)
def test_when_label_one_format(moment, tz, kwargs, label):  # type: ignore[no-untyped-def]
    assert when_label(moment, tz, **kwargs) == label


def test_user_zone_name(db):  # type: ignore[no-untyped-def]
    user = UserFactory()
    user.profile.timezone = "Asia/Tokyo"
    assert user_zone_name(user) == "Asia/Tokyo"
    assert user_zone_name(object()) == "UTC"


# -------------------------------------------------------------------------- view helpers
class NameForm(forms.Form):
    name = forms.CharField()


def _request():  # type: ignore[no-untyped-def]
    request = RequestFactory().post("/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


@pytest.mark.parametrize(
    ("field", "where"), [("name", "name"), ("colour", "__all__"), (None, "__all__")]
)
def test_service_errors_put_the_message_on_the_form(field, where):  # type: ignore[no-untyped-def]
    form = NameForm({"name": "x"})
    assert form.is_valid()
    with service_errors(_request(), form) as outcome:
        raise ServiceError("Nope.", field=field)
    assert not outcome.ok and outcome.message == "Nope."
    assert form.errors[where] == ["Nope."]


def test_service_errors_without_a_form_become_a_message_and_success_passes():  # type: ignore[no-untyped-def]
    request = _request()
    with service_errors(request) as outcome:
        raise ServiceError("Closed.")
    assert outcome.ok is False
    assert [str(m) for m in get_messages(request)] == ["Closed."]
    with service_errors(request) as fine:
        pass
    assert fine.ok and fine.error is None


def test_attempt_returns_the_result_or_none():  # type: ignore[no-untyped-def]
    request = _request()

    def fail() -> int:
        raise ServiceError("No.")

    assert attempt(request, None, lambda *, x: x * 2, x=21) == 42
    assert attempt(request, None, fail) is None
    assert [str(m) for m in get_messages(request)] == ["No."]


# -------------------------------------------------------------------------- engine input
def test_profile_input_and_member_input(db):  # type: ignore[no-untyped-def]
    user = UserFactory()
    profile = user.profile
    profile.team, profile.timezone, profile.languages = (
        " Design ",
        "Europe/Berlin",
        "English, German",
    )
    profile.interests, profile.skills = "Chess", "Python"
    profile.field_visibility = {"interests": "private"}
    profile.save()
    WindowFactory(profile=profile, weekday=0, start_minute=9 * 60, end_minute=10 * 60)
    person = engine_input.profile_input(user)
    assert (person.id, person.team, person.timezone) == (str(user.pk), "Design", "Europe/Berlin")
    assert person.languages == {"english", "german"} and person.skills == {"python"}
    assert person.interests == {"chess"} and person.shown_interests == frozenset()
    assert person.local_windows == ((0, 540, 600),)
    winter = engine_input.member_input(person, reference=dt.date(2025, 1, 13), do_not_pair=[7])
    summer = engine_input.member_input(person, reference=dt.date(2025, 7, 14))
    assert winter.availability == ((480, 540),) and summer.availability == ((420, 480),)
    assert winter.do_not_pair == {"7"}


def test_utc_between_is_exact_per_date_across_dst() -> None:
    windows = [(6, 9 * 60, 10 * 60)]  # Sundays 09:00-10:00 Berlin; DST starts 30 March 2025
    got = engine_input.utc_between(
        windows, "Europe/Berlin", start_on=dt.date(2025, 3, 23), end_on=dt.date(2025, 3, 31)
    )
    assert [s.hour for s, _ in got] == [8, 7]
    assert engine_input.utc_week([], "Europe/Berlin", reference=dt.date(2025, 1, 1)) == ()


def test_a_user_without_profile_is_an_unconstrained_member(db):  # type: ignore[no-untyped-def]
    user = UserFactory()
    person = engine_input.profile_input(user)
    assert person.local_windows == () and person.timezone == "UTC"


def test_nothing_discovers_modules_by_name() -> None:
    src = pathlib.Path(__file__).resolve().parents[2] / "src" / "peerly"
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if "migrations" not in p.parts
        and ("import_module(" in p.read_text() or "get_app_configs()" in p.read_text())
    ]
    assert offenders == []
