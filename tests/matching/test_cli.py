import json
import subprocess
import sys
from pathlib import Path

import pytest

from peerly.matching.cli import main

SRC = str(Path(__file__).resolve().parents[2] / "src")


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def members(tmp_path):
    return write(
        tmp_path / "members.csv",
        "id,team,timezone,languages,availability,extra\n"
        "a,x,Europe/Berlin,en,Mon 09:00-12:00,1\n"
        "b,y,UTC,en;de,Mon 08:00-10:00,2\n"
        "c,x,UTC,,,\n"
        "d,y,America/New_York,de,,\n"
        "e,z,UTC,,,\n",
    )


def test_groups_command_writes_output_and_report(tmp_path, members, capsys):
    out, report = tmp_path / "groups.csv", tmp_path / "report.json"
    history = write(
        tmp_path / "h.csv", "round,group,member_id\n3,1,a\n3,1,b\n3,2,c\n3,2,d\n3,2,e\n"
    )
    code = main(
        [
            "groups",
            "--members",
            members,
            "--history",
            history,
            "--out",
            str(out),
            "--report",
            str(report),
        ]
    )
    assert code == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "round,group,member_id"
    assert {line.split(",")[0] for line in lines[1:]} == {"4"}
    assert sorted(line.split(",")[2] for line in lines[1:]) == ["a", "b", "c", "d", "e"]
    data = json.loads(report.read_text())
    for key in [
        "members",
        "groups",
        "group_sizes",
        "repeat_pairs",
        "unavoidable_repeat_pairs",
        "excess_repeat_pairs",
        "cross_team_rate",
        "achievable_cross_team_rate",
        "mean_overlap_hours",
        "unmatched",
        "hard_rule_violations",
        "seed",
        "seconds",
    ]:
        assert key in data
    assert "5 members" in capsys.readouterr().out


def test_season_report_has_per_round_figures(tmp_path, members):
    out, report = tmp_path / "g.csv", tmp_path / "r.json"
    assert (
        main(
            [
                "groups",
                "--members",
                members,
                "--rounds",
                "3",
                "--out",
                str(out),
                "--report",
                str(report),
            ]
        )
        == 0
    )
    data = json.loads(report.read_text())
    assert [r["round"] for r in data["per_round"]] == [1, 2, 3]
    assert {line.split(",")[0] for line in out.read_text().splitlines()[1:]} == {"1", "2", "3"}


def test_mentors_command(tmp_path):
    mentors = write(
        tmp_path / "mentors.csv",
        "id,team,timezone,languages,skills,capacity,availability\nm1,,UTC,en,python;sql,1,\nm2,,UTC,,go,1,\n",
    )
    mentees = write(
        tmp_path / "mentees.csv",
        "id,team,timezone,languages,wants,goals,availability\ne1,,UTC,en,python,learn sql,\ne2,,UTC,,go,,\ne3,,UTC,,go,,\n",
    )
    out, report = tmp_path / "a.csv", tmp_path / "r.json"
    assert (
        main(
            [
                "mentors",
                "--mentors",
                mentors,
                "--mentees",
                mentees,
                "--out",
                str(out),
                "--report",
                str(report),
            ]
        )
        == 0
    )
    rows = out.read_text().splitlines()
    assert rows[0] == "mentee_id,mentor_id,score,reason"
    assert len(rows) == 4
    assert rows[3].endswith(",,,no_capacity") or rows[2].endswith(",,,no_capacity")
    data = json.loads(report.read_text())
    assert data["assigned"] == 2 and data["method"] == "optimal"
    scores = write(
        tmp_path / "s.csv", "mentee_id,mentor_id,score,mentor_score\ne1,m2,0.5,0.1\ne2,m2,0.4,0.9\n"
    )
    assert (
        main(
            [
                "mentors",
                "--mentors",
                mentors,
                "--mentees",
                mentees,
                "--scores",
                scores,
                "--method",
                "stable",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "e2,m2,0.400000," in out.read_text()


BAD_MEMBERS = {
    "missing_id": ("name,team\nx,y\n", "1:1: missing required column 'id'"),
    "duplicate": ("id\na\nb\na\n", "4:1: duplicate id 'a'"),
    "timezone": ("id,timezone\na,UTC\nb,Mars/Base\n", "3:2: unknown time zone"),
    "window": ("id,availability\na,Mon 9-10\n", "2:2: malformed window"),
    "empty": ("", "1:1: empty file"),
}


@pytest.mark.parametrize("case", sorted(BAD_MEMBERS))
def test_bad_members_file(tmp_path, capsys, case):
    text, expected = BAD_MEMBERS[case]
    path = write(tmp_path / "m.csv", text)
    out = tmp_path / "out.csv"
    assert main(["groups", "--members", path, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{path}:{expected}" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_binary_and_missing_files(tmp_path, capsys):
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"id\n\x00\x01\x02")
    out = tmp_path / "o.csv"
    assert main(["groups", "--members", str(binary), "--out", str(out)]) == 2
    assert "binary file" in capsys.readouterr().err
    assert main(["groups", "--members", str(tmp_path / "nope.csv"), "--out", str(out)]) == 2
    assert "cannot read file" in capsys.readouterr().err
    latin = tmp_path / "l.csv"
    latin.write_bytes("id\nJos\xe9\n".encode("latin-1"))
    assert main(["groups", "--members", str(latin), "--out", str(out)]) == 2
    assert "l.csv:2:1: not UTF-8" in capsys.readouterr().err
    assert not out.exists()


def test_unknown_ids_in_history_and_scores(tmp_path, members, capsys):
    out = tmp_path / "o.csv"
    history = write(tmp_path / "h.csv", "round,group,member_id\n1,1,a\n1,1,zz\n")
    assert main(["groups", "--members", members, "--history", history, "--out", str(out)]) == 2
    assert "h.csv:3:3: unknown member id 'zz'" in capsys.readouterr().err
    mentors = write(tmp_path / "mentors.csv", "id,capacity\nm1,-1\n")
    mentees = write(tmp_path / "mentees.csv", "id\ne1\n")
    assert main(["mentors", "--mentors", mentors, "--mentees", mentees, "--out", str(out)]) == 2
    assert "mentors.csv:2:2: must be >= 0" in capsys.readouterr().err
    mentors = write(tmp_path / "mentors.csv", "id,capacity\nm1,1\n")
    scores = write(tmp_path / "s.csv", "mentee_id,mentor_id,score\ne1,m9,1\n")
    assert (
        main(
            [
                "mentors",
                "--mentors",
                mentors,
                "--mentees",
                mentees,
                "--scores",
                scores,
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert "s.csv:2:2: unknown mentor id 'm9'" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["groups", "--members", "m.csv", "--out", "o.csv", "--size", "9"],
        ["groups", "--members", "m.csv", "--out", "o.csv", "--strategy", "loud"],
        ["groups", "--members", "m.csv", "--out", "o.csv", "--min-overlap", "-1"],
        ["groups", "--members", "m.csv", "--out", "o.csv", "--rounds", "0"],
        ["groups", "--members", "m.csv"],
        ["mentors", "--mentors", "a.csv", "--mentees", "b.csv", "--out", "o", "--method", "best"],
        ["nonsense"],
        [],
    ],
)
def test_bad_flags_exit_2_with_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("peerly match")
    assert err.count("\n") == 1


def test_module_entry_point_and_no_django(tmp_path, members):
    code = (
        "import sys, runpy; import peerly.matching, peerly.matching.cli;"
        "assert 'django' not in sys.modules, 'engine imported django';"
        "sys.argv = ['peerly match', 'groups', '--members', sys.argv[1], '--out', sys.argv[2]];"
        "runpy.run_module('peerly.matching', run_name='__main__')"
    )
    out = tmp_path / "o.csv"
    proc = subprocess.run(
        [sys.executable, "-c", code, members, str(out)],
        env={"PYTHONPATH": SRC, "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.exists()
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "peerly.matching",
            "groups",
            "--members",
            str(tmp_path / "x.csv"),
            "--out",
            str(out),
        ],
        env={"PYTHONPATH": SRC, "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


@pytest.mark.parametrize(("reference", "paired"), [("2027-03-22", True), ("2027-01-11", False)])
def test_groups_reference_date_fixes_daylight_saving(tmp_path, reference, paired):
    """Berlin 15–16 and New York 10–11 overlap only in the weeks when New York has moved to
    summer time and Berlin has not: the week the overlap is computed for is explicit."""
    people = write(
        tmp_path / "two.csv",
        "id,timezone,availability\n"
        "berlin,Europe/Berlin,Mon 15:00-16:00\n"
        "newyork,America/New_York,Mon 10:00-11:00\n",
    )
    out = tmp_path / "groups.csv"
    argv = ["groups", "--members", people, "--min-overlap", "1", "--out", str(out)]
    assert main([*argv, "--reference", reference]) == 0
    grouped = [line for line in out.read_text().splitlines()[1:] if line]
    assert bool(grouped) is paired


def test_reference_must_be_a_date(tmp_path, members, capsys):
    code = main(
        ["groups", "--members", members, "--reference", "soon", "--out", str(tmp_path / "o")]
    )
    assert code == 2
    assert "reference" in capsys.readouterr().err
