import datetime as dt
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from icalendar import Calendar

from peerly.core.ics import Attendee
from peerly.core.ics import CalendarEvent
from peerly.core.ics import build_calendar
from peerly.core.ics import make_uid
from peerly.programs import demo
from peerly.programs.models import Enrollment
from peerly.programs.models import Program


def _settings_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
            "'peerly.settings'; django.setup()",
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "0", "ALLOWED_HOSTS": "peerly.example.org"}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
    ],
)
def test_production_settings_refuse_unsafe_defaults(env, message):
    result = _settings_check({"SECRET_KEY": "", **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_check_deploy():
    import secrets

    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "peerly.example.org",
    }
    result = subprocess.run(
        [sys.executable, "-m", "peerly", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_calendar_is_valid_icalendar_with_stable_uid_and_sequence():
    start = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
    event = CalendarEvent(
        uid=make_uid("test", 1),
        summary="Coffee with Ana",
        start=start,
        end=start + dt.timedelta(minutes=45),
        sequence=2,
        organiser=Attendee("org@example.org", "Org"),
        attendees=[Attendee("a@example.org", "Ana"), Attendee("b@example.org")],
        rrule={"FREQ": "WEEKLY", "INTERVAL": 2, "COUNT": 6},
    )
    cal = Calendar.from_ical(build_calendar([event], method="REQUEST"))
    assert str(cal["METHOD"]) == "REQUEST"
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["UID"]) == make_uid("test", 1)
    assert int(vevent["SEQUENCE"]) == 2
    assert vevent.decoded("DTSTART") == start
    assert vevent["RRULE"]["FREQ"] == ["WEEKLY"]
    assert len(vevent["ATTENDEE"]) == 2
    cancel = Calendar.from_ical(
        build_calendar(
            [
                CalendarEvent(
                    uid=event.uid, summary="x", start=start, end=start, sequence=3, cancelled=True
                )
            ],
            method="CANCEL",
        )
    )
    assert str(cancel["METHOD"]) == "CANCEL"
    assert str(cancel.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    with pytest.raises(ValueError, match="aware"):
        build_calendar(
            [
                CalendarEvent(
                    uid="u",
                    summary="s",
                    start=start.replace(tzinfo=None),
                    end=start.replace(tzinfo=None),
                )
            ]
        )


@pytest.mark.django_db(transaction=True)
def test_demo_loads_once_and_refuses_or_resets(capsys):
    call_command("demo", "--members", "40", "--seed", "3")
    out = capsys.readouterr().out
    assert "password is peerly-demo" in out
    assert all(persona.email in out for persona in demo.PERSONAS)
    assert Program.objects.count() == 3
    assert {p.kind for p in Program.objects.all()} == {"coffee", "circle", "mentorship"}
    members = Enrollment.objects.filter(program__slug="coffee-roulette").count()
    assert members > 20
    with pytest.raises(CommandError) as exc:
        call_command("demo")
    assert exc.value.returncode == 2
    call_command("demo", "--if-empty")
    assert "already present" in capsys.readouterr().out
    call_command("demo", "--reset", "--members", "40", "--seed", "3")
    assert Program.objects.count() == 3
    assert Enrollment.objects.filter(program__slug="coffee-roulette").count() == members
    with pytest.raises(CommandError, match="between 10 and 100000"):
        call_command("demo", "--reset", "--members", "2")
    with pytest.raises(CommandError, match="between 10 and 100000"):
        call_command("demo", "--reset", "--members", "100001")


@pytest.mark.django_db
def test_demo_logins_work(client):
    call_command("demo", "--members", "20")
    for email in (demo.ORGANISER_EMAIL, demo.MEMBER_EMAIL, demo.ADMIN_EMAIL):
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": email, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302 and response.url == "/home/"
        assert client.get("/home/").status_code == 200


@pytest.mark.django_db
def test_tick_runs_and_is_idempotent(capsys):
    call_command("tick")
    first = capsys.readouterr().out
    assert first.startswith("tick:")
    call_command("tick")
    assert capsys.readouterr().out == "tick: nothing due\n"


@pytest.mark.django_db
def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_stylesheet_is_found_by_staticfiles():
    from django.contrib.staticfiles import finders

    assert finders.find("peerly/peerly.css")
