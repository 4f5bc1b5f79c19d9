"""`peerly metrics --program SLUG [--format csv|json] [--since DATE] [--team NAME]`: the
programme's registered metrics (value, people, unit, available), no value below 5 people, the
filters honoured where a metric supports them, and one line on stderr with exit 2 for a bad
slug, flag, date or team."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from peerly.accounts.models import Profile
from peerly.accounts.models import Visibility
from peerly.evaluation import kpi
from peerly.growth.models import GoalStatus
from peerly.programs.models import ProgramKind
from tests.evaluation.conftest import SECRET
from tests.evaluation.conftest import goal
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_csv_lists_the_kinds_metrics_with_value_people_and_unit(members, capsys) -> None:
    program = ProgramFactory(slug="coffee-kpi")
    owners = members(program, 5)
    for owner in owners[:2]:
        goal(owner, program, status=GoalStatus.ACHIEVED)
    for owner in owners[2:]:
        goal(owner, program, status=GoalStatus.DROPPED)
    call_command("metrics", "--program", "coffee-kpi")
    out = capsys.readouterr().out
    assert SECRET not in out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["key", "name", "value", "people", "unit", "available"]
    by_key = {r["key"]: r for r in rows}
    # every metric that applies to coffee (other apps register theirs too), the growth ones in it
    assert set(by_key) == {m.key for m in kpi.for_kind("coffee")}
    assert {"goal_progress", "goal_attainment", "goals_per_member"} <= set(by_key)
    assert "action_completion" not in by_key  # circles and mentorship only
    assert by_key["goal_attainment"] == {
        "key": "goal_attainment",
        "name": "Goal attainment (achieved ÷ due)",
        "value": "40.0",
        "people": "5",
        "unit": "percent",
        "available": "true",
    }
    assert by_key["goal_progress"]["value"] == ""  # 2 people: not shown
    assert by_key["goal_progress"]["people"] == "2"
    assert by_key["goals_per_member"]["value"] == "1.0"


def test_json_and_the_circles_metrics(members, capsys) -> None:
    ProgramFactory(slug="circles-kpi", kind=ProgramKind.CIRCLE)
    call_command("metrics", "--program", "circles-kpi", "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    keys = [r["key"] for r in rows]
    assert keys == [m.key for m in kpi.for_kind("circle")]
    growth = ["goal_progress", "goal_attainment", "goals_per_member", "action_completion"]
    assert [k for k in keys if k in growth] == growth
    assert {"session_completion", "attendance", "distinct_people_met"} <= set(keys)
    assert "met_rate" not in keys  # coffee only
    assert rows[keys.index("action_completion")] == {
        "key": "action_completion",
        "name": "Action completion rate",
        "value": None,
        "people": 0,
        "unit": "percent",
        "available": True,
    }


def test_unknown_programme_is_a_command_error() -> None:
    with pytest.raises(CommandError, match="unknown programme 'nope'"):
        call_command("metrics", "--program", "nope")


def _in_team(users, team: str, visibility: str | None = None) -> None:  # type: ignore[no-untyped-def]
    chosen = {"team": visibility} if visibility else {}
    Profile.objects.filter(user__in=users).update(team=team, field_visibility=chosen)


def test_since_and_team_filter_the_figures_and_say_what_is_unavailable(members, capsys) -> None:
    program = ProgramFactory(slug="coffee-filters")
    team, others = members(program, 5), members(program, 3)
    _in_team(others, "Ops")
    _in_team(team, "Sales")
    _in_team(others[:1], "Sales", Visibility.PRIVATE)  # hidden: not in the team
    for owner in team[:3]:
        goal(owner, program, status=GoalStatus.ACHIEVED)
    for owner in team[3:] + others:
        goal(owner, program, status=GoalStatus.DROPPED)
    old = timezone.now() - dt.timedelta(days=90)
    from peerly.growth.models import Goal

    Goal.objects.filter(owner__in=team[3:]).update(created_at=old)

    def run(*args: str) -> dict[str, dict]:
        call_command("metrics", "--program", "coffee-filters", "--format", "json", *args)
        return {r["key"]: r for r in json.loads(capsys.readouterr().out)}

    everyone = run()
    assert (everyone["goal_attainment"]["value"], everyone["goal_attainment"]["people"]) == (
        37.5,
        8,
    )
    sales = run("--team", "Sales")
    assert (sales["goal_attainment"]["value"], sales["goal_attainment"]["people"]) == (60.0, 5)
    assert sales["goals_per_member"]["value"] == 1.0
    # every metric that applies says whether it honours the filter; those that do not: no value
    assert set(sales) == {m.key for m in kpi.for_kind("coffee")}
    for key, row in sales.items():
        assert row["available"] is (kpi.TEAM in kpi.get(key).filters), key
        if not row["available"]:
            assert (row["value"], row["people"]) == (None, 0), key
    assert sales["nps"]["available"] is False  # anonymous answers have no team
    since = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    dated = run("--since", since, "--team", "Sales")
    assert dated["goals_per_member"]["value"] == 0.6  # the 3 goals set in the last 30 days / 5
    assert dated["nps"]["available"] is False
    csv_out = io.StringIO()
    call_command("metrics", "--program", "coffee-filters", "--since", since, stdout=csv_out)
    by_key = {r["key"]: r for r in csv.DictReader(io.StringIO(csv_out.getvalue()))}
    assert by_key["nps"]["available"] == "true"  # feedback honours a start date
    assert by_key["distinct_people_met"]["available"] == "false"  # network: no filter
    assert by_key["distinct_people_met"]["value"] == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-13-01"], "--since: not a date '2026-13-01'"),
        (["--since", "yesterday"], "--since: not a date 'yesterday'"),
        (["--since", "2999-01-01"], "--since: 2999-01-01 is in the future"),
        (["--team", "Ops"], "--team: no team 'Ops'"),  # 4 people: not a choice
        (["--team", "Sales"], "--team: no team 'Sales'"),  # hidden by all: not a choice
        (["--team", ""], "--team: no team ''"),
    ],
)
def test_a_bad_since_or_team_is_a_command_error(args, message, members) -> None:
    program = ProgramFactory(slug="filters-bad")
    _in_team(members(program, 4), "Ops")
    _in_team(members(program, 5), "Sales", Visibility.PRIVATE)
    with pytest.raises(CommandError, match=re.escape(message)) as caught:
        call_command("metrics", "--program", "filters-bad", *args)
    assert caught.value.returncode == 2


def test_peerly_metrics_exits_2_with_one_line(tmp_path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    subprocess.run([sys.executable, "-m", "peerly", "migrate", "-v0"], env=env, check=True)
    make = "from tests.factories import ProgramFactory; ProgramFactory(slug='there')"
    subprocess.run([sys.executable, "-m", "peerly", "shell", "-c", make], env=env, check=True)
    for args, message in [
        (["--program", "nope"], "unknown programme 'nope'"),
        (["--program", "x", "--format", "xml"], "invalid choice: 'xml'"),
        ([], "--program"),
        (["--program", "there", "--since", "31/12/2026"], "--since: not a date '31/12/2026'"),
        (["--program", "there", "--since", "2999-01-01"], "is in the future"),
        (["--program", "there", "--team", "No\nsuch"], "--team: no team 'No such'"),
    ]:
        result = subprocess.run(
            [sys.executable, "-m", "peerly", "metrics", *args],
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 2, args
        assert result.stderr.strip().count("\n") == 0 and message in result.stderr, args
        assert "Traceback" not in result.stderr and result.stdout == "", args
    ok = subprocess.run(
        [sys.executable, "-m", "peerly", "metrics", "--program", "there", "--since", "2026-01-01"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and ok.stdout.startswith("key,name,value,people,unit,available\n")
