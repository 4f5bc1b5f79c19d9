import io
import json
import subprocess
import sys

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.programs.importing import apply_import
from peerly.programs.importing import parse_members_csv
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Invitation
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = (
    b"email,display_name,team,timezone,languages,skills\n"
    b"ana@example.org,Ana,Design,Europe/Lisbon,Portuguese; English,UX\n"
    b"ben@example.org,Ben,Docs,America/Chicago,English,Writing\n"
)


def errors_of(data: bytes, **kw) -> list[str]:
    return [str(e) for e in parse_members_csv(data, **kw).errors]


def test_valid_file_imports_accounts_profiles_and_enrolments(django_capture_on_commit_callbacks):
    program = ProgramFactory()
    existing = UserFactory(email="ben@example.org")
    preview = parse_members_csv(GOOD, program=program)
    assert preview.ok and preview.new_accounts == 1
    with django_capture_on_commit_callbacks(execute=True):
        result = apply_import(preview=preview, program=program, actor=None)
    assert (result.created_accounts, result.enrolled, result.invited) == (1, 1, 1)
    ana = User.objects.get(email="ana@example.org")
    assert not ana.has_usable_password()
    assert Profile.objects.get(user=ana).languages == "Portuguese, English"
    assert Profile.objects.get(user=existing).team == "Engineering"  # existing profile untouched
    # The new account is enrolled; the existing one is only invited (it must accept).
    assert list(
        Enrollment.objects.filter(program=program).values_list("user__email", "status")
    ) == [("ana@example.org", "active")]
    assert Invitation.objects.get(program=program).email == "ben@example.org"
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "ben@example.org"]
    # Importing the same file again changes nothing: nobody enrolled or invited twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = apply_import(
            preview=parse_members_csv(GOOD, program=program), program=program, actor=None
        )
    assert (result.created_accounts, result.enrolled, result.skipped_already_enrolled) == (0, 0, 1)
    assert Invitation.objects.filter(program=program).count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "line 1: the file is empty"),
        (b"name,mail\nx,y\n", "missing column email; unknown column name, mail"),
        (b"email,email\na@x.org,b@x.org\n", "repeated column email"),
        (
            b"email,timezone\na@example.org,Mars/Base\n",
            "line 2, column timezone: “Mars/Base” is not a known IANA time zone",
        ),
        (
            b"email\na@example.org\nA@example.org\n",
            "line 3, column email: a@example.org already appears on line 2",
        ),
        (b"email\nnot-an-email\n", "line 2, column email: “not-an-email” is not a valid email"),
        (b"email,team\na@example.org\n", "line 2: expected 2 fields, found 1"),
        ("email,team\na@example.org,Ingeniería\n".encode("latin-1"), "not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
        (b"email\n", "header but no members"),
        (b"email,role\na@example.org,boss\n", "line 2, column role: “boss” is not a role here"),
    ],
)
def test_malformed_files_are_reported_per_row(data, expected):
    program = ProgramFactory()
    errors = errors_of(data, program=program)
    assert any(expected in e for e in errors), errors
    assert not User.objects.exists()


def test_huge_file_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1000
    data = b"email\n" + b"".join(f"p{i}@example.org\n".encode() for i in range(200))
    assert "limit is 1,000 bytes" in errors_of(data)[0]
    settings.IMPORT_MAX_BYTES = 10**7
    settings.IMPORT_MAX_ROWS = 50
    assert any("too many rows" in e for e in errors_of(data))


def test_apply_refuses_preview_with_errors():
    preview = parse_members_csv(b"email\nbad\n")
    with pytest.raises(ValueError, match="errors"):
        apply_import(preview=preview, program=None, actor=None)


def test_web_import_previews_then_saves_on_confirm(personas):
    client = personas.client("organiser")
    url = reverse("programs:manage-import", args=[personas.program.slug])
    bad = io.BytesIO(b"email,timezone\nx@example.org,Nowhere\n")
    bad.name = "bad.csv"
    page = client.post(url, {"file": bad}).content.decode()
    assert "is not a known IANA time zone" in page and "nothing was saved" in page
    good = io.BytesIO(GOOD)
    good.name = "good.csv"
    page = client.post(url, {"file": good}).content.decode()
    assert "Import 2 members" in page
    assert not User.objects.filter(email="ana@example.org").exists()
    import re

    content = re.search(r'name="content" value="([^"]+)"', page).group(1)
    response = client.post(url, {"content": content, "confirm": "1"})
    assert response.status_code == 302
    assert Enrollment.objects.filter(
        program=personas.program, user__email="ana@example.org"
    ).exists()


def test_cli_import_dry_run_and_errors(tmp_path, capsys):
    program = ProgramFactory(slug="coffee")
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    call_command("import_members", str(good), "--program", "coffee", "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert not User.objects.filter(email="ana@example.org").exists()
    call_command("import_members", str(good), "--program", "coffee")
    assert Enrollment.objects.filter(program=program).count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"email,timezone\nx@example.org,Nowhere\ny@example.org,UTC\nbad,UTC\n")
    with pytest.raises(CommandError) as exc:
        call_command("import_members", str(bad), "--program", "coffee")
    assert exc.value.returncode == 2
    assert "line 2, column timezone" in str(exc.value) and "2 errors" in str(exc.value)
    assert "line 4, column email" in capsys.readouterr().out
    assert not User.objects.filter(email="y@example.org").exists()
    with pytest.raises(CommandError, match="unknown programme 'nope'"):
        call_command("import_members", str(good), "--program", "nope")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_members", str(tmp_path / "missing.csv"))


def test_cli_export_csv_and_json(capsys):
    program = ProgramFactory(slug="circles")
    EnrollmentFactory(program=program, user=UserFactory(email="zed@example.org"))
    call_command("export_members", "--program", "circles")
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("email,display_name,team")
    assert "zed@example.org" in out
    call_command("export_members", "--program", "circles", "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["email"] == "zed@example.org" and rows[0]["status"] == "active"


def test_peerly_command_exits_2_with_one_line(tmp_path):
    env_db = tmp_path / "db.sqlite3"
    import os

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{env_db}"}
    subprocess.run([sys.executable, "-m", "peerly", "migrate", "-v0"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, "-m", "peerly", "import", "members", str(tmp_path / "none.csv")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "cannot read" in result.stderr
    assert "Traceback" not in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "peerly", "export", "members", "--program", "nope"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "unknown programme 'nope'" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "peerly", "import"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2


# ------------------------------------------- existing accounts are invited, never enrolled
EXISTING = b"email,display_name,team,role\nroot@example.org,Hacked,Ops,\nleft@example.org,,,\n"


@pytest.fixture
def existing_accounts(personas):  # type: ignore[no-untyped-def]
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    gone = UserFactory(email="left@example.org")
    EnrollmentFactory(program=personas.program, user=gone, status=EnrollmentStatus.LEFT)
    return admin, gone


def test_import_preview_says_existing_accounts_will_be_invited(personas, existing_accounts):
    client = personas.client("organiser")
    upload = io.BytesIO(EXISTING)
    upload.name = "members.csv"
    page = client.post(
        reverse("programs:manage-import", args=[personas.program.slug]), {"file": upload}
    ).content.decode()
    assert page.count("existing account: will be invited") == 2
    assert not Invitation.objects.exists()


def test_web_import_of_existing_accounts_shows_the_organiser_nothing_more(
    personas, existing_accounts, django_capture_on_commit_callbacks
):
    admin, gone = existing_accounts
    client = personas.client("organiser")
    url = reverse("programs:manage-import", args=[personas.program.slug])
    upload = io.BytesIO(EXISTING)
    upload.name = "members.csv"
    page = client.post(url, {"file": upload}).content.decode()
    import re

    content = re.search(r'name="content" value="([^"]+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"content": content, "confirm": "1"}, follow=True)
    assert "2 invited" in response.content.decode()
    # No enrolment for the admin; the one who left stays left.
    assert not Enrollment.objects.filter(user=admin).exists()
    assert Enrollment.objects.get(user=gone).status == EnrollmentStatus.LEFT
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "left@example.org",
        "root@example.org",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["left@example.org", "root@example.org"]
    admin.refresh_from_db()
    assert admin.display_name != "Hacked"
    # The organiser sees neither in the member list nor the export, nor the admin's profile.
    members = client.get(reverse("programs:manage", args=[personas.program.slug]))
    assert "root@example.org" not in members.content.decode()
    export = client.get(reverse("programs:manage-export", args=[personas.program.slug]))
    assert "root@example.org" not in export.getvalue().decode()
    profile = client.get(reverse("accounts:member", args=[admin.pk]))
    assert profile.status_code == 404


def test_invited_existing_account_joins_by_accepting_the_agreement(
    personas, existing_accounts, django_capture_on_commit_callbacks
):
    admin, _ = existing_accounts
    program = personas.program
    program.expectations = "Keep what you hear confidential."
    program.save()
    with django_capture_on_commit_callbacks(execute=True):
        apply_import(
            preview=parse_members_csv(EXISTING, program=program),
            program=program,
            actor=personas.organiser,
        )
    import re

    body = next(m.body for m in mail.outbox if m.to == ["root@example.org"])
    link = re.search(r"/programs/invitations/\S+/", body).group(0)
    client = personas.client("admin")
    client.force_login(admin)
    page = client.get(link).content.decode()
    assert "Keep what you hear confidential." in page
    refused = client.post(link, {})
    assert refused.status_code == 200
    assert not Enrollment.objects.filter(user=admin).exists()
    assert client.post(link, {"agreement": "on"}).status_code == 302
    enrollment = Enrollment.objects.get(user=admin, program=program)
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert enrollment.agreement_accepted_at is not None


def test_cli_import_invites_existing_accounts(tmp_path, capsys, existing_accounts, personas):
    admin, _ = existing_accounts
    path = tmp_path / "members.csv"
    path.write_bytes(EXISTING + b"newbie@example.org,,,\n")
    call_command("import_members", str(path), "--program", personas.program.slug, "--dry-run")
    out = capsys.readouterr().out
    assert "1 new account, 2 existing accounts to invite" in out
    call_command("import_members", str(path), "--program", personas.program.slug)
    out = capsys.readouterr().out
    assert "1 enrolled" in out and "2 invited" in out
    assert not Enrollment.objects.filter(user=admin).exists()
    assert Enrollment.objects.get(user__email="newbie@example.org").status == "active"
