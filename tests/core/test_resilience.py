"""Bad input is a 400 with a clear message, a database outage is a 503, CLI errors are one line.

The broad walk over every route is tests/core/test_hostile_input.py; these pin the behaviour.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.apps import apps
from django.db import OperationalError
from django.db import connection
from django.db import connections
from django.test import Client

from peerly import cli
from peerly.accounts.models import User
from peerly.programs import demo


@pytest.fixture
def community(db):  # type: ignore[no-untyped-def]
    demo.build_demo(members=12, seed=1)
    return demo


def _client(email: str | None = None) -> Client:
    client = Client()
    if email:
        client.force_login(User.objects.get(email=email))
    return client


def _snapshot() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


# --- NUL characters -------------------------------------------------------------------------

NUL_CASES = [
    # (who, method, url, request kwargs, where the message says the NUL was)
    (None, "get", "/programs/invitations/a%00b/", {}, "the address"),
    (None, "get", "/programs/?q=%00", {}, "the query string"),
    (None, "post", "/accounts/login/", {"data": {"username": "a\x00b", "password": "x"}}, "form"),
    (None, "get", "/healthz", {"HTTP_USER_AGENT": "curl\x00"}, "a header"),
    (None, "get", "/healthz", {"HTTP_COOKIE": "sessionid=abcdefgh\x00ijkl"}, "a header"),
    ("member", "get", "/api/v1/programs/a%00b", {}, "the address"),
    ("member", "get", "/api/v1/programs/coffee-roulette/members?q=%00", {}, "the query string"),
    (
        "member",
        "post",
        "/api/v1/circles/actions/1",
        {"data": json.dumps({"status": {"x": ["a\u0000"]}}), "content_type": "application/json"},
        "the JSON body",
    ),
]


@pytest.mark.parametrize(("who", "method", "url", "kwargs", "where"), NUL_CASES)
def test_nul_characters_are_refused_with_400_and_nothing_saved(
    community, who, method, url, kwargs, where
):
    client = _client(demo.MEMBER_EMAIL if who else None)
    before = _snapshot()
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert "NUL" in response.json()["detail"] and where in response.json()["detail"]
    else:
        assert response["Content-Type"].startswith("text/plain")
        assert where in response.content.decode() and "%00" in response.content.decode()
    after = _snapshot()
    after.pop("sessions.Session", None), before.pop("sessions.Session", None)
    assert after == before


def test_an_escaped_backslash_before_u0000_is_just_text(community):
    """`"\\\\u0000"` in JSON is the six characters \\u0000, not NUL: it reaches the API."""
    client = _client(demo.MEMBER_EMAIL)
    response = client.post(
        "/api/v1/circles/actions/999999",
        data='{"status": "\\\\u0000"}',
        content_type="application/json",
    )
    assert response.status_code in (404, 422)


# --- Specific views -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "status"),
    [("-5", 400), ("NaN", 400), ("abc", 400), (str(2**32), 400), ("1.5", 400), ("", 200)],
)
def test_preview_seed_must_be_a_whole_number_below_2_to_the_32(community, seed, status):
    client = _client(demo.ORGANISER_EMAIL)
    response = client.get(f"/programs/coffee-roulette/coffee/manage/preview/?seed={seed}")
    assert response.status_code == status
    if status == 400:
        assert "seed must be a whole number from 0 to 4294967295" in response.content.decode()


def test_preview_accepts_the_largest_seed(community):
    client = _client(demo.ORGANISER_EMAIL)
    url = f"/programs/coffee-roulette/coffee/manage/preview/?seed={2**32 - 1}"
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"mentorship": "abc", "mentor": "1"}, 400),
        ({"mentorship": "1", "mentor": "abc"}, 400),
        ({"mentorship": "-5", "mentor": "1"}, 400),
        ({"mentorship": "1.5", "mentor": "1"}, 400),
        ({"mentor": "1"}, 400),
        ({"mentorship": "99999999999999999999999", "mentor": "1"}, 404),  # no such mentorship
    ],
)
def test_manage_assign_refuses_non_integer_ids_with_400(community, data, status):
    client = _client(demo.ORGANISER_EMAIL)
    before = _snapshot()
    response = client.post("/programs/mentorship/mentorship/manage/assign/", data)
    assert response.status_code == status
    if status == 400:
        assert "Choose a mentee and a mentor" in response.content.decode()
    assert _snapshot() == before


# --- The database is down -------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_json_when_the_database_is_down(client):
    refused = OperationalError("connection to server at 127.0.0.1 port 5432 failed")
    with mock.patch.object(connection, "cursor", side_effect=refused):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


@pytest.mark.django_db
def test_a_page_that_loses_the_database_answers_503_not_500(community):
    client = _client(demo.MEMBER_EMAIL)
    with mock.patch("peerly.core.views.collect", side_effect=OperationalError("server closed")):
        response = client.get("/home/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "database is unavailable" in response.content.decode()


def test_persistent_connections_are_health_checked(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# --- The command line -----------------------------------------------------------------------


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`peerly ARGS` in this process; Django's closing of connections would end the test's
    transaction on PostgreSQL, so it is held off."""
    try:
        with mock.patch.object(connections, "close_all"):
            code = cli.main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


BINARY = bytes(range(256)) * 40  # like /bin/ls: 10 KB of everything


CLI_BAD_INPUT = [
    ["frobnicate"],
    ["frobnicate", "--x"],
    ["demo", "--members", "abc"],
    ["demo", "--members", "2"],
    ["demo"],  # data exists: refuses
    ["demo", "--bogus"],
    ["import"],
    ["import", "widgets", "x.csv"],
    ["import", "members"],
    ["import", "members", "{binary}"],
    ["import", "members", "{missing}"],
    ["import", "members", "{bad_rows}", "--program", "coffee-roulette"],
    ["import", "members", "{binary}", "--program", "nope"],
    ["export", "members"],
    ["export", "members", "--program", "nope"],
    ["export", "members", "--program", "coffee-roulette", "--format", "xml"],
    ["match"],
    ["match", "groups", "--members", "{binary}", "--out", "{out}"],
    ["match", "groups", "--members", "{missing}", "--out", "{out}"],
    ["tick", "--bogus"],
    ["rounds"],
    ["rounds", "bogus"],
    ["rounds", "run"],
    ["rounds", "run", "--program", "nope"],
    ["rounds", "run", "--program", "coaching-circles"],
    ["rounds", "run", "--program", "coffee-roulette", "--seed", "abc"],
    ["rounds", "list", "--program"],
    ["circles"],
    ["circles", "form", "--program", "nope"],
    ["circles", "form", "--program", "coffee-roulette"],
    ["circles", "form", "--program", "coaching-circles", "--starts-on", "someday"],
    ["circles", "form", "--program", "coaching-circles", "--strategy", "bogus"],
    ["mentorship"],
    ["mentorship", "frobnicate"],
    ["mentorship", "assign", "--program", "nope"],
    ["mentorship", "assign", "--program", "mentorship", "--method", "bogus"],
    ["mentorship", "assign", "--program", "mentorship", "--seed", "x"],
]


@pytest.mark.parametrize("argv", CLI_BAD_INPUT, ids=lambda a: " ".join(a) or "(none)")
def test_cli_bad_input_exits_2_with_one_line_and_changes_nothing(community, tmp_path, capsys, argv):
    (tmp_path / "binary.csv").write_bytes(BINARY)
    (tmp_path / "bad.csv").write_text("email,timezone\nnot-an-email,Nowhere\n" * 50)
    paths = {
        "binary": str(tmp_path / "binary.csv"),
        "missing": str(tmp_path / "missing.csv"),
        "bad_rows": str(tmp_path / "bad.csv"),
        "out": str(tmp_path / "out.csv"),
    }
    args = [a.format(**paths) for a in argv]
    before = _snapshot()
    code, _out, err = _run(args, capsys)
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert len(err) <= 400, err
    assert "Traceback" not in err
    assert _snapshot() == before
    assert not (tmp_path / "out.csv").exists()


def _peerly(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "peerly", *args],
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("args", [["tick"], ["migrate"], ["rounds", "list", "--program", "x"]])
def test_cli_with_the_database_unreachable_prints_one_line_and_exits_1(args, tmp_path):
    result = _peerly(
        *args, DATABASE_URL="postgres://postgres@127.0.0.1:1/x", PEERLY_HOME=str(tmp_path)
    )
    assert result.returncode == 1, result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("peerly: database unavailable: ")
    assert "Traceback" not in result.stderr


def test_cli_unknown_command_and_binary_import_are_one_line_for_real(tmp_path):
    unknown = _peerly("frobnicate", PEERLY_HOME=str(tmp_path))
    assert unknown.returncode == 2
    assert unknown.stderr == "peerly: unknown command 'frobnicate' (run 'peerly help')\n"
    binary = tmp_path / "ls"
    binary.write_bytes(BINARY)
    migrated = _peerly("migrate", "--verbosity", "0", PEERLY_HOME=str(tmp_path))
    assert migrated.returncode == 0, migrated.stderr
    result = _peerly("import", "members", str(binary), PEERLY_HOME=str(tmp_path))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and len(result.stderr) <= 400, result.stderr


def test_one_line_collapses_and_cuts_long_messages():
    text = cli.one_line("a\nb\x00c " + "x" * 1000)
    assert text.startswith("a b?c ") and len(text) == cli.MAX_ERROR_CHARS
    assert text.endswith("…")
