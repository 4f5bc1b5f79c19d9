"""`peerly metrics --program SLUG [--format csv|json]`: the programme's registered metrics
(value, people, unit), no value below 5 people, and one line on stderr with exit 2 for a bad
slug or flag."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

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
    assert list(rows[0]) == ["key", "name", "value", "people", "unit"]
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
    }


def test_unknown_programme_is_a_command_error() -> None:
    with pytest.raises(CommandError, match="unknown programme 'nope'"):
        call_command("metrics", "--program", "nope")


def test_peerly_metrics_exits_2_with_one_line(tmp_path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    subprocess.run([sys.executable, "-m", "peerly", "migrate", "-v0"], env=env, check=True)
    for args, message in [
        (["--program", "nope"], "unknown programme 'nope'"),
        (["--program", "x", "--format", "xml"], "invalid choice: 'xml'"),
        ([], "--program"),
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
